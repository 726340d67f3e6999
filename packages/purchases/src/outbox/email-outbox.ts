import { type EmailOutboxRow, type Queryable, queryRows, sql } from '@codex/database';
import type { EmailSender, SendResult } from '@codex/email';
import type { ObservabilityClient } from '@codex/observability';
import { bytesToSend, type FindReceiptUrl, type MessageFacts, toDate } from './message-bytes';
import { REVIVE_LIMIT_PER_RUN, reviveDeadMessages } from './revive-dead-messages';
import { isNextInLineSql } from './send-order';

/** Attempts before a message that keeps failing is dead-lettered. */
export const DEFAULT_MAX_ATTEMPTS = 8;
// Longer than the sender's timeout (10 s) with room to mark the result: a consumer that died
// mid-send leaves a lease that expires, and the row is claimed again.
const DEFAULT_LEASE_MS = 60_000;
// 30 s doubling: 8 attempts span about an hour, well inside Resend's 24-hour idempotency window,
// so every retry of one row is deduplicated by the provider.
const DEFAULT_BACKOFF_BASE_MS = 30_000;
const MAX_BACKOFF_MS = 60 * 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface EmailOutboxDependencies {
  /** One statement per step: SQL over HTTP in a worker, or the pool. */
  db: Queryable;
  sender: EmailSender;
  /** `EMAIL_FROM`, e.g. `Codex <receipts@codex.example>`. */
  from: string;
  logger: ObservabilityClient;
  clock?: () => Date;
  /** Default {@link DEFAULT_MAX_ATTEMPTS}. */
  maxAttempts?: number;
  /** How long a claimed row is left to its consumer. Default 60 s. */
  leaseMs?: number;
  /** First retry delay, doubled per attempt (capped at an hour). Default 30 s. */
  backoffBaseMs?: number;
  /**
   * Finds Stripe's receipt of a purchase's payment for its confirmation (`findStripeReceiptUrl`):
   * one Stripe call, once per confirmation, at its first render, off the webhook's hot path.
   * Absent, or failing: the confirmation is sent without the link (a warning, never the URL).
   */
  findReceiptUrl?: FindReceiptUrl;
}

/** What one delivery did. */
export type OutboxDeliveryOutcome =
  | { status: 'sent'; providerMessageId: string; attempts: number }
  /** Failed, retryable: due again at `nextAttemptAt` (the queue may retry then; the cron will). */
  | { status: 'retry_scheduled'; code: string; attempts: number; nextAttemptAt: Date }
  | { status: 'dead'; code: string; attempts: number }
  /**
   * Nothing done: already sent or dead, not due yet, another consumer holds its lease, or no such
   * row. Redelivery of a message is always safe: this is what a duplicate meets.
   */
  | { status: 'skipped'; reason: 'not_claimable' };

/** A dead-lettered message, as a person reviewing it sees it (no address). */
export interface DeadOutboxMessage {
  id: string;
  purchaseId: string;
  kind: EmailOutboxRow['kind'];
  attempts: number;
  lastError: string | null;
  deadAt: Date;
}

interface ClaimedRow extends MessageFacts, Record<string, unknown> {
  purchase_id: string;
  attempts: number;
  email: string | null;
}

/**
 * Sends what the outbox holds, exactly once per row: the row is claimed with a conditional update
 * (a lease), sent with the row id as the provider's idempotency key, and marked. A queue consumer
 * calls {@link EmailOutbox.deliverOutboxMessage} with the id it was given; the cron calls
 * {@link EmailOutbox.findDueOutboxMessages} and enqueues the ids again (rows committed but never
 * queued, retries that are due, leases that expired).
 */
export class EmailOutbox {
  readonly #db: Queryable;
  readonly #sender: EmailSender;
  readonly #from: string;
  readonly #logger: ObservabilityClient;
  readonly #clock: () => Date;
  readonly #maxAttempts: number;
  readonly #leaseMs: number;
  readonly #backoffBaseMs: number;
  readonly #findReceiptUrl: FindReceiptUrl | undefined;

  constructor(dependencies: EmailOutboxDependencies) {
    if (!dependencies.from) throw new Error('EmailOutbox: EMAIL_FROM is required');
    this.#db = dependencies.db;
    this.#sender = dependencies.sender;
    this.#from = dependencies.from;
    this.#logger = dependencies.logger;
    this.#clock = dependencies.clock ?? (() => new Date());
    this.#maxAttempts = dependencies.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.#leaseMs = dependencies.leaseMs ?? DEFAULT_LEASE_MS;
    this.#backoffBaseMs = dependencies.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS;
    this.#findReceiptUrl = dependencies.findReceiptUrl;
  }

