import { type JwksStandIn, startJwksStandIn } from '@codex/test-utils/jwks-stand-in';
import {
  generateSigningKey,
  jwksHits,
  publishJwks,
  type SigningKey,
} from '@codex/test-utils/signing-keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JwksKeyStore } from './jwks-key-store';

let standIn: JwksStandIn;
let jwksCount = 0;
const T0 = 1_800_000_000_000;
const seconds = (count: number) => count * 1000;

beforeAll(async () => {
  standIn = await startJwksStandIn();
});
afterAll(async () => {
  await standIn.close();
});

/** A JWKS of the test's own on the stand-in, and a store reading it over HTTP. */
async function providerWith(keys: SigningKey[], options: { cacheControl?: string } = {}) {
  jwksCount += 1;
  const name = `store-${jwksCount}`;
  await publishJwks(standIn.url, name, keys, options);
  const store = new JwksKeyStore(`${standIn.url}/jwks/${name}`, {
    maxAgeSeconds: 600,
    minRefetchIntervalSeconds: 30,
    staleIfErrorSeconds: 3600,
  });
  return {
    store,
    publish: (next: SigningKey[], more: { status?: number } = {}) =>
      publishJwks(standIn.url, name, next, more),
    hits: () => jwksHits(standIn.url, name),
    has: async (key: SigningKey, nowMs: number) =>
      (await store.keyFor(key.kid, key.alg, nowMs)) !== undefined,
  };
}

