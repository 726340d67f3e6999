import { describe, expect, it } from 'vitest';
import { createDemoMedia } from './demo-media';

const text = (bytes: Uint8Array, offset: number, length: number) =>
  String.fromCharCode(...bytes.subarray(offset, offset + length));

describe('createDemoMedia', () => {
  it('makes a well-formed 8-bit mono PCM WAV of the asked length', () => {
    const bytes = createDemoMedia({ seconds: 2, sampleRate: 8_000 });
    const view = new DataView(bytes.buffer);
    expect(text(bytes, 0, 4)).toBe('RIFF');
    expect(view.getUint32(4, true)).toBe(bytes.length - 8);
    expect(text(bytes, 8, 8)).toBe('WAVEfmt ');
    expect([view.getUint16(20, true), view.getUint16(22, true)]).toEqual([1, 1]);
    expect(view.getUint32(24, true)).toBe(8_000);
    expect(view.getUint16(34, true)).toBe(8);
    expect(text(bytes, 36, 4)).toBe('data');
    expect(view.getUint32(40, true)).toBe(16_000);
    expect(bytes.length).toBe(44 + 16_000);
  });

  it('is sound, not silence, and the same bytes every time', () => {
    const bytes = createDemoMedia({ seconds: 1 });
    const samples = bytes.subarray(44);
    expect(Math.max(...samples) - Math.min(...samples)).toBeGreaterThan(50);
    expect(createDemoMedia({ seconds: 1 })).toEqual(bytes);
    expect(createDemoMedia().length).toBe(44 + 160_000);
  });
});
