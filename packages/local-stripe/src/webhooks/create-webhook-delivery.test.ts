import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Stripe from 'stripe';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StripeStubEvent } from '../api/event-store';
import {
  createWebhookDelivery,
  type WebhookDelivery,
  type WebhookDeliveryOptions,
} from './create-webhook-delivery';

const SECRET = 'whsec_local_stripe_endpoint_secret_0123456789';
const WEBHOOK_PATH = '/webhooks/stripe/payment';
// Personal data the event carries: it must reach the endpoint and never the log.
const BUYER_EMAIL = 'ada.lovelace.4711@example.com';
const stripe = new Stripe('sk_test_x');

interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** `performance.now()` when the whole body had arrived. */
  at: number;
}

/** How the endpoint answers a request; it may answer later, or never. */
type Answer = (request: ReceivedRequest, response: ServerResponse) => void;

interface TestEndpoint {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  close: () => Promise<void>;
}

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const answerWith =
  (status: number, body = '{"received":true}', headers: Record<string, string> = {}): Answer =>
  (_request, response) => {
    response.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(body);
  };

/** A real webhook endpoint on 127.0.0.1 that records every request it receives. */
async function startEndpoint(answer: Answer = answerWith(200)): Promise<TestEndpoint> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received: ReceivedRequest = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.now(),
      };
      requests.push(received);
      answer(received, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  cleanups.push(close);
  return { url: `http://127.0.0.1:${port}${WEBHOOK_PATH}`, port, requests, close };
}

/** A port nothing listens on: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let eventSequence = 0;

/** An event of the stand-in's shape, its object carrying the buyer's e-mail address. */
function stripeEvent(type: string, id = `evt_test_${++eventSequence}`): StripeStubEvent {
  return {
    id,
    object: 'event',
    type,
    created: Math.floor(Date.now() / 1000),
    api_version: Stripe.API_VERSION,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: {
      object: {
        id: 'cs_test_1',
        object: 'checkout.session',
        amount_total: 1250,
        customer_details: { email: BUYER_EMAIL, name: 'Ada Lovelace' },
      },
    },
  };
}

interface StartedDelivery {
  delivery: WebhookDelivery;
  lines: string[];
  delivered: string[];
}

function startDelivery(
  endpoint: string,
  options: Partial<Omit<WebhookDeliveryOptions, 'endpoint' | 'log' | 'onDelivered'>> = {},
): StartedDelivery {
  const lines: string[] = [];
  const delivered: string[] = [];
  const delivery = createWebhookDelivery({
    endpoint,
    secret: SECRET,
    log: (line) => lines.push(line),
    onDelivered: (eventId) => delivered.push(eventId),
    ...options,
  });
  cleanups.push(() => delivery.stop());
  return { delivery, lines, delivered };
}

function timestampOf(request: ReceivedRequest | undefined): number {
  const match = /^t=(\d+),v1=[0-9a-f]{64}$/.exec(String(request?.headers['stripe-signature']));
  return Number(match?.[1]);
}

