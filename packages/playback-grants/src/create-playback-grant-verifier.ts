import { decodeBase64url } from './base64url';
import {
  isValidKid,
  MAX_GRANT_LENGTH,
  MAX_ID_LENGTH,
  PLAYBACK_GRANT_ALGORITHM,
  PLAYBACK_GRANT_TYPE,
  type PlaybackGrantClaims,
  parseJsonObject,
  utf8Bytes,
  utf8Text,
} from './grant-format';
import {
  importPlaybackGrantKey,
  type Jwks,
  type PlaybackGrantCryptoKey,
  type PlaybackGrantPublicJwk,
  readPlaybackGrantJwk,
} from './playback-grant-jwk';

/** Default clock skew tolerated between the signer's clock and a verifier's, each way. */
export const DEFAULT_SKEW_SECONDS = 5;

/**
 * Longest lifetime (`exp - iat`) a verifier accepts by default: five times the default 60 s, so a
 * leaked signing key or a misconfigured signer cannot mint grants that outlive the revocation bound.
 */
export const DEFAULT_MAX_LIFETIME_SECONDS = 300;

/** Why a grant was refused. A closed set: every refusal is one of these, never an exception. */
export type PlaybackGrantRefusal =
  | 'malformed'
  | 'unsupported_algorithm'
  | 'unknown_key'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_content'
  | 'wrong_customer'
  | 'lifetime_too_long';

/**
 * The outcome of `verify`: who and what a valid grant is for and when it expires, or the one
 * reason it was refused.
 */
export type VerifyResult =
  | { ok: true; customerId: string; contentId: string; expiresAt: Date }
  | { ok: false; reason: PlaybackGrantRefusal };

/** What `createPlaybackGrantVerifier` takes: the published keys and the time limits. */
export interface PlaybackGrantVerifierOptions {
  /** The published JWKS: one to a few public keys (current and next or previous during rotation). */
  jwks: Jwks;
  /** Clock skew tolerated each way, whole seconds, 0 or more. Defaults to 5. */
  skewSeconds?: number;
  /** Longest `exp - iat` accepted, whole seconds, at least 1. Defaults to 300. */
  maxLifetimeSeconds?: number;
}

/** What a grant is checked against: the content asked for, maybe the buyer, and the clock. */
export interface VerifyPlaybackGrantInput {
  /** The content item being asked for: the grant must name exactly this one. */
  contentId: string;
  /** When given, the grant must also name exactly this customer. */
  customerId?: string;
  /** The verifier's clock. */
  now: Date;
}

/** Verifies grants against a JWKS; built by `createPlaybackGrantVerifier`. */
export interface PlaybackGrantVerifier {
  /**
   * Verifies a grant for one content item at one instant, with no I/O: `{ ok: true, ... }` only
   * when the grant is well formed, names EdDSA and a key of the JWKS, carries that key's valid
   * signature, was issued no later than `now + skew`, expires no earlier than `now - skew`, lives
   * no longer than the maximum lifetime, and names `contentId` (and `customerId` when given).
   * Otherwise `{ ok: false, reason }`. Never throws for any grant; throws a `TypeError` only for
   * an invalid `now`.
   */
  verify(grant: unknown, input: VerifyPlaybackGrantInput): Promise<VerifyResult>;
}

const refuse = (reason: PlaybackGrantRefusal): VerifyResult => ({ ok: false, reason });

const HEADER_MEMBERS = ['alg', 'kid', 'typ'];
const CLAIM_MEMBERS = new Set(['sub', 'cid', 'iat', 'exp', 'jti']);
const ED25519_SIGNATURE_BYTES = 64;

const isId = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;
const isSeconds = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

const decodeJson = (part: string) => {
  const bytes = decodeBase64url(part);
  const text = bytes && utf8Text(bytes);
  return text === undefined ? undefined : parseJsonObject(text);
};

function readClaims(value: Record<string, unknown>): PlaybackGrantClaims | undefined {
  const { sub, cid, iat, exp, jti } = value;
  if (Object.keys(value).some((member) => !CLAIM_MEMBERS.has(member))) return undefined;
  if (!isId(sub) || !isId(cid) || !isSeconds(iat) || !isSeconds(exp) || exp <= iat)
    return undefined;
  if (jti !== undefined && typeof jti !== 'string') return undefined;
  return { sub, cid, iat, exp, jti: jti ?? '' };
}

const isWholeSeconds = (value: number, minimum: number) =>
  Number.isSafeInteger(value) && value >= minimum;

