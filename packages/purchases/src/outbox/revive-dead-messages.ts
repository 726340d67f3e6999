import { type Queryable, queryRows, type SQL, sql } from '@codex/database';
import type { ObservabilityClient } from '@codex/observability';

/**
 * Dead letters given another round per cron run, at most: half of the cron's queue batch
 * (`OUTBOX_REQUEUE_LIMIT`, 50), so after a long outage revivals drain at 25 per 10-minute run and
 * never crowd out messages that are due for the first time.
 */
export const REVIVE_LIMIT_PER_RUN = 25;
/**
 * A dead letter waits this long before its next round: one round (8 attempts, about an hour)
 * already failed, so the outage gets as long again to end before we spend more attempts.
 */
export const REVIVE_AFTER_DEAD_MS = 60 * 60_000;
/**
 * Only messages written less than 20 hours ago are revived. Resend forgets an idempotency key
 * after 24 hours; a round lasts about an hour, so every attempt of a message, revived or not,
 * falls inside the window of its first attempt, and a send accepted before a timeout is never
 * sent twice.
 */
export const REVIVE_WITHIN_MS = 20 * 60 * 60_000;
/**
 * Rounds after the first, at most. With a round and a pause of an hour each, 6 revivals cover an
 * outage of about 13 hours, all inside {@link REVIVE_WITHIN_MS}; a message still dead after that
 * waits for a person (`listDeadOutboxMessages`). At most 56 attempts per message.
 */
export const MAX_REVIVALS = 6;

/**
 * `last_error` (an SQL expression) is one of the failures that say "the provider was unavailable", as `createResendSender` writes them:
 * `timeout`, `network_error`, `http_429:…`, `http_5xx:…`, a 2xx without an id, and 409
 * `concurrent_idempotent_requests`. Never a 4xx refusal (422, 401/403, 409
 * `invalid_idempotent_request`) nor `no_contact`: sending those again cannot succeed.
 */
export function isOutageErrorSql(lastError: SQL): SQL {
  return sql`(${lastError} IN ('timeout', 'network_error', 'http_409:concurrent_idempotent_requests')
  OR ${lastError} ~ '^http_(429|5[0-9][0-9]):' OR ${lastError} ~ '^http_[0-9]{3}_no_id$')`;
}
const OUTAGE_ERROR_SQL = isOutageErrorSql(sql`last_error`);

/**
 * True for a dead row (columns of `row`, an alias) that the cron may still revive at `now` or
 * later: an outage error, fewer than {@link MAX_REVIVALS} revivals, written within
 * {@link REVIVE_WITHIN_MS}. Once false it stays false (time only moves forward, a dead row's error
 * and revivals do not change), which is what lets the send order treat it as settled.
 */
export function mayBeRevivedSql(row: string, now: Date): SQL {
  const writtenAfter = new Date(now.getTime() - REVIVE_WITHIN_MS).toISOString();
  const column = (name: string) => sql.raw(`${row}.${name}`);
  return sql`(${column('status')} = 'dead' AND ${isOutageErrorSql(column('last_error'))}
    AND ${column('revivals')} < ${MAX_REVIVALS} AND ${column('created_at')} > ${writtenAfter}::timestamptz)`;
}

export interface ReviveDeadMessagesOptions {
  db: Queryable;
  logger: ObservabilityClient;
  now: Date;
  /** Default {@link REVIVE_LIMIT_PER_RUN}. */
  limit?: number;
}

/**
 * Gives dead letters of a provider outage a new round of attempts: rows dead for at least
 * {@link REVIVE_AFTER_DEAD_MS} with an outage error, written within {@link REVIVE_WITHIN_MS},
 * revived fewer than {@link MAX_REVIVALS} times, oldest first, at most `limit`. Each becomes
 * `pending`, due now, with its attempts reset and `revivals + 1`; it keeps its id (the idempotency
 * key) and its stored bytes, so a message the provider had accepted is not sent twice. One
 * statement (`SKIP LOCKED`: two cron runs never revive a row twice). Logged once per run with the
 * row ids, never an address. Returns the revived ids. Throws only if the database fails.
 */
export async function reviveDeadMessages(options: ReviveDeadMessagesOptions): Promise<string[]> {
  const now = options.now.getTime();
  const deadBefore = new Date(now - REVIVE_AFTER_DEAD_MS).toISOString();
  const writtenAfter = new Date(now - REVIVE_WITHIN_MS).toISOString();
  const rows = await queryRows<{ id: string; revivals: number; last_error: string | null }>(
    options.db,
    sql`
    UPDATE email_outbox
    SET status = 'pending', attempts = 0, dead_at = NULL, locked_until = NULL,
        next_attempt_at = ${options.now.toISOString()}::timestamptz, revivals = revivals + 1
    WHERE status = 'dead' AND id IN (
      SELECT id FROM email_outbox
      WHERE status = 'dead' AND dead_at <= ${deadBefore}::timestamptz
        AND created_at > ${writtenAfter}::timestamptz AND revivals < ${MAX_REVIVALS}
        AND ${OUTAGE_ERROR_SQL}
      ORDER BY dead_at LIMIT ${options.limit ?? REVIVE_LIMIT_PER_RUN}
      FOR UPDATE SKIP LOCKED)
    RETURNING id, revivals, last_error`,
  );
  if (rows.length > 0) {
    options.logger.warn('dead emails revived after a provider outage', {
      count: rows.length,
      outboxIds: rows.map((row) => String(row.id)),
      lastErrors: [...new Set(rows.map((row) => row.last_error))],
    });
  }
  return rows.map((row) => String(row.id));
}
