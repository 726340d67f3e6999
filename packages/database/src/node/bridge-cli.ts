import { startDatabaseBridge } from './bridge';

// `pnpm db:bridge`: the WebSocket-to-TCP bridge for `wrangler dev` against a plain local Postgres.
// Point the worker at it with DATABASE_WS_PROXY=127.0.0.1:<port>/v1.
const port = Number(process.env.DATABASE_BRIDGE_PORT ?? 8790);
const bridge = await startDatabaseBridge({
  port,
  onError: (error) => console.error(`db:bridge: ${error.message}`),
});
console.log(`db:bridge: listening; set DATABASE_WS_PROXY=${bridge.webSocketProxy}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void bridge.close().then(() => process.exit(0));
  });
}
