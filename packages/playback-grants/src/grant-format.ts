/** The one signature algorithm: grants name it, keys carry it, nothing else is ever tried. */
export const PLAYBACK_GRANT_ALGORITHM = 'EdDSA';

/** The header's `typ`, so a grant is never mistaken for (or replayed as) another kind of JWT. */
export const PLAYBACK_GRANT_TYPE = 'playback-grant+jwt';

/**
 * Longest grant accepted, in characters, checked before any parsing or crypto so an oversized
 * header or query string costs nothing. A real grant is about 300; ids are capped to stay far below.
 */
export const MAX_GRANT_LENGTH = 1024;

/** Longest customer or content id a grant carries (a UUID is 36; an identity provider subject rarely passes 64). */
export const MAX_ID_LENGTH = 128;

/** `kid`: 1 to 64 printable ASCII characters, no space. */
const KID_PATTERN = /^[\x21-\x7e]{1,64}$/;

/** Whether `value` may be a key id: a short printable string. */
export function isValidKid(value: unknown): value is string {
  return typeof value === 'string' && KID_PATTERN.test(value);
}

/** The protected header of every grant, exactly these three members. */
export interface PlaybackGrantHeader {
  alg: typeof PLAYBACK_GRANT_ALGORITHM;
  kid: string;
  typ: typeof PLAYBACK_GRANT_TYPE;
}

/** The claims of every grant: who, what, and when (seconds since the epoch). Nothing else personal. */
export interface PlaybackGrantClaims {
  /** The customer id the grant was issued to. */
  sub: string;
  /** The content id the grant opens. */
  cid: string;
  iat: number;
  exp: number;
  /** A random id per grant, for logs and tracing; never looked up. */
  jti: string;
}

const textEncoder = new TextEncoder();
// `ignoreBOM: false` is the default, spelled out because Workers' types require it.
const textDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** UTF-8 bytes of `text`. */
export const utf8Bytes = (text: string): Uint8Array => textEncoder.encode(text);

/** `bytes` as UTF-8 text, or `undefined` when they are not valid UTF-8. */
export function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return textDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Parses `text` as JSON and returns it only when it is a plain object. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    return value as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
