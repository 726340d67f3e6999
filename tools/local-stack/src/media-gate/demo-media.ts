/** The demo media's type, as stored in the bucket and served by the media gate. */
export const DEMO_MEDIA_TYPE = 'audio/wav';

/** What {@link createDemoMedia} makes. */
export interface DemoMediaOptions {
  /** Length of the recording. Default 20 s. */
  seconds?: number;
  /** Samples per second. Default 8,000 (a telephone's: small, and every browser plays it). */
  sampleRate?: number;
}

/**
 * The demo item's sample media, generated rather than downloaded: a WAV file (RIFF, PCM, 8-bit
 * unsigned, mono) of a soft tone rising and falling once a second, 160 KB for the default 20 s.
 * A `<video>` element plays it as it would a film's soundtrack; the media gate does not care
 * what the bytes are. Why sound and not pictures: no video codec can be written without an
 * encoder, and the repository installs none (tools/local-stack/README.md, "The media gate").
 * Deterministic: the same options give the same bytes.
 */
export function createDemoMedia(options: DemoMediaOptions = {}): Uint8Array {
  const seconds = options.seconds ?? 20;
  const sampleRate = options.sampleRate ?? 8_000;
  const samples = Math.round(seconds * sampleRate);
  const header = 44;
  const bytes = new Uint8Array(header + samples);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) => {
    for (let index = 0; index < text.length; index += 1)
      view.setUint8(offset + index, text.charCodeAt(index));
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true); // the fmt chunk's size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate, true); // bytes per second: one byte per sample
  view.setUint16(32, 1, true); // block align
  view.setUint16(34, 8, true); // bits per sample
  ascii(36, 'data');
  view.setUint32(40, samples, true);
  let phase = 0;
  for (let index = 0; index < samples; index += 1) {
    const t = index / sampleRate;
    // 330 Hz to 440 Hz and back every second, at a quarter of full scale.
    const frequency = 385 + 55 * Math.sin(2 * Math.PI * t);
    phase += (2 * Math.PI * frequency) / sampleRate;
    bytes[header + index] = Math.round(128 + 32 * Math.sin(phase));
  }
  return bytes;
}
