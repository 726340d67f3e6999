import { type PlaybackGrantPublicJwk, readPlaybackGrantJwk } from './playback-grant-jwk';

/**
 * The JWKS document to publish (`{ keys }`): each key checked and reduced to its public members,
 * in the order given (current key first, by convention). Throws a `TypeError` for a key with any
 * private member (`d`, ...), a key that is not an Ed25519 signing key for EdDSA, a bad `kid`,
 * two keys with one `kid`, or no key at all: publishing a secret, or nothing, is always a bug.
 */
export function toPublicJwks(publicJwks: readonly unknown[]): { keys: PlaybackGrantPublicJwk[] } {
  if (!Array.isArray(publicJwks) || publicJwks.length === 0) {
    throw new TypeError('playback grant JWKS: needs at least one public key');
  }
  const keys = publicJwks.map((jwk) => readPlaybackGrantJwk(jwk, 'public'));
  const kids = new Set<string>();
  for (const key of keys) {
    if (kids.has(key.kid))
      throw new TypeError(`playback grant JWKS: kid "${key.kid}" appears twice`);
    kids.add(key.kid);
  }
  return { keys };
}
