import { describe, expect, it } from 'vitest';
import { generatePlaybackGrantKey } from './generate-playback-grant-key';

describe('generatePlaybackGrantKey', () => {
  it('returns both halves as portable JWKs with kid, alg EdDSA and use sig', async () => {
    const { privateJwk, publicJwk } = await generatePlaybackGrantKey('grants-2026-12');
    expect(publicJwk).toEqual({
      kty: 'OKP',
      crv: 'Ed25519',
      x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      kid: 'grants-2026-12',
      alg: 'EdDSA',
      use: 'sig',
    });
    expect(privateJwk).toEqual({ ...publicJwk, d: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
  });

  it('makes a new key each time', async () => {
    const [first, second] = await Promise.all([
      generatePlaybackGrantKey('a'),
      generatePlaybackGrantKey('a'),
    ]);
    expect(first.publicJwk.x).not.toEqual(second.publicJwk.x);
  });

  it.each(['', 'with space', 'k'.repeat(65), 'naïve'])('throws for the kid %j', async (kid) => {
    await expect(generatePlaybackGrantKey(kid)).rejects.toThrow(TypeError);
  });
});
