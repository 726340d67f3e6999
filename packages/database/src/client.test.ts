import { createTestDatabase, nodeWebSocket, type TestDatabase } from '@codex/test-utils';
import { neon, neonConfig } from '@neondatabase/serverless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDatabaseClient,
  createHttpDatabaseClient,
  eq,
  organizations,
  sql,
  withDatabase,
} from './index';
import { type DatabaseBridge, type SqlOverHttpQueryInfo, startDatabaseBridge } from './node';

let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await createTestDatabase();
});

afterAll(async () => {
  await testDb?.close();
});

const clientOptions = () => ({
  connectionString: testDb.connectionString,
  webSocketConstructor: nodeWebSocket,
  ...(testDb.webSocketProxy ? { webSocketProxy: testDb.webSocketProxy } : {}),
});

describe('createDatabaseClient', () => {
  it('runs queries and transactions through the Neon driver', async () => {
    const client = createDatabaseClient(clientOptions());
    try {
      const inserted = await client.db.transaction(async (tx) => {
        const [row] = await tx.insert(organizations).values({ name: 'Tx org' }).returning();
        return row;
      });
      const { rows } = await client.db.execute<{ name: string }>(
        sql`SELECT name FROM organizations WHERE id = ${inserted?.id}`,
      );
      expect(rows).toEqual([{ name: 'Tx org' }]);
    } finally {
      await client.close();
    }
  });

  it('rolls a failed transaction back completely', async () => {
    const client = createDatabaseClient(clientOptions());
    try {
      const name = `rollback-${Date.now()}`;
      await expect(
        client.db.transaction(async (tx) => {
          await tx.insert(organizations).values({ name });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      const { rows } = await client.db.execute(
        sql`SELECT 1 FROM organizations WHERE name = ${name}`,
      );
      expect(rows).toHaveLength(0);
    } finally {
      await client.close();
    }
  });

  it('can be closed twice, and refuses queries after close', async () => {
    const client = createDatabaseClient(clientOptions());
    await client.db.execute(sql`SELECT 1`);
    await client.close();
    await client.close();
    await expect(client.db.execute(sql`SELECT 1`)).rejects.toThrow();
  });

  it('reports a connection dropped while idle to onConnectionError instead of crashing', async () => {
    // A private bridge, so the test can cut the sockets under the pool the way a Workers runtime
    // does at the end of a request.
    const bridge = await startDatabaseBridge();
    const errors: Error[] = [];
    const client = createDatabaseClient({
      ...clientOptions(),
      webSocketProxy: bridge.webSocketProxy,
      onConnectionError: (error) => errors.push(error),
    });
    try {
      await client.db.execute(sql`SELECT 1`);
      await bridge.close();
      await expect.poll(() => errors.length, { timeout: 5_000 }).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });
});

describe('withDatabase', () => {
  it('returns the work’s result', async () => {
    const value = await withDatabase(clientOptions(), async (db) => {
      const { rows } = await db.execute<{ answer: number }>(sql`SELECT 42 AS answer`);
      return rows[0]?.answer;
    });
    expect(value).toBe(42);
  });

  it('passes the work’s error through unchanged and still closes the pool', async () => {
    const failure = new Error('work failed');
    let captured: Parameters<Parameters<typeof withDatabase>[1]>[0] | undefined;
    await expect(
      withDatabase(clientOptions(), async (db) => {
        captured = db;
        await db.execute(sql`SELECT 1`);
        throw failure;
      }),
    ).rejects.toBe(failure);
    // The pool was ended: the same handle can no longer query.
    await expect(captured?.execute(sql`SELECT 1`)).rejects.toThrow();
  });
});

describe('createHttpDatabaseClient', () => {
  // The SQL-over-HTTP protocol itself is proven in node/sql-over-http.test.ts; this is the client.
  let bridge: DatabaseBridge;
  const accepted: SqlOverHttpQueryInfo[] = [];

  beforeAll(async () => {
    bridge = await startDatabaseBridge({ onHttpQuery: (info) => accepted.push(info) });
  });

  afterAll(async () => {
    await bridge?.close();
  });

  it('reads and writes through Drizzle, one HTTP request per statement', async () => {
    let requests = 0;
    const statements: string[] = [];
    const { db } = createHttpDatabaseClient({
      connectionString: testDb.connectionString,
      httpEndpoint: bridge.httpEndpoint,
      onHttpRequest: () => requests++,
      onQuery: (statement) => statements.push(statement),
    });
    const [created] = await db.insert(organizations).values({ name: 'Over HTTP' }).returning();
    const rows = await db
      .select()
      .from(organizations)
      .where(eq(organizations.id, created?.id ?? ''));
    expect(rows).toEqual([created]);
    expect(created?.createdAt).toBeInstanceOf(Date);
    expect(requests).toBe(2);
    expect(statements).toEqual([
      expect.stringMatching(/^insert/),
      expect.stringMatching(/^select/),
    ]);
  });

  it('routes only its own requests: a plain neon() client follows the driver’s global endpoint', async () => {
    const elsewhere: SqlOverHttpQueryInfo[] = [];
    const other = await startDatabaseBridge({ onHttpQuery: (info) => elsewhere.push(info) });
    const previous = neonConfig.fetchEndpoint;
    neonConfig.fetchEndpoint = other.httpEndpoint;
    try {
      const { db } = createHttpDatabaseClient({
        connectionString: testDb.connectionString,
        httpEndpoint: bridge.httpEndpoint,
      });
      const before = accepted.length;
      expect((await db.execute(sql`SELECT 1 AS one`)).rows).toEqual([{ one: 1 }]);
      expect(await neon(testDb.connectionString)`SELECT 2 AS two`).toEqual([{ two: 2 }]);
      expect(accepted.length - before).toBe(1);
      expect(elsewhere).toEqual([{ queries: 1, batch: false }]);
    } finally {
      neonConfig.fetchEndpoint = previous;
      await other.close();
    }
  });
});
