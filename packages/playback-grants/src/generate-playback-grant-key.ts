import { isValidKid } from './grant-format';
import {
  type PlaybackGrantPrivateJwk,
  type PlaybackGrantPublicJwk,
  readPlaybackGrantJwk,
} from './playback-grant-jwk';

/** A new signing key: the private half for the signer's secrets, the public half for the JWKS. */
export interface PlaybackGrantKeyPair {
  privateJwk: PlaybackGrantPrivateJwk;
  publicJwk: PlaybackGrantPublicJwk;
}

/**
 * Generates a fresh Ed25519 key pair for playback grants, both halves as JWKs carrying `kid`,
 * `alg: 'EdDSA'` and `use: 'sig'` (and nothing runtime-specific such as `key_ops` or `ext`).
 * Throws a `TypeError` when `kid` is not 1 to 64 printable ASCII characters.
 */
export async function generatePlaybackGrantKey(kid: string): Promise<PlaybackGrantKeyPair> {
  if (!isValidKid(kid)) {
    throw new TypeError('playback grant key: kid must be 1 to 64 printable ASCII characters');
  }
  const pair = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
  if (!('privateKey' in pair)) throw new Error('WebCrypto generated no key pair for Ed25519');
  // Typed by hand: Node's types and Workers' disagree on what `exportKey` returns.
  const exported = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as {
    kty?: unknown;
    crv?: unknown;
    x?: unknown;
    d?: unknown;
  };
  const privateJwk = readPlaybackGrantJwk(
    { kty: exported.kty, crv: exported.crv, x: exported.x, d: exported.d, kid },
    'private',
  );
  const { d: _secret, ...publicJwk } = privateJwk;
  return { privateJwk, publicJwk };
}
