import { type AddressInfo, createServer } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@codex/test-utils';
import { NeonDbError, neon, neonConfig } from '@neondatabase/serverless';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createHttpDatabaseClient } from '../client';
import { getPostgresError, isUniqueViolation, PostgresErrorCode } from '../errors';
import { content, eq, organizations, sql } from '../index';
import { type DatabaseBridge, startDatabaseBridge } from './bridge';
import type { SqlOverHttpQueryInfo } from './sql-over-http';

// The contract of `POST /sql`, driven through the real driver (`neon()`, pointed here by the
// driver's own global `fetchEndpoint`, as a developer would) and through `createHttpDatabaseClient`
// (Drizzle on neon-http, routed per client). Statements run one after another: the embedded
// database serialises connections.
let testDb: TestDatabase;
let bridge: DatabaseBridge;
const accepted: SqlOverHttpQueryInfo[] = [];
let previousEndpoint: typeof neonConfig.fetchEndpoint;

beforeAll(async () => {
  testDb = await createTestDatabase({ maxConnections: 1 });
  bridge = await startDatabaseBridge({ onHttpQuery: (info) => accepted.push(info) });
  previousEndpoint = neonConfig.fetchEndpoint;
  neonConfig.fetchEndpoint = bridge.httpEndpoint;
});

afterAll(async () => {
  neonConfig.fetchEndpoint = previousEndpoint;
  await bridge?.close();
  await testDb?.close();
});

const driver = () => neon(testDb.connectionString);

function httpClient(counter?: { requests: number }) {
  return createHttpDatabaseClient({
    connectionString: testDb.connectionString,
    httpEndpoint: bridge.httpEndpoint,
    ...(counter ? { onHttpRequest: () => counter.requests++ } : {}),
  });
}