/**
 * A verifier of playback grants against a JWKS. Checks its configuration at once and throws a
 * `TypeError` when it is wrong: no keys, a key with a private member, a key that is not an
 * Ed25519 EdDSA signing key, a bad or repeated `kid`, or a skew or maximum lifetime that is not a
 * whole number of seconds. Each key is imported once, on its first use, and cached by `kid`.
 */
export function createPlaybackGrantVerifier(
  options: PlaybackGrantVerifierOptions,
): PlaybackGrantVerifier {
  const {
    jwks,
    skewSeconds = DEFAULT_SKEW_SECONDS,
    maxLifetimeSeconds = DEFAULT_MAX_LIFETIME_SECONDS,
  } = options;
  if (
    typeof jwks !== 'object' ||
    jwks === null ||
    !Array.isArray(jwks.keys) ||
    jwks.keys.length === 0
  ) {
    throw new TypeError(
      'playback grant verifier: jwks must be { keys: [...] } with at least one key',
    );
  }
  if (!isWholeSeconds(skewSeconds, 0)) {
    throw new TypeError('playback grant verifier: skewSeconds must be a whole number, 0 or more');
  }
  if (!isWholeSeconds(maxLifetimeSeconds, 1)) {
    throw new TypeError(
      'playback grant verifier: maxLifetimeSeconds must be a whole number, at least 1',
    );
  }
  const publicKeys = new Map<string, PlaybackGrantPublicJwk>();
  for (const jwk of jwks.keys) {
    const key = readPlaybackGrantJwk(jwk, 'public');
    if (publicKeys.has(key.kid)) {
      throw new TypeError(`playback grant verifier: kid "${key.kid}" appears twice in the JWKS`);
    }
    publicKeys.set(key.kid, key);
  }
  const importedKeys = new Map<string, Promise<PlaybackGrantCryptoKey>>();
  const cryptoKeyFor = (jwk: PlaybackGrantPublicJwk) => {
    let key = importedKeys.get(jwk.kid);
    if (!key) {
      key = importPlaybackGrantKey(jwk);
      importedKeys.set(jwk.kid, key);
    }
    return key;
  };

  return {
    async verify(grant, { contentId, customerId, now }) {
      const nowMs = now instanceof Date ? now.getTime() : Number.NaN;
      if (Number.isNaN(nowMs))
        throw new TypeError('playback grant verifier: now must be a valid Date');
      // Size first: nothing below runs for an oversized or non-string grant.
      if (typeof grant !== 'string' || grant.length > MAX_GRANT_LENGTH) return refuse('malformed');
      const parts = grant.split('.');
      if (parts.length !== 3) return refuse('malformed');
      const [encodedHeader = '', encodedClaims = '', encodedSignature = ''] = parts;

      const header = decodeJson(encodedHeader);
      if (!header) return refuse('malformed');
      // The algorithm is fixed: any other `alg` is refused here, before a key is even looked up.
      if (header.alg !== PLAYBACK_GRANT_ALGORITHM) return refuse('unsupported_algorithm');
      const members = Object.keys(header);
      if (
        members.length !== HEADER_MEMBERS.length ||
        !HEADER_MEMBERS.every((member) => member in header) ||
        header.typ !== PLAYBACK_GRANT_TYPE ||
        !isValidKid(header.kid)
      ) {
        return refuse('malformed');
      }
      const signature = decodeBase64url(encodedSignature);
      const claimsBytes = decodeBase64url(encodedClaims);
      if (signature?.length !== ED25519_SIGNATURE_BYTES || !claimsBytes) return refuse('malformed');

      const jwk = publicKeys.get(header.kid);
      if (!jwk) return refuse('unknown_key');
      const isSigned = await crypto.subtle.verify(
        { name: 'Ed25519' },
        await cryptoKeyFor(jwk),
        signature,
        utf8Bytes(`${encodedHeader}.${encodedClaims}`),
      );
      if (!isSigned) return refuse('bad_signature');

      const claimsText = utf8Text(claimsBytes);
      const claimsObject = claimsText === undefined ? undefined : parseJsonObject(claimsText);
      const claims = claimsObject && readClaims(claimsObject);
      if (!claims) return refuse('malformed');
      if (claims.exp - claims.iat > maxLifetimeSeconds) return refuse('lifetime_too_long');
      if (nowMs < (claims.iat - skewSeconds) * 1000) return refuse('not_yet_valid');
      if (nowMs > (claims.exp + skewSeconds) * 1000) return refuse('expired');
      if (claims.cid !== contentId) return refuse('wrong_content');
      if (customerId !== undefined && claims.sub !== customerId) return refuse('wrong_customer');
      return {
        ok: true,
        customerId: claims.sub,
        contentId: claims.cid,
        expiresAt: new Date(claims.exp * 1000),
      };
    },
  };
}
