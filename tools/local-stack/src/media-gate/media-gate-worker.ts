/**
 * The media gate of `pnpm dev` (issue 23, decision 029): serves the demo media from the local R2
 * bucket only with a valid playback grant, verified with `@codex/playback-grants` and nothing else
 * (no database, no network: the public keys arrive as a var). A dev Worker, never deployed; a
 * production gate (a Worker in front of R2, a CDN rule, a media server) does the same checks.
 *
 * - `GET|HEAD /media/:contentId?grant=<grant>` (or `Authorization: Bearer <grant>`): the object
 *   `media/<contentId>`, whole (200) or one byte range (206, `Accept-Ranges: bytes`), so a
 *   `<video>` element plays and seeks it; 401 `GRANT_REQUIRED`, 403 `GRANT_REFUSED` (with the
 *   verifier's `reason`), 404 `MEDIA_NOT_FOUND`, 416 for a range past the end.
 * - `GET /health`: 200 once the keys parse.
 *
 * Written against the small part of the Workers and R2 types it uses, so it type-checks with the
 * rest of tools/local-stack (Node's types).
 */
import {
  createPlaybackGrantVerifier,
  DEFAULT_SKEW_SECONDS,
  type Jwks,
  type PlaybackGrantVerifier,
} from '@codex/playback-grants';
import { parseRange } from './parse-range';

/** The parts of an R2 object the gate reads. */
interface MediaObject {
  size: number;
  httpEtag: string;
  httpMetadata?: { contentType?: string };
}

/** The parts of the R2 bucket binding the gate uses. */
interface MediaBucket {
  head(key: string): Promise<MediaObject | null>;
  get(
    key: string,
    options?: { range?: { offset: number; length: number } },
  ): Promise<(MediaObject & { body: ReadableStream }) | null>;
}

export interface MediaGateEnv {
  MEDIA: MediaBucket;
  /** The checkout worker's JWKS (`PLAYBACK_GRANT_PUBLIC_KEYS`), one line of JSON. */
  PLAYBACK_GRANT_PUBLIC_KEYS?: string;
  /** Clock skew the verifier tolerates each way, whole seconds. Default 5. */
  PLAYBACK_GRANT_SKEW_SECONDS?: string;
}

/** The object key of a content item's media in the bucket. */
export const mediaKey = (contentId: string) => `media/${contentId}`;

const MEDIA_PATH = /^\/media\/([A-Za-z0-9-]{1,128})$/;

function problem(status: number, code: string, message: string, extra: object = {}): Response {
  return Response.json(
    { error: { code, message, ...extra } },
    { status, headers: { 'Cache-Control': 'no-store' } },
  );
}

// One verifier per configuration for the isolate's life: each key is imported once.
let cached: { source: string; verifier: PlaybackGrantVerifier } | undefined;

function verifierFor(env: MediaGateEnv): PlaybackGrantVerifier {
  const source = `${env.PLAYBACK_GRANT_SKEW_SECONDS ?? ''}|${env.PLAYBACK_GRANT_PUBLIC_KEYS ?? ''}`;
  if (cached?.source !== source) {
    const jwks = JSON.parse(env.PLAYBACK_GRANT_PUBLIC_KEYS ?? 'null') as Jwks;
    const skew = env.PLAYBACK_GRANT_SKEW_SECONDS;
    const skewSeconds = skew ? Number(skew) : DEFAULT_SKEW_SECONDS;
    cached = { source, verifier: createPlaybackGrantVerifier({ jwks, skewSeconds }) };
  }
  return cached.verifier;
}

/** The grant of a request: `?grant=` (what a `<video src>` can carry) or a bearer token. */
function grantOf(request: Request, url: URL): string | undefined {
  const fromQuery = url.searchParams.get('grant');
  if (fromQuery) return fromQuery;
  const match = /^Bearer (\S+)$/.exec(request.headers.get('authorization') ?? '');
  return match?.[1];
}

async function serveMedia(request: Request, env: MediaGateEnv, contentId: string) {
  const grant = grantOf(request, new URL(request.url));
  if (grant === undefined) {
    return problem(401, 'GRANT_REQUIRED', 'A playback grant is required (?grant=)');
  }
  const verdict = await verifierFor(env).verify(grant, { contentId, now: new Date() });
  if (!verdict.ok) {
    return problem(403, 'GRANT_REFUSED', 'The playback grant was refused', {
      reason: verdict.reason,
    });
  }
  const key = mediaKey(contentId);
  const head = await env.MEDIA.head(key);
  if (head === null) return problem(404, 'MEDIA_NOT_FOUND', 'This content has no media');
  const headers = new Headers({
    'Accept-Ranges': 'bytes',
    'Content-Type': head.httpMetadata?.contentType ?? 'application/octet-stream',
    ETag: head.httpEtag,
    // The grant is in the URL and ends within a minute: no cache may keep the answer longer.
    'Cache-Control': 'private, no-store',
  });
  const range = parseRange(request.headers.get('range'), head.size);
  if (range.kind === 'unsatisfiable') {
    headers.set('Content-Range', `bytes */${head.size}`);
    return new Response(null, { status: 416, headers });
  }
  const isHead = request.method === 'HEAD';
  if (range.kind === 'full') {
    headers.set('Content-Length', String(head.size));
    const object = isHead ? null : await env.MEDIA.get(key);
    return new Response(object?.body ?? null, { status: 200, headers });
  }
  const { offset, length } = range;
  headers.set('Content-Length', String(length));
  headers.set('Content-Range', `bytes ${offset}-${offset + length - 1}/${head.size}`);
  const object = isHead ? null : await env.MEDIA.get(key, { range: { offset, length } });
  return new Response(object?.body ?? null, { status: 206, headers });
}

export default {
  async fetch(request: Request, env: MediaGateEnv): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/health') {
      verifierFor(env);
      return Response.json({ status: 'ok' });
    }
    const match = MEDIA_PATH.exec(url.pathname);
    if (!match?.[1]) return problem(404, 'NOT_FOUND', 'No such route');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return problem(405, 'METHOD_NOT_ALLOWED', 'GET or HEAD only');
    }
    return serveMedia(request, env, match[1]);
  },
};
