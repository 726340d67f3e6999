// Runtime-neutral (WebCrypto and fetch only): used by tests in Node and inside the Workers runtime.

/** The algorithms an identity provider signs tokens with, as a token header names them. */
export type SigningAlgorithm = 'RS256' | 'ES256' | 'EdDSA';

/** A provider's key pair: the private half signs, `publicJwk` is what its JWKS publishes. */
export interface SigningKey {
  alg: SigningAlgorithm;
  kid: string;
  privateKey: CryptoKeyLike;
  publicJwk: Record<string, unknown>;
}

type CryptoKeyLike = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

const generation = {
  RS256: {
    name: 'RSASSA-PKCS1-v1_5',
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: 'SHA-256',
  },
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  EdDSA: { name: 'Ed25519' },
} as const;

const signing = {
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  EdDSA: { name: 'Ed25519' },
} as const;

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** Base64url of a JSON value (a token's header or payload). */
export function encodeJson(value: unknown): string {
  return base64Url(new TextEncoder().encode(JSON.stringify(value)));
}

/** A fresh key pair; its public JWK carries `kid`, `alg` and `use: "sig"` as providers publish them. */
export async function generateSigningKey(alg: SigningAlgorithm, kid: string): Promise<SigningKey> {
  const pair = (await crypto.subtle.generateKey(generation[alg], true, ['sign', 'verify'])) as {
    privateKey: CryptoKeyLike;
    publicKey: CryptoKeyLike;
  };
  const { kty, n, e, crv, x, y } = (await crypto.subtle.exportKey(
    'jwk',
    pair.publicKey,
  )) as unknown as Record<string, unknown>;
  return {
    alg,
    kid,
    privateKey: pair.privateKey,
    publicJwk: { kty, n, e, crv, x, y, kid, alg, use: 'sig' },
  };
}

/**
 * A compact JWS of `payload` signed with `key`; the header is `{ alg, typ, kid }` overridden by
 * `header` (to forge an `alg` or a `kid`).
 */
export async function signWithKey(
  key: SigningKey,
  payload: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  const input = `${encodeJson({ alg: key.alg, typ: 'JWT', kid: key.kid, ...header })}.${encodeJson(payload)}`;
  const signature = await crypto.subtle.sign(
    signing[key.alg],
    key.privateKey,
    new TextEncoder().encode(input),
  );
  return `${input}.${base64Url(new Uint8Array(signature))}`;
}

/** Publishes `keys` as the JWKS `name` of the stand-in at `base` (see `startJwksStandIn`). */
export async function publishJwks(
  base: string,
  name: string,
  keys: SigningKey[],
  options: { cacheControl?: string; status?: number } = {},
): Promise<void> {
  const response = await fetch(new URL(`/__stub/jwks/${name}`, base), {
    method: 'PUT',
    body: JSON.stringify({ keys: keys.map((key) => key.publicJwk), ...options }),
  });
  if (response.status !== 204) throw new Error(`JWKS stand-in refused: ${response.status}`);
}

/** How many times the JWKS `name` was fetched. */
export async function jwksHits(base: string, name: string): Promise<number> {
  const response = await fetch(new URL(`/__stub/jwks/${name}/hits`, base));
  return ((await response.json()) as { hits: number }).hits;
}
