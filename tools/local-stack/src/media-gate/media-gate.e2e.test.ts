import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPlaybackGrantSigner,
  generatePlaybackGrantKey,
  type PlaybackGrantKeyPair,
} from '@codex/playback-grants';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startOnFreePorts } from '../start-on-free-ports';
import { createDemoMedia, DEMO_MEDIA_TYPE } from './demo-media';
import { type MediaGate, startMediaGate } from './start-media-gate';

// The media gate as `pnpm dev` runs it: wrangler dev, the local R2 bucket seeded with the CLI,
// grants signed by the library with a key of the published set, read over HTTP.
const CONTENT = '5d3e1c2b-8f4a-4b6d-9e0c-1a2b3c4d5e6f';
const OTHER_CONTENT = '6e4f2d3c-9a5b-4c7e-8f1d-2b3c4d5e6f70';
const media = createDemoMedia({ seconds: 2 });

let gate: MediaGate | undefined;
let persistDir: string;
let live: PlaybackGrantKeyPair;
let next: PlaybackGrantKeyPair;
let retired: PlaybackGrantKeyPair;
const output: string[] = [];

beforeAll(async () => {
  [live, next, retired] = await Promise.all([
    generatePlaybackGrantKey('gate-live'),
    generatePlaybackGrantKey('gate-next'),
    generatePlaybackGrantKey('gate-retired'),
  ]);
  persistDir = await mkdtemp(join(tmpdir(), 'codex-media-gate-'));
  gate = await startOnFreePorts(
    async () =>
      startMediaGate({
        port: await freePort(),
        // Two live keys, as during a rotation; the retired one is no longer published.
        publicKeys: JSON.stringify({ keys: [live.publicJwk, next.publicJwk] }),
        persistDir,
        media: [{ contentId: CONTENT, bytes: media, contentType: DEMO_MEDIA_TYPE }],
        log: (line) => output.push(line),
      }),
    { output: () => output },
  );
});

afterAll(async () => {
  await gate?.stop();
  if (persistDir) await rm(persistDir, { recursive: true, force: true });
});

/**
 * `text` with its first character replaced by another: always a different signature (a fixed
 * suffix was not: one signature in 256 already ends in it, and the gate then rightly served it).
 */
function changedFirstCharacter(text: string): string {
  return `${text.startsWith('A') ? 'B' : 'A'}${text.slice(1)}`;
}

async function grant(
  key: PlaybackGrantKeyPair,
  input: { contentId?: string; customerId?: string; now?: Date; lifetimeSeconds?: number } = {},
) {
  const signer = createPlaybackGrantSigner({
    privateJwk: key.privateJwk,
    lifetimeSeconds: input.lifetimeSeconds ?? 60,
  });
  const signed = await signer.sign({
    customerId: input.customerId ?? 'user_gate',
    contentId: input.contentId ?? CONTENT,
    now: input.now ?? new Date(),
  });
  return signed.grant;
}

function fetchMedia(path: string, init: RequestInit = {}) {
  if (!gate) throw new Error('the gate did not start');
  return fetch(`${gate.url}${path}`, init);
}

const mediaPath = (grantText: string, contentId = CONTENT) =>
  `/media/${contentId}?grant=${encodeURIComponent(grantText)}`;

async function refusal(response: Response) {
  const body = (await response.json()) as { error: { code: string; reason?: string } };
  return { status: response.status, code: body.error.code, reason: body.error.reason };
}

describe('the media gate', () => {
  it('serves the whole media with a valid grant, from either live key', async () => {
    for (const key of [live, next]) {
      const response = await fetchMedia(mediaPath(await grant(key)));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(DEMO_MEDIA_TYPE);
      expect(response.headers.get('accept-ranges')).toBe('bytes');
      expect(response.headers.get('cache-control')).toBe('private, no-store');
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(media);
    }
  });

  it('takes the grant as a bearer token too', async () => {
    const response = await fetchMedia(`/media/${CONTENT}`, {
      headers: { Authorization: `Bearer ${await grant(live)}` },
    });
    expect(response.status).toBe(200);
    expect((await response.arrayBuffer()).byteLength).toBe(media.length);
  });

  it('answers byte ranges as a <video> element asks for them', async () => {
    const path = mediaPath(await grant(live));
    const first = await fetchMedia(path, { headers: { Range: 'bytes=0-' } });
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe(`bytes 0-${media.length - 1}/${media.length}`);
    expect((await first.arrayBuffer()).byteLength).toBe(media.length);

    const middle = await fetchMedia(path, { headers: { Range: 'bytes=100-1123' } });
    expect(middle.status).toBe(206);
    expect(middle.headers.get('content-length')).toBe('1024');
    expect(middle.headers.get('content-range')).toBe(`bytes 100-1123/${media.length}`);
    expect(new Uint8Array(await middle.arrayBuffer())).toEqual(media.subarray(100, 1124));

    const tail = await fetchMedia(path, { headers: { Range: 'bytes=-16' } });
    expect(tail.status).toBe(206);
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(media.subarray(media.length - 16));

    const past = await fetchMedia(path, { headers: { Range: `bytes=${media.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${media.length}`);

    const head = await fetchMedia(path, { method: 'HEAD', headers: { Range: 'bytes=0-99' } });
    expect(head.status).toBe(206);
    expect(head.headers.get('content-length')).toBe('100');
  });

  it('refuses a request without a grant (401) and each bad grant with its reason (403)', async () => {
    expect(await refusal(await fetchMedia(`/media/${CONTENT}`))).toMatchObject({
      status: 401,
      code: 'GRANT_REQUIRED',
    });
    const hourAgo = new Date(Date.now() - 3_600_000);
    const valid = await grant(live);
    const [header = '', claims = '', signature = ''] = valid.split('.');
    const changedAlg = btoa(
      JSON.stringify({ alg: 'HS256', kid: 'gate-live', typ: 'playback-grant+jwt' }),
    )
      .replaceAll('=', '')
      .replaceAll('+', '-')
      .replaceAll('/', '_');
    const cases: Array<[string, string, string]> = [
      [
        'another content item',
        mediaPath(await grant(live, { contentId: OTHER_CONTENT })),
        'wrong_content',
      ],
      ['expired', mediaPath(await grant(live, { now: hourAgo })), 'expired'],
      ['a retired key', mediaPath(await grant(retired)), 'unknown_key'],
      ['a changed alg', mediaPath(`${changedAlg}.${claims}.${signature}`), 'unsupported_algorithm'],
      [
        'a changed signature',
        mediaPath(`${header}.${claims}.${changedFirstCharacter(signature)}`),
        'bad_signature',
      ],
      ['garbage', mediaPath('not-a-grant'), 'malformed'],
    ];
    for (const [what, path, reason] of cases) {
      expect(await refusal(await fetchMedia(path)), what).toEqual({
        status: 403,
        code: 'GRANT_REFUSED',
        reason,
      });
    }
  });

  it('answers 404 for content without media and for other paths', async () => {
    const path = mediaPath(await grant(live, { contentId: OTHER_CONTENT }), OTHER_CONTENT);
    expect(await refusal(await fetchMedia(path))).toMatchObject({
      status: 404,
      code: 'MEDIA_NOT_FOUND',
    });
    expect((await fetchMedia('/elsewhere')).status).toBe(404);
  });
});
