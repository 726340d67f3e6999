import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { measureSequentialLatency } from './measure-sequential-latency';

let server: Server;
let url: string;
let inFlight = 0;
let mostInFlight = 0;
let received = 0;

beforeAll(async () => {
  // Answers after `?wait=<ms>` with the status `?status=<code>` (200 by default).
  server = createServer((request, response) => {
    received++;
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    const query = new URL(request.url ?? '/', 'http://local').searchParams;
    setTimeout(
      () => {
        inFlight--;
        response.writeHead(Number(query.get('status') ?? 200));
        response.end('answer');
      },
      Number(query.get('wait') ?? 0),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

beforeEach(() => {
  received = 0;
  mostInFlight = 0;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const isOk = (status: number) => status === 200;

describe('measureSequentialLatency', () => {
  it('sends one request at a time, leaves the warm-up out and stops at maxRequests', async () => {
    const [result] = await measureSequentialLatency({
      next: () => ({ url: `${url}/?wait=5` }),
      isExpected: isOk,
      seconds: 30,
      maxRequests: 10,
      warmUpRequests: 3,
    });
    expect(result?.requests).toBe(10);
    expect(received).toBe(13);
    expect(mostInFlight).toBe(1);
    expect(result?.unexpected).toBe(0);
    expect(result?.p50).toBeGreaterThanOrEqual(5);
    expect(result?.p99).toBeGreaterThanOrEqual(result?.p50 ?? 0);
  });

  it('stops when nothing is left to send', async () => {
    let left = 4;
    const [result] = await measureSequentialLatency({
      next: () => (left-- > 0 ? { url } : undefined),
      isExpected: isOk,
      seconds: 30,
      maxRequests: 100,
      warmUpRequests: 1,
    });
    expect(result?.requests).toBe(3);
  });

  it('stops sending after the given time', async () => {
    const started = Date.now();
    const [result] = await measureSequentialLatency({
      next: () => ({ url: `${url}/?wait=20` }),
      isExpected: isOk,
      seconds: 0.2,
      maxRequests: 1_000,
      warmUpRequests: 0,
    });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(result?.requests).toBeGreaterThan(3);
    expect(result?.requests).toBeLessThanOrEqual(11);
  });

  it('counts wrong answers and failed requests as unexpected and says what the first was', async () => {
    const paths = [`${url}/?status=503`, 'http://127.0.0.1:1/', `${url}/`];
    const [result] = await measureSequentialLatency({
      next: () => {
        const path = paths.shift();
        return path ? { url: path } : undefined;
      },
      isExpected: isOk,
      seconds: 30,
      maxRequests: 10,
      warmUpRequests: 0,
    });
    expect(result).toMatchObject({ requests: 3, unexpected: 2, firstUnexpected: '503 answer' });
  });

  it('alternates the conditions request by request and reports each on its own', async () => {
    let wait = 0;
    const applied: number[] = [];
    const [fast, slow] = await measureSequentialLatency({
      next: () => ({ url: `${url}/?wait=${wait}` }),
      conditions: [
        () => {
          wait = 0;
          applied.push(0);
        },
        () => {
          wait = 30;
          applied.push(30);
        },
      ],
      isExpected: isOk,
      seconds: 30,
      maxRequests: 8,
      warmUpRequests: 2,
    });
    expect(applied).toEqual([0, 30, 0, 30, 0, 30, 0, 30, 0, 30]);
    expect(fast?.requests).toBe(4);
    expect(slow?.requests).toBe(4);
    expect(fast?.p50).toBeLessThan(30);
    expect(slow?.p50).toBeGreaterThanOrEqual(30);
  });

  it('gives NaN percentiles when no request was timed', async () => {
    const [result] = await measureSequentialLatency({
      next: () => undefined,
      isExpected: isOk,
      seconds: 1,
      maxRequests: 10,
    });
    expect(result?.requests).toBe(0);
    expect(result?.p50).toBeNaN();
  });
});
