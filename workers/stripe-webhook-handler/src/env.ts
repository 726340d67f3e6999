import {
  type ConfigResult,
  readConfig,
  refusePlaceholders,
  type WorkerBindings,
  workerConfigSchema,
} from '@codex/worker-runtime';
import { z } from 'zod';

/** Bindings as Cloudflare hands them to the worker (strings unvalidated). */
export interface WebhookBindings extends WorkerBindings {
  STRIPE_WEBHOOK_SECRET_PAYMENT?: string;
}

/**
 * What the webhook endpoint needs: the shared worker bindings, STRIPE_SECRET_KEY included (every
 * refund and dispute is read from Stripe before it changes access), and the endpoint's
 * signing secret.
 */
export const webhookConfigSchema = workerConfigSchema.extend({
  STRIPE_WEBHOOK_SECRET_PAYMENT: refusePlaceholders(
    z.string().regex(/^whsec_\w+$/, { error: 'must be a Stripe webhook signing secret (whsec_…)' }),
  ),
});

/** What the webhook endpoint needs. */
export type WebhookConfig = z.infer<typeof webhookConfigSchema>;

/** What the scheduled reconciliation needs: the shared worker bindings, no webhook secret. */
export type ReconciliationConfig = z.infer<typeof workerConfigSchema>;

/**
 * Validates the bindings reconciliation needs (once per bindings object). The webhook secret is
 * not one of them: the safety net for lost webhooks keeps running when the webhook endpoint itself
 * is misconfigured.
 */
export function readReconciliationConfig(env: WebhookBindings): ConfigResult<ReconciliationConfig> {
  return readConfig(workerConfigSchema, env);
}
