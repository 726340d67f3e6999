import { describe, expect, it } from 'vitest';
import { checkoutConfigSchema } from './env';
import {
  TEST_ONLY_PLAYBACK_GRANT_CURRENT_KEY as CURRENT,
  TEST_ONLY_PLAYBACK_GRANT_NEXT_KEY as NEXT,
} from './testing/test-playback-grant-keys';

// Who may call is configuration (decision 022): what the schema accepts and refuses, by name.
const base = {
  ENVIRONMENT: 'production',
  DATABASE_URL: 'postgres://user:password@db.example.com:5432/codex',
  WEB_APP_URL: 'https://app.codex.test',
  AUTH_STAFF_AUDIENCE: 'https://staff.codex.test',
};
const SECRET = 'a-real-secret-of-at-least-32-characters-0123';
const JWKS = 'https://identity.codex.test/.well-known/jwks.json';

function problemsOf(bindings: Record<string, string | undefined>): string[] {
  const parsed = checkoutConfigSchema.safeParse({ ...base, ...bindings });
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
}

describe('the identity settings', () => {
  it('accept an HS256 secret alone, a JWKS with its issuer alone, or both', () => {
    expect(problemsOf({ AUTH_JWT_SECRET: SECRET })).toEqual([]);
    expect(
      problemsOf({ AUTH_JWKS_URL: JWKS, AUTH_ISSUER: 'https://identity.codex.test/' }),
    ).toEqual([]);
    expect(
      problemsOf({ AUTH_JWT_SECRET: SECRET, AUTH_JWKS_URL: JWKS, AUTH_ISSUER: 'https://i/' }),
    ).toEqual([]);
  });

  it('refuse neither a secret nor a JWKS (empty counts as unset)', () => {
    expect(problemsOf({})).toEqual(['AUTH_JWT_SECRET']);
    expect(problemsOf({ AUTH_JWT_SECRET: '', AUTH_JWKS_URL: '' })).toEqual(['AUTH_JWT_SECRET']);
  });

  it('refuse a JWKS without an issuer', () => {
    expect(problemsOf({ AUTH_JWKS_URL: JWKS })).toEqual(['AUTH_ISSUER']);
  });

  it('refuse a JWKS over plain http, except to this machine', () => {
    const issuer = { AUTH_ISSUER: 'https://identity.codex.test/' };
    expect(problemsOf({ ...issuer, AUTH_JWKS_URL: 'http://identity.codex.test/jwks' })).toEqual([
      'AUTH_JWKS_URL',
    ]);
    expect(problemsOf({ ...issuer, AUTH_JWKS_URL: 'http://127.0.0.1:8791/jwks' })).toEqual([]);
  });

  it('leave the staff audience optional: without it the staff routes refuse every request', () => {
    expect(problemsOf({ AUTH_JWT_SECRET: SECRET, AUTH_STAFF_AUDIENCE: undefined })).toEqual([]);
  });
});

describe('the platform fee', () => {
  const withSecret = (bindings: Record<string, string | undefined>) =>
    checkoutConfigSchema.safeParse({ ...base, AUTH_JWT_SECRET: SECRET, ...bindings });

  it('defaults to 10 % and no fixed part (unset or empty)', () => {
    for (const bindings of [{}, { PLATFORM_FEE_BASIS_POINTS: '', PLATFORM_FEE_FIXED_CENTS: '' }]) {
      const parsed = withSecret(bindings);
      expect(parsed.success && parsed.data.PLATFORM_FEE_BASIS_POINTS).toBe(1000);
      expect(parsed.success && parsed.data.PLATFORM_FEE_FIXED_CENTS).toBe(0);
    }
  });

  it('takes whole numbers: 0 to 10,000 basis points, a fixed part of 0 or more cents', () => {
    const parsed = withSecret({
      PLATFORM_FEE_BASIS_POINTS: '10000',
      PLATFORM_FEE_FIXED_CENTS: '30',
    });
    expect(parsed.success && parsed.data.PLATFORM_FEE_BASIS_POINTS).toBe(10000);
    expect(parsed.success && parsed.data.PLATFORM_FEE_FIXED_CENTS).toBe(30);
    expect(problemsOf({ AUTH_JWT_SECRET: SECRET, PLATFORM_FEE_BASIS_POINTS: '0' })).toEqual([]);
  });

  it.each([
    ['PLATFORM_FEE_BASIS_POINTS', '10001', 'must be at most 10000 basis points'],
    ['PLATFORM_FEE_BASIS_POINTS', '-1', 'must be a whole number of basis points (0 to 10000)'],
    ['PLATFORM_FEE_BASIS_POINTS', '2.5', 'must be a whole number of basis points (0 to 10000)'],
    [
      'PLATFORM_FEE_BASIS_POINTS',
      'ten percent',
      'must be a whole number of basis points (0 to 10000)',
    ],
    ['PLATFORM_FEE_FIXED_CENTS', '-30', 'must be a whole number of cents (0 to 99999999)'],
    ['PLATFORM_FEE_FIXED_CENTS', '100000000', 'must be at most 99999999 cents'],
  ])('refuses %s=%s, saying why', (name, value, message) => {
    const parsed = withSecret({ [name]: value });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      [name, message],
    ]);
  });
});

