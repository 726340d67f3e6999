import {
  createPlaybackGrantSigner,
  type PlaybackGrantPrivateJwk,
  type PlaybackGrantPublicJwk,
  toPublicJwks,
} from '@codex/playback-grants';
import type { EmailQueue } from '@codex/purchases';
import type { RateLimiter } from '@codex/security';
import { MAX_PRICE_CENTS } from '@codex/validation';
import { refusePlaceholders, type WorkerBindings, workerConfigSchema } from '@codex/worker-runtime';
import { z } from 'zod';

/** Bindings as Cloudflare hands them to the worker (strings unvalidated). */
export interface CheckoutBindings extends WorkerBindings {
  /** The `codex-emails` queue (producer binding); absent where not bound (locally). */
  EMAIL_QUEUE?: EmailQueue;
  AUTH_JWT_SECRET?: string;
  AUTH_JWKS_URL?: string;
  AUTH_ISSUER?: string;
  AUTH_AUDIENCE?: string;
  AUTH_STAFF_AUDIENCE?: string;
  WEB_APP_URL?: string;
  CHECKOUT_ALLOW_PROMOTION_CODES?: string;
  CHECKOUT_ALLOW_FULLY_DISCOUNTED?: string;
  CHECKOUT_AUTOMATIC_TAX?: string;
  CHECKOUT_TAX_BEHAVIOR?: string;
  STRIPE_REUSE_CUSTOMERS?: string;
  PLATFORM_FEE_BASIS_POINTS?: string;
  PLATFORM_FEE_FIXED_CENTS?: string;
  /** Secret: the current private Ed25519 JWK that signs playback grants, as JSON. */
  PLAYBACK_GRANT_SIGNING_KEY?: string;
  /** The live public keys of playback grants as a JSON JWKS (`{"keys":[...]}`): what the worker publishes. */
  PLAYBACK_GRANT_PUBLIC_KEYS?: string;
  PLAYBACK_GRANT_LIFETIME_SECONDS?: string;
  /** Cloudflare rate-limiting binding; absent in plain local runs (an in-memory limiter stands in). */
  CHECKOUT_RATE_LIMITER?: RateLimiter;
  /** Requests per staff member on the organization routes; an in-memory limiter when unbound. */
  STAFF_RATE_LIMITER?: RateLimiter;
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

/** A whole number var in [min, max], absent or empty meaning `fallback`. */
const integerVar = (fallback: number, min: number, max: number, meaning: string) =>
  z.preprocess(
    (value) => (value === '' || value === undefined ? undefined : value),
    z
      .string()
      .regex(/^\d+$/, { error: `must be a whole number of ${meaning} (${min} to ${max})` })
      .transform(Number)
      .pipe(
        z
          .number()
          .min(min, { error: `must be at least ${min} ${meaning}` })
          .max(max, { error: `must be at most ${max} ${meaning}` }),
      )
      .default(fallback),
  );

/**
 * The platform's default fee on each paid sale (decision 026): what checkout records on the sale
 * unless its organization has its own, and what the payout status shows. Basis points of the
 * amount charged before tax (0 to 10,000 = 100 %; default 1,000 = 10 %) plus a fixed part in the
 * currency's smallest unit (default 0).
 */
export const platformFeeSchema = z.object({
  PLATFORM_FEE_BASIS_POINTS: integerVar(1_000, 0, 10_000, 'basis points'),
  // Bounded by the largest charge Stripe takes: a bigger fixed part could never apply (and the
  // column is a 32-bit integer).
  PLATFORM_FEE_FIXED_CENTS: integerVar(0, 0, MAX_PRICE_CENTS, 'cents'),
});

/** An optional var: absent or empty (`KEY=` in a .dev.vars file) means unset. */
const optionalVar = <S extends z.ZodType>(schema: S) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/**
 * A JSON var checked by `read`, which throws a `TypeError` saying what is wrong. The messages
 * never hold the value: these are keys, and a refused configuration is logged.
 */
const jsonVar = <T>(what: string, read: (value: unknown) => T) =>
  z.string().transform((text, context): T => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      context.addIssue({ code: 'custom', message: `must be ${what} as JSON (it is not JSON)` });
      return z.NEVER;
    }
    try {
      return read(value);
    } catch (error) {
      const why = error instanceof TypeError ? error.message : 'not valid';
      context.addIssue({ code: 'custom', message: `must be ${what}: ${why}` });
      return z.NEVER;
    }
  });

/**
 * Playback grants (issue 23, decision 027): the private key that signs them, the public keys the
 * worker publishes (current and next or previous during a rotation) and their lifetime, which is
 * the revocation bound. Without a signing key the grant route answers 503; without public keys
 * the key set route answers 404.
 */
