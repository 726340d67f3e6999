import { describe, expect, it, vi } from 'vitest';
import { createPlaybackGrantSigner } from './create-playback-grant-signer';
import { generatePlaybackGrantKey } from './generate-playback-grant-key';
import { MAX_GRANT_LENGTH, MAX_ID_LENGTH } from './grant-format';
import { decodePart } from './testing/forge-grant';

const now = new Date('2026-12-04T01:00:00.750Z');
const nowSeconds = Math.floor(now.getTime() / 1000);
const { privateJwk, publicJwk } = await generatePlaybackGrantKey('grants-2026-12');

describe('createPlaybackGrantSigner', () => {
  it('signs a compact JWS with exactly the documented header and claims, 60 s by default', async () => {
    const { grant, expiresAt } = await createPlaybackGrantSigner({ privateJwk }).sign({
      customerId: 'customer-1',
      contentId: 'content-1',
      now,
    });
    const [header, claims, signature] = grant.split('.');
    expect(decodePart(header)).toEqual({
      alg: 'EdDSA',
      kid: 'grants-2026-12',
      typ: 'playback-grant+jwt',
    });
    expect(decodePart(claims)).toEqual({
      sub: 'customer-1',
      cid: 'content-1',
      iat: nowSeconds,
      exp: nowSeconds + 60,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(signature).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(expiresAt).toEqual(new Date((nowSeconds + 60) * 1000));
  });

  it('takes its lifetime from the options', async () => {
    const { expiresAt } = await createPlaybackGrantSigner({ privateJwk, lifetimeSeconds: 15 }).sign(
      {
        customerId: 'customer-1',
        contentId: 'content-1',
        now,
      },
    );
    expect(expiresAt).toEqual(new Date((nowSeconds + 15) * 1000));
  });

  it('gives every grant its own jti', async () => {
    const signer = createPlaybackGrantSigner({ privateJwk });
    const input = { customerId: 'customer-1', contentId: 'content-1', now };
    const [first, second] = await Promise.all([signer.sign(input), signer.sign(input)]);
    expect(decodePart(first.grant.split('.')[1]).jti).not.toEqual(
      decodePart(second.grant.split('.')[1]).jti,
    );
  });

  it('imports its key once, on the first sign', async () => {
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    const signer = createPlaybackGrantSigner({ privateJwk });
    expect(importKey).not.toHaveBeenCalled();
    for (let round = 0; round < 3; round += 1) {
      await signer.sign({ customerId: 'customer-1', contentId: 'content-1', now });
    }
    expect(importKey).toHaveBeenCalledTimes(1);
    importKey.mockRestore();
  });

  it('keeps the longest ids under the verifiers’ size limit', async () => {
    const { grant } = await createPlaybackGrantSigner({ privateJwk, lifetimeSeconds: 300 }).sign({
      customerId: 'c'.repeat(MAX_ID_LENGTH),
      contentId: 'd'.repeat(MAX_ID_LENGTH),
      now,
    });
    expect(grant.length).toBeLessThanOrEqual(MAX_GRANT_LENGTH);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a public key', { privateJwk: publicJwk }],
    ['no key', { privateJwk: undefined }],
    ['a key without kid', { privateJwk: { ...privateJwk, kid: '' } }],
    ['a zero lifetime', { privateJwk, lifetimeSeconds: 0 }],
    ['a fractional lifetime', { privateJwk, lifetimeSeconds: 1.5 }],
  ])('throws at construction for %s', (_what, options) => {
    expect(() => createPlaybackGrantSigner(options as never)).toThrow(TypeError);
  });

  it.each<[string, Record<string, unknown>]>([
    ['an empty customer id', { customerId: '', contentId: 'content-1', now }],
    ['an over-long content id', { customerId: 'c', contentId: 'd'.repeat(MAX_ID_LENGTH + 1), now }],
    [
      'ids so full of multi-byte characters the grant would pass the size limit',
      {
        customerId: '€'.repeat(MAX_ID_LENGTH),
        contentId: '€'.repeat(MAX_ID_LENGTH),
        now,
      },
    ],
    ['an invalid date', { customerId: 'c', contentId: 'd', now: new Date(Number.NaN) }],
  ])('throws when signing with %s (a bug in the caller)', async (_what, input) => {
    await expect(createPlaybackGrantSigner({ privateJwk }).sign(input as never)).rejects.toThrow(
      TypeError,
    );
  });
});
