import { connect } from 'node:net';
import {
  createDatabaseClient,
  createHttpDatabaseClient,
  type DatabaseClient,
  type HttpDatabase,
  sql,
} from '@codex/database';
import { type DatabaseBridge, startDatabaseBridge } from '@codex/database/node';
import { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveEmbeddedPostgres } from './embedded-postgres';
import { nodeWebSocket } from './node-websocket';

// Many connections to one embedded PGlite, each sending extended-protocol queries of its own shape
// (on the production driver, over both of its transports) while a transaction holds the session:
// each must get its own answer. Without the affinity in serveEmbeddedPostgres the queries queued
// behind the transaction are served message by message in turn, one connection's Parse replaces
// another's unnamed statement before its Bind (electric-sql/pglite#1046), and the first round
// fails with "bind message supplies 2 parameters, but prepared statement "" requires 1" (checked).

let pglite: PGlite;
let server: PGLiteSocketServer;
let bridge: DatabaseBridge;
let client: DatabaseClient;
let http: HttpDatabase;

beforeAll(async () => {
  pglite = await PGlite.create();
  server = await serveEmbeddedPostgres({ pglite, port: 0, maxConnections: 16 });
  bridge = await startDatabaseBridge();
  client = createDatabaseClient({
    connectionString: `postgres://postgres@${server.getServerConn()}/postgres`,
    webSocketConstructor: nodeWebSocket,
    webSocketProxy: bridge.webSocketProxy,
    maxConnections: 8,
  });
  http = createHttpDatabaseClient({
    connectionString: `postgres://postgres@${server.getServerConn()}/postgres`,
    httpEndpoint: bridge.httpEndpoint,
  }).db;
});

afterAll(async () => {
  await client?.close();
  await bridge?.close();
  await server?.stop();
  await pglite?.close();
});

/** ReadyForQuery, idle: the end of the startup. */
const READY_FOR_QUERY_IDLE = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]);

function startupMessage(user: string, database: string): Buffer {
  const body = Buffer.from(`user\0${user}\0database\0${database}\0\0`);
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + body.length, 0);
  head.writeInt32BE(196_608, 4);
  return Buffer.concat([head, body]);
}

/** Parse of the unnamed statement `query`, no parameter types. */
function parseMessage(query: string): Buffer {
  const body = Buffer.concat([Buffer.from(`\0${query}\0`), Buffer.from([0, 0])]);
  const head = Buffer.alloc(5);
  head.write('P', 0);
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

/** A raw protocol connection to the server, started up (ReadyForQuery received). */
async function startRawConnection() {
  const socket = connect(Number(server.getServerConn().split(':')[1]), '127.0.0.1');
  const received: Buffer[] = [];
  socket.on('data', (chunk) => received.push(chunk));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(startupMessage('postgres', 'postgres'));
  await waitFor(() => Buffer.concat(received).includes(READY_FOR_QUERY_IDLE));
  return { socket };
}

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One of three statement shapes, by `i`: what it must answer. */
async function ask(i: number): Promise<[unknown, unknown]> {
  const db = i % 2 === 0 ? client.db : http;
  if (i % 3 === 0) {
    const { rows } = await db.execute<{ n: number }>(sql`SELECT ${i}::int + ${1}::int AS n`);
    return [rows[0]?.n, i + 1];
  }
  if (i % 3 === 1) {
    const { rows } = await db.execute<{ s: string }>(sql`SELECT upper(${`q${i}`}::text) AS s`);
    return [rows[0]?.s, `Q${i}`];
  }
  const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  const { rows } = await db.execute<{ u: string; k: string }>(
    sql`SELECT ${id}::uuid AS u, ${'k'}::text AS k, ${i}::int AS i`,
  );
  return [rows[0]?.u, id];
}

describe('serveEmbeddedPostgres', () => {
  it('keeps each connection’s extended-protocol queries whole when many connections query at once', {
    timeout: 60_000,
  }, async () => {
    for (let round = 0; round < 5; round += 1) {
      // A transaction holds the session for a moment, so the others' queries queue up behind it
      // and are served together when it commits (how a worker's transaction meets the reads).
      const held = client.db.transaction(async (tx) => {
        await tx.execute(sql`SELECT ${round}::int AS round`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      });
      const answers = await Promise.all(
        Array.from({ length: 60 }, (_, index) => ask(round * 60 + index)),
      );
      await held;
      for (const [got, expected] of answers) expect(got).toEqual(expected);
    }
  });

  // The affinity holds the session for a connection until its Sync: one that never sends it must
  // not hold it, nor hand it to the next connection that starts up and then waits (a pool's idle
  // connection), which would stall everyone else until that one queried.
  it('serves the other connections after a connection leaves in the middle of a query', {
    timeout: 30_000,
  }, async () => {
    // A raw connection starts up, sends a Parse (the session now waits for its Sync) and goes.
    const leaving = await startRawConnection();
    leaving.socket.write(parseMessage('SELECT 1'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    leaving.socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Another starts up and stays idle.
    const idle = await startRawConnection();

    const answers = await Promise.all(Array.from({ length: 12 }, (_, index) => ask(index)));
    for (const [got, expected] of answers) expect(got).toEqual(expected);
    idle.socket.destroy();
  });
});