export const playbackGrantShape = {
  PLAYBACK_GRANT_SIGNING_KEY: optionalVar(
    jsonVar('a private Ed25519 JWK with a kid', (value): PlaybackGrantPrivateJwk => {
      // Checks the key as the signer will use it (imports nothing yet).
      createPlaybackGrantSigner({ privateJwk: value });
      return value as PlaybackGrantPrivateJwk;
    }),
  ),
  PLAYBACK_GRANT_PUBLIC_KEYS: optionalVar(
    jsonVar(
      'a JWKS ({"keys":[...]}) of public Ed25519 keys',
      (value): { keys: PlaybackGrantPublicJwk[] } => {
        // An own member only: an array has a `keys` method.
        if (typeof value !== 'object' || value === null || !Object.hasOwn(value, 'keys')) {
          throw new TypeError('no "keys" member');
        }
        const { keys } = value as { keys: unknown };
        if (!Array.isArray(keys)) throw new TypeError('"keys" is not an array');
        return toPublicJwks(keys);
      },
    ),
  ),
  // At most 300 s: the verifiers' default maximum lifetime; a longer grant would be refused.
  PLAYBACK_GRANT_LIFETIME_SECONDS: integerVar(60, 10, 300, 'seconds'),
};

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https, or http to this machine only (the JWKS stand-in of tests and local runs). */
const jwksUrlSchema = z.url({ protocol: /^https?$/ }).refine(
  (value) => {
    const url = new URL(value);
    return url.protocol === 'https:' || LOOPBACK_HOSTS.has(url.hostname);
  },
  { error: 'must be https (http only to 127.0.0.1 or localhost)' },
);

/**
 * Who may call (decision 022): tokens signed with `AUTH_JWT_SECRET` (HS256, local runs and tests)
 * and/or by a key published at `AUTH_JWKS_URL`; `iss` must be `AUTH_ISSUER` and `aud` contain
 * `AUTH_AUDIENCE` when set; the organization routes take only tokens whose `aud` contains
 * `AUTH_STAFF_AUDIENCE`, so the storefront's buyer token carries no staff power.
 */
const identityShape = {
  AUTH_JWT_SECRET: optionalVar(
    refusePlaceholders(z.string().min(32, { error: 'must be at least 32 characters' })),
  ),
  AUTH_JWKS_URL: optionalVar(jwksUrlSchema),
  AUTH_ISSUER: optionalVar(z.string().max(500)),
  AUTH_AUDIENCE: optionalVar(z.string().max(500)),
  // Optional so that a deploy without it keeps buyers' access checks answering: the organization
  // routes then refuse every request (`requireStaffAudience`), they never skip the check.
  AUTH_STAFF_AUDIENCE: optionalVar(z.string().min(1).max(500)),
};

/** What the `/api` routes need: the shared worker bindings, who may call, the web app. */
export const checkoutConfigSchema = workerConfigSchema
  .extend({
    // Optional: without it, paid checkout answers 503 PAYMENT_PROVIDER_NOT_CONFIGURED (local runs
    // with free content); an empty value counts as unset.
    STRIPE_SECRET_KEY: z.preprocess(
      (value) => (value === '' ? undefined : value),
      workerConfigSchema.shape.STRIPE_SECRET_KEY.optional(),
    ),
    ...identityShape,
    // Used as the CORS origin and the base of Stripe's return URLs: normalised to a bare origin.
    WEB_APP_URL: z.url({ protocol: /^https?$/ }).transform((value) => new URL(value).origin),
    ...checkoutOptionsSchema.shape,
    ...platformFeeSchema.shape,
    ...playbackGrantShape,
  })
  .superRefine((config, context) => {
    const signingKey = config.PLAYBACK_GRANT_SIGNING_KEY;
    if (signingKey !== undefined) {
      // Grants signed with a key verifiers cannot find would all be refused: refuse it here.
      const published = config.PLAYBACK_GRANT_PUBLIC_KEYS?.keys.some(
        (key) => key.kid === signingKey.kid && key.x === signingKey.x,
      );
      if (published !== true) {
        context.addIssue({
          code: 'custom',
          path: ['PLAYBACK_GRANT_PUBLIC_KEYS'],
          message: `must contain the public half of PLAYBACK_GRANT_SIGNING_KEY (kid ${signingKey.kid}, same x)`,
        });
      }
    }
    if (config.AUTH_JWT_SECRET === undefined && config.AUTH_JWKS_URL === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['AUTH_JWT_SECRET'],
        message: 'set it or AUTH_JWKS_URL: no token could be verified',
      });
    }
    // A provider's keys sign tokens for every application of the tenant: the issuer is what
    // ties a token to this provider, so a JWKS without it is refused.
    if (config.AUTH_JWKS_URL !== undefined && config.AUTH_ISSUER === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['AUTH_ISSUER'],
        message: 'required with AUTH_JWKS_URL',
      });
    }
  });

/** Validated configuration of one worker instance. */
export type CheckoutConfig = z.infer<typeof checkoutConfigSchema>;
