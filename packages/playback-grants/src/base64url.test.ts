import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from './base64url';

// btoa is the platform's own base64 in both Node and workerd: the reference to agree with.
const reference = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

describe('base64url', () => {
  it('encodes as the platform does, unpadded, and decodes back, for every length up to 70', () => {
    for (let length = 0; length <= 70; length += 1) {
      const bytes = Uint8Array.from({ length }, (_, index) => (index * 97 + length * 31) % 256);
      const text = encodeBase64url(bytes);
      expect(text).toBe(reference(bytes));
      expect(decodeBase64url(text)).toEqual(bytes);
    }
  });

  it.each([
    ['padding', 'QQ=='],
    ['standard alphabet', 'a+b/'],
    ['whitespace', 'QQ Q'],
    ['an impossible length', 'QUJDR'],
    ['unused bits set (a second spelling of one byte)', 'QR'],
    ['unused bits set (a second spelling of two bytes)', 'QUJ'],
  ])('refuses %s', (_what, text) => {
    expect(decodeBase64url(text)).toBeUndefined();
  });
});
