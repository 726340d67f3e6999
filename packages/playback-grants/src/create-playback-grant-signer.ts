import { encodeBase64url } from './base64url';
import {
  MAX_GRANT_LENGTH,
  MAX_ID_LENGTH,
  PLAYBACK_GRANT_ALGORITHM,
  PLAYBACK_GRANT_TYPE,
  type PlaybackGrantClaims,
  type PlaybackGrantHeader,
  utf8Bytes,
} from './grant-format';
import {
  importPlaybackGrantKey,
  type PlaybackGrantCryptoKey,
  readPlaybackGrantJwk,
} from './playback-grant-jwk';

/** Default lifetime of a grant: access ends at most this long after the money says so. */
export const DEFAULT_GRANT_LIFETIME_SECONDS = 60;

/** What `createPlaybackGrantSigner` takes: the private key and the grants' lifetime. */
export interface PlaybackGrantSignerOptions {
  /** The current signing key (from `generatePlaybackGrantKey`), kept in the worker's secrets. */
  privateJwk: unknown;
  /** How long each grant is valid, whole seconds, at least 1. Defaults to 60. */
  lifetimeSeconds?: number;
}

/** What one grant is for: a buyer, a content item, an issuing instant. */
export interface SignPlaybackGrantInput {
  /** The buyer the grant is for (`sub`); at most 128 characters. */
  customerId: string;
  /** The content item the grant opens (`cid`); at most 128 characters. */
  contentId: string;
  /** The issuing time; `iat` is its whole second, `exp` that plus the lifetime. */
  now: Date;
}

/** A signed grant and the instant it stops verifying. */
export interface SignedPlaybackGrant {
  /** The compact JWS to hand to the player. */
  grant: string;
  /** When it stops verifying (before the verifiers' clock skew). */
  expiresAt: Date;
}

/** Signs grants with one private key; built by `createPlaybackGrantSigner`. */
export interface PlaybackGrantSigner {
  /**
   * Signs a grant for one customer and one content item. Throws a `TypeError` for an empty or
   * over-long id or an invalid `now` (a bug in the caller, never an expected outcome).
   */
  sign(input: SignPlaybackGrantInput): Promise<SignedPlaybackGrant>;
}

const isId = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;

const encodeJson = (value: unknown) => encodeBase64url(utf8Bytes(JSON.stringify(value)));

/**
 * A signer of playback grants with one private key. Checks the key and the lifetime at once and
 * throws a `TypeError` when either is wrong (not a private Ed25519 JWK with a `kid`; a lifetime
 * that is not a positive whole number of seconds); imports the key once, on the first `sign`.
 */
export function createPlaybackGrantSigner(
  options: PlaybackGrantSignerOptions,
): PlaybackGrantSigner {
  const { lifetimeSeconds = DEFAULT_GRANT_LIFETIME_SECONDS } = options;
  const privateJwk = readPlaybackGrantJwk(options.privateJwk, 'private');
  if (!Number.isSafeInteger(lifetimeSeconds) || lifetimeSeconds < 1) {
    throw new TypeError(
      'playback grant signer: lifetimeSeconds must be a whole number, at least 1',
    );
  }
  const header: PlaybackGrantHeader = {
    alg: PLAYBACK_GRANT_ALGORITHM,
    kid: privateJwk.kid,
    typ: PLAYBACK_GRANT_TYPE,
  };
  const encodedHeader = encodeJson(header);
  let key: Promise<PlaybackGrantCryptoKey> | undefined;

  return {
    async sign({ customerId, contentId, now }) {
      if (!isId(customerId) || !isId(contentId)) {
        throw new TypeError(`playback grant: ids must be 1 to ${MAX_ID_LENGTH} characters`);
      }
      if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
        throw new TypeError('playback grant: now must be a valid Date');
      }
      const iat = Math.floor(now.getTime() / 1000);
      const claims: PlaybackGrantClaims = {
        sub: customerId,
        cid: contentId,
        iat,
        exp: iat + lifetimeSeconds,
        jti: crypto.randomUUID(),
      };
      const signingInput = `${encodedHeader}.${encodeJson(claims)}`;
      key ??= importPlaybackGrantKey(privateJwk);
      const signature = await crypto.subtle.sign(
        { name: 'Ed25519' },
        await key,
        utf8Bytes(signingInput),
      );
      const grant = `${signingInput}.${encodeBase64url(new Uint8Array(signature))}`;
      if (grant.length > MAX_GRANT_LENGTH) {
        // Only ids full of multi-byte characters get here; verifiers would refuse the grant.
        throw new TypeError(`playback grant: longer than ${MAX_GRANT_LENGTH} characters`);
      }
      return { grant, expiresAt: new Date(claims.exp * 1000) };
    },
  };
}
