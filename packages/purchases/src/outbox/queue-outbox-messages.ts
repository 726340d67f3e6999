import type { Queryable } from '@codex/database';
import type { ObservabilityClient } from '@codex/observability';
import { findQueueableOutboxMessagesOf } from './find-queueable-outbox-messages';

/** The e-mail queue's message: the id of one `email_outbox` row, nothing else (no address). */
export interface EmailQueueMessage {
  outboxId: string;
}

/**
 * What the e-mail wiring uses of a Cloudflare Queue producer binding (`Queue<EmailQueueMessage>`
 * satisfies it), written out so that code typed without the Workers globals compiles too.
 */
export interface EmailQueue {
  sendBatch(messages: Iterable<{ body: EmailQueueMessage }>): Promise<unknown>;
}

// Queues accept at most 100 messages per `sendBatch`.
const MAX_BATCH_MESSAGES = 100;

/**
 * Sends outbox ids to the e-mail queue, 100 per batch. Returns how many were sent. Throws if the
 * queue refuses (the rows stay pending: the cron finds them).
 */
export async function sendOutboxIds(
  queue: EmailQueue,
  outboxIds: readonly string[],
): Promise<number> {
  for (let start = 0; start < outboxIds.length; start += MAX_BATCH_MESSAGES) {
    const chunk = outboxIds.slice(start, start + MAX_BATCH_MESSAGES);
    await queue.sendBatch(chunk.map((outboxId) => ({ body: { outboxId } })));
  }
  return outboxIds.length;
}

/** What {@link queueOutboxMessagesOf} needs. */
export interface QueueOutboxMessagesOfOptions {
  /** The producer binding; absent: nothing is sent (the cron finds the rows). */
  queue: EmailQueue | undefined;
  db: Queryable;
  purchaseId: string;
  logger: Pick<ObservabilityClient, 'info' | 'warn'>;
}

/**
 * After the transaction that wrote a purchase's outbox rows committed: sends the ids of its rows
 * still waiting to the e-mail queue. Meant for `waitUntil`, after the response. Never rejects: a
 * failure (database or queue) is logged as a warning, and the rows, committed and pending, are
 * found by the cron (`findDueOutboxMessages`).
 */
export async function queueOutboxMessagesOf(options: QueueOutboxMessagesOfOptions): Promise<void> {
  const { queue, db, purchaseId, logger } = options;
  if (!queue) return;
  try {
    const ids = await findQueueableOutboxMessagesOf(db, purchaseId);
    if (ids.length === 0) return;
    await sendOutboxIds(queue, ids);
    logger.info('emails queued', { purchaseId, count: ids.length });
  } catch (error) {
    logger.warn('emails not queued; the cron will', {
      purchaseId,
      error: error instanceof Error ? error.name : 'unknown',
    });
  }
}
