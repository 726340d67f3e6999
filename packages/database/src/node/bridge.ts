import type { AddressInfo } from 'node:net';
import { connect, isIP } from 'node:net';
import { WebSocketServer } from 'ws';

export interface DatabaseBridgeOptions {
  /** Port to listen on; 0 (the default) lets the OS choose. */
  port?: number;
  /** Interface to listen on; loopback by default. */
  host?: string;
  /** Told about socket errors (for example a Postgres server that is not running). */
  onError?: (error: Error) => void;
}

export interface DatabaseBridge {
  port: number;
  /** Value for `DatabaseClientOptions.webSocketProxy`, e.g. `127.0.0.1:54021/v1`. */
  webSocketProxy: string;
  /** Stops listening and closes every open tunnel. */
  close: () => Promise<void>;
}

/** True for `localhost`, `127.0.0.0/8` and `::1`: the only targets the bridge will open. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare === '0:0:0:0:0:0:0:1';
  return false;
}

function parseTarget(requestUrl: string | undefined): { host: string; port: number } | undefined {
  const address = new URL(requestUrl ?? '/', 'http://bridge').searchParams.get('address');
  const match = address?.match(/^(.+):(\d{1,5})$/);
  if (!match?.[1] || !match[2]) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65_535 || !isLoopbackHost(match[1])) return undefined;
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

/**
 * Starts a WebSocket-to-TCP bridge so that `@neondatabase/serverless` (which speaks the Postgres
 * protocol over a WebSocket) can reach a plain Postgres server. The driver asks for
 * `ws://<bridge>/v1?address=<host>:<port>`; each WebSocket becomes one TCP connection to that
 * address. Only loopback targets are accepted: anything else is refused with close code 1008.
 * For local development and tests only; Neon runs its own proxy.
 */
export async function startDatabaseBridge(
  options: DatabaseBridgeOptions = {},
): Promise<DatabaseBridge> {
  const host = options.host ?? '127.0.0.1';
  const server = new WebSocketServer({ host, port: options.port ?? 0 });
  const report = (error: Error) => options.onError?.(error);

  server.on('connection', (socket, request) => {
    const target = parseTarget(request.url);
    if (!target) {
      socket.close(1008, 'target must be a loopback host:port');
      return;
    }
    const tcp = connect(target.port, target.host);
    tcp.setNoDelay(true);
    // Bytes the driver sends before the TCP connection is up are buffered by the socket.
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      tcp.write(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer));
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
    server.once('listening', resolve);
    server.once('error', reject);
  });
  server.on('error', report);
  const { port } = server.address() as AddressInfo;

  return {
    port,
    webSocketProxy: `${host.includes(':') ? `[${host}]` : host}:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
