import { startDatabaseBridge } from './bridge';

// `pnpm db:bridge`: the stand-in for Neon's proxy for `wrangler dev` against a plain local Postgres.
// Point the worker at it with DATABASE_WS_PROXY=127.0.0.1:<port>/v1 (WebSocket driver), or give
// http://127.0.0.1:<port>/sql as `httpEndpoint` to `createHttpDatabaseClient` (SQL over HTTP).
const port = Number(process.env.DATABASE_BRIDGE_PORT ?? 8790);
const bridge = await startDatabaseBridge({
  port,
  onError: (error) => console.error(`db:bridge: ${error.message}`),
});
console.log(`db:bridge: listening; set DATABASE_WS_PROXY=${bridge.webSocketProxy}`);
console.log(`db:bridge: SQL over HTTP at ${bridge.httpEndpoint}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void bridge.close().then(() => process.exit(0));
  });
}