  /**
   * Delivers one outbox row. Claims it only if it is pending, due and next in line (no earlier
   * message of its purchase still waiting: `isNextInLineSql`), or its lease expired (attempts + 1); a row that is sent, dead, not due or leased to another consumer is `skipped`.
   * Sends with idempotency key = the row id, so a retry after a provider timeout is one e-mail.
   * Sent: marked `sent` with the provider's id. Retryable failure: `pending` again at
   * `now + base × 2^(attempts-1)`, unless attempts reached the maximum: `dead`. Permanent failure
   * (or no address left to write to): `dead` at once. A dead letter is logged as an error naming
   * the row and the code, never the address. Throws only if the database fails (the lease then
   * expires and the row is claimed again).
   */
  async deliverOutboxMessage(id: string): Promise<OutboxDeliveryOutcome> {
    // A malformed queue message names no row (and must not fail the cast, forever redelivered).
    if (!UUID.test(id)) return { status: 'skipped', reason: 'not_claimable' };
    const claimed = await this.#claim(id);
    if (!claimed) return { status: 'skipped', reason: 'not_claimable' };
    const context = { outboxId: claimed.id, purchaseId: claimed.purchase_id, kind: claimed.kind };
    if (!claimed.email) {
      return this.#bury(claimed, 'no_contact', context);
    }
    const rendered = await bytesToSend(this.#db, claimed, () => this.#receiptUrlOf(claimed));
    const result: SendResult = await this.#sender.send(
      { from: this.#from, to: claimed.email, ...rendered },
      { idempotencyKey: claimed.id },
    );
    if (result.status === 'sent') {
      await queryRows(
        this.#db,
        sql`UPDATE email_outbox
            SET status = 'sent', sent_at = ${this.#now()}::timestamptz, locked_until = NULL,
                provider_message_id = ${result.providerMessageId}, last_error = NULL
            WHERE id = ${claimed.id} AND status IN ('sending', 'pending')`,
      );
      this.#logger.info('email sent', {
        ...context,
        attempts: claimed.attempts,
        providerMessageId: result.providerMessageId,
      });
      return {
        status: 'sent',
        providerMessageId: result.providerMessageId,
        attempts: claimed.attempts,
      };
    }
    if (!result.retryable || claimed.attempts >= this.#maxAttempts) {
      return this.#bury(claimed, result.code, context);
    }
    const nextAttemptAt = new Date(this.#clock().getTime() + this.#backoffMs(claimed.attempts));
    await queryRows(
      this.#db,
      sql`UPDATE email_outbox
          SET status = 'pending', locked_until = NULL, last_error = ${result.code},
              next_attempt_at = ${nextAttemptAt.toISOString()}::timestamptz
          WHERE id = ${claimed.id} AND status = 'sending' AND attempts = ${claimed.attempts}`,
    );
    this.#logger.warn('email not sent; will retry', {
      ...context,
      code: result.code,
      attempts: claimed.attempts,
      nextAttemptAt: nextAttemptAt.toISOString(),
    });
    return {
      status: 'retry_scheduled',
      code: result.code,
      attempts: claimed.attempts,
      nextAttemptAt,
    };
  }

  /**
   * Ids to deliver again, oldest due first, at most `limit`: pending rows whose next attempt is
   * due and that are next in line in their purchase (including rows committed but never queued) and rows whose lease expired (a consumer died
   * mid-send). One statement, two index scans. A row may also still be in the queue: delivering it
   * twice is safe.
   */
  async findDueOutboxMessages(limit: number): Promise<string[]> {
    const now = this.#now();
    const rows = await queryRows<{ id: string }>(
      this.#db,
      sql`
      SELECT id FROM (
        (SELECT id, next_attempt_at AS due FROM email_outbox
         WHERE status = 'pending' AND next_attempt_at <= ${now}::timestamptz
           AND ${isNextInLineSql('email_outbox', this.#clock())}
         ORDER BY next_attempt_at LIMIT ${limit})
        UNION ALL
        (SELECT id, locked_until AS due FROM email_outbox
         WHERE status = 'sending' AND locked_until < ${now}::timestamptz
         ORDER BY locked_until LIMIT ${limit})
      ) due ORDER BY due LIMIT ${limit}`,
    );
    return rows.map((row) => String(row.id));
  }

  /**
   * After a message was sent or dead-lettered: the ids of its purchase's messages that it held
   * back and that are now next in line and due (one indexed statement; usually none or one). The
   * queue consumer sends them to the queue at once, rather than leave them to the cron's next run.
   */
  async findNextInLineAfter(outboxId: string): Promise<string[]> {
    if (!UUID.test(outboxId)) return [];
    const now = this.#clock();
    const rows = await queryRows<{ id: string }>(
      this.#db,
      sql`SELECT next.id FROM email_outbox done
          JOIN email_outbox next ON next.purchase_id = done.purchase_id
          WHERE done.id = ${outboxId}::uuid AND next.status = 'pending'
            AND next.next_attempt_at <= ${now.toISOString()}::timestamptz
            AND ${isNextInLineSql('next', now)}
          ORDER BY next.created_at, next.id`,
    );
    return rows.map((row) => String(row.id));
  }

  /**
   * Gives messages dead-lettered by a provider outage (5xx, 429, timeout, network) another round
   * of attempts, bounded: see `reviveDeadMessages` for which, how many and how often. The cron
   * calls it before {@link EmailOutbox.findDueOutboxMessages}, which then finds them due. Returns
   * the revived ids; logs them (never an address).
   */
  async reviveOutageDeadMessages(limit = REVIVE_LIMIT_PER_RUN): Promise<string[]> {
    return reviveDeadMessages({ db: this.#db, logger: this.#logger, now: this.#clock(), limit });
  }

  /** Dead-lettered messages, newest first: what a person reviews (and may re-queue by hand). */
  async listDeadOutboxMessages(limit = 100): Promise<DeadOutboxMessage[]> {
    const rows = await queryRows(
      this.#db,
      sql`SELECT id, purchase_id, kind, attempts, last_error, dead_at FROM email_outbox
          WHERE status = 'dead' ORDER BY dead_at DESC LIMIT ${limit}`,
    );
    return rows.map((row) => ({
      id: String(row.id),
      purchaseId: String(row.purchase_id),
      kind: row.kind as EmailOutboxRow['kind'],
      attempts: Number(row.attempts),
      lastError: row.last_error === null ? null : String(row.last_error),
      deadAt: toDate(row.dead_at as string | Date),
    }));
  }

  /** The conditional update that takes the lease, and what rendering needs, in one statement. */
  async #claim(id: string): Promise<ClaimedRow | undefined> {
    const now = this.#clock();
    const lockedUntil = new Date(now.getTime() + this.#leaseMs).toISOString();
    const rows = await queryRows<ClaimedRow>(
      this.#db,
      sql`
      WITH claimed AS (
        UPDATE email_outbox
        SET status = 'sending', attempts = attempts + 1, locked_until = ${lockedUntil}::timestamptz
        WHERE id = ${id}::uuid
          AND ((status = 'pending' AND next_attempt_at <= ${now.toISOString()}::timestamptz
                AND ${isNextInLineSql('email_outbox', now)})
               OR (status = 'sending' AND locked_until < ${now.toISOString()}::timestamptz))
        RETURNING id, purchase_id, kind, attempts, created_at, subject, html_body, text_body
      )
      SELECT claimed.id, claimed.purchase_id, claimed.kind, claimed.attempts, claimed.created_at,
             claimed.subject, claimed.html_body, claimed.text_body,
             contact.email, content.title,
             -- What the buyer paid: after a promotion code and with exclusive tax, not the list price.
             COALESCE(purchase.amount_total_cents, purchase.price_paid_cents) AS price_paid_cents,
             purchase.currency,
             purchase.purchased_at, purchase.dispute_status,
             purchase.stripe_payment_intent_id AS payment_intent_id
      FROM claimed
      JOIN content_purchases purchase ON purchase.id = claimed.purchase_id
      LEFT JOIN content ON content.id = purchase.content_id
      LEFT JOIN purchase_contacts contact ON contact.purchase_id = claimed.purchase_id`,
    );
    const row = rows[0];
    return row ? { ...row, attempts: Number(row.attempts) } : undefined;
  }

  async #bury(
    claimed: ClaimedRow,
    code: string,
    context: Record<string, unknown>,
  ): Promise<OutboxDeliveryOutcome> {
    await queryRows(
      this.#db,
      sql`UPDATE email_outbox
          SET status = 'dead', dead_at = ${this.#now()}::timestamptz, locked_until = NULL,
              last_error = ${code}
          WHERE id = ${claimed.id} AND status = 'sending' AND attempts = ${claimed.attempts}`,
    );
    this.#logger.error('email dead-lettered', { ...context, code, attempts: claimed.attempts });
    return { status: 'dead', code, attempts: claimed.attempts };
  }

  async #receiptUrlOf(claimed: ClaimedRow): Promise<string | undefined> {
    if (!this.#findReceiptUrl || !claimed.payment_intent_id) return undefined;
    try {
      return await this.#findReceiptUrl(claimed.payment_intent_id);
    } catch (error) {
      this.#logger.warn('receipt link not found; confirmation sent without it', {
        outboxId: claimed.id,
        error: error instanceof Error ? error.name : 'unknown',
      });
      return undefined;
    }
  }

  #backoffMs(attempts: number): number {
    return Math.min(this.#backoffBaseMs * 2 ** (attempts - 1), MAX_BACKOFF_MS);
  }

  #now(): string {
    return this.#clock().toISOString();
  }
}
