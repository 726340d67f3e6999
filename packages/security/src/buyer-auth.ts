import { buyerEmailSchema, customerIdSchema } from '@codex/validation';
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from './api-error';
import { type TokenVerification, verifyToken } from './verify-token';

/** A setting fixed at construction, or read per request (from bindings); empty means unset. */
export type PerRequestSetting = string | undefined | ((c: Context) => string | undefined);

/** Options for {@link buyerAuth}. At least one of `secret` and `jwksUrl` is required. */
export interface BuyerAuthOptions {
  /** The HS256 secret (local development and tests); without it HS256 tokens are refused. */
  secret?: PerRequestSetting;
  /** The identity provider's JWKS URL; without it RS256, ES256 and EdDSA tokens are refused. */
  jwksUrl?: PerRequestSetting;
  /** The `iss` every token must carry; unset, `iss` is not checked. */
  issuer?: PerRequestSetting;
  /** An audience every token's `aud` must contain; unset, `aud` is not checked. */
  audience?: PerRequestSetting;
  /** Tolerance for `exp`, `nbf` and `iat`. Default {@link DEFAULT_CLOCK_SKEW_SECONDS}. */
  clockSkewSeconds?: number;
  /** Clock in milliseconds since the epoch, like `Date.now` (the default). */
  now?: () => number;
}

/** Enough for clocks that disagree by a little; small beside a token's lifetime of minutes. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 60;

const CREDENTIALS_MESSAGE = 'Missing or invalid credentials';
/** `Bearer` (any case) then a compact JWS; the signature part may be empty so `alg: none` reaches the verifier. */
const BEARER_TOKEN = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*) *$/i;

function invalidCredentials(): ApiError {
  return new ApiError('UNAUTHORIZED', CREDENTIALS_MESSAGE, {
    headers: { 'WWW-Authenticate': 'Bearer' },
  });
}

function resolveSetting(setting: PerRequestSetting, c: Context): string | undefined {
  const value: unknown = typeof setting === 'function' ? setting(c) : setting;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isConfigured(setting: PerRequestSetting): boolean {
  return typeof setting === 'function' || (typeof setting === 'string' && setting !== '');
}

/** The request logger `requestLogging()` sets, when it ran. */
interface WarningLogger {
  warn(message: string, context?: Record<string, unknown>): void;
}

/**
 * Logs that the identity provider's JWKS could not be fetched (the URL's host and why; never a
 * token), so an outage that refuses every token shows in the logs and not only as 401s.
 */
function reportFetchFailure(c: Context, jwksUrl: string | undefined) {
  const logger = (c.var as { logger?: WarningLogger }).logger;
  return (reason: string) =>
    logger?.warn('JWKS fetch failed: tokens are verified with the last good keys, if any', {
      jwksHost: jwksUrl === undefined ? undefined : new URL(jwksUrl).host,
      reason,
    });
}

/** The request's verification settings. @throws Error when it has neither a secret nor a JWKS URL. */
function verificationFor(options: BuyerAuthOptions, c: Context): TokenVerification {
  const secret = resolveSetting(options.secret, c);
  const jwksUrl = resolveSetting(options.jwksUrl, c);
  if (secret === undefined && jwksUrl === undefined) {
    throw new Error('buyerAuth: neither a JWT secret nor a JWKS URL is set for this request');
  }
  return {
    secret,
    jwksUrl,
    issuer: resolveSetting(options.issuer, c),
    audience: resolveSetting(options.audience, c),
    clockSkewSeconds: options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS,
    nowMs: (options.now ?? Date.now)(),
    onKeySetFetchFailure: reportFetchFailure(c, jwksUrl),
  };
}

/**
 * What a valid token says about the caller: who (`sub`) and where receipts go (`email`). Never
 * what they may do: staff roles live in the database (decision 024), so a claim such as `orgs`
 * is not read at all.
 */
interface BuyerClaims {
  customerId: string;
  email: string | undefined;
}

/**
 * The buyer's address from the token's `email` claim: a valid address of at most 254 characters,
 * unless `email_verified` is explicitly false. Anything else means "no address" (no e-mail is
 * sent), never a refused token: a receipt is not worth locking a buyer out.
 */
function emailClaim(payload: Record<string, unknown>): string | undefined {
  if (payload.email_verified === false) return undefined;
  const email = buyerEmailSchema.safeParse(payload.email);
  return email.success ? email.data : undefined;
}

/** The claims of a valid token, or `undefined`. Never throws; never logs the token. */
async function verifiedClaims(
  token: string,
  verification: TokenVerification,
): Promise<BuyerClaims | undefined> {
  const payload = await verifyToken(token, verification);
  if (payload === undefined) return undefined;
  const subject = customerIdSchema.safeParse(payload.sub);
  return subject.success ? { customerId: subject.data, email: emailClaim(payload) } : undefined;
}

/**
 * Authenticates a caller by `Authorization: Bearer <jwt>` and sets `c.get('customerId')` to the
 * token's `sub`. The token is accepted when its signature holds under the key its `alg` is allowed
 * to use (HS256 with `secret`; RS256, ES256 or EdDSA with the key of that algorithm published
 * under its `kid` at `jwksUrl`, see `JwksKeyStore`), it carries a numeric `exp` not passed, `nbf`
 * and `iat` not in the future (each within the clock skew), `iss` equal to `issuer` and `aud`
 * containing `audience` when those are set, and a `sub` that is a valid customer id (1-255
 * printable ASCII, no spaces). `c.get('customerEmail')` is the optional `email` claim (see
 * `emailClaim`), the address receipts go to; it is personal data and must never be logged.
 * No claim grants a staff role: the token proves who is calling, the database says what they may
 * do in an organization (`organization_members`, decision 024); an `orgs` claim is ignored.
 *
 * @throws Error at construction when neither `secret` nor `jwksUrl` is given (or one is empty),
 *   and per request when both resolve to nothing (answered 500).
 * @throws ApiError `UNAUTHORIZED` (401, `WWW-Authenticate: Bearer`) with the same message for every
 *   failure (no header, wrong scheme, malformed, bad signature, unknown kid, wrong alg, expired,
 *   not yet valid, no exp, wrong issuer or audience, bad sub), so the response does not reveal
 *   which check failed. The token is never logged or attached to the error.
 */
export const buyerAuth = (
  options: BuyerAuthOptions,
): MiddlewareHandler<{
  Variables: {
    customerId: string;
    customerEmail: string | undefined;
  };
}> => {
  if (!isConfigured(options.secret) && !isConfigured(options.jwksUrl)) {
    throw new Error('buyerAuth: a JWT secret or a JWKS URL is required');
  }
  return async function buyerAuth(c, next) {
    const verification = verificationFor(options, c);
    const token = BEARER_TOKEN.exec(c.req.header('Authorization') ?? '')?.[1];
    const claims = token === undefined ? undefined : await verifiedClaims(token, verification);
    if (claims === undefined) {
      throw invalidCredentials();
    }
    c.set('customerId', claims.customerId);
    c.set('customerEmail', claims.email);
    await next();
  };
};
