import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeBase64url } from './base64url';
import { createPlaybackGrantSigner } from './create-playback-grant-signer';
import {
  createPlaybackGrantVerifier,
  type PlaybackGrantVerifierOptions,
} from './create-playback-grant-verifier';
import { generatePlaybackGrantKey, type PlaybackGrantKeyPair } from './generate-playback-grant-key';
import { utf8Bytes } from './grant-format';
import { decodePart, genuineHeader, rewriteGrant, signRawGrant } from './testing/forge-grant';

const customerId = 'auth0|64b7f0c2e1';
const contentId = '7d1c2f3e-8a4b-4c5d-9e6f-0a1b2c3d4e5f';
const issuedAt = new Date('2026-12-04T01:00:00.000Z');
const issuedAtSeconds = issuedAt.getTime() / 1000;
const at = (secondsAfterIssue: number) => new Date(issuedAt.getTime() + secondsAfterIssue * 1000);

let current: PlaybackGrantKeyPair;
let next: PlaybackGrantKeyPair;
let grant: string;

beforeAll(async () => {
  current = await generatePlaybackGrantKey('grants-2026-12');
  next = await generatePlaybackGrantKey('grants-2027-01');
  ({ grant } = await createPlaybackGrantSigner({ privateJwk: current.privateJwk }).sign({
    customerId,
    contentId,
    now: issuedAt,
  }));
});

afterEach(() => {
  vi.restoreAllMocks();
});

const verifierOf = (options: Partial<PlaybackGrantVerifierOptions> = {}) =>
  createPlaybackGrantVerifier({ jwks: { keys: [current.publicJwk] }, ...options });

const verify = (
  candidate: unknown,
  now = at(1),
  options: Partial<PlaybackGrantVerifierOptions> = {},
) => verifierOf(options).verify(candidate, { contentId, customerId, now });

const claimsFor = (overrides: Record<string, unknown> = {}) => ({
  sub: customerId,
  cid: contentId,
  iat: issuedAtSeconds,
  exp: issuedAtSeconds + 60,
  jti: 'test',
  ...overrides,
});

describe('a genuine grant', () => {
  it('verifies for its content and buyer, and says who, what and until when', async () => {
    expect(await verify(grant)).toEqual({
      ok: true,
      customerId,
      contentId,
      expiresAt: at(60),
    });
  });

  it('verifies for its content alone when the caller does not know the buyer (a CDN rule)', async () => {
    const result = await verifierOf().verify(grant, { contentId, now: at(1) });
    expect(result).toMatchObject({ ok: true, customerId });
  });

  it('is refused for another content item', async () => {
    const result = await verifierOf().verify(grant, { contentId: 'another-item', now: at(1) });
    expect(result).toEqual({ ok: false, reason: 'wrong_content' });
  });

  it('is refused for another buyer', async () => {
    const result = await verifierOf().verify(grant, {
      contentId,
      customerId: 'auth0|someone-else',
      now: at(1),
    });
    expect(result).toEqual({ ok: false, reason: 'wrong_customer' });
  });
});

