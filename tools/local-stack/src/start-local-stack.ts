import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDatabaseClient, type WebSocketConstructor } from '@codex/database';
import { isLoopbackHost, migrateDatabase, startDatabaseBridge } from '@codex/database/node';
import { serveEmbeddedPostgres } from '@codex/test-utils';
import { PGlite } from '@electric-sql/pglite';
import ws from 'ws';
import { seedDemoData } from './demo-data';
import { LocalStackError } from './local-stack-error';
import { startWorker, stopProcess, waitForHealth } from './run-wrangler-dev';

export { LocalStackError } from './local-stack-error';

export const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));
/**
 * The staff audience of every local run (`AUTH_STAFF_AUDIENCE`, decision 022): the workers get it
 * as a var unless `vars` says otherwise, and every staff token signed locally carries it.
 */
export const LOCAL_STAFF_AUDIENCE = 'https://staff.codex.localhost';

export const workerDirs = {
  checkout: join(repositoryRoot, 'workers/checkout'),
  webhooks: join(repositoryRoot, 'workers/stripe-webhook-handler'),
} as const;

export interface LocalStackPorts {
  checkout: number;
  webhooks: number;
  bridge: number;
  /** The embedded database's port (unused with `databaseUrl`). */
  database: number;
}

export const defaultPorts: LocalStackPorts = {
  checkout: 8787,
  webhooks: 8788,
  bridge: 8790,
  database: 54320,
};

export interface StartLocalStackOptions {
  /** A Postgres server (local or a Neon branch); without it an embedded PGlite is started. */
  databaseUrl?: string | undefined;
  /** Where the embedded database keeps its files. Default `<repo>/.data/pglite`. */
  dataDir?: string;
  ports?: Partial<LocalStackPorts>;
  /** Extra bindings for both workers (`wrangler dev --var`), e.g. STRIPE_API_BASE; they win over `.dev.vars`. */
  vars?: Record<string, string>;
  /** Receives every line the stack and the workers print. */
  log?: (line: string) => void;
  /** Told when a worker's `wrangler dev` exits before `stop()` (a crash). */
  onWorkerExit?: (worker: 'checkout' | 'webhooks', code: number | null) => void;
}

export interface LocalStack {
  checkoutUrl: string;
  webhooksUrl: string;
  /** `server` (databaseUrl given) or `embedded`. */
  databaseMode: 'server' | 'embedded';
  /** Stops the workers, the bridge and the embedded database. Safe to call twice. */
  stop: () => Promise<void>;
}

/** Rejects with a `LocalStackError` naming `variable` if `port` on 127.0.0.1 is taken. */
export async function assertPortFree(port: number, what: string, variable: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', () =>
      reject(
        new LocalStackError(
          `Port ${port} (${what}) is already in use. Stop whatever uses it, or choose another port with ${variable}=<port>.`,
        ),
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/**
 * Starts the whole system as `pnpm dev` runs it: a database (the given server, or an embedded PGlite
 * persisted in `dataDir`), migrated and seeded; the WebSocket bridge the driver reaches it through;
 * both workers in the Workers runtime (`wrangler dev`). Resolves once both answer `/health`.
 * Throws `LocalStackError` with a readable message when a port is taken or a worker dies; whatever
 * was started is stopped again.
 */
export async function startLocalStack(options: StartLocalStackOptions = {}): Promise<LocalStack> {
  const ports = { ...defaultPorts, ...options.ports };
  const log = options.log ?? ((line: string) => console.log(line));
  await assertPortFree(ports.checkout, 'checkout worker', 'CHECKOUT_PORT');
  await assertPortFree(ports.webhooks, 'webhook worker', 'WEBHOOKS_PORT');
  await assertPortFree(ports.bridge, 'database bridge', 'DATABASE_BRIDGE_PORT');
  if (!options.databaseUrl)
    await assertPortFree(ports.database, 'embedded database', 'PGLITE_PORT');

  const cleanups: Array<() => Promise<void>> = [];
  let isStopping = false;
  const stop = async () => {
    isStopping = true;
    while (cleanups.length > 0)
      await cleanups
        .pop()?.()
        .catch(() => undefined);
  };
  try {
    let databaseUrl = options.databaseUrl;
    if (!databaseUrl) {
      const dataDir = options.dataDir ?? join(repositoryRoot, '.data/pglite');
      await mkdir(dataDir, { recursive: true });
      const pglite = await PGlite.create(dataDir);
      cleanups.push(() => pglite.close());
      const server = await serveEmbeddedPostgres({
        pglite,
        port: ports.database,
        maxConnections: 64,
      });
      cleanups.push(() => server.stop());
      databaseUrl = `postgres://postgres@127.0.0.1:${ports.database}/postgres`;
      log(`database: embedded PGlite in ${dataDir} on 127.0.0.1:${ports.database}`);
    } else {
      const url = new URL(databaseUrl);
      log(`database: ${url.hostname}:${url.port || 5432}${url.pathname}`);
    }

    const bridge = await startDatabaseBridge({
      port: ports.bridge,
      onError: (error) => log(`bridge error: ${error.message}`),
    });
    cleanups.push(() => bridge.close());
    const webSocketProxy = isLoopbackHost(new URL(databaseUrl).hostname)
      ? bridge.webSocketProxy
      : undefined;
    const driver = {
      webSocketConstructor: ws as unknown as WebSocketConstructor,
      ...(webSocketProxy ? { webSocketProxy } : {}),
    };
    await migrateDatabase({ connectionString: databaseUrl, ...driver });
    const seeding = createDatabaseClient({ connectionString: databaseUrl, ...driver });
    try {
      await seedDemoData(seeding.db);
    } finally {
      await seeding.close();
    }
    log('database: migrated, demo data in place');

    const vars: Record<string, string> = {
      DATABASE_URL: databaseUrl,
      ...(webSocketProxy ? { DATABASE_WS_PROXY: webSocketProxy } : {}),
      ...(webSocketProxy ? { DATABASE_HTTP_ENDPOINT: bridge.httpEndpoint } : {}),
      AUTH_STAFF_AUDIENCE: LOCAL_STAFF_AUDIENCE,
      ...options.vars,
    };
    const onExit = (worker: 'checkout' | 'webhooks') => (code: number | null) => {
      if (!isStopping) options.onWorkerExit?.(worker, code);
    };
    const checkout = startWorker(
      'checkout',
      workerDirs.checkout,
      ports.checkout,
      vars,
      log,
      onExit('checkout'),
    );
    cleanups.push(() => stopProcess(checkout));
    const webhooks = startWorker(
      'webhooks',
      workerDirs.webhooks,
      ports.webhooks,
      vars,
      log,
      onExit('webhooks'),
    );
    cleanups.push(() => stopProcess(webhooks));

    const checkoutUrl = `http://127.0.0.1:${ports.checkout}`;
    const webhooksUrl = `http://127.0.0.1:${ports.webhooks}`;
    await Promise.all([
      waitForHealth(checkoutUrl, checkout, 'checkout'),
      waitForHealth(webhooksUrl, webhooks, 'webhook'),
    ]);
    return {
      checkoutUrl,
      webhooksUrl,
      databaseMode: options.databaseUrl ? 'server' : 'embedded',
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
