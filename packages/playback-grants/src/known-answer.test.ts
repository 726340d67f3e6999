import { describe, expect, it } from 'vitest';
import { decodeBase64url } from './base64url';
import { createPlaybackGrantVerifier } from './create-playback-grant-verifier';
import { importPlaybackGrantKey, type PlaybackGrantPrivateJwk } from './playback-grant-jwk';
import { genuineHeader, signRawGrant } from './testing/forge-grant';
import { toPublicJwks } from './to-public-jwks';

// RFC 8032 §7.1, TEST 1: a published Ed25519 key, so this file pins the format to the standard and
// proves that a grant signed in one runtime verifies in the other (this file runs in Node and workerd).
const rfcKey: PlaybackGrantPrivateJwk = {
  kty: 'OKP',
  crv: 'Ed25519',
  x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
  d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
  kid: 'rfc8032-test-1',
  alg: 'EdDSA',
  use: 'sig',
};
const { d: _secret, ...rfcPublicKey } = rfcKey;

/** RFC 8032 TEST 1's signature of the empty message (e5564300c360ac72…7a100b in the RFC's hex). */
const RFC_EMPTY_MESSAGE_SIGNATURE =
  '5VZDAMNgrHKQhuLMgG6CioSHfx645dl02HPgZSJJAVVfuIIVkKM7rMYeOXAc-bRr0lv18FlbviRlUUFDjnoQCw';

/** The grant for these claims, signed by that key: computed once, also by Node's `crypto.sign`. */
const KNOWN_GRANT =
  'eyJhbGciOiJFZERTQSIsImtpZCI6InJmYzgwMzItdGVzdC0xIiwidHlwIjoicGxheWJhY2stZ3JhbnQrand0In0.eyJzdWIiOiJjdXN0b21lci0xIiwiY2lkIjoiY29udGVudC0xIiwiaWF0IjoxNzk2MzQ2MDAwLCJleHAiOjE3OTYzNDYwNjAsImp0aSI6Imtub3duLWFuc3dlciJ9.BwB4NEi7mEjxwTh11tSwwaHYNLGiQf6HU91kcGByvFTRB4ipsXBBQ0xL__drQl-9rmGX_5RFwFHTaU17zwZSAA';
const knownClaims = {
  sub: 'customer-1',
  cid: 'content-1',
  iat: 1796346000,
  exp: 1796346060,
  jti: 'known-answer',
};

describe('known answers', () => {
  it('this runtime’s Ed25519 verifies RFC 8032’s own test vector', async () => {
    const key = await importPlaybackGrantKey(rfcPublicKey);
    const signature = decodeBase64url(RFC_EMPTY_MESSAGE_SIGNATURE);
    expect(signature).toBeDefined();
    expect(
      await crypto.subtle.verify(
        { name: 'Ed25519' },
        key,
        signature ?? new Uint8Array(),
        new Uint8Array(),
      ),
    ).toBe(true);
  });

  it('signs the same claims to the same grant, byte for byte (Ed25519 is deterministic)', async () => {
    expect(await signRawGrant(rfcKey, genuineHeader(rfcKey), knownClaims)).toBe(KNOWN_GRANT);
  });

  it('verifies the grant computed elsewhere', async () => {
    const verifier = createPlaybackGrantVerifier({ jwks: toPublicJwks([rfcPublicKey]) });
    expect(
      await verifier.verify(KNOWN_GRANT, {
        contentId: 'content-1',
        customerId: 'customer-1',
        now: new Date(1796346030 * 1000),
      }),
    ).toEqual({
      ok: true,
      customerId: 'customer-1',
      contentId: 'content-1',
      expiresAt: new Date(1796346060 * 1000),
    });
  });
});
