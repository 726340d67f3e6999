import type { EmailQueue } from '@codex/purchases';
import {
  type ConfigResult,
  type EmailBindings,
  readConfig,
  refusePlaceholders,
  type WorkerBindings,
  workerConfigSchema,
} from '@codex/worker-runtime';
import { z } from 'zod';

/** Bindings as Cloudflare hands them to the worker (strings unvalidated). */
export interface WebhookBindings extends WorkerBindings, EmailBindings {
  /** The `codex-emails` queue (producer and consumer binding); absent where not bound (locally). */
  EMAIL_QUEUE?: EmailQueue;
  STRIPE_WEBHOOK_SECRET_PAYMENT?: string;
  /** The Connect endpoint's signing secret (`/webhooks/stripe/connect`): its events carry `account`. */
  STRIPE_WEBHOOK_SECRET_CONNECT?: string;
  RECONCILIATION_STRIPE_CALL_BUDGET?: string;
  RECONCILIATION_TIME_BUDGET_MS?: string;
}

/** A positive whole number given as a var (vars are strings); unset gives `fallback`. */
const positiveInteger = (fallback: number, max: number) =>
  z.preprocess(
    (value) => (value === undefined || value === '' ? undefined : Number(value)),
    z.number().int().min(1).max(max).default(fallback),
  );

/**
 * What one reconciliation run may spend. 40 Stripe calls fit the Workers Free plan's 50
 * subrequests per invocation with room for the database connection; 20 s keeps a run short when
 * Stripe is slow. The next run resumes where a run stopped.
 */
const reconciliationSchema = workerConfigSchema.extend({
  RECONCILIATION_STRIPE_CALL_BUDGET: positiveInteger(40, 10_000),
  RECONCILIATION_TIME_BUDGET_MS: positiveInteger(20_000, 900_000),
});

/**
 * What the webhook endpoint needs: the shared worker bindings, STRIPE_SECRET_KEY included (every
 * refund and dispute is read from Stripe before it changes access), and the endpoint's
 * signing secret.
 */
export const webhookConfigSchema = workerConfigSchema.extend({
  STRIPE_WEBHOOK_SECRET_PAYMENT: refusePlaceholders(
    z.string().regex(/^whsec_\w+$/, { error: 'must be a Stripe webhook signing secret (whsec_…)' }),
  ),
  // Optional: without it the Connect endpoint answers 503 (Stripe retries) and the cron still
  // re-reads accounts still onboarding, so payouts wait, never get lost.
  STRIPE_WEBHOOK_SECRET_CONNECT: z.preprocess(
    (value) => (value === '' ? undefined : value),
    refusePlaceholders(
      z
        .string()
        .regex(/^whsec_\w+$/, { error: 'must be a Stripe webhook signing secret (whsec_…)' }),
    ).optional(),
  ),
});

/** What the webhook endpoint needs. */
export type WebhookConfig = z.infer<typeof webhookConfigSchema>;

/** What the scheduled reconciliation needs: the shared worker bindings and its budgets, no webhook secret. */
export type ReconciliationConfig = z.infer<typeof reconciliationSchema>;

/**
 * Validates the bindings reconciliation needs (once per bindings object). The webhook secret is
 * not one of them: the safety net for lost webhooks keeps running when the webhook endpoint itself
 * is misconfigured.
 */
export function readReconciliationConfig(env: WebhookBindings): ConfigResult<ReconciliationConfig> {
  return readConfig(reconciliationSchema, env);
}

/**
 * What the e-mail queue's consumer needs besides the e-mail settings (`readEmailSettings`): the
 * database, and Stripe only to link a confirmation's receipt (without a key the confirmation is
 * sent without the link; sending never depends on Stripe).
 */
const deliveryConfigSchema = workerConfigSchema
  .pick({
    DATABASE_URL: true,
    DATABASE_WS_PROXY: true,
    DATABASE_HTTP_ENDPOINT: true,
    ENVIRONMENT: true,
    STRIPE_SECRET_KEY: true,
    STRIPE_API_BASE: true,
  })
  .partial({ STRIPE_SECRET_KEY: true });

/** What the e-mail queue's consumer needs (database bindings, optionally Stripe). */
export type DeliveryConfig = z.infer<typeof deliveryConfigSchema>;

/** Validates the consumer's database bindings (once per bindings object). */
export function readDeliveryConfig(env: WebhookBindings): ConfigResult<DeliveryConfig> {
  return readConfig(deliveryConfigSchema, env);
}
