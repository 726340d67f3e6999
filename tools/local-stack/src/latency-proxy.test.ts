import { randomBytes } from 'node:crypto';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createDatabaseClient, sql } from '@codex/database';
import { startDatabaseBridge } from '@codex/database/node';
import { createTestDatabase, nodeWebSocket, type TestDatabase } from '@codex/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LatencyProxy, startLatencyProxy } from './latency-proxy';

// Timers and a busy 2-core machine add a few milliseconds; more than this is the proxy's fault.
const SLACK_MS = 15;

let echo: Server;
let echoPort: number;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  echo = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoPort = (echo.address() as AddressInfo).port;
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

afterAll(async () => {
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

async function proxyToEcho(oneWayDelayMs: number): Promise<LatencyProxy> {
  const proxy = await startLatencyProxy({
    target: { host: '127.0.0.1', port: echoPort },
    oneWayDelayMs,
  });
  cleanups.push(() => proxy.close());
  return proxy;
}

async function connectTo(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  cleanups.push(async () => {
    socket.destroy();
  });
  return socket;
}

/** Sends `payload` and resolves with the milliseconds until all of it has come back. */
async function echoRoundTrip(socket: Socket, payload: Buffer): Promise<number> {
  const started = performance.now();
  const received: Buffer[] = [];
  let length = 0;
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      received.push(chunk);
      length += chunk.length;
      if (length >= payload.length) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(payload);
  });
  expect(Buffer.concat(received)).toEqual(payload);
  return performance.now() - started;
}

describe('startLatencyProxy', () => {
  it('delivers every byte intact and in order, both ways, across many writes', async () => {
    const proxy = await proxyToEcho(5);
    const socket = await connectTo(proxy.port);
    const chunks = Array.from({ length: 200 }, (_, index) =>
      randomBytes(1 + ((index * 7919) % 9000)),
    );
    const expected = Buffer.concat(chunks);
    const received: Buffer[] = [];
    let length = 0;
    const done = new Promise<void>((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        received.push(chunk);
        length += chunk.length;
        if (length >= expected.length) resolve();
      });
    });
    // Changing the delay mid-stream must not let a later chunk overtake an earlier one.
    chunks.forEach((chunk, index) => {
      if (index === 100) proxy.setDelay(0);
      socket.write(chunk);
    });
    await done;
    expect(Buffer.concat(received).equals(expected)).toBe(true);
  });

  it('makes a round trip cost twice the one-way delay, and not much more', async () => {
    const proxy = await proxyToEcho(25);
    const socket = await connectTo(proxy.port);
    const times = [];
    for (let trip = 0; trip < 5; trip++) times.push(await echoRoundTrip(socket, randomBytes(64)));
    for (const ms of times) expect(ms).toBeGreaterThanOrEqual(50);
    expect(Math.min(...times)).toBeLessThan(50 + SLACK_MS);
  });

  it('applies setDelay to the chunks that arrive afterwards, on open connections too', async () => {
    const proxy = await proxyToEcho(0);
    const socket = await connectTo(proxy.port);
    expect(await echoRoundTrip(socket, Buffer.from('fast'))).toBeLessThan(SLACK_MS);
    proxy.setDelay(30);
    // Every trip pays the delay; the fastest of three shows it adds nothing more (one slow trip
    // on a loaded machine is the scheduler's, not the proxy's).
    const slow = [];
    for (let trip = 0; trip < 3; trip++)
      slow.push(await echoRoundTrip(socket, Buffer.from('slow')));
    for (const ms of slow) expect(ms).toBeGreaterThanOrEqual(60);
    expect(Math.min(...slow)).toBeLessThan(60 + SLACK_MS);
    proxy.setDelay(0);
    expect(await echoRoundTrip(socket, Buffer.from('fast again'))).toBeLessThan(SLACK_MS);
  });

  it('refuses a target that is not on loopback, and a delay that is not a duration', async () => {
    await expect(
      startLatencyProxy({ target: { host: 'example.com', port: 5432 }, oneWayDelayMs: 1 }),
    ).rejects.toThrow(/loopback/);
    await expect(
      startLatencyProxy({ target: { host: '127.0.0.1', port: echoPort }, oneWayDelayMs: -1 }),
    ).rejects.toThrow(RangeError);
    const proxy = await proxyToEcho(0);
    expect(() => proxy.setDelay(Number.NaN)).toThrow(RangeError);
  });

  it('listens on loopback only', async () => {
    const proxy = await proxyToEcho(0);
    const socket = await connectTo(proxy.port);
    expect(socket.remoteAddress).toBe('127.0.0.1');
  });

  it('drops every open connection on close', async () => {
    const proxy = await startLatencyProxy({
      target: { host: '127.0.0.1', port: echoPort },
      oneWayDelayMs: 10,
    });
    const socket = await connectTo(proxy.port);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write('held when the proxy closes');
    await proxy.close();
    await closed;
    await expect(connectTo(proxy.port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('cuts every open connection, drops new ones for a while, then forwards again', async () => {
    const proxy = await proxyToEcho(10);
    const socket = await connectTo(proxy.port);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write('held when the link is cut');
    proxy.cut(300);
    await closed;
    // Accepted, then dropped at once: what a client of a database whose link is down sees.
    const refused = await connectTo(proxy.port);
    await new Promise<void>((resolve) => refused.once('close', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 350));
    const again = await connectTo(proxy.port);
    expect(await echoRoundTrip(again, Buffer.from('back'))).toBeGreaterThanOrEqual(20);
    expect(() => proxy.cut(Number.NaN)).toThrow(RangeError);
  });
});

describe('startLatencyProxy in front of Postgres', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({ maxConnections: 1 });
  });

  afterAll(async () => {
    await database?.close();
  });

  it('carries the production driver’s queries, each round trip delayed', async () => {
    const server = new URL(database.connectionString);
    const proxy = await startLatencyProxy({
      target: { host: server.hostname, port: Number(server.port || 5432) },
      oneWayDelayMs: 0,
    });
    cleanups.push(() => proxy.close());
    const bridge = await startDatabaseBridge();
    cleanups.push(() => bridge.close());
    const throughProxy = new URL(database.connectionString);
    throughProxy.host = `127.0.0.1:${proxy.port}`;
    const client = createDatabaseClient({
      connectionString: throughProxy.toString(),
      webSocketProxy: bridge.webSocketProxy,
      webSocketConstructor: nodeWebSocket,
      maxConnections: 1,
    });
    cleanups.push(() => client.close());

    const { rows } = await client.db.execute<{ answer: number }>(sql`SELECT 41 + 1 AS answer`);
    expect(rows).toEqual([{ answer: 42 }]);

    // The connection is open now: one more statement is one round trip.
    proxy.setDelay(20);
    const elapsed = [];
    for (let statement = 0; statement < 3; statement++) {
      const started = performance.now();
      await client.db.execute(sql`SELECT 1`);
      elapsed.push(performance.now() - started);
    }
    for (const ms of elapsed) expect(ms).toBeGreaterThanOrEqual(40);
    // The fastest of three: under a full parallel test run one statement can be scheduled late.
    expect(Math.min(...elapsed)).toBeLessThan(40 + 20 + SLACK_MS);
  });
});
