import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

// The embedded Postgres (PGlite) on a TCP port, for `pnpm dev` and the test databases when no
// server is configured.
//
// pglite-socket serves every connection from one PGlite session and queues their messages one by
// one, keeping a connection's messages together only while `isInTransaction()` holds
// (electric-sql/pglite#1046, still so in 0.2.17). An extended-protocol query (Parse, Bind,
// Describe, Execute, Sync) is not inside a transaction between its messages, so when several
// connections' queries wait in the queue (behind another connection's transaction, say) they are
// served message by message in turn: the second Parse replaces the first's unnamed statement and
// the first Bind fails ("bind message supplies 2 parameters, but prepared statement "" requires
// 4", "invalid input syntax for type uuid") or reads the other query's rows. CI's embedded pass
// saw it as a worker's 500 under load. The queue keeps a connection's messages together while the
// session "is in a transaction": the session below also says so from a connection's first
// extended-protocol message until its Sync, as a Postgres backend, one per connection, would be.

/** Extended-protocol messages that leave the session waiting for the same connection's Sync. */
const MID_SEQUENCE = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((type) => type.charCodeAt(0)));
/** Sync: the end of an extended-protocol sequence (the backend answers ReadyForQuery). */
const SYNC = 'S'.charCodeAt(0);

/**
 * `pglite` as the socket server's queue sees it: in a transaction also between a connection's
 * first extended-protocol message and its Sync. A startup message starts with its length (a zero
 * byte), a simple Query needs no partner; neither changes the state. COPY's sub-protocol is not
 * covered (nothing here uses it).
 */
function withExtendedProtocolAffinity(pglite: PGlite): PGlite {
  let midSequence = false;
  const overrides: Partial<PGlite> = {
    isInTransaction: () => midSequence || pglite.isInTransaction(),
    execProtocolRawStream: async (message, options) => {
      const type = message[0];
      if (type !== undefined && MID_SEQUENCE.has(type)) midSequence = true;
      try {
        return await pglite.execProtocolRawStream(message, options);
      } finally {
        if (type === SYNC) midSequence = false;
      }
    },
    // The queue's way out when a connection closes while it holds the session: its ROLLBACK.
    exec: (query, options) => {
      midSequence = false;
      return pglite.exec(query, options);
    },
  };
  return new Proxy(pglite, {
    get(target, property) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof PGlite];
      const value = Reflect.get(target, property, target);
      // PGlite's methods read private fields: call them on PGlite itself, not on the proxy.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export interface ServeEmbeddedPostgresOptions {
  pglite: PGlite;
  /** 0 takes a free port (read it from `getServerConn()`). */
  port: number;
  /** Connections the socket server accepts at once. */
  maxConnections: number;
}

/**
 * Serves `pglite` on 127.0.0.1:`port` to any number of connections, each connection's
 * extended-protocol queries kept whole ({@link withExtendedProtocolAffinity}). Stop the server
 * before closing `pglite`.
 */
export async function serveEmbeddedPostgres(
  options: ServeEmbeddedPostgresOptions,
): Promise<PGLiteSocketServer> {
  const server = new PGLiteSocketServer({
    db: withExtendedProtocolAffinity(options.pglite),
    host: '127.0.0.1',
    port: options.port,
    maxConnections: options.maxConnections,
  });
  await server.start();
  return server;
}
