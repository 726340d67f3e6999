import { describe, expect, it } from 'vitest';
import { generatePlaybackGrantKey } from './generate-playback-grant-key';
import { toPublicJwks } from './to-public-jwks';

const current = await generatePlaybackGrantKey('grants-2026-12');
const next = await generatePlaybackGrantKey('grants-2027-01');

describe('toPublicJwks', () => {
  it('publishes the keys in the order given, reduced to their public members', () => {
    const withExtras = { ...next.publicJwk, key_ops: ['verify'], ext: true };
    expect(toPublicJwks([current.publicJwk, withExtras])).toEqual({
      keys: [current.publicJwk, next.publicJwk],
    });
  });

  it.each<[string, () => unknown[]]>([
    ['a private key', () => [current.publicJwk, next.privateJwk]],
    ['a public key with a stray private member', () => [{ ...current.publicJwk, p: 'AAAA' }]],
    ['a symmetric key', () => [{ kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' }]],
    ['an RSA key', () => [{ kty: 'RSA', n: 'AQAB', e: 'AQAB', kid: 'rsa' }]],
    [
      'two keys with one kid',
      () => [current.publicJwk, { ...next.publicJwk, kid: current.publicJwk.kid }],
    ],
    ['no key', () => []],
  ])('refuses %s', (_what, keys) => {
    expect(() => toPublicJwks(keys())).toThrow(TypeError);
  });

  it('names the key and the private member it refuses, never the secret', () => {
    expect(() => toPublicJwks([next.privateJwk])).toThrow(/grants-2027-01.*private members \(d\)/);
    try {
      toPublicJwks([next.privateJwk]);
    } catch (error) {
      expect(String(error)).not.toContain(next.privateJwk.d);
    }
  });
});
