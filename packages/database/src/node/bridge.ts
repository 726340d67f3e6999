import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { WebSocketServer } from 'ws';
import { isLoopbackHost } from './is-loopback-host';
import {
  createSqlOverHttpHandler,
  SQL_OVER_HTTP_PATH,
  type SqlOverHttpQueryInfo,
} from './sql-over-http';

export { isLoopbackHost } from './is-loopback-host';

export interface DatabaseBridgeOptions {
  /** Port to listen on; 0 (the default) lets the OS choose. */
  port?: number;
  /** Interface to listen on; loopback by default. */
  host?: string;
  /** Told about socket errors (for example a Postgres server that is not running). */
  onError?: (error: Error) => void;
  /**
   * Called once per SQL-over-HTTP request the bridge accepts, with how many statements it carried
   * (tests count HTTP round trips per app request with it).
   */
  onHttpQuery?: (info: SqlOverHttpQueryInfo) => void;
}

export interface DatabaseBridge {
  port: number;
  /** Value for `DatabaseClientOptions.webSocketProxy`, e.g. `127.0.0.1:54021/v1`. */
  webSocketProxy: string;
  /**
   * Neon's SQL-over-HTTP endpoint on the same port, e.g. `http://127.0.0.1:54021/sql`: the value for
   * `HttpDatabaseClientOptions.httpEndpoint` (or the driver's `neonConfig.fetchEndpoint`).
   */
  httpEndpoint: string;
  /** Stops listening, closes every open tunnel and ends the HTTP endpoint's Postgres pools. */
  close: () => Promise<void>;
}

function parseTarget(requestUrl: string | undefined): { host: string; port: number } | undefined {
  const address = new URL(requestUrl ?? '/', 'http://bridge').searchParams.get('address');
  const match = address?.match(/^(.+):(\d{1,5})$/);
  if (!match?.[1] || !match[2]) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65_535 || !isLoopbackHost(match[1])) return undefined;
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

/** A frontend Terminate message: 'X' and its length, 4. */
const TERMINATE = Buffer.from([0x58, 0, 0, 0, 4]);
/**
 * Starts the local stand-in for Neon's proxy, so that `@neondatabase/serverless` can reach a plain
 * Postgres server. One port serves both of the driver's transports:
 * - WebSocket: the driver asks for `ws://<bridge>/v1?address=<host>:<port>`; each WebSocket becomes
 *   one TCP connection to that address (refused with close code 1008 unless it is loopback);
 * - HTTP: `POST /sql` speaks Neon's SQL-over-HTTP protocol (`neon()`, `drizzle-orm/neon-http`) on
 *   pooled connections, for loopback connection strings only (see `createSqlOverHttpHandler`).
 * For local development and tests only; Neon runs its own proxy.
 */
export async function startDatabaseBridge(
  options: DatabaseBridgeOptions = {},
): Promise<DatabaseBridge> {
  const host = options.host ?? '127.0.0.1';
  const report = (error: Error) => options.onError?.(error);
  const sqlOverHttp = createSqlOverHttpHandler({ onQuery: options.onHttpQuery, onError: report });
  const server = createServer((request, response) => {
    void sqlOverHttp.handle(request, response);
  });
  const webSockets = new WebSocketServer({ server });
  // ws re-emits the HTTP server's errors on itself; an 'error' event without a listener would throw.
  let listening = false;
  webSockets.on('error', (error) => {
    if (listening) report(error);
  });

  webSockets.on('connection', (socket, request) => {
    const target = parseTarget(request.url);
    if (!target) {
      socket.close(1008, 'target must be a loopback host:port');
      return;
    }
    const tcp = connect(target.port, target.host);
    tcp.setNoDelay(true);
    // Bytes the driver sends before the TCP connection is up are buffered by the socket.
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      tcp.write(bytes);
      // Postgres closes the connection after a Terminate ('X', length 4): the driver's
      // `pool.end()` waits for that close. PGlite's socket server does not close, so without this
      // the embedded database's clients never finish ending (a scheduled run never returns, and
      // the open connections pile up until the server refuses new ones).
      if (bytes.length >= 5 && bytes.subarray(-5).equals(TERMINATE)) tcp.end();
    });
    tcp.on('data', (chunk) => socket.send(chunk));
    socket.on('close', () => tcp.end());
    socket.on('error', (error) => {
      report(error);
      tcp.destroy();
    });
    tcp.on('close', () => socket.close());
    tcp.on('error', (error) => {
      report(error);
      socket.close(1011, 'database connection failed');
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  listening = true;
  const { port } = server.address() as AddressInfo;
  const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    port,
    webSocketProxy: `${authority}/v1`,
    httpEndpoint: `http://${authority}${SQL_OVER_HTTP_PATH}`,
    close: async () => {
      for (const client of webSockets.clients) client.terminate();
      await new Promise<void>((resolve) => webSockets.close(() => resolve()));
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive HTTP connections would otherwise hold `close()` open.
      server.closeAllConnections();
      await Promise.all([stopped, sqlOverHttp.close()]);
    },
  };
}
