import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repositoryRoot, workerDirs } from '../start-local-stack';

/** One worker's minified bundle, and one of only its npm dependencies. */
export interface BundleSizes {
  worker: string;
  /** As wrangler prints them, e.g. `1099.12 KiB`; `?` when it printed none. */
  raw: string;
  gzip: string;
  dependenciesRaw: string;
  dependenciesGzip: string;
}

const DEPENDENCIES = ['hono', 'stripe', 'zod', 'drizzle-orm', '@neondatabase/serverless'];

async function bundleSize(dir: string, extraArgs: string[] = []) {
  const outdir = await mkdtemp(join(tmpdir(), 'codex-bundle-'));
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        join(dir, 'node_modules/wrangler/bin/wrangler.js'),
        'deploy',
        '--dry-run',
        '--minify',
        '--outdir',
        outdir,
        ...extraArgs,
      ],
      { cwd: dir, env: { ...process.env, WRANGLER_SEND_METRICS: 'false' }, timeout: 120_000 },
    );
    const match = stdout.match(/Total Upload: ([\d.]+ KiB) \/ gzip: ([\d.]+ KiB)/);
    return { raw: match?.[1] ?? '?', gzip: match?.[2] ?? '?' };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

/**
 * Bundles, as `wrangler deploy --dry-run --minify` builds them, next to a worker that only imports
 * the same npm dependencies (what our own code adds is the difference). Throws when wrangler fails.
 */
export async function measureBundles(): Promise<BundleSizes[]> {
  const bundles: BundleSizes[] = [];
  for (const [worker, dir] of Object.entries(workerDirs)) {
    const own = await bundleSize(dir);
    // Written inside the worker's folder, so its node_modules resolve the same versions.
    const entry = join(dir, '.bench-dependencies.ts');
    // Each dependency from whichever workspace package declares it (the database driver and
    // Drizzle come in through @codex/database).
    const resolvers = [dir, join(repositoryRoot, 'packages/database')].map((base) =>
      createRequire(join(base, 'package.json')),
    );
    const resolve = (name: string) => {
      for (const resolver of resolvers) {
        try {
          return resolver.resolve(name);
        } catch {
          // Not declared there; try the next package.
        }
      }
      return name;
    };
    const imports = DEPENDENCIES.map(
      (name, index) => `import * as d${index} from '${resolve(name)}';`,
    );
    const used = DEPENDENCIES.map((_, index) => `d${index}`).join(', ');
    await writeFile(
      entry,
      `${imports.join('\n')}\nexport default { fetch: () => new Response(String([${used}].length)) };\n`,
    );
    try {
      const dependencies = await bundleSize(dir, [entry]);
      bundles.push({
        worker,
        ...own,
        dependenciesRaw: dependencies.raw,
        dependenciesGzip: dependencies.gzip,
      });
    } finally {
      await rm(entry, { force: true });
    }
  }
  return bundles;
}