describe('the playback grant settings', () => {
  const signingKey = JSON.stringify(CURRENT.privateJwk);
  const jwksOf = (...keys: object[]) => JSON.stringify({ keys });
  const withGrants = (bindings: Record<string, string | undefined>) =>
    checkoutConfigSchema.safeParse({ ...base, AUTH_JWT_SECRET: SECRET, ...bindings });
  const issuesOf = (bindings: Record<string, string | undefined>) =>
    withGrants(bindings).error?.issues.map((issue) => [issue.path.join('.'), issue.message]) ?? [];

  it('are optional (no grants), and the lifetime defaults to 60 s', () => {
    const parsed = withGrants({});
    expect(parsed.success && parsed.data.PLAYBACK_GRANT_SIGNING_KEY).toBeUndefined();
    expect(parsed.success && parsed.data.PLAYBACK_GRANT_LIFETIME_SECONDS).toBe(60);
  });

  it('take a signing key whose public half is published, alone or beside the next key', () => {
    for (const keys of [[CURRENT.publicJwk], [CURRENT.publicJwk, NEXT.publicJwk]]) {
      const parsed = withGrants({
        PLAYBACK_GRANT_SIGNING_KEY: signingKey,
        PLAYBACK_GRANT_PUBLIC_KEYS: jwksOf(...keys),
      });
      expect(parsed.success && parsed.data.PLAYBACK_GRANT_PUBLIC_KEYS).toEqual({ keys });
    }
  });

  it('refuse a signing key whose public half is not published (absent, another key, another x)', () => {
    const message =
      'must contain the public half of PLAYBACK_GRANT_SIGNING_KEY (kid test-grants-current, same x)';
    const sameKidOtherX = { ...NEXT.publicJwk, kid: CURRENT.publicJwk.kid };
    for (const published of [undefined, jwksOf(NEXT.publicJwk), jwksOf(sameKidOtherX)]) {
      expect(
        issuesOf({ PLAYBACK_GRANT_SIGNING_KEY: signingKey, PLAYBACK_GRANT_PUBLIC_KEYS: published }),
      ).toEqual([['PLAYBACK_GRANT_PUBLIC_KEYS', message]]);
    }
  });

  it('refuse a signing key that is not JSON, or not a private Ed25519 key, without echoing it', () => {
    const notJson = issuesOf({ PLAYBACK_GRANT_SIGNING_KEY: 'secret-not-json' });
    expect(notJson[0]).toEqual([
      'PLAYBACK_GRANT_SIGNING_KEY',
      'must be a private Ed25519 JWK with a kid as JSON (it is not JSON)',
    ]);
    const publicOnly = issuesOf({
      PLAYBACK_GRANT_SIGNING_KEY: JSON.stringify(CURRENT.publicJwk),
      PLAYBACK_GRANT_PUBLIC_KEYS: jwksOf(CURRENT.publicJwk),
    });
    expect(publicOnly).toEqual([
      [
        'PLAYBACK_GRANT_SIGNING_KEY',
        'must be a private Ed25519 JWK with a kid: playback grant key "test-grants-current": d must be 32 bytes of base64url',
      ],
    ]);
    const wrongD = { ...CURRENT.privateJwk, d: 'c2hvcnQ' };
    const problems = issuesOf({ PLAYBACK_GRANT_SIGNING_KEY: JSON.stringify(wrongD) }).flat();
    expect(problems.join(' ')).not.toContain('c2hvcnQ');
  });

  it('refuse public keys holding a private member, or not a JWKS', () => {
    expect(issuesOf({ PLAYBACK_GRANT_PUBLIC_KEYS: jwksOf(CURRENT.privateJwk) })).toEqual([
      [
        'PLAYBACK_GRANT_PUBLIC_KEYS',
        'must be a JWKS ({"keys":[...]}) of public Ed25519 keys: playback grant key "test-grants-current": holds private members (d); only public keys may be published or trusted',
      ],
    ]);
    expect(issuesOf({ PLAYBACK_GRANT_PUBLIC_KEYS: JSON.stringify([CURRENT.publicJwk]) })).toEqual([
      [
        'PLAYBACK_GRANT_PUBLIC_KEYS',
        'must be a JWKS ({"keys":[...]}) of public Ed25519 keys: no "keys" member',
      ],
    ]);
  });

  it.each([
    ['9', 'must be at least 10 seconds'],
    ['301', 'must be at most 300 seconds'],
    ['1.5', 'must be a whole number of seconds (10 to 300)'],
  ])('refuse a lifetime of %s s', (value, message) => {
    expect(issuesOf({ PLAYBACK_GRANT_LIFETIME_SECONDS: value })).toEqual([
      ['PLAYBACK_GRANT_LIFETIME_SECONDS', message],
    ]);
  });

  it('take a lifetime from 10 to 300 s', () => {
    for (const value of ['10', '300']) {
      const parsed = withGrants({ PLAYBACK_GRANT_LIFETIME_SECONDS: value });
      expect(parsed.success && parsed.data.PLAYBACK_GRANT_LIFETIME_SECONDS).toBe(Number(value));
    }
  });
});
