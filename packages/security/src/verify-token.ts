import { jwksKeyStoreFor } from './jwks-key-store';
import { publicKeyAlgorithmOf, verifySignature } from './jwt-algorithms';

/** What a token is checked against. Only the parts that are set are checked. */
export interface TokenVerification {
  /** HS256 secret; without it HS256 tokens are refused. */
  secret?: string | undefined;
  /** JWKS URL; without it RS256, ES256 and EdDSA tokens are refused. */
  jwksUrl?: string | undefined;
  /** The `iss` the token must carry exactly. */
  issuer?: string | undefined;
  /** An audience the token's `aud` (a string or an array) must contain. */
  audience?: string | undefined;
  /** Tolerance for `exp`, `nbf` and `iat` against clocks that disagree. */
  clockSkewSeconds: number;
  /** The time in milliseconds since the epoch. */
  nowMs: number;
  /** Told why, when this verification fetched the JWKS and the fetch failed. */
  onKeySetFetchFailure?: ((reason: string) => void) | undefined;
}

type Claims = Record<string, unknown>;
interface DecodedToken {
  header: Claims;
  payload: Claims;
  signature: Uint8Array<ArrayBuffer>;
  signingInput: Uint8Array<ArrayBuffer>;
}

function fromBase64Url(part: string): Uint8Array<ArrayBuffer> {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}

function parseObject(part: string): Claims | undefined {
  const value: unknown = JSON.parse(new TextDecoder().decode(fromBase64Url(part)));
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Claims)
    : undefined;
}

/** The parts of a compact JWS, or `undefined` when it is not one. */
function decodeToken(token: string): DecodedToken | undefined {
  const [headerPart, payloadPart, signaturePart, ...rest] = token.split('.');
  if (headerPart === undefined || payloadPart === undefined || signaturePart === undefined) {
    return undefined;
  }
  if (rest.length > 0) return undefined;
  try {
    const header = parseObject(headerPart);
    const payload = parseObject(payloadPart);
    if (header === undefined || payload === undefined) return undefined;
    return {
      header,
      payload,
      signature: fromBase64Url(signaturePart),
      // Copied into a fresh buffer: WebCrypto's types take an ArrayBuffer-backed view only.
      signingInput: Uint8Array.from(new TextEncoder().encode(`${headerPart}.${payloadPart}`)),
    };
  } catch {
    return undefined;
  }
}

async function isValidHmac(decoded: DecodedToken, secret: string): Promise<boolean> {
  const key = await crypto.subtle.importKey(
    'raw',
    Uint8Array.from(new TextEncoder().encode(secret)),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  // WebCrypto's verify compares in constant time.
  return crypto.subtle.verify('HMAC', key, decoded.signature, decoded.signingInput);
}

/**
 * Whether the signature is valid under the key the header's `alg` is allowed to use: HS256 only
 * with the secret, RS256/ES256/EdDSA only with a JWKS key of that same algorithm (looked up by
 * `kid`). Any other `alg` (`none`, HS384, PS256, ...) or a `crit` header is refused.
 */
async function hasValidSignature(
  decoded: DecodedToken,
  verification: TokenVerification,
): Promise<boolean> {
  const { alg, kid, crit } = decoded.header;
  // No extension is understood here, so a token that requires one must be refused (RFC 7515 4.1.11).
  if (crit !== undefined) return false;
  if (alg === 'HS256') {
    return verification.secret !== undefined && (await isValidHmac(decoded, verification.secret));
  }
  const algorithm = publicKeyAlgorithmOf(alg);
  if (algorithm === undefined || verification.jwksUrl === undefined) return false;
  if (typeof kid !== 'string' || kid === '') return false;
  const key = await jwksKeyStoreFor(verification.jwksUrl).keyFor(
    kid,
    algorithm,
    verification.nowMs,
    verification.onKeySetFetchFailure,
  );
  return (
    key !== undefined && verifySignature(key, algorithm, decoded.signature, decoded.signingInput)
  );
}

/** `exp` required and not passed, `nbf` and `iat` (when present) not in the future, each ± skew. */
function hasValidTimes(payload: Claims, verification: TokenVerification): boolean {
  const now = verification.nowMs / 1000;
  const skew = verification.clockSkewSeconds;
  const { exp, nbf, iat } = payload;
  if (typeof exp !== 'number' || now >= exp + skew) return false;
  if (nbf !== undefined && (typeof nbf !== 'number' || now < nbf - skew)) return false;
  if (iat !== undefined && (typeof iat !== 'number' || now < iat - skew)) return false;
  return true;
}

function hasAudience(payload: Claims, audience: string): boolean {
  const { aud } = payload;
  return Array.isArray(aud) ? aud.includes(audience) : aud === audience;
}

/**
 * The payload of a token whose signature, times, issuer and audience hold (see
 * {@link TokenVerification}), or `undefined`. Never throws for a bad token and never puts the
 * token or its claims anywhere but the return value.
 */
export async function verifyToken(
  token: string,
  verification: TokenVerification,
): Promise<Claims | undefined> {
  const decoded = decodeToken(token);
  if (decoded === undefined || !(await hasValidSignature(decoded, verification))) return undefined;
  const { payload } = decoded;
  if (!hasValidTimes(payload, verification)) return undefined;
  if (verification.issuer !== undefined && payload.iss !== verification.issuer) return undefined;
  if (verification.audience !== undefined && !hasAudience(payload, verification.audience)) {
    return undefined;
  }
  return payload;
}
