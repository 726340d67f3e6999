const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUES = new Map([...ALPHABET].map((character, index) => [character, index]));

/** Bytes as unpadded base64url (RFC 4648 §5), as JWS writes every part. */
export function encodeBase64url(bytes: Uint8Array): string {
  let text = '';
  for (let index = 0; index < bytes.length; index += 3) {
    const first = bytes[index] ?? 0;
    const second = bytes[index + 1] ?? 0;
    const third = bytes[index + 2] ?? 0;
    const chunk = (first << 16) | (second << 8) | third;
    const remaining = bytes.length - index;
    text += ALPHABET[(chunk >> 18) & 63];
    text += ALPHABET[(chunk >> 12) & 63];
    if (remaining > 1) text += ALPHABET[(chunk >> 6) & 63];
    if (remaining > 2) text += ALPHABET[chunk & 63];
  }
  return text;
}

/**
 * Strict unpadded base64url to bytes, or `undefined` for anything else: padding, `+` or `/`,
 * whitespace, an impossible length, or unused trailing bits that are not zero (so one byte string
 * has exactly one encoding and a grant cannot be altered without changing its signed text).
 */
export function decodeBase64url(text: string): Uint8Array | undefined {
  if (text.length % 4 === 1) return undefined;
  const bytes = new Uint8Array(Math.floor((text.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let written = 0;
  for (const character of text) {
    const value = VALUES.get(character);
    if (value === undefined) return undefined;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[written] = (buffer >> bits) & 0xff;
      written += 1;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) return undefined;
  return bytes;
}
