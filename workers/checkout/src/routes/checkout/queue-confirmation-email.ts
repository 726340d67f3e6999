import { queueOutboxMessagesOf } from '@codex/purchases';
import type { Context } from 'hono';
import type { CheckoutEnv } from '../../context';

/**
 * After the response (`waitUntil`), sends the outbox ids of the e-mails a purchase's completion
 * wrote (its confirmation) to `EMAIL_QUEUE`. Both checkout routes can complete a purchase: a free
 * item, or the success page settling a paid session. Without that binding (local `wrangler dev`),
 * or if sending fails, the webhook worker's cron picks the rows up; an id already queued or sent
 * is skipped, so calling it again for the same purchase is harmless.
 */
export function queueConfirmationEmail(c: Context<CheckoutEnv>, purchaseId: string): void {
  c.executionCtx.waitUntil(
    queueOutboxMessagesOf({
      queue: c.env.EMAIL_QUEUE,
      db: c.var.httpDatabase(),
      purchaseId,
      logger: c.var.logger,
    }),
  );
}