describe('JwksKeyStore', () => {
  it('fetches once and serves every key of the set from the cache while it is fresh', async () => {
    const [a, b] = await Promise.all([
      generateSigningKey('RS256', 'a'),
      generateSigningKey('ES256', 'b'),
    ]);
    const provider = await providerWith([a, b]);

    expect(await provider.has(a, T0)).toBe(true);
    expect(await provider.has(b, T0 + seconds(10))).toBe(true);
    expect(await provider.has(a, T0 + seconds(599))).toBe(true);

    expect(await provider.hits()).toBe(1);
  });

  it('finds a key only under the algorithm its JWK decides', async () => {
    const key = await generateSigningKey('ES256', 'only-es256');
    const provider = await providerWith([key]);

    expect(await provider.store.keyFor('only-es256', 'RS256', T0)).toBeUndefined();
    expect(await provider.store.keyFor('only-es256', 'EdDSA', T0)).toBeUndefined();
    expect(await provider.store.keyFor('only-es256', 'ES256', T0)).toBeDefined();
  });

  it('refuses a rotated-out key once the set is refreshed after its max age', async () => {
    const [old, current, next] = await Promise.all([
      generateSigningKey('RS256', 'old'),
      generateSigningKey('RS256', 'current'),
      generateSigningKey('RS256', 'next'),
    ]);
    const provider = await providerWith([old, current]);
    expect(await provider.has(old, T0)).toBe(true);

    await provider.publish([current, next]);
    // Still the cached set: the provider's removal is seen at the next refresh, not before.
    expect(await provider.has(old, T0 + seconds(300))).toBe(true);

    const afterMaxAge = T0 + seconds(601);
    expect(await provider.has(old, afterMaxAge)).toBe(false);
    expect(await provider.has(current, afterMaxAge)).toBe(true);
    expect(await provider.has(next, afterMaxAge)).toBe(true);
    expect(await provider.hits()).toBe(2);
  });

  it('refetches for an unknown kid (a key just published), which also drops removed keys', async () => {
    const [old, added] = await Promise.all([
      generateSigningKey('EdDSA', 'old'),
      generateSigningKey('EdDSA', 'added'),
    ]);
    const provider = await providerWith([old]);
    expect(await provider.has(old, T0)).toBe(true);

    await provider.publish([added]);

    expect(await provider.has(added, T0 + seconds(31))).toBe(true);
    expect(await provider.has(old, T0 + seconds(32))).toBe(false);
    expect(await provider.hits()).toBe(2);
  });

  it('fetches at most once per interval however many unknown kids arrive', async () => {
    const key = await generateSigningKey('ES256', 'known');
    const provider = await providerWith([key]);
    await provider.has(key, T0);

    const flood = Array.from({ length: 40 }, (_, index) =>
      provider.store.keyFor(`made-up-${index}`, 'ES256', T0 + seconds(1 + index / 10)),
    );
    expect(await Promise.all(flood)).toEqual(flood.map(() => undefined));
    expect(await provider.hits()).toBe(1);

    await provider.store.keyFor('made-up-late', 'ES256', T0 + seconds(31));
    expect(await provider.hits()).toBe(2);
  });

  it("honours the provider's Cache-Control max-age, within its bounds", async () => {
    const key = await generateSigningKey('RS256', 'short');
    const provider = await providerWith([key], { cacheControl: 'public, max-age=60' });
    await provider.has(key, T0);

    await provider.has(key, T0 + seconds(59));
    expect(await provider.hits()).toBe(1);
    await provider.has(key, T0 + seconds(61));
    expect(await provider.hits()).toBe(2);

    const longer = await providerWith([key], { cacheControl: 'max-age=86400' });
    await longer.has(key, T0);
    await longer.has(key, T0 + seconds(601));
    expect(await longer.hits()).toBe(2);
  });

  it('keeps the last good set while the provider is down, for staleIfErrorSeconds only', async () => {
    const key = await generateSigningKey('ES256', 'kept');
    const provider = await providerWith([key]);
    await provider.has(key, T0);

    await provider.publish([], { status: 503 });

    expect(await provider.has(key, T0 + seconds(700))).toBe(true);
    expect(await provider.has(key, T0 + seconds(600 + 3599))).toBe(true);
    expect(await provider.has(key, T0 + seconds(600 + 3601))).toBe(false);
  });

  it('tells the caller that started a failed fetch why, and only that caller', async () => {
    const key = await generateSigningKey('ES256', 'down');
    const provider = await providerWith([key]);
    await provider.publish([], { status: 503 });
    const reasons: string[] = [];

    await provider.store.keyFor('down', 'ES256', T0, (reason) => reasons.push(reason));
    await provider.store.keyFor('down', 'ES256', T0 + seconds(1), (reason) => reasons.push(reason));

    expect(reasons).toEqual(['HTTP 503']);
  });

  it('answers nothing, without throwing, when the URL serves no JWKS', async () => {
    const store = new JwksKeyStore(`${standIn.url}/jwks/never-published`);

    expect(await store.keyFor('any', 'RS256', T0)).toBeUndefined();
  });

  it('ignores keys it must not use: too short RSA, other curves, encryption keys, alg disagreeing', async () => {
    const [rsa, ec, ed] = await Promise.all([
      generateSigningKey('RS256', 'rsa'),
      generateSigningKey('ES256', 'ec'),
      generateSigningKey('EdDSA', 'ed'),
    ]);
    const short = {
      ...rsa,
      kid: 'short',
      publicJwk: { ...rsa.publicJwk, kid: 'short', n: 'AQAB' },
    };
    const encryption = {
      ...ec,
      kid: 'enc',
      publicJwk: { ...ec.publicJwk, kid: 'enc', use: 'enc' },
    };
    const claimsRsa = {
      ...ed,
      kid: 'liar',
      publicJwk: { ...ed.publicJwk, kid: 'liar', alg: 'RS256' },
    };
    const otherCurve = {
      ...ec,
      kid: 'p384',
      publicJwk: { ...ec.publicJwk, kid: 'p384', crv: 'P-384' },
    };
    const provider = await providerWith([short, encryption, claimsRsa, otherCurve]);

    expect(await provider.store.keyFor('short', 'RS256', T0)).toBeUndefined();
    expect(await provider.store.keyFor('enc', 'ES256', T0)).toBeUndefined();
    expect(await provider.store.keyFor('liar', 'RS256', T0)).toBeUndefined();
    expect(await provider.store.keyFor('liar', 'EdDSA', T0)).toBeUndefined();
    expect(await provider.store.keyFor('p384', 'ES256', T0)).toBeUndefined();
  });

  it('refuses a URL that is not absolute http(s)', () => {
    expect(() => new JwksKeyStore('file:///etc/jwks.json')).toThrow(/absolute http/);
    expect(() => new JwksKeyStore('/jwks.json')).toThrow(/absolute http/);
  });
});