describe('time, with 5 s of skew each way', () => {
  it('verifies up to exp + skew exactly, and is expired from the next millisecond and at exp + skew + 1 s', async () => {
    expect(await verify(grant, at(65))).toMatchObject({ ok: true });
    expect(await verify(grant, new Date(at(65).getTime() + 1))).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(await verify(grant, at(66))).toEqual({ ok: false, reason: 'expired' });
  });

  it('verifies from iat - skew exactly, and is not yet valid a millisecond earlier', async () => {
    expect(await verify(grant, at(-5))).toMatchObject({ ok: true });
    expect(await verify(grant, new Date(at(-5).getTime() - 1))).toEqual({
      ok: false,
      reason: 'not_yet_valid',
    });
  });

  it('refuses a grant issued beyond the skew in the future (a signer with a clock ahead)', async () => {
    const { grant: early } = await createPlaybackGrantSigner({
      privateJwk: current.privateJwk,
    }).sign({
      customerId,
      contentId,
      now: at(30),
    });
    expect(await verify(early, at(0))).toEqual({ ok: false, reason: 'not_yet_valid' });
  });

  it('takes its skew from the options: with 0 s, one second past exp is expired', async () => {
    expect(await verify(grant, at(60), { skewSeconds: 0 })).toMatchObject({ ok: true });
    expect(await verify(grant, at(61), { skewSeconds: 0 })).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('refuses a lifetime over maxLifetimeSeconds, even when signed by a live key and in time', async () => {
    const signer = createPlaybackGrantSigner({
      privateJwk: current.privateJwk,
      lifetimeSeconds: 301,
    });
    const { grant: long } = await signer.sign({ customerId, contentId, now: issuedAt });
    expect(await verify(long)).toEqual({ ok: false, reason: 'lifetime_too_long' });
    const atLimit = createPlaybackGrantSigner({
      privateJwk: current.privateJwk,
      lifetimeSeconds: 300,
    });
    const { grant: longest } = await atLimit.sign({ customerId, contentId, now: issuedAt });
    expect(await verify(longest)).toMatchObject({ ok: true });
    expect(await verify(grant, at(1), { maxLifetimeSeconds: 59 })).toEqual({
      ok: false,
      reason: 'lifetime_too_long',
    });
  });
});

describe('keys and rotation', () => {
  it('verifies grants of both live keys while the JWKS publishes the two', async () => {
    const jwks = { keys: [current.publicJwk, next.publicJwk] };
    const { grant: nextGrant } = await createPlaybackGrantSigner({
      privateJwk: next.privateJwk,
    }).sign({
      customerId,
      contentId,
      now: issuedAt,
    });
    expect(await verify(grant, at(1), { jwks })).toMatchObject({ ok: true });
    expect(await verify(nextGrant, at(1), { jwks })).toMatchObject({ ok: true });
  });

  it('refuses a grant of a retired key (dropped from the JWKS) as unknown_key', async () => {
    expect(await verify(grant, at(1), { jwks: { keys: [next.publicJwk] } })).toEqual({
      ok: false,
      reason: 'unknown_key',
    });
  });

  it('refuses a grant whose kid is moved to another live key as bad_signature', async () => {
    const moved = rewriteGrant(grant, {
      header: (header) => ({ ...header, kid: next.publicJwk.kid }),
    });
    const jwks = { keys: [current.publicJwk, next.publicJwk] };
    expect(await verify(moved, at(1), { jwks })).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('imports each key once per verifier, on first use', async () => {
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    const verifier = verifierOf({ jwks: { keys: [current.publicJwk, next.publicJwk] } });
    expect(importKey).not.toHaveBeenCalled();
    for (let round = 0; round < 3; round += 1) {
      await verifier.verify(grant, { contentId, now: at(1) });
    }
    expect(importKey).toHaveBeenCalledTimes(1);
  });
});

describe('the algorithm is fixed', () => {
  it.each(['none', 'HS256', 'ES256', 'RS256', 'Ed25519', 'eddsa'])(
    'refuses alg %s with the signature kept, before looking up a key',
    async (alg) => {
      const verifySignature = vi.spyOn(crypto.subtle, 'verify');
      const changed = rewriteGrant(grant, { header: (header) => ({ ...header, alg }) });
      expect(await verify(changed)).toEqual({ ok: false, reason: 'unsupported_algorithm' });
      expect(verifySignature).not.toHaveBeenCalled();
    },
  );

  it('refuses alg none with an empty signature', async () => {
    const [, claims] = rewriteGrant(grant, {
      header: (header) => ({ ...header, alg: 'none' }),
    }).split('.');
    const header = encodeBase64url(
      utf8Bytes(JSON.stringify({ ...genuineHeader(current.privateJwk), alg: 'none' })),
    );
    expect(await verify(`${header}.${claims}.`)).toEqual({
      ok: false,
      reason: 'unsupported_algorithm',
    });
  });

  it('refuses HS256 keyed with the public key (the classic confusion attack)', async () => {
    const header = encodeBase64url(
      utf8Bytes(JSON.stringify({ ...genuineHeader(current.privateJwk), alg: 'HS256' })),
    );
    const claims = grant.split('.')[1];
    const hmacKey = await crypto.subtle.importKey(
      'raw',
      utf8Bytes(current.publicJwk.x),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const mac = await crypto.subtle.sign('HMAC', hmacKey, utf8Bytes(`${header}.${claims}`));
    const forged = `${header}.${claims}.${encodeBase64url(new Uint8Array(mac))}`;
    expect(await verify(forged)).toEqual({ ok: false, reason: 'unsupported_algorithm' });
  });
});

describe('tampering', () => {
  it.each([
    ['content', { cid: 'another-item' }],
    ['buyer', { sub: 'auth0|someone-else' }],
    ['expiry', { exp: issuedAtSeconds + 120 }],
  ])('refuses a grant whose %s was changed, the signature kept', async (_what, overrides) => {
    const tampered = rewriteGrant(grant, { claims: (claims) => ({ ...claims, ...overrides }) });
    expect(await verify(tampered)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a grant whose signature was changed', async () => {
    const [header, claims, signature = ''] = grant.split('.');
    const flipped = signature[10] === 'A' ? 'B' : 'A';
    const tampered = `${header}.${claims}.${signature.slice(0, 10)}${flipped}${signature.slice(11)}`;
    expect(await verify(tampered)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a signature of another grant', async () => {
    const { grant: other } = await createPlaybackGrantSigner({
      privateJwk: current.privateJwk,
    }).sign({
      customerId,
      contentId: 'another-item',
      now: issuedAt,
    });
    const [header, claims] = grant.split('.');
    const swapped = `${header}.${claims}.${other.split('.')[2]}`;
    expect(await verify(swapped)).toEqual({ ok: false, reason: 'bad_signature' });
  });
});

describe('malformed grants', () => {
  it('refuses a grant over 1024 characters before any crypto', async () => {
    const verifySignature = vi.spyOn(crypto.subtle, 'verify');
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    const [header, claims, signature] = grant.split('.');
    const padded = `${header}.${claims}${'A'.repeat(1025 - grant.length)}.${signature}`;
    expect(padded.length).toBe(1025);
    expect(await verify(padded)).toEqual({ ok: false, reason: 'malformed' });
    expect(await verify('x'.repeat(1_000_000))).toEqual({ ok: false, reason: 'malformed' });
    expect(verifySignature).not.toHaveBeenCalled();
    expect(importKey).not.toHaveBeenCalled();
  });

  it.each<[string, (grant: string) => unknown]>([
    ['not a string', () => 42],
    ['undefined', () => undefined],
    ['empty', () => ''],
    ['two parts', (g) => g.split('.').slice(0, 2).join('.')],
    ['four parts', (g) => `${g}.AAAA`],
    ['padding', (g) => `${g.split('.')[0]}=.${g.split('.').slice(1).join('.')}`],
    [
      'standard base64 characters',
      (g) => g.replace(/-/g, '+').replace(/_/g, '/').replace(/^(.)/, '+'),
    ],
    ['whitespace', (g) => ` ${g}`],
    [
      'a header that is not JSON',
      (g) => `${encodeBase64url(utf8Bytes('{alg'))}.${g.split('.').slice(1).join('.')}`,
    ],
    [
      'a header that is an array',
      (g) => `${encodeBase64url(utf8Bytes('["EdDSA"]'))}.${g.split('.').slice(1).join('.')}`,
    ],
    ['a signature of the wrong length', (g) => g.slice(0, -4)],
    ['an empty signature', (g) => `${g.split('.').slice(0, 2).join('.')}.`],
    [
      'a signature with its unused trailing bits set (a second spelling of the same bytes)',
      (g) => {
        // 64 bytes end in a character carrying 2 bits and 4 zero bits; setting one makes it non-canonical.
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        const last = alphabet.indexOf(g.slice(-1));
        return `${g.slice(0, -1)}${alphabet[last | 1]}`;
      },
    ],
  ])('refuses %s as malformed', async (_what, make) => {
    expect(await verify(make(grant))).toEqual({ ok: false, reason: 'malformed' });
  });

  it.each<[string, (header: Record<string, unknown>) => unknown]>([
    ['a missing typ', ({ typ: _typ, ...header }) => header],
    ['another typ', (header) => ({ ...header, typ: 'JWT' })],
    ['a missing kid', ({ kid: _kid, ...header }) => header],
    ['a kid with a space', (header) => ({ ...header, kid: 'grants 2026' })],
    ['a kid over 64 characters', (header) => ({ ...header, kid: 'k'.repeat(65) })],
    ['a numeric kid', (header) => ({ ...header, kid: 7 })],
    ['a crit member', (header) => ({ ...header, crit: ['exp'] })],
    ['a jku member', (header) => ({ ...header, jku: 'https://attacker.example/jwks' })],
  ])('refuses a header with %s as malformed', async (_what, change) => {
    expect(await verify(rewriteGrant(grant, { header: change }))).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it.each<[string, unknown]>([
    ['no sub', (({ sub: _sub, ...claims }) => claims)(claimsFor())],
    ['no cid', (({ cid: _cid, ...claims }) => claims)(claimsFor())],
    ['an empty sub', claimsFor({ sub: '' })],
    ['a numeric cid', claimsFor({ cid: 7 })],
    ['a fractional exp', claimsFor({ exp: issuedAtSeconds + 60.5 })],
    ['exp as a string', claimsFor({ exp: String(issuedAtSeconds + 60) })],
    ['exp before iat', claimsFor({ exp: issuedAtSeconds - 1 })],
    ['exp equal to iat', claimsFor({ exp: issuedAtSeconds })],
    ['a claim the format does not have', claimsFor({ email: 'buyer@example.com' })],
    ['claims that are an array', [claimsFor()]],
  ])('refuses validly signed claims with %s as malformed', async (_what, claims) => {
    const forged = await signRawGrant(
      current.privateJwk,
      genuineHeader(current.privateJwk),
      claims,
    );
    expect(await verify(forged)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('accepts validly signed claims without jti (it is informational)', async () => {
    const { jti: _jti, ...claims } = claimsFor();
    const forged = await signRawGrant(
      current.privateJwk,
      genuineHeader(current.privateJwk),
      claims,
    );
    expect(await verify(forged)).toMatchObject({ ok: true });
  });

  it('throws for an invalid clock: a bug in the caller, not a refusal', async () => {
    await expect(
      verifierOf().verify(grant, { contentId, now: new Date(Number.NaN) }),
    ).rejects.toThrow(TypeError);
  });

  it('decodes the genuine grant to exactly the documented header and claims', () => {
    const [header, claims] = grant.split('.');
    expect(decodePart(header)).toEqual({
      alg: 'EdDSA',
      kid: 'grants-2026-12',
      typ: 'playback-grant+jwt',
    });
    expect(Object.keys(decodePart(claims)).sort()).toEqual(['cid', 'exp', 'iat', 'jti', 'sub']);
  });
});

describe('a misconfigured verifier fails at construction', () => {
  it.each<[string, () => unknown]>([
    ['no keys', () => ({ keys: [] })],
    ['no keys member', () => ({})],
    ['a private key', () => ({ keys: [current.privateJwk] })],
    [
      'a symmetric key',
      () => ({ keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'hmac', alg: 'HS256' }] }),
    ],
    [
      'an ES256 key',
      () => ({
        keys: [
          {
            kty: 'EC',
            crv: 'P-256',
            kid: 'ec',
            alg: 'ES256',
            use: 'sig',
            x: current.publicJwk.x,
            y: current.publicJwk.x,
          },
        ],
      }),
    ],
    [
      'an Ed25519 key labelled with another alg',
      () => ({ keys: [{ ...current.publicJwk, alg: 'ES256' }] }),
    ],
    ['an encryption key', () => ({ keys: [{ ...current.publicJwk, use: 'enc' }] })],
    ['a key without kid', () => ({ keys: [{ ...current.publicJwk, kid: undefined }] })],
    ['a key of the wrong size', () => ({ keys: [{ ...current.publicJwk, x: 'AAAA' }] })],
    [
      'two keys with one kid',
      () => ({ keys: [current.publicJwk, { ...next.publicJwk, kid: current.publicJwk.kid }] }),
    ],
  ])('throws for a JWKS with %s', (_what, jwks) => {
    expect(() =>
      createPlaybackGrantVerifier({ jwks: jwks() as PlaybackGrantVerifierOptions['jwks'] }),
    ).toThrow(TypeError);
  });

  it.each<[string, Partial<PlaybackGrantVerifierOptions>]>([
    ['a negative skew', { skewSeconds: -1 }],
    ['a fractional skew', { skewSeconds: 0.5 }],
    ['a zero maximum lifetime', { maxLifetimeSeconds: 0 }],
    ['an infinite maximum lifetime', { maxLifetimeSeconds: Number.POSITIVE_INFINITY }],
  ])('throws for %s', (_what, options) => {
    expect(() => verifierOf(options)).toThrow(TypeError);
  });
});
