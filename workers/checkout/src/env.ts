import type { EmailQueue } from '@codex/purchases';
import type { RateLimiter } from '@codex/security';
import { refusePlaceholders, type WorkerBindings, workerConfigSchema } from '@codex/worker-runtime';
import { z } from 'zod';

/** Bindings as Cloudflare hands them to the worker (strings unvalidated). */
export interface CheckoutBindings extends WorkerBindings {
  /** The `codex-emails` queue (producer binding); absent where not bound (locally). */
  EMAIL_QUEUE?: EmailQueue;
  AUTH_JWT_SECRET?: string;
  WEB_APP_URL?: string;
  CHECKOUT_ALLOW_PROMOTION_CODES?: string;
  CHECKOUT_ALLOW_FULLY_DISCOUNTED?: string;
  CHECKOUT_AUTOMATIC_TAX?: string;
  CHECKOUT_TAX_BEHAVIOR?: string;
  STRIPE_REUSE_CUSTOMERS?: string;
  /** Cloudflare rate-limiting binding; absent in plain local runs (an in-memory limiter stands in). */
  CHECKOUT_RATE_LIMITER?: RateLimiter;
}

/** A per-deployment switch as a var: `true` or `false`, absent meaning `fallback`. */
const switchVar = (fallback: boolean) =>
  z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .optional()
    .transform((value) => (value === undefined ? fallback : value === 'true'));

/** Checkout options, per deployment (decision 015): the sellers' switches are off unless set; customer reuse is on. */
export const checkoutOptionsSchema = z.object({
  CHECKOUT_ALLOW_PROMOTION_CODES: switchVar(false),
  CHECKOUT_ALLOW_FULLY_DISCOUNTED: switchVar(false),
  CHECKOUT_AUTOMATIC_TAX: switchVar(false),
  CHECKOUT_TAX_BEHAVIOR: z
    .enum(['exclusive', 'inclusive'], { error: 'must be exclusive or inclusive' })
    .default('exclusive'),
  // On: one Stripe Customer per buyer across purchases, carrying the buyer's address.
  STRIPE_REUSE_CUSTOMERS: switchVar(true),
});

/** What the `/api` routes need: the shared worker bindings, the buyer-token secret, the web app. */
export const checkoutConfigSchema = workerConfigSchema.extend({
  // Optional: without it, paid checkout answers 503 PAYMENT_PROVIDER_NOT_CONFIGURED (local runs
  // with free content); an empty value counts as unset.
  STRIPE_SECRET_KEY: z.preprocess(
    (value) => (value === '' ? undefined : value),
    workerConfigSchema.shape.STRIPE_SECRET_KEY.optional(),
  ),
  AUTH_JWT_SECRET: refusePlaceholders(
    z.string().min(32, { error: 'must be at least 32 characters' }),
  ),
  // Used as the CORS origin and the base of Stripe's return URLs: normalised to a bare origin.
  WEB_APP_URL: z.url({ protocol: /^https?$/ }).transform((value) => new URL(value).origin),
  ...checkoutOptionsSchema.shape,
});

/** Validated configuration of one worker instance. */
export type CheckoutConfig = z.infer<typeof checkoutConfigSchema>;
