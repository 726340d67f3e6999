import { ObservabilityClient } from '@codex/observability';
import { createStripeClient, FulfillmentService } from '@codex/purchases';
import { lazyDatabase } from '@codex/worker-runtime';
import { readReconciliationConfig, type WebhookBindings } from './env';
import { SERVICE } from './middleware';

/**
 * The Cron Trigger (`*\/10 * * * *`): runs `FulfillmentService.reconcilePendingPurchases()`, within
 * `RECONCILIATION_STRIPE_CALL_BUDGET` and `RECONCILIATION_TIME_BUDGET_MS`, on a
 * database client of its own, which is closed in the same `waitUntil`. The service logs its
 * summary; a failure of the run is logged with `trackError` and not rethrown (the next run retries,
 * every change it makes is conditional). A misconfiguration is logged once and the run skipped.
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
  const fulfillment = new FulfillmentService({
    db: database.db(),
    // Every attempt is a subrequest counted against the budget: no silent retries, and a slow
    // Stripe costs a run at most this long per call.
    stripe: createStripeClient({
      secretKey: config.STRIPE_SECRET_KEY,
      apiBase: config.STRIPE_API_BASE,
      maxNetworkRetries: 0,
      timeoutMs: 5_000,
    }),
    logger,
  });
  ctx.waitUntil(
    fulfillment
      .reconcilePendingPurchases({
        stripeCallBudget: config.RECONCILIATION_STRIPE_CALL_BUDGET,
        timeBudgetMs: config.RECONCILIATION_TIME_BUDGET_MS,
      })
      .catch((error: unknown) => {
        logger.trackError(error, { operation: 'reconcile pending purchases' });
      })
      .finally(() => database.close()),
  );
};
