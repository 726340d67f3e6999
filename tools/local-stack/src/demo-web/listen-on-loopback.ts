import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Options for {@link listenOnLoopback}. */
export interface ListenOnLoopbackOptions {
  /** 0 lets the OS choose one. */
  port: number;
  onRequest: RequestListener;
  /** Gets problems worth a person's attention (no IPv6 loopback). */
  log: (line: string) => void;
}

/** HTTP listeners on both loopback addresses. */
export interface LoopbackServer {
  port: number;
  /** Stops both listeners and ends open connections. Safe to call twice. */
  close: () => Promise<void>;
}

// Attempts when port 0 was asked for and the port the OS gave 127.0.0.1 is taken on ::1.
const PORT_ATTEMPTS = 5;
// Without IPv6 (containers, some CI), listening on ::1 fails with one of these: 127.0.0.1 suffices.
const IPV6_UNAVAILABLE = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT']);

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen({ port, host }, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    // close() ends idle keep-alive connections itself; this also ends a client stalled mid-request.
    server.closeAllConnections();
  });
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

/**
 * Listens with `onRequest` on 127.0.0.1 and on ::1 at the same port, so `localhost:<port>` works
 * whichever loopback address a client picks. With port 0, a port the OS gave 127.0.0.1 but taken
 * on ::1 is given up for another (a few attempts). Where IPv6 is unavailable ::1 is skipped (and
 * logged). Rejects when the port is taken, with 127.0.0.1 freed again.
 */
export async function listenOnLoopback(options: ListenOnLoopbackOptions): Promise<LoopbackServer> {
  const { onRequest, log } = options;
  for (let attempt = 1; ; attempt += 1) {
    const ipv4 = createServer(onRequest);
    const ipv6 = createServer(onRequest);
    const port = await listen(ipv4, options.port, '127.0.0.1');
    try {
      await listen(ipv6, port, '::1');
    } catch (error) {
      const code = errorCode(error);
      if (code === 'EADDRINUSE' && options.port === 0 && attempt < PORT_ATTEMPTS) {
        await closeServer(ipv4);
        continue;
      }
      if (!IPV6_UNAVAILABLE.has(code ?? '')) {
        await closeServer(ipv4);
        throw error;
      }
      log(`demo web app: IPv6 loopback unavailable (${code}); listening on 127.0.0.1 only`);
    }
    let closing: Promise<void> | undefined;
    return {
      port,
      close: () => {
        closing ??= Promise.all([closeServer(ipv4), closeServer(ipv6)]).then(() => undefined);
        return closing;
      },
    };
  }
}
