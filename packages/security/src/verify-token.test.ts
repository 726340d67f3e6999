import { type JwksStandIn, startJwksStandIn } from '@codex/test-utils/jwks-stand-in';
import {
  encodeJson,
  generateSigningKey,
  publishJwks,
  type SigningAlgorithm,
  type SigningKey,
  signWithKey,
} from '@codex/test-utils/signing-keys';
import { sign } from 'hono/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TokenVerification, verifyToken } from './verify-token';

const SECRET = 'test-secret-that-is-long-enough-for-hs256';
const ISSUER = 'https://identity.codex.test/';
const AUDIENCE = 'https://api.codex.test';
const NOW_MS = 1_800_000_000_000;
const NOW = NOW_MS / 1000;

let standIn: JwksStandIn;
let keys: Record<SigningAlgorithm, SigningKey>;
let jwksUrl: string;

beforeAll(async () => {
  standIn = await startJwksStandIn();
  const [rs, es, ed] = await Promise.all([
    generateSigningKey('RS256', 'rs-1'),
    generateSigningKey('ES256', 'es-1'),
    generateSigningKey('EdDSA', 'ed-1'),
  ]);
  keys = { RS256: rs, ES256: es, EdDSA: ed };
  await publishJwks(standIn.url, 'verify-token', [rs, es, ed]);
  jwksUrl = `${standIn.url}/jwks/verify-token`;
});
afterAll(async () => {
  await standIn.close();
});

function settings(overrides: Partial<TokenVerification> = {}): TokenVerification {
  return {
    jwksUrl,
    issuer: ISSUER,
    audience: AUDIENCE,
    clockSkewSeconds: 60,
    nowMs: NOW_MS,
    ...overrides,
  };
}

const claims = (overrides: Record<string, unknown> = {}) => ({
  sub: 'user_1',
  iss: ISSUER,
  aud: AUDIENCE,
  iat: NOW - 10,
  exp: NOW + 300,
  ...overrides,
});

async function accepts(token: string, overrides: Partial<TokenVerification> = {}) {
  return (await verifyToken(token, settings(overrides))) !== undefined;
}

