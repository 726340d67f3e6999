import { decodeBase64url } from './base64url';
import { isValidKid, PLAYBACK_GRANT_ALGORITHM } from './grant-format';

// WebCrypto's types, taken from the global `crypto` so this compiles against Node's types and
// Workers' alike without naming either.
type CryptoKeyOf = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** An imported WebCrypto key, whichever runtime's types describe it. */
export type PlaybackGrantCryptoKey = CryptoKeyOf;

/** A public signing key of playback grants, as published in the JWKS. */
// Type aliases, not interfaces: they fit `Jwk`'s index signature, so a generated key passes as is.
export type PlaybackGrantPublicJwk = {
  kty: 'OKP';
  crv: 'Ed25519';
  /** The public key, 32 bytes base64url. */
  x: string;
  kid: string;
  alg: typeof PLAYBACK_GRANT_ALGORITHM;
  use: 'sig';
};

/** A private signing key of playback grants: a secret, kept in the signing worker's secrets only. */
export type PlaybackGrantPrivateJwk = PlaybackGrantPublicJwk & {
  /** The private key, 32 bytes base64url. */
  d: string;
};

/** A JWK as read from JSON: anything, checked before use. */
export type Jwk = { readonly [member: string]: unknown };

/** A JWKS document: `{ keys: [...] }`. */
export interface Jwks {
  keys: readonly Jwk[];
}

/** Members that only a private (or symmetric) key has. A JWK with any of them is never published. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

const ED25519_KEY_BYTES = 32;

const isKeyBytes = (value: unknown): value is string =>
  typeof value === 'string' && decodeBase64url(value)?.length === ED25519_KEY_BYTES;

/**
 * Checks a JWK is an Ed25519 key for playback grants and returns it reduced to its members.
 * Throws a `TypeError` naming what is wrong: a key of another type or curve, an `alg` other than
 * EdDSA, a `use` other than `sig`, `key_ops` without the operation, a missing or unprintable `kid`,
 * a private member where a public key is wanted (or a missing `d` where a private one is).
 */
export function readPlaybackGrantJwk(jwk: unknown, kind: 'public'): PlaybackGrantPublicJwk;
export function readPlaybackGrantJwk(jwk: unknown, kind: 'private'): PlaybackGrantPrivateJwk;
export function readPlaybackGrantJwk(
  jwk: unknown,
  kind: 'public' | 'private',
): PlaybackGrantPublicJwk | PlaybackGrantPrivateJwk {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw new TypeError('playback grant key: not a JWK object');
  }
  const key = jwk as Jwk;
  const where = `playback grant key ${isValidKid(key.kid) ? `"${key.kid}"` : '(no kid)'}`;
  if (!isValidKid(key.kid)) {
    throw new TypeError(`${where}: kid must be 1 to 64 printable ASCII characters`);
  }
  if (key.kty !== 'OKP' || key.crv !== 'Ed25519') {
    throw new TypeError(
      `${where}: must be an Ed25519 key (kty OKP, crv Ed25519), not kty ${String(key.kty)} crv ${String(key.crv)}`,
    );
  }
  if (key.alg !== undefined && key.alg !== PLAYBACK_GRANT_ALGORITHM) {
    throw new TypeError(
      `${where}: alg must be ${PLAYBACK_GRANT_ALGORITHM}, not ${String(key.alg)}`,
    );
  }
  if (key.use !== undefined && key.use !== 'sig') {
    throw new TypeError(`${where}: use must be sig, not ${String(key.use)}`);
  }
  const operation = kind === 'public' ? 'verify' : 'sign';
  if (
    key.key_ops !== undefined &&
    !(Array.isArray(key.key_ops) && (key.key_ops as unknown[]).includes(operation))
  ) {
    throw new TypeError(`${where}: key_ops does not allow ${operation}`);
  }
  if (!isKeyBytes(key.x)) throw new TypeError(`${where}: x must be 32 bytes of base64url`);
  const publicJwk: PlaybackGrantPublicJwk = {
    kty: 'OKP',
    crv: 'Ed25519',
    x: key.x,
    kid: key.kid,
    alg: PLAYBACK_GRANT_ALGORITHM,
    use: 'sig',
  };
  if (kind === 'public') {
    const found = PRIVATE_MEMBERS.filter((member) => member in key);
    if (found.length > 0) {
      throw new TypeError(
        `${where}: holds private members (${found.join(', ')}); only public keys may be published or trusted`,
      );
    }
    return publicJwk;
  }
  if (!isKeyBytes(key.d)) throw new TypeError(`${where}: d must be 32 bytes of base64url`);
  return { ...publicJwk, d: key.d };
}

/**
 * Imports a checked key into WebCrypto for its one use; not extractable. Only the members WebCrypto
 * needs are passed, without `alg`: runtimes disagree on `EdDSA` versus `Ed25519` there.
 */
export const importPlaybackGrantKey = (
  jwk: PlaybackGrantPublicJwk | PlaybackGrantPrivateJwk,
): Promise<PlaybackGrantCryptoKey> =>
  'd' in jwk
    ? crypto.subtle.importKey(
        'jwk',
        { kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d },
        { name: 'Ed25519' },
        false,
        ['sign'],
      )
    : crypto.subtle.importKey(
        'jwk',
        { kty: jwk.kty, crv: jwk.crv, x: jwk.x },
        { name: 'Ed25519' },
        false,
        ['verify'],
      );
