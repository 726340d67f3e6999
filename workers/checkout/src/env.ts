import type { RateLimiter } from '@codex/security';
import {
  type EmailBindings,
  refusePlaceholders,
  type WorkerBindings,
  workerConfigSchema,
} from '@codex/worker-runtime';
import { z } from 'zod';

/** Bindings as Cloudflare hands them to the worker (strings unvalidated). */
export interface CheckoutBindings extends WorkerBindings, Pick<EmailBindings, 'EMAIL_QUEUE'> {
  AUTH_JWT_SECRET?: string;
  WEB_APP_URL?: string;
  /** Cloudflare rate-limiting binding; absent in plain local runs (an in-memory limiter stands in). */
  CHECKOUT_RATE_LIMITER?: RateLimiter;
}

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
});

/** Validated configuration of one worker instance. */
export type CheckoutConfig = z.infer<typeof checkoutConfigSchema>;
