import { customerIdSchema } from '@codex/validation';
import { sign } from 'hono/jwt';

/** Options for {@link signBuyerToken}. */
export interface SignBuyerTokenOptions {
  /** The HS256 secret `buyerAuth` verifies with. */
  secret: string;
  /** The token's `sub`. */
  customerId: string;
  /** The optional `email` claim (the buyer's address for receipts). */
  email?: string;
  /**
   * Other claims, which `buyerAuth` does not read (tests use it to show that an old `orgs` claim
   * grants nothing: roles live in the database, decision 024). The claims above win over these.
   */
  extraClaims?: Record<string, unknown>;
  /**
   * The optional `aud` claim. Staff tokens carry the worker's staff audience
   * (`AUTH_STAFF_AUDIENCE`): the organization routes refuse any other token.
   */
  audience?: string | string[];
  /** The optional `iss` claim (the worker's `AUTH_ISSUER`, when it checks one). */
  issuer?: string;
  /** Lifetime in seconds. Default 3600. */
  expiresInSeconds?: number;
  /** Clock in milliseconds since the epoch, like `Date.now` (the default). */
  now?: () => number;
}

const DEFAULT_EXPIRES_IN_SECONDS = 3600;

/**
 * Mints an HS256 token `{ sub, email?, iss?, aud?, iat, exp }` that `buyerAuth` accepts
 * with the same secret (until it expires), for tests and local tooling. The identity provider
 * issues real tokens.
 *
 * @throws Error when `secret` is empty, `customerId` is not a valid customer id, or
 *   `expiresInSeconds` is not a positive integer.
 */
export async function signBuyerToken(options: SignBuyerTokenOptions): Promise<string> {
  const expiresInSeconds = options.expiresInSeconds ?? DEFAULT_EXPIRES_IN_SECONDS;
  if (options.secret === '') {
    throw new Error('signBuyerToken: a secret is required');
  }
  if (!customerIdSchema.safeParse(options.customerId).success) {
    throw new Error('signBuyerToken: customerId is not a valid customer id');
  }
  if (!Number.isSafeInteger(expiresInSeconds) || expiresInSeconds <= 0) {
    throw new Error('signBuyerToken: expiresInSeconds must be a positive integer');
  }
  const issuedAt = Math.floor((options.now ?? Date.now)() / 1000);
  return sign(
    {
      ...options.extraClaims,
      sub: options.customerId,
      ...(options.email === undefined ? {} : { email: options.email }),
      ...(options.issuer === undefined ? {} : { iss: options.issuer }),
      ...(options.audience === undefined ? {} : { aud: options.audience }),
      iat: issuedAt,
      exp: issuedAt + expiresInSeconds,
    },
    options.secret,
    'HS256',
  );
}
