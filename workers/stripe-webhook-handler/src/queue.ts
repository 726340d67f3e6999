import { createResendSender } from '@codex/email';
import { ObservabilityClient } from '@codex/observability';
import {
  EmailOutbox,
  findStripeReceiptUrl,
  type OutboxDeliveryOutcome,
  sendOutboxIds,
} from '@codex/purchases';
import { createStripeClient, lazyDatabase, readEmailSettings } from '@codex/worker-runtime';
import { readDeliveryConfig, type WebhookBindings } from './env';
import { SERVICE } from './middleware';

// Cloudflare Queues accept a retry delay of at most 12 hours.
const MAX_RETRY_DELAY_SECONDS = 12 * 60 * 60;

/**
 * The e-mail queue's consumer (`codex-emails`): each message names one outbox row,
 * `{ outboxId }`, delivered with `EmailOutbox.deliverOutboxMessage`. Sent, skipped (a duplicate,
 * not due, leased elsewhere) and dead are acknowledged; a retryable failure is retried when the
 * row is due again (`nextAttemptAt`); a thrown error (database down) is retried with the queue's
 * own delay. A message that names no row is acknowledged and logged (without its body). E-mail
 * disabled or misconfigured: every message is acknowledged and the rows stay pending (one log line
 * per batch): the outbox, not the queue, is the record, and the cron queues them again once
 * e-mail is configured.
 */
export const queue: ExportedHandlerQueueHandler<WebhookBindings, unknown> = async (
  batch,
  env,
  _ctx,
) => {
  const logger = new ObservabilityClient(SERVICE, env.ENVIRONMENT ?? 'unknown', {
    context: { queue: batch.queue },
  });
  const config = readDeliveryConfig(env);
  const email = readEmailSettings(env);
  if (!config.ok || !email.ok) {
    logger.error('worker misconfigured; emails left pending', {
      problems: [...(config.ok ? [] : config.problems), ...(email.ok ? [] : email.problems)],
    });
    for (const message of batch.messages) message.ack();
    return;
  }
  if (!email.config.enabled) {
    logger.warn('email disabled (no RESEND_API_KEY); emails left pending', {
      messages: batch.messages.length,
    });
    for (const message of batch.messages) message.ack();
    return;
  }
  const database = lazyDatabase({ config: config.config, logger });
  const outbox = new EmailOutbox({
    // One statement per step: SQL over HTTP, nothing to close.
    db: database.http(),
    sender: createResendSender({ apiKey: email.config.apiKey, apiBase: email.config.apiBase }),
    from: email.config.from,
    logger,
    // The confirmation links Stripe's receipt: one call per confirmation, at its first render.
    ...(config.config.STRIPE_SECRET_KEY
      ? {
          findReceiptUrl: findStripeReceiptUrl(
            createStripeClient({
              secretKey: config.config.STRIPE_SECRET_KEY,
              apiBase: config.config.STRIPE_API_BASE,
              maxNetworkRetries: 0,
              timeoutMs: 5_000,
            }),
          ),
        }
      : {}),
  });
  for (const message of batch.messages) {
    const outboxId = outboxIdOf(message.body);
    if (!outboxId) {
      logger.error('email queue message unreadable; dropped', { messageId: message.id });
      message.ack();
      continue;
    }
    let outcome: OutboxDeliveryOutcome;
    try {
      outcome = await outbox.deliverOutboxMessage(outboxId);
    } catch (error) {
      logger.trackError(error, { operation: 'deliver email', outboxId });
      message.retry();
      continue;
    }
    if (outcome.status === 'retry_scheduled') {
      message.retry({ delaySeconds: delayUntil(outcome.nextAttemptAt) });
    } else {
      message.ack();
    }
    if (outcome.status === 'sent' || outcome.status === 'dead') {
      await queueNextInLine(outbox, env, outboxId, logger);
    }
  }
};

/**
 * A purchase's messages go out in enqueue order: a later one is not queued while this one was
 * waiting. Once it is sent or dead, what it held back is queued now; a failure leaves it to the
 * cron (`findDueOutboxMessages`), never fails the batch.
 */
async function queueNextInLine(
  outbox: EmailOutbox,
  env: WebhookBindings,
  outboxId: string,
  logger: ObservabilityClient,
): Promise<void> {
  if (!env.EMAIL_QUEUE) return;
  try {
    const ids = await outbox.findNextInLineAfter(outboxId);
    if (ids.length > 0) await sendOutboxIds(env.EMAIL_QUEUE, ids);
  } catch (error) {
    logger.warn('next emails in line not queued; the cron will', {
      outboxId,
      error: error instanceof Error ? error.name : 'unknown',
    });
  }
}

function outboxIdOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { outboxId } = body as { outboxId?: unknown };
  return typeof outboxId === 'string' && outboxId.length > 0 ? outboxId : undefined;
}

function delayUntil(at: Date): number {
  const seconds = Math.ceil((at.getTime() - Date.now()) / 1000);
  return Math.min(Math.max(seconds, 0), MAX_RETRY_DELAY_SECONDS);
}