describe('createWebhookDelivery', () => {
  it('POSTs the event as Stripe does, and the real SDK accepts what arrived', async () => {
    const endpoint = await startEndpoint();
    const { delivery, lines, delivered } = startDelivery(endpoint.url);
    const event = stripeEvent('checkout.session.completed');

    delivery.deliver(event);
    await delivery.idle();

    expect(endpoint.requests).toHaveLength(1);
    const [request] = endpoint.requests;
    if (!request) throw new Error('no request arrived');
    expect(request.method).toBe('POST');
    expect(request.path).toBe(WEBHOOK_PATH);
    expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(request.headers['user-agent']).toBe('Stripe/1.0 (+https://stripe.com/docs/webhooks)');
    expect(request.body).toBe(JSON.stringify(event, null, 2));
    const header = String(request.headers['stripe-signature']);

    // What the worker runs: the static helper, Web Crypto, the default 300 s tolerance.
    const verified = await Stripe.webhooks.constructEventAsync(
      request.body,
      header,
      SECRET,
      undefined,
      Stripe.createSubtleCryptoProvider(),
    );
    expect(verified).toEqual(event);
    expect(stripe.webhooks.constructEvent(request.body, header, SECRET)).toEqual(event);
    expect(() =>
      stripe.webhooks.constructEvent(request.body, header, 'whsec_another_endpoint_secret'),
    ).toThrow(Stripe.errors.StripeSignatureVerificationError);
    await expect(
      Stripe.webhooks.constructEventAsync(
        request.body,
        header,
        'whsec_another_endpoint_secret',
        undefined,
        Stripe.createSubtleCryptoProvider(),
      ),
    ).rejects.toThrow(Stripe.errors.StripeSignatureVerificationError);

    expect(delivered).toEqual([event.id]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^webhook ${event.id} checkout\\.session\\.completed → 200 in \\d+ ms \\(attempt 1\\)$`,
      ),
    );
  });

  it('retries a 500 with exponential backoff, re-signing each attempt, until a 200', async () => {
    let answered = 0;
    const endpoint = await startEndpoint((request, response) => {
      answered += 1;
      answerWith(answered <= 2 ? 500 : 200)(request, response);
    });
    // A clock that moves 7 s every time it is read: each attempt must read it again.
    const clockStart = Date.now();
    let clockReads = 0;
    const nowMs = () => clockStart + 7_000 * clockReads++;
    const { delivery, lines, delivered } = startDelivery(endpoint.url, {
      retry: { firstDelayMs: 20, maxDelayMs: 1_000, maxAttempts: 5 },
      nowMs,
    });
    const event = stripeEvent('refund.updated');

    delivery.deliver(event);
    await delivery.idle();

    expect(endpoint.requests).toHaveLength(3);
    expect(delivered).toEqual([event.id]);
    const first = Math.floor(clockStart / 1000);
    expect(endpoint.requests.map(timestampOf)).toEqual([first, first + 7, first + 14]);
    for (const request of endpoint.requests) {
      // The same bytes every time, signed for the time of the attempt.
      expect(request.body).toBe(JSON.stringify(event, null, 2));
      expect(request.headers['stripe-signature']).toBe(
        stripe.webhooks.generateTestHeaderString({
          payload: request.body,
          secret: SECRET,
          timestamp: timestampOf(request),
        }),
      );
    }
    const [a, b, c] = endpoint.requests.map((request) => request.at);
    // Lower bounds only (a timer may fire up to a millisecond early against performance.now()).
    expect(Number(b) - Number(a)).toBeGreaterThanOrEqual(20 - 1);
    expect(Number(c) - Number(b)).toBeGreaterThanOrEqual(40 - 1);
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^webhook ${event.id} refund\\.updated → 500 in \\d+ ms \\(attempt 1 of 5\\), retrying in 20 ms$`,
        ),
      ),
      expect.stringMatching(/ → 500 in \d+ ms \(attempt 2 of 5\), retrying in 40 ms$/),
      expect.stringMatching(/ → 200 in \d+ ms \(attempt 3\)$/),
    ]);
  });

  it('gives up on a refused connection after maxAttempts, the waits capped at maxDelayMs', async () => {
    const port = await closedPort();
    const { delivery, lines, delivered } = startDelivery(
      `http://127.0.0.1:${port}${WEBHOOK_PATH}`,
      {
        retry: { firstDelayMs: 10, maxDelayMs: 25, maxAttempts: 4 },
      },
    );
    const event = stripeEvent('charge.refunded');

    delivery.deliver(event);
    await delivery.idle();

    expect(delivered).toEqual([]);
    expect(lines).toEqual([
      `webhook ${event.id} charge.refunded → connection refused (attempt 1 of 4), retrying in 10 ms`,
      `webhook ${event.id} charge.refunded → connection refused (attempt 2 of 4), retrying in 20 ms`,
      `webhook ${event.id} charge.refunded → connection refused (attempt 3 of 4), retrying in 25 ms`,
      `webhook ${event.id} charge.refunded → connection refused (attempt 4 of 4), giving up: the event stays undelivered until reconciliation finds it`,
    ]);
  });

  it('treats an endpoint that never answers as a failure after timeoutMs', async () => {
    const endpoint = await startEndpoint(() => {});
    const { delivery, lines, delivered } = startDelivery(endpoint.url, {
      retry: { firstDelayMs: 10, maxAttempts: 2 },
      timeoutMs: 100,
    });
    const event = stripeEvent('charge.dispute.created');
    const started = performance.now();

    delivery.deliver(event);
    await delivery.idle();

    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * 100 + 10 - 2);
    expect(endpoint.requests).toHaveLength(2);
    expect(delivered).toEqual([]);
    expect(lines).toEqual([
      `webhook ${event.id} charge.dispute.created → no answer within 100 ms (attempt 1 of 2), retrying in 10 ms`,
      `webhook ${event.id} charge.dispute.created → no answer within 100 ms (attempt 2 of 2), giving up: the event stays undelivered until reconciliation finds it`,
    ]);
  });

  it('does not follow a redirect: a 3xx is a failed attempt', async () => {
    const endpoint = await startEndpoint((request, response) => {
      if (request.path === WEBHOOK_PATH)
        answerWith(302, '', { Location: '/elsewhere' })(request, response);
      else answerWith(200)(request, response);
    });
    const { delivery, lines, delivered } = startDelivery(endpoint.url, {
      retry: { firstDelayMs: 10, maxAttempts: 2 },
    });

    delivery.deliver(stripeEvent('checkout.session.completed'));
    await delivery.idle();

    expect(endpoint.requests.map((request) => request.path)).toEqual([WEBHOOK_PATH, WEBHOOK_PATH]);
    expect(delivered).toEqual([]);
    expect(lines).toEqual([
      expect.stringMatching(/ → 302 in \d+ ms \(attempt 1 of 2\), retrying in 10 ms$/),
      expect.stringMatching(/ → 302 in \d+ ms \(attempt 2 of 2\), giving up: /),
    ]);
  });

  it('neither sends nor logs an event type the endpoint did not subscribe to', async () => {
    const endpoint = await startEndpoint();
    const { delivery, lines, delivered } = startDelivery(endpoint.url, {
      enabledEvents: ['checkout.session.completed', 'charge.refunded'],
    });
    const wanted = stripeEvent('charge.refunded');

    delivery.deliver(stripeEvent('refund.updated'));
    delivery.deliver(stripeEvent('charge.refund.updated'));
    delivery.deliver(wanted);
    await delivery.idle();

    expect(endpoint.requests.map((request) => JSON.parse(request.body).id)).toEqual([wanted.id]);
    expect(delivered).toEqual([wanted.id]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(wanted.id);
  });

  it("sends every type when subscribed to '*', as at Stripe", async () => {
    const endpoint = await startEndpoint();
    const { delivery } = startDelivery(endpoint.url, { enabledEvents: ['*'] });

    delivery.deliver(stripeEvent('refund.updated'));
    await delivery.idle();

    expect(endpoint.requests).toHaveLength(1);
  });

  it('logs exactly one line per attempt, without the secret, the signature, the payload or a body', async () => {
    let answered = 0;
    const endpoint = await startEndpoint((request, response) => {
      answered += 1;
      // A failing receiver may echo what it got: that must not reach the log either.
      if (answered === 1)
        answerWith(500, `{"error":"${BUYER_EMAIL} RESPONSE_BODY_1"}`)(request, response);
      else if (answered === 2) response.socket?.destroy();
      else answerWith(200, `{"received":true,"note":"RESPONSE_BODY_3"}`)(request, response);
    });
    const { delivery, lines } = startDelivery(endpoint.url, {
      retry: { firstDelayMs: 10, maxAttempts: 5 },
    });

    delivery.deliver(stripeEvent('checkout.session.completed'));
    await delivery.idle();

    expect(endpoint.requests).toHaveLength(3);
    expect(lines).toHaveLength(endpoint.requests.length);
    expect(lines[1]).toMatch(/ → connection closed without an answer \(attempt 2 of 5\), retrying/);
    const forbidden = [
      SECRET,
      SECRET.replace('whsec_', ''),
      BUYER_EMAIL,
      'Ada Lovelace',
      'cs_test_1',
      'RESPONSE_BODY',
      ...endpoint.requests.flatMap((request) => {
        const header = String(request.headers['stripe-signature']);
        return [header, header.split(',v1=')[1] ?? header];
      }),
    ];
    for (const line of lines) {
      for (const value of forbidden) expect(line).not.toContain(value);
    }
  });

  it('returns from deliver before anything is sent: the first attempt waits for a later tick', async () => {
    const endpoint = await startEndpoint();
    const { delivery, lines, delivered } = startDelivery(endpoint.url);

    delivery.deliver(stripeEvent('checkout.session.completed'));
    // Stopping in the same tick cancels the attempt: it had not started.
    const stopped = delivery.stop();
    expect(lines).toEqual([
      'webhook delivery stopped with 1 event waiting for an attempt: they stay undelivered until reconciliation finds them',
    ]);
    await stopped;
    await sleep(50);

    expect(endpoint.requests).toEqual([]);
    expect(delivered).toEqual([]);
  });

  it('delivers events independently: one hanging request does not hold back the next', async () => {
    const slow = stripeEvent('checkout.session.completed', 'evt_slow');
    const fast = stripeEvent('charge.refunded', 'evt_fast');
    let requestsWhenSlowAnswered = 0;
    const endpoint = await startEndpoint((request, response) => {
      if (JSON.parse(request.body).id !== slow.id) return answerWith(200)(request, response);
      setTimeout(() => {
        requestsWhenSlowAnswered = endpoint.requests.length;
        answerWith(200)(request, response);
      }, 300);
    });
    const { delivery, delivered } = startDelivery(endpoint.url);

    delivery.deliver(slow);
    delivery.deliver(fast);
    await delivery.idle();

    expect(delivered).toEqual([fast.id, slow.id]);
    expect(requestsWhenSlowAnswered).toBe(2);
  });

  it('stop() cancels a scheduled retry, later deliver calls do nothing, and it is idempotent', async () => {
    const endpoint = await startEndpoint(answerWith(500));
    const { delivery, lines } = startDelivery(endpoint.url, {
      retry: { firstDelayMs: 100, maxAttempts: 5 },
    });
    const event = stripeEvent('refund.updated');

    delivery.deliver(event);
    await vi.waitFor(() => expect(lines).toHaveLength(1));
    expect(lines[0]).toMatch(/\(attempt 1 of 5\), retrying in 100 ms$/);
    await delivery.stop();
    delivery.deliver(stripeEvent('refund.updated'));
    await delivery.stop();
    await delivery.idle();
    // Well past the retry that was scheduled.
    await sleep(300);

    expect(endpoint.requests).toHaveLength(1);
    expect(lines).toEqual([
      expect.stringMatching(/retrying in 100 ms$/),
      'webhook delivery stopped with 1 event waiting for an attempt: they stay undelivered until reconciliation finds them',
    ]);
  });

  it('stop() waits for the attempt in flight and does not retry it', async () => {
    const endpoint = await startEndpoint((request, response) => {
      setTimeout(() => answerWith(500)(request, response), 150);
    });
    const { delivery, lines } = startDelivery(endpoint.url, {
      retry: { firstDelayMs: 10, maxAttempts: 5 },
    });
    const event = stripeEvent('refund.updated');

    delivery.deliver(event);
    await vi.waitFor(() => expect(endpoint.requests).toHaveLength(1));
    await delivery.stop();

    expect(lines).toEqual([
      expect.stringMatching(
        / → 500 in \d+ ms \(attempt 1 of 5\), not retried as delivery stopped: the event stays undelivered until reconciliation finds it$/,
      ),
    ]);
    await sleep(100);
    expect(endpoint.requests).toHaveLength(1);
  });

  it('uses the default schedule: 8 attempts, the first retry after 1 s', async () => {
    const endpoint = await startEndpoint(answerWith(503));
    const { delivery, lines } = startDelivery(endpoint.url);

    delivery.deliver(stripeEvent('refund.updated'));
    await vi.waitFor(() => expect(lines).toHaveLength(1));
    await delivery.stop();

    expect(lines[0]).toMatch(/ → 503 in \d+ ms \(attempt 1 of 8\), retrying in 1 s$/);
  });

  it('leaves no timer that keeps the process alive after stop()', async () => {
    // A process whose only pending work is a retry due in 60 s must exit as soon as it stops.
    const directory = await mkdtemp(join(tmpdir(), 'webhook-delivery-'));
    cleanups.push(() => rm(directory, { recursive: true, force: true }));
    const module = pathToFileURL(
      fileURLToPath(new URL('./create-webhook-delivery.ts', import.meta.url)),
    );
    const script = join(directory, 'stop.ts');
    await writeFile(
      script,
      `import { createServer } from 'node:http';
import { createWebhookDelivery } from ${JSON.stringify(module.href)};
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => response.writeHead(500).end());
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  const delivery = createWebhookDelivery({
    endpoint: 'http://127.0.0.1:' + port + '/',
    secret: 'whsec_x',
    retry: { firstDelayMs: 60_000 },
    log: (line) => {
      console.log(line);
      if (line.includes('retrying')) {
        void delivery.stop().then(() => {
          server.closeAllConnections();
          server.close();
        });
      }
    },
  });
  delivery.deliver(${JSON.stringify(stripeEvent('refund.updated'))});
});
`,
    );
    const started = performance.now();
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', script],
        { cwd: fileURLToPath(new URL('../..', import.meta.url)), timeout: 20_000 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      );
    });

    expect(output).toMatch(/\(attempt 1 of 8\), retrying in 60 s$/m);
    expect(output).toContain('webhook delivery stopped with 1 event waiting');
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('never throws from deliver, nor lets a throwing onDelivered cause a retry', async () => {
    const endpoint = await startEndpoint();
    const lines: string[] = [];
    const delivery = createWebhookDelivery({
      endpoint: endpoint.url,
      secret: SECRET,
      log: (line) => lines.push(line),
      onDelivered: () => {
        throw new TypeError(`cannot mark ${BUYER_EMAIL}`);
      },
    });
    cleanups.push(() => delivery.stop());
    const unserialisable = stripeEvent('refund.updated');
    unserialisable.data.object.amount = 10n;
    const event = stripeEvent('charge.refunded');

    expect(() => delivery.deliver(unserialisable)).not.toThrow();
    delivery.deliver(event);
    await delivery.idle();

    expect(endpoint.requests).toHaveLength(1);
    expect(lines).toEqual([
      `webhook ${unserialisable.id} refund.updated → not sent: not serialisable as JSON (TypeError)`,
      expect.stringMatching(/ → 200 in \d+ ms \(attempt 1\)$/),
      `webhook ${event.id}: onDelivered threw TypeError`,
    ]);
  });

  it('refuses a configuration that could never deliver', () => {
    const valid: WebhookDeliveryOptions = {
      endpoint: 'http://127.0.0.1:8788/',
      secret: SECRET,
      log: () => {},
    };
    expect(() => createWebhookDelivery({ ...valid, endpoint: 'not a url' })).toThrow(
      /http\(s\) URL/,
    );
    expect(() => createWebhookDelivery({ ...valid, endpoint: 'ftp://127.0.0.1/' })).toThrow(
      /http\(s\) URL/,
    );
    expect(() => createWebhookDelivery({ ...valid, secret: '' })).toThrow(/secret/);
    expect(() => createWebhookDelivery({ ...valid, enabledEvents: [] })).toThrow(/enabledEvents/);
    for (const retry of [
      { firstDelayMs: 0 },
      { maxAttempts: 0 },
      { maxAttempts: 1.5 },
      { firstDelayMs: 100, maxDelayMs: 50 },
      { maxDelayMs: 2 ** 31 },
    ]) {
      expect(() => createWebhookDelivery({ ...valid, retry })).toThrow(RangeError);
    }
    expect(() => createWebhookDelivery({ ...valid, timeoutMs: Number.NaN })).toThrow(RangeError);
  });
});
