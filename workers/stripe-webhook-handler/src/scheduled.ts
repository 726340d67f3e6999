import { createResendSender } from '@codex/email';
import { ObservabilityClient } from '@codex/observability';
import { EmailOutbox, FulfillmentService, PayoutService, sendOutboxIds } from '@codex/purchases';
import {
  createStripeClient,
  type LazyDatabase,
  lazyDatabase,
  readEmailSettings,
} from '@codex/worker-runtime';
import { readReconciliationConfig, type WebhookBindings } from './env';
import { SERVICE } from './middleware';

/**
 * Outbox rows queued again per run: rows committed but never queued (the worker died between
 * commit and send, or the checkout worker has no queue locally), retries due and expired leases.
 * Three subrequests (the revival, one query, one `sendBatch`) whatever the count; a backlog drains
 * 50 per run.
 */
export const OUTBOX_REQUEUE_LIMIT = 50;

/**
 * The Cron Trigger (`*\/10 * * * *`): runs `FulfillmentService.reconcilePendingPurchases()`, within
 * `RECONCILIATION_STRIPE_CALL_BUDGET` and `RECONCILIATION_TIME_BUDGET_MS`, then
 * `PayoutService.reconcile()` with the Stripe calls the first left (accounts still onboarding
 * re-read, sales with a payout step to take settled), on a
 * database client of its own, which is closed in the same `waitUntil`. The service logs its
 * summary; a failure of the run is logged with `trackError` and not rethrown (the next run retries,
 * every change it makes is conditional). A misconfiguration is logged once and the run skipped.
 * It also gives dead letters of a provider outage another round (`reviveOutageDeadMessages`,
 * bounded) and sends the e-mail outbox's due rows (`findDueOutboxMessages`, at most
 * {@link OUTBOX_REQUEUE_LIMIT}) to the e-mail queue; with e-mail disabled it logs one warning and
 * leaves them pending.
 */
export const scheduled: ExportedHandlerScheduledHandler<WebhookBindings> = (
  controller,
  env,
  ctx,
) => {
  const logger = new ObservabilityClient(SERVICE, env.ENVIRONMENT ?? 'unknown', {
    context: { cron: controller.cron, scheduledTime: new Date(controller.scheduledTime) },
  });
  const result = readReconciliationConfig(env);
  if (!result.ok) {
    logger.error('worker misconfigured', { problems: result.problems });
    return;
  }
  const { config } = result;
  const database = lazyDatabase({ config, logger });
  ctx.waitUntil(requeueDueEmails(env, database, logger));
  // Every attempt is a subrequest counted against the budget: no silent retries, and a slow
  // Stripe costs a run at most this long per call.
  const stripe = createStripeClient({
    secretKey: config.STRIPE_SECRET_KEY,
    apiBase: config.STRIPE_API_BASE,
    maxNetworkRetries: 0,
    timeoutMs: 5_000,
  });
  const services = { db: database.db(), http: database.http(), stripe, logger };
  const fulfillment = new FulfillmentService({ ...services, http: undefined });
  const payouts = new PayoutService(services);
  ctx.waitUntil(
    (async () => {
      const summary = await fulfillment
        .reconcilePendingPurchases({
          stripeCallBudget: config.RECONCILIATION_STRIPE_CALL_BUDGET,
          timeBudgetMs: config.RECONCILIATION_TIME_BUDGET_MS,
        })
        .catch((error: unknown) => {
          logger.trackError(error, { operation: 'reconcile pending purchases' });
          return undefined;
        });
      // The payouts' phase gets what the purchases left of the run's budget (decision 026).
      const stripeCallBudget =
        config.RECONCILIATION_STRIPE_CALL_BUDGET - (summary?.stripeCalls ?? 0);
      if (stripeCallBudget > 0) {
        await payouts
          .reconcile({ stripeCallBudget, timeBudgetMs: config.RECONCILIATION_TIME_BUDGET_MS })
          .catch((error: unknown) => {
            logger.trackError(error, { operation: 'reconcile payouts' });
          });
      }
    })().finally(() => database.close()),
  );
};

/** Sends due outbox rows to the e-mail queue. Never rejects: a failure is logged, the next run retries. */
async function requeueDueEmails(
  env: WebhookBindings,
  database: LazyDatabase,
  logger: ObservabilityClient,
): Promise<void> {
  const email = readEmailSettings(env);
  if (!email.ok) {
    logger.error('email misconfigured; emails left pending', { problems: email.problems });
    return;
  }
  if (!email.config.enabled) {
    logger.warn('email disabled (no RESEND_API_KEY); emails left pending');
    return;
  }
  if (!env.EMAIL_QUEUE) {
    logger.warn('no EMAIL_QUEUE binding; emails left pending');
    return;
  }
  try {
    const outbox = new EmailOutbox({
      db: database.http(),
      sender: createResendSender({ apiKey: email.config.apiKey, apiBase: email.config.apiBase }),
      from: email.config.from,
      logger,
    });
    // Dead letters of a provider outage first: revived, they are due now and queued below.
    await outbox.reviveOutageDeadMessages();
    const ids = await outbox.findDueOutboxMessages(OUTBOX_REQUEUE_LIMIT);
    if (ids.length > 0) {
      await sendOutboxIds(env.EMAIL_QUEUE, ids);
      logger.info('due emails queued', { count: ids.length });
    }
  } catch (error) {
    logger.trackError(error, { operation: 'queue due emails' });
  }
}
