import { describe, expect, it } from 'vitest';
import { parseRange } from './parse-range';

describe('parseRange', () => {
  it.each([
    ['bytes=0-', { kind: 'partial', offset: 0, length: 1000 }],
    ['bytes=0-0', { kind: 'partial', offset: 0, length: 1 }],
    ['bytes=100-199', { kind: 'partial', offset: 100, length: 100 }],
    ['bytes=900-5000', { kind: 'partial', offset: 900, length: 100 }],
    ['bytes=999-', { kind: 'partial', offset: 999, length: 1 }],
    ['bytes=-10', { kind: 'partial', offset: 990, length: 10 }],
    ['bytes=-5000', { kind: 'partial', offset: 0, length: 1000 }],
  ])('serves %s of 1,000 bytes as one part', (header, answer) => {
    expect(parseRange(header, 1000)).toEqual(answer);
  });

  it.each(['bytes=1000-', 'bytes=1000-1001', 'bytes=-0'])(
    'finds %s unsatisfiable for 1,000 bytes',
    (header) => {
      expect(parseRange(header, 1000)).toEqual({ kind: 'unsatisfiable' });
    },
  );

  it.each([null, '', 'bytes=-', 'bytes=0-1,5-9', 'items=0-1', 'bytes=5-1', 'bytes=a-b'])(
    'ignores %s and sends everything',
    (header) => {
      expect(parseRange(header, 1000)).toEqual({ kind: 'full' });
    },
  );

  it('finds any range of an empty object unsatisfiable', () => {
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-1', 0)).toEqual({ kind: 'unsatisfiable' });
  });
});
