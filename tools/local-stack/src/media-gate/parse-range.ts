/** The bytes a single-range request asks for, resolved against the object's size. */
export type RangeAnswer =
  /** No usable `Range` (absent, another unit, several ranges, bad syntax): send it all, 200. */
  | { kind: 'full' }
  /** Bytes `offset` to `offset + length - 1`, 206 with `Content-Range`. */
  | { kind: 'partial'; offset: number; length: number }
  /** Nothing of the object is in the range: 416 with `Content-Range: bytes *\/size`. */
  | { kind: 'unsatisfiable' };

const SINGLE_BYTE_RANGE = /^bytes=(\d*)-(\d*)$/;

/**
 * Reads an HTTP `Range` header (RFC 9110 §14.2) for an object of `size` bytes. Only one byte range
 * is served, as media players ask: `bytes=a-b`, `bytes=a-` and `bytes=-n`. Anything else (several
 * ranges, another unit, a malformed value) is ignored and the whole object is sent, which RFC
 * 9110 allows ("a server MAY ignore the Range header field"). A last byte past the end is clamped
 * to it; a first byte at or past the end, or an empty suffix, is unsatisfiable.
 */
export function parseRange(header: string | null, size: number): RangeAnswer {
  const match = header === null ? null : SINGLE_BYTE_RANGE.exec(header.trim());
  if (!match) return { kind: 'full' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'full' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    const length = Math.min(suffix, size);
    return { kind: 'partial', offset: size - length, length };
  }
  const offset = Number(first);
  if (last !== '' && Number(last) < offset) return { kind: 'full' };
  if (offset >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return { kind: 'partial', offset, length: end - offset + 1 };
}
