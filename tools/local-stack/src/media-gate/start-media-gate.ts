import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createPlaybackGrantVerifier, type Jwks } from '@codex/playback-grants';
import { LocalStackError } from '../local-stack-error';
import { startWorker, stopProcess, waitForHealth, wranglerBin } from '../run-wrangler-dev';
import { repositoryRoot } from '../start-local-stack';
import { mediaKey } from './media-gate-worker';

/** The media gate's wrangler project (its `wrangler.jsonc`). */
export const mediaGateDir = join(repositoryRoot, 'tools/local-stack/media-gate');
/** The local R2 bucket the gate serves from (`r2_buckets` in its wrangler.jsonc). */
export const MEDIA_BUCKET = 'codex-demo-media';

/** One content item's media, put in the local bucket before the gate starts. */
export interface MediaGateItem {
  contentId: string;
  bytes: Uint8Array;
  contentType: string;
}

export interface StartMediaGateOptions {
  port: number;
  /** The JWKS the checkout worker publishes (`PLAYBACK_GRANT_PUBLIC_KEYS`), one line of JSON. */
  publicKeys: string;
  /** Clock skew its verifier tolerates, whole seconds. Default the library's 5. */
  skewSeconds?: number;
  /** Where `wrangler dev` keeps the local bucket. Default `<repo>/.data/media-gate`. */
  persistDir?: string;
  /** Media to put in the bucket first (replacing what is there under the same key). */
  media: readonly MediaGateItem[];
  log: (line: string) => void;
  /** Told when the gate's `wrangler dev` exits before `stop()`. */
  onExit?: (code: number | null) => void;
}

export interface MediaGate {
  /** e.g. `http://127.0.0.1:12113`; media at `<url>/media/<contentId>?grant=…`. */
  url: string;
  /** Stops the gate. Safe to call twice. */
  stop: () => Promise<void>;
}

/** `wrangler r2 object put --local`: one object into the local bucket, its bytes piped in. */
async function putLocalObject(persistDir: string, item: MediaGateItem): Promise<void> {
  const args = [
    wranglerBin(mediaGateDir),
    'r2',
    'object',
    'put',
    `${MEDIA_BUCKET}/${mediaKey(item.contentId)}`,
    '--pipe',
    '--local',
    '--persist-to',
    persistDir,
    '--content-type',
    item.contentType,
  ];
  const child = spawn(process.execPath, args, {
    cwd: mediaGateDir,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stdin.end(item.bytes);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) {
    throw new LocalStackError(`Could not put the demo media in the local R2 bucket:\n${output}`);
  }
}

/**
 * Starts the media gate of `pnpm dev` (see media-gate-worker.ts): puts `media` in the local R2
 * bucket (`wrangler r2 object put --local`), then runs the gate in `wrangler dev` on the same
 * persisted state, with `publicKeys` as its only secret-free configuration. Resolves once it
 * answers `/health`. Throws `LocalStackError` for keys the verifier would refuse (before starting
 * anything) or a gate that does not come up.
 */
export async function startMediaGate(options: StartMediaGateOptions): Promise<MediaGate> {
  try {
    createPlaybackGrantVerifier({
      jwks: JSON.parse(options.publicKeys) as Jwks,
      ...(options.skewSeconds === undefined ? {} : { skewSeconds: options.skewSeconds }),
    });
  } catch (error) {
    throw new LocalStackError(
      `The media gate cannot verify grants with PLAYBACK_GRANT_PUBLIC_KEYS: ${String(error)}`,
    );
  }
  const persistDir = options.persistDir ?? join(repositoryRoot, '.data/media-gate');
  await mkdir(persistDir, { recursive: true });
  for (const item of options.media) await putLocalObject(persistDir, item);
  const vars: Record<string, string> = { PLAYBACK_GRANT_PUBLIC_KEYS: options.publicKeys };
  if (options.skewSeconds !== undefined) {
    vars.PLAYBACK_GRANT_SKEW_SECONDS = String(options.skewSeconds);
  }
  let stopping = false;
  const child = startWorker(
    'media-gate',
    mediaGateDir,
    options.port,
    vars,
    options.log,
    (code) => {
      if (!stopping) options.onExit?.(code);
    },
    ['--persist-to', persistDir],
  );
  const stop = async () => {
    stopping = true;
    await stopProcess(child);
  };
  const url = `http://127.0.0.1:${options.port}`;
  try {
    await waitForHealth(url, child, 'media gate');
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
