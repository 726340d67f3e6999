/**
 * TEST-ONLY playback grant keys: two Ed25519 pairs generated once with `generatePlaybackGrantKey`
 * and committed so the worker tests' bindings (vitest.config.ts) are fixed. Published in this
 * repository, so they protect nothing: never use them outside tests.
 */
export const TEST_ONLY_PLAYBACK_GRANT_CURRENT_KEY = {
  privateJwk: {
    kty: 'OKP',
    crv: 'Ed25519',
    x: 'xAgOW2gOtSoRfml1Fkxd1jJnayUKN7TwCwLWZeqOhxE',
    kid: 'test-grants-current',
    alg: 'EdDSA',
    use: 'sig',
    d: 'wqgbDZRWStasNgPlEHvRMzbMGqM1RSe2kjN1BRMFYxc',
  },
  publicJwk: {
    kty: 'OKP',
    crv: 'Ed25519',
    x: 'xAgOW2gOtSoRfml1Fkxd1jJnayUKN7TwCwLWZeqOhxE',
    kid: 'test-grants-current',
    alg: 'EdDSA',
    use: 'sig',
  },
} as const;

/** TEST-ONLY: the next key of a rotation (see {@link TEST_ONLY_PLAYBACK_GRANT_CURRENT_KEY}). */
export const TEST_ONLY_PLAYBACK_GRANT_NEXT_KEY = {
  privateJwk: {
    kty: 'OKP',
    crv: 'Ed25519',
    x: '3fU_xSPhiWdDxGpW4m4gXKrWmCTfzOfWZbnnPHGvAlY',
    kid: 'test-grants-next',
    alg: 'EdDSA',
    use: 'sig',
    d: 'AZv5BGNkiEa8cpogmZzrlCuJBtuZM6t2lp7SYC4jaTc',
  },
  publicJwk: {
    kty: 'OKP',
    crv: 'Ed25519',
    x: '3fU_xSPhiWdDxGpW4m4gXKrWmCTfzOfWZbnnPHGvAlY',
    kid: 'test-grants-next',
    alg: 'EdDSA',
    use: 'sig',
  },
} as const;
