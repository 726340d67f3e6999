/**
 * The public-key algorithms a token may be signed with. Each JWK verifies exactly one of them,
 * decided by the key (see {@link algorithmOfJwk}), never by the token.
 */
export const publicKeyAlgorithms = ['RS256', 'ES256', 'EdDSA'] as const;
export type PublicKeyAlgorithm = (typeof publicKeyAlgorithms)[number];

/**
 * A key WebCrypto imported. Derived from the global `crypto` rather than named, so the same source
 * type-checks under Node's and the Workers runtime's type definitions.
 */
export type VerificationKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** The public members of a JWK, the only ones handed to WebCrypto. */
type PublicJwk = { kty: string } & Partial<Record<'n' | 'e' | 'crv' | 'x' | 'y', string>>;

interface WebCryptoAlgorithm {
  importParams: { name: string; hash?: string; namedCurve?: string };
  verifyParams: { name: string; hash?: string };
}

const webCrypto: Record<PublicKeyAlgorithm, WebCryptoAlgorithm> = {
  RS256: {
    importParams: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    verifyParams: { name: 'RSASSA-PKCS1-v1_5' },
  },
  // A JWS ES256 signature is r ‖ s (64 bytes), the IEEE P1363 form WebCrypto's ECDSA expects.
  ES256: {
    importParams: { name: 'ECDSA', namedCurve: 'P-256' },
    verifyParams: { name: 'ECDSA', hash: 'SHA-256' },
  },
  EdDSA: { importParams: { name: 'Ed25519' }, verifyParams: { name: 'Ed25519' } },
};

/**
 * The `alg` values a JWK or a token header may carry for each algorithm. `Ed25519` is RFC 9864's
 * fully-specified name for the same signature as `EdDSA` over Ed25519 (WebCrypto exports it).
 */
const algNames: Record<PublicKeyAlgorithm, readonly string[]> = {
  RS256: ['RS256'],
  ES256: ['ES256'],
  EdDSA: ['EdDSA', 'Ed25519'],
};

/** RSA keys below 2048 bits are refused (NIST SP 800-131A); the modulus `n` is base64url. */
const MIN_RSA_MODULUS_BYTES = 256;

/** The public-key algorithm a token header's `alg` names, or `undefined` (HS256, `none`, ...). */
export function publicKeyAlgorithmOf(alg: unknown): PublicKeyAlgorithm | undefined {
  return publicKeyAlgorithms.find((algorithm) => algNames[algorithm].some((name) => name === alg));
}

function algorithmOfKeyType(jwk: Record<string, unknown>): PublicKeyAlgorithm | undefined {
  if (jwk.kty === 'RSA') {
    const isLongEnough =
      typeof jwk.n === 'string' && Math.floor((jwk.n.length * 3) / 4) >= MIN_RSA_MODULUS_BYTES;
    return isLongEnough ? 'RS256' : undefined;
  }
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  return undefined;
}

/**
 * The one algorithm a published JWK verifies: from its `kty` and `crv` (RSA of at least 2048 bits
 * → RS256, EC P-256 → ES256, OKP Ed25519 → EdDSA). A key whose own `alg` names another algorithm,
 * whose `use` is not `sig`, or of any other type gives `undefined` (the key is not used).
 */
export function algorithmOfJwk(jwk: Record<string, unknown>): PublicKeyAlgorithm | undefined {
  const algorithm = algorithmOfKeyType(jwk);
  if (algorithm === undefined) return undefined;
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
  if (jwk.alg !== undefined && !algNames[algorithm].some((name) => name === jwk.alg)) {
    return undefined;
  }
  return algorithm;
}

/** Imports a public JWK for `algorithm`; `undefined` when WebCrypto refuses it (malformed key). */
export async function importPublicKey(
  jwk: Record<string, unknown>,
  algorithm: PublicKeyAlgorithm,
): Promise<VerificationKey | undefined> {
  // Only the public members: a provider that wrongly publishes `d` must not make it a private key,
  // and `alg`, `use` and `key_ops` were checked already (WebCrypto is stricter about their spelling).
  if (typeof jwk.kty !== 'string') return undefined;
  const publicJwk: PublicJwk = { kty: jwk.kty };
  for (const member of ['n', 'e', 'crv', 'x', 'y'] as const) {
    const value = jwk[member];
    if (typeof value === 'string') publicJwk[member] = value;
  }
  return crypto.subtle
    .importKey('jwk', publicJwk, webCrypto[algorithm].importParams, false, ['verify'])
    .catch(() => undefined);
}

/** Whether `signature` over `data` verifies with `key` (imported for `algorithm`). Never throws. */
export async function verifySignature(
  key: VerificationKey,
  algorithm: PublicKeyAlgorithm,
  signature: Uint8Array<ArrayBuffer>,
  data: Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  return crypto.subtle
    .verify(webCrypto[algorithm].verifyParams, key, signature, data)
    .catch(() => false);
}