describe('verifyToken with a JWKS', () => {
  it.each(['RS256', 'ES256', 'EdDSA'] as const)(
    'accepts a token signed by a published %s key',
    async (alg) => {
      const payload = await verifyToken(await signWithKey(keys[alg], claims()), settings());

      expect(payload).toMatchObject({ sub: 'user_1', iss: ISSUER });
    },
  );

  it('accepts the fully-specified alg name Ed25519 for an Ed25519 key', async () => {
    expect(await accepts(await signWithKey(keys.EdDSA, claims(), { alg: 'Ed25519' }))).toBe(true);
  });

  it('accepts an aud array that contains the audience', async () => {
    const token = await signWithKey(keys.ES256, claims({ aud: ['other', AUDIENCE] }));
    expect(await accepts(token)).toBe(true);
  });

  it('checks neither iss nor aud when they are not configured', async () => {
    const token = await signWithKey(keys.ES256, claims({ iss: 'anyone', aud: 'anything' }));
    expect(await accepts(token, { issuer: undefined, audience: undefined })).toBe(true);
  });

  describe('refuses', () => {
    it.each([
      ['a wrong iss', { iss: 'https://evil.example/' }],
      ['no iss', { iss: undefined }],
      ['a wrong aud', { aud: 'https://api.other.test' }],
      ['an aud array without the audience', { aud: ['a', 'b'] }],
      ['no aud', { aud: undefined }],
      ['an exp passed by more than the skew', { exp: NOW - 61 }],
      ['no exp', { exp: undefined }],
      ['an exp that is not a number', { exp: String(NOW + 300) }],
      ['an nbf further ahead than the skew', { nbf: NOW + 61 }],
      ['an iat further ahead than the skew', { iat: NOW + 61 }],
    ])('%s', async (_label, override) => {
      expect(await accepts(await signWithKey(keys.RS256, claims(override)))).toBe(false);
    });

    it('a token whose header names another algorithm than its key (alg mismatch)', async () => {
      // The ES256 key's kid with an RS256 header: the key decides, the header cannot change it.
      const token = await signWithKey(keys.RS256, claims(), { kid: keys.ES256.kid });
      expect(await accepts(token)).toBe(false);
      const relabelled = await signWithKey(keys.ES256, claims(), { alg: 'RS256' });
      expect(await accepts(relabelled)).toBe(false);
    });

    it('alg none, with or without a signature', async () => {
      const unsigned = `${encodeJson({ alg: 'none', kid: 'rs-1' })}.${encodeJson(claims())}.`;
      const valid = await signWithKey(keys.RS256, claims());
      const [, payload, signature] = valid.split('.');
      const swapped = `${encodeJson({ alg: 'none', kid: 'rs-1' })}.${payload}.${signature}`;

      expect(await accepts(unsigned)).toBe(false);
      expect(await accepts(swapped)).toBe(false);
    });

    it('HS256 keyed with the public key (the classic confusion), even when a secret is set', async () => {
      const publicKeyText = JSON.stringify(keys.RS256.publicJwk);
      const token = await sign(claims(), publicKeyText, 'HS256');
      expect(await accepts(token)).toBe(false);
      expect(await accepts(token, { secret: SECRET })).toBe(false);
    });

    it('an unknown kid, a missing kid, and a signature by an unpublished key', async () => {
      const unpublished = await generateSigningKey('ES256', 'es-1');
      expect(await accepts(await signWithKey(keys.ES256, claims(), { kid: 'nope' }))).toBe(false);
      expect(await accepts(await signWithKey(keys.ES256, claims(), { kid: undefined }))).toBe(
        false,
      );
      expect(await accepts(await signWithKey(unpublished, claims()))).toBe(false);
    });

    it('other algorithms and a crit header', async () => {
      expect(await accepts(await signWithKey(keys.RS256, claims(), { alg: 'PS256' }))).toBe(false);
      expect(await accepts(await signWithKey(keys.RS256, claims(), { crit: ['b64'] }))).toBe(false);
    });

    it('a public-key token when no JWKS URL is configured', async () => {
      const token = await signWithKey(keys.RS256, claims());
      expect(await accepts(token, { jwksUrl: undefined, secret: SECRET })).toBe(false);
    });

    it('a tampered payload', async () => {
      const [header, , signature] = (await signWithKey(keys.EdDSA, claims())).split('.');
      const forged = `${header}.${encodeJson(claims({ sub: 'someone-else' }))}.${signature}`;
      expect(await accepts(forged)).toBe(false);
    });
  });

  it('accepts an exp passed by less than the skew, and an nbf ahead by less', async () => {
    expect(await accepts(await signWithKey(keys.RS256, claims({ exp: NOW - 59 })))).toBe(true);
    expect(await accepts(await signWithKey(keys.RS256, claims({ nbf: NOW + 59 })))).toBe(true);
  });
});

describe('verifyToken with a secret (HS256, local development and tests)', () => {
  const hs = settings({ jwksUrl: undefined, secret: SECRET });

  it('accepts HS256 with the secret and checks iss and aud the same way', async () => {
    expect(await verifyToken(await sign(claims(), SECRET, 'HS256'), hs)).toBeDefined();
    const wrongAudience = await sign(claims({ aud: 'x' }), SECRET, 'HS256');
    expect(await verifyToken(wrongAudience, hs)).toBeUndefined();
  });

  it('refuses HS256 when only a JWKS is configured, and HS384/HS512', async () => {
    const token = await sign(claims(), SECRET, 'HS256');
    expect(await verifyToken(token, settings())).toBeUndefined();
    expect(await verifyToken(await sign(claims(), SECRET, 'HS512'), hs)).toBeUndefined();
  });

  it.each(['', 'a.b', 'a.b.c.d', '!!!.???.***', `${encodeJson([1])}.${encodeJson({})}.`])(
    'refuses the malformed token %j without throwing',
    async (token) => {
      expect(await verifyToken(token, hs)).toBeUndefined();
    },
  );
});
