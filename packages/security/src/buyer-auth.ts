import { buyerEmailSchema, customerIdSchema, organizationIdSchema } from '@codex/validation';
import type { Context, MiddlewareHandler } from 'hono';
import { verify } from 'hono/jwt';
import { ApiError } from './api-error';
import {
  type OrganizationRole,
  type OrganizationRoles,
  organizationRoles,
} from './organization-access';

/** Options for {@link buyerAuth}. */
export interface BuyerAuthOptions {
  /** The HS256 signing secret, or a function reading it per request (from bindings). */
  secret: string | ((c: Context) => string);
}

const CREDENTIALS_MESSAGE = 'Missing or invalid credentials';
/** `Bearer` (any case) then a compact JWS; the signature part may be empty so `alg: none` reaches `verify`. */
const BEARER_TOKEN = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*) *$/i;

function invalidCredentials(): ApiError {
  return new ApiError('UNAUTHORIZED', CREDENTIALS_MESSAGE, {
    headers: { 'WWW-Authenticate': 'Bearer' },
  });
}

function resolveSecret(secret: BuyerAuthOptions['secret'], c: Context): string {
  const value: unknown = typeof secret === 'function' ? secret(c) : secret;
  if (typeof value !== 'string' || value === '') {
    throw new Error('buyerAuth: the JWT secret for this request is empty');
  }
  return value;
}

/** What a valid token says about the buyer. */
interface BuyerClaims {
  customerId: string;
  email: string | undefined;
  organizationRoles: OrganizationRoles;
}

/** Most organizations one token may name; a larger `orgs` claim grants nothing (fail closed). */
export const MAX_TOKEN_ORGANIZATIONS = 50;

function isOrganizationRole(value: unknown): value is OrganizationRole {
  return organizationRoles.some((role) => role === value);
}

/**
 * The staff roles of the token's `orgs` claim, `{ "<orgId>": "owner" | "admin" | "member" }`, keyed
 * by lower-case organization id. An entry whose key is not a UUID or whose role is unknown is
 * ignored; a claim that is not a plain object, or names more than {@link MAX_TOKEN_ORGANIZATIONS}
 * organizations, gives no roles. Never a refused token: the buyer side of the token still works.
 */
function organizationsClaim(payload: Record<string, unknown>): OrganizationRoles {
  const claim = payload.orgs;
  if (typeof claim !== 'object' || claim === null || Array.isArray(claim)) return {};
  const entries = Object.entries(claim);
  if (entries.length > MAX_TOKEN_ORGANIZATIONS) return {};
  // A null prototype: an id like `__proto__` can never reach the object's prototype.
  const roles: Record<string, OrganizationRole> = Object.create(null);
  for (const [key, role] of entries) {
    const organizationId = organizationIdSchema.safeParse(key);
    if (organizationId.success && isOrganizationRole(role)) roles[organizationId.data] = role;
  }
  return roles;
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
async function verifiedClaims(token: string, secret: string): Promise<BuyerClaims | undefined> {
  // `verify` checks the signature, that the header's alg is exactly HS256 (so `none` and RS256
  // are refused), and `exp`, `nbf` and `iat` when present. Its errors quote the token, so they
  // are dropped here rather than attached as a cause.
  const payload = await verify(token, secret, { alg: 'HS256' }).catch(() => undefined);
  if (payload === undefined || typeof payload.exp !== 'number') {
    return undefined;
  }
  const subject = customerIdSchema.safeParse(payload.sub);
  return subject.success
    ? {
        customerId: subject.data,
        email: emailClaim(payload),
        organizationRoles: organizationsClaim(payload),
      }
    : undefined;
}

/**
 * Authenticates a buyer by `Authorization: Bearer <jwt>` and sets `c.get('customerId')` to the
 * token's `sub`. The token must be HS256-signed with `secret`, carry a numeric `exp` in the future,
 * honour `nbf` and `iat`, and have a `sub` that is a valid customer id (1-255 printable ASCII, no
 * spaces). `c.get('customerEmail')` is the optional `email` claim (see `emailClaim`), the address
 * receipts go to; it is personal data and must never be logged. `c.get('organizationRoles')` is the
 * optional `orgs` claim (see `organizationsClaim`): the staff roles `requireOrganizationRole` checks.
 *
 * @throws Error at construction when `secret` is an empty string (or not a string or function),
 *   and per request when the secret function returns an empty value (answered 500).
 * @throws ApiError `UNAUTHORIZED` (401, `WWW-Authenticate: Bearer`) with the same message for every
 *   failure (no header, wrong scheme, malformed, bad signature, wrong alg, expired, not yet valid,
 *   no exp, bad sub), so the response does not reveal which check failed. The token is never
 *   logged or attached to the error.
 */
export const buyerAuth = (
  options: BuyerAuthOptions,
): MiddlewareHandler<{
  Variables: {
    customerId: string;
    customerEmail: string | undefined;
    organizationRoles: OrganizationRoles;
  };
}> => {
  const { secret } = options;
  if (typeof secret === 'string' ? secret === '' : typeof secret !== 'function') {
    throw new Error('buyerAuth: a JWT secret is required');
  }
  return async function buyerAuth(c, next) {
    const key = resolveSecret(secret, c);
    const token = BEARER_TOKEN.exec(c.req.header('Authorization') ?? '')?.[1];
    const claims = token === undefined ? undefined : await verifiedClaims(token, key);
    if (claims === undefined) {
      throw invalidCredentials();
    }
    c.set('customerId', claims.customerId);
    c.set('customerEmail', claims.email);
    c.set('organizationRoles', claims.organizationRoles);
    await next();
  };
};