async function post(body: string, headers: Record<string, string> = {}, init: RequestInit = {}) {
  const response = await fetch(bridge.httpEndpoint, {
    method: 'POST',
    body,
    headers: {
      'Neon-Connection-String': testDb.connectionString,
      'Neon-Raw-Text-Output': 'true',
      'Neon-Array-Mode': 'true',
      ...headers,
    },
    ...init,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected the statement to fail'),
    (error: unknown) => error,
  );
}

describe('POST /sql: the answer', () => {
  it('has the fields, command and rowCount the driver reads, values as Postgres text', async () => {
    const query = JSON.stringify({
      query: 'SELECT $1::int AS n, NULL::text AS gone',
      params: ['7'],
    });
    const fields = [
      { name: 'n', dataTypeID: 23, tableID: 0, columnID: 0, dataTypeSize: 4 },
      { name: 'gone', dataTypeID: 25, tableID: 0, columnID: 0, dataTypeSize: -1 },
    ].map((field) => ({ ...field, dataTypeModifier: -1, format: 'text' }));
    expect(await post(query)).toEqual({
      status: 200,
      body: { command: 'SELECT', rowCount: 1, rows: [['7', null]], fields, rowAsArray: true },
    });
    const objects = await post(query, { 'Neon-Array-Mode': 'false' });
    expect(objects.body).toMatchObject({ rows: [{ n: '7', gone: null }], rowAsArray: false });
  });

  it('round-trips Postgres types through the driver’s parsers', async () => {
    const id = crypto.randomUUID();
    const words = 'Zoë — "double" \'single\' \\ back 🚀';
    const [row] = await driver().query(
      `SELECT $1::timestamptz AS at, $2::numeric AS amount, $3::jsonb AS doc, $4::boolean AS yes,
              $5::text AS nothing, $6::text[] AS tags, $7::int[] AS counts, $8::int8 AS big,
              $9::uuid AS id, $10::text AS words, $11::bytea AS bytes`,
      [
        new Date('2024-02-29T12:34:56.789Z'),
        '12345678901234567890.123456789',
        { list: [1, 'x'], none: null },
        true,
        null,
        ['a', 'b,c', 'd"e', null],
        [1, 2, 3],
        9_007_199_254_740_993n,
        id,
        words,
        Buffer.from([0, 255, 16]),
      ],
    );
    // A Date, or its text once a neon-http Drizzle instance has reset the driver's global parser.
    expect(new Date(row?.at).toISOString()).toBe('2024-02-29T12:34:56.789Z');
    expect(row).toMatchObject({
      amount: '12345678901234567890.123456789',
      doc: { list: [1, 'x'], none: null },
      yes: true,
      nothing: null,
      tags: ['a', 'b,c', 'd"e', null],
      counts: [1, 2, 3],
      big: '9007199254740993',
      id,
      words,
      bytes: Buffer.from([0, 255, 16]),
    });
  });

  it('lets Postgres infer parameter types and passes null as SQL NULL', async () => {
    const result = await driver().query(
      'SELECT $1 + 1 AS next, $2 AS untyped, pg_typeof($1)::text AS inferred, $3::int IS NULL AS absent',
      ['41', 'x', null],
      { fullResults: true },
    );
    expect(result.rows).toEqual([{ next: 42, untyped: 'x', inferred: 'integer', absent: true }]);
    expect(result.fields.map((field) => field.dataTypeID)).toEqual([23, 25, 25, 16]);
  });
});

describe('POST /sql: one statement per query', () => {
  it('refuses several statements in one string, parameters or not, as Postgres does', async () => {
    for (const params of [[], ['1']]) {
      const error = await rejection(driver().query('SELECT 1; SELECT $1', params));
      expect(error).toBeInstanceOf(NeonDbError);
      expect(error).toMatchObject({
        code: '42601',
        message: 'cannot insert multiple commands into a prepared statement',
      });
    }
  });
});

describe('POST /sql: connections', () => {
  it('does not hand on a connection a lone BEGIN left inside a transaction', async () => {
    const name = `after-begin-${crypto.randomUUID()}`;
    expect((await post('{"query":"BEGIN"}')).body).toMatchObject({ command: 'BEGIN' });
    await post(
      JSON.stringify({ query: 'INSERT INTO organizations (name) VALUES ($1)', params: [name] }),
    );
    // Seen from another connection (the WebSocket driver's): the insert was committed.
    const { rows } = await testDb.db.execute(sql`SELECT 1 FROM organizations WHERE name = ${name}`);
    expect(rows).toHaveLength(1);
  });

  it('survives a connection dropped while in use: that request fails, the next ones are served', async () => {
    // The backend ends itself in the middle of a batch, as a Postgres restart would end it: the
    // checked-out `pg` client then emits 'error', which used to be unhandled and kill the process
    // (and `pnpm dev` with it).
    const killed = await post(
      JSON.stringify({
        queries: [
          { query: 'SELECT pg_terminate_backend(pg_backend_pid())', params: [] },
          { query: 'SELECT 1', params: [] },
        ],
      }),
    );
    // The embedded database has one backend and does not end it: there the request succeeds.
    const onServer = inject('codexTestDatabase').mode === 'server';
    expect(killed.status >= 400, JSON.stringify(killed.body)).toBe(onServer);
    for (const value of ['2', '3']) {
      const after = await post(JSON.stringify({ query: `SELECT ${value}::int AS n`, params: [] }));
      expect(after).toMatchObject({ status: 200, body: { rows: [[value]] } });
    }
  });

  it('survives a backend ended right after its start-up, in the same read as ReadyForQuery', async () => {
    // What `pnpm soak` met while terminating backends: Postgres answers a new connection's
    // start-up and its FATAL 57P01 together. pg-pool had removed its listener before the client
    // was handed out, so the 'error' reached no listener and killed the process. A server that
    // answers exactly so stands in for Postgres.
    const { url, close } = await startDyingServer();
    const errors: Error[] = [];
    const dyingBridge = await startDatabaseBridge({ onError: (error) => errors.push(error) });
    try {
      const response = await fetch(dyingBridge.httpEndpoint, {
        method: 'POST',
        body: JSON.stringify({ query: 'SELECT 1', params: [] }),
        headers: {
          'Neon-Connection-String': url,
          'Neon-Raw-Text-Output': 'true',
          'Neon-Array-Mode': 'true',
        },
      });
      expect(response.status).toBe(500);
      expect(errors.map((error) => (error as { code?: string }).code)).toContain('57P01');
    } finally {
      await dyingBridge.close();
      await close();
    }
  });
});

/**
 * A loopback server that answers any start-up with AuthenticationOk, ReadyForQuery and a FATAL
 * "terminating connection due to administrator command" in one write, then closes.
 */
async function startDyingServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const message = (type: string, body: Buffer) => {
    const head = Buffer.alloc(5);
    head.write(type, 0);
    head.writeInt32BE(body.length + 4, 1);
    return Buffer.concat([head, body]);
  };
  const fields = (pairs: Array<[string, string]>) =>
    Buffer.concat([
      ...pairs.map(([key, value]) => Buffer.from(`${key}${value}\0`)),
      Buffer.from('\0'),
    ]);
  const server = createServer((socket) => {
    socket.once('data', () => {
      socket.end(
        Buffer.concat([
          message('R', Buffer.alloc(4)),
          message('Z', Buffer.from('I')),
          message(
            'E',
            fields([
              ['S', 'FATAL'],
              ['V', 'FATAL'],
              ['C', '57P01'],
              ['M', 'terminating connection due to administrator command'],
            ]),
          ),
        ]),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/dying`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('POST /sql: Postgres errors', () => {
  it('carries a unique violation’s code and constraint to where errors.ts reads them', async () => {
    const id = `evt_${crypto.randomUUID()}`;
    const insert = () =>
      driver().query(`INSERT INTO stripe_webhook_events (id, type) VALUES ($1, 'test')`, [id]);
    await insert();
    const error = await rejection(insert());
    expect(error).toMatchObject({
      code: PostgresErrorCode.uniqueViolation,
      constraint: 'stripe_webhook_events_pkey',
      table: 'stripe_webhook_events',
      schema: 'public',
      severity: 'ERROR',
      detail: `Key (id)=(${id}) already exists.`,
    });
    expect(isUniqueViolation(error, 'stripe_webhook_events_pkey')).toBe(true);
  });

  it('carries a check violation through Drizzle’s wrapping', async () => {
    const { db } = httpClient();
    const [organization] = await db.insert(organizations).values({ name: 'Checks' }).returning();
    const error = await rejection(
      db.insert(content).values({
        organizationId: organization?.id ?? '',
        title: 'Negative',
        priceCents: -1,
      }),
    );
    expect(getPostgresError(error)).toEqual({
      code: PostgresErrorCode.checkViolation,
      constraint: 'content_price_cents_non_negative',
    });
  });

  it('reports where a syntax error is', async () => {
    const error = await rejection(driver().query('SELECT FROM WHERE'));
    expect(error).toMatchObject({ code: '42601', position: expect.stringMatching(/^\d+$/) });
  });
});

describe('POST /sql: batches', () => {
  it('runs a Drizzle batch as one HTTP request carrying every statement', async () => {
    const counter = { requests: 0 };
    const { db } = httpClient(counter);
    const before = accepted.length;
    const name = `batch-${crypto.randomUUID()}`;
    const [inserted, found] = await db.batch([
      db.insert(organizations).values({ name }).returning(),
      db.select().from(organizations).where(eq(organizations.name, name)),
    ]);
    expect(counter.requests).toBe(1);
    expect(accepted.slice(before)).toEqual([{ queries: 2, batch: true }]);
    expect(inserted).toHaveLength(1);
    // Both statements ran in one transaction: the second sees the first's row.
    expect(found).toEqual([expect.objectContaining({ name, createdAt: expect.any(Date) })]);
  });

  it('rolls back the first statement when the second fails (neon() and Drizzle)', async () => {
    const name = `rolled-back-${crypto.randomUUID()}`;
    const client = driver();
    const raw = await rejection(
      client.transaction([
        client`INSERT INTO organizations (name) VALUES (${name})`,
        client`SELECT 1 / 0`,
      ]),
    );
    expect(raw).toMatchObject({ code: '22012' });
    const { db } = httpClient();
    const wrapped = await rejection(
      db.batch([
        db.insert(organizations).values({ name }),
        db
          .insert(content)
          .values({ organizationId: crypto.randomUUID(), title: 'x', priceCents: 1 }),
      ]),
    );
    expect(getPostgresError(wrapped)?.code).toBe(PostgresErrorCode.foreignKeyViolation);
    expect(await client.query('SELECT 1 FROM organizations WHERE name = $1', [name])).toEqual([]);
  });

  it('honours the isolation level, read-only and deferrable headers', async () => {
    const client = driver();
    const settings = await client.transaction(
      (tx) => [
        tx`SHOW transaction_isolation`,
        tx`SHOW transaction_read_only`,
        tx`SHOW transaction_deferrable`,
      ],
      { isolationLevel: 'Serializable', readOnly: true, deferrable: true },
    );
    expect(settings).toEqual([
      [{ transaction_isolation: 'serializable' }],
      [{ transaction_read_only: 'on' }],
      [{ transaction_deferrable: 'on' }],
    ]);
    const plain = await client.transaction((tx) => [tx`SHOW transaction_isolation`]);
    expect(plain).toEqual([[{ transaction_isolation: 'read committed' }]]);
    const write = client`INSERT INTO organizations (name) VALUES ('read-only')`;
    const refused = await rejection(client.transaction([write], { readOnly: true }));
    expect(refused).toMatchObject({ code: '25006' });
  });
});

describe('POST /sql: refusals', () => {
  it('refuses a connection string that is not loopback, before connecting', async () => {
    const before = accepted.length;
    for (const connectionString of [
      'postgres://user:secret@ep-example-123.eu-central-1.aws.neon.tech/neondb',
      `${testDb.connectionString}${testDb.connectionString.includes('?') ? '&' : '?'}host=example.com`,
    ]) {
      const { status, body } = await post('{"query":"SELECT 1"}', {
        'Neon-Connection-String': connectionString,
      });
      expect(status).toBe(400);
      expect(body.message).toMatch(/loopback|unsupported connection parameter host/);
    }
    const error = await rejection(neon('postgres://user:secret@db.example.com/neondb')`SELECT 1`);
    expect(error).toBeInstanceOf(NeonDbError);
    expect(accepted.length).toBe(before);
  });

  it.each([
    ['not JSON', 'SELECT 1'],
    ['no query', '{}'],
    ['a query that is not text', '{"query":1}'],
    ['params that are not a list', '{"query":"SELECT 1","params":"1"}'],
    ['an object parameter', '{"query":"SELECT $1","params":[{"a":1}]}'],
    ['a batch entry without a query', '{"queries":[{"query":"SELECT 1"},{}]}'],
  ])('answers 400 with a message for %s', async (_case, body) => {
    const answer = await post(body);
    expect(answer).toEqual({ status: 400, body: { message: expect.any(String) } });
  });

  it('refuses an unknown isolation level and JSON-typed output', async () => {
    const batch = '{"queries":[{"query":"SELECT 1"}]}';
    const isolation = await post(batch, { 'Neon-Batch-Isolation-Level': 'Snapshot' });
    expect(isolation).toEqual({ status: 400, body: { message: 'invalid isolation level' } });
    const typed = await post('{"query":"SELECT 1"}', { 'Neon-Raw-Text-Output': 'false' });
    expect(typed.status).toBe(400);
  });

  it('answers 405 to other methods and 404 to other paths', async () => {
    const wrongMethod = await fetch(bridge.httpEndpoint);
    expect([wrongMethod.status, wrongMethod.headers.get('allow')]).toEqual([405, 'POST']);
    await wrongMethod.body?.cancel();
    const wrongPath = await fetch(bridge.httpEndpoint.replace(/\/sql$/, '/v1/sql'), {
      method: 'POST',
    });
    expect(wrongPath.status).toBe(404);
    await wrongPath.body?.cancel();
  });
});
