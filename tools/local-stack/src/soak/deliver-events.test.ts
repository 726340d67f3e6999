import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StripeStubEvent } from '@codex/local-stripe';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WEBHOOK_SECRET } from '../scratch-stack/start-scratch-stack';
import { createEventDelivery, type DeliveryStats, emptyDeliveryStats } from './deliver-events';
import type { DeliveryFate } from './plan-soak';
import { openSession, useStandInStripe } from './testing/stand-in-stripe';

// A webhook endpoint that checks the signature and answers what the test scripts, and the Stripe
// stand-in whose events are delivered and marked.
const standIn = useStandInStripe();
let endpoint: Server;
let webhooksUrl: string;
let answers: number[];
let received: string[];

beforeAll(async () => {
  endpoint = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const event = Stripe.webhooks.constructEvent(
        body,
        String(request.headers['stripe-signature']),
        WEBHOOK_SECRET,
      );
      received.push(event.id);
      const status = answers.shift() ?? 200;
      setTimeout(() => response.writeHead(status).end(), 20);
    });
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  webhooksUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => endpoint.close(() => resolve()));
});

beforeEach(() => {
  standIn.stub().reset();
  answers = [];
  received = [];
});

/** A real event: a session paid by card at the stand-in emits `checkout.session.completed`. */
async function anEvent(): Promise<StripeStubEvent> {
  const sessionId = await openSession(standIn.stripe(), 500);
  const [event] = standIn.stub().payCheckoutSession(sessionId);
  if (!event) throw new Error('no event');
  return event;
}

const undelivered = async () =>
  (await standIn.stripe().events.list({ delivery_success: false })).data.map((event) => event.id);

function delivery(fates: DeliveryFate[], stats: DeliveryStats = emptyDeliveryStats()) {
  return createEventDelivery({
    webhooksUrl,
    stub: standIn.stub(),
    fates,
    stats,
    retryBaseMs: 10,
  });
}

describe('createEventDelivery', () => {
  it('delivers signed, and marks an acknowledged event delivered at Stripe', async () => {
    const event = await anEvent();
    const { deliver, records } = delivery(['in_order']);
    await deliver(event);
    expect(received).toEqual([event.id]);
    expect(records).toEqual([
      { eventId: event.id, type: event.type, fate: 'in_order', answers: [200], acknowledged: true },
    ]);
    expect(await undelivered()).toEqual([]);
  });

  it('retries what is not acknowledged, and gives up after five attempts as undelivered', async () => {
    const stats = emptyDeliveryStats();
    const retried = await anEvent();
    answers = [500, 503];
    const first = delivery(['in_order'], stats);
    await first.deliver(retried);
    expect(first.records[0]?.answers).toEqual([500, 503, 200]);

    const abandoned = await anEvent();
    answers = [500, 500, 500, 500, 500];
    const second = delivery(['in_order'], stats);
    await second.deliver(abandoned);
    expect(second.records[0]).toMatchObject({
      answers: [500, 500, 500, 500, 500],
      acknowledged: false,
    });
    expect(stats).toMatchObject({
      deliveries: 2,
      attempts: 8,
      givenUp: 1,
      failedAnswers: { 500: 6, 503: 1 },
    });
    expect(await undelivered()).toEqual([abandoned.id]);
  });

  it('loses, duplicates and races events as their fates say, cycling through the fates', async () => {
    const events = [await anEvent(), await anEvent(), await anEvent(), await anEvent()];
    const stats = emptyDeliveryStats();
    const { deliver, settle, records } = delivery(['lost', 'duplicate', 'concurrent'], stats);
    for (const event of events) await deliver(event);
    // The concurrent one has not been answered yet when deliver returns.
    expect(records.find((record) => record.fate === 'concurrent')?.answers).toEqual([]);
    await settle();
    const [lost, twice, racing, lostAgain] = events.map((event) => event.id);
    expect(received.sort()).toEqual([twice, twice, racing].sort());
    expect(records.map((record) => record.fate)).toEqual([
      'lost',
      'duplicate',
      'duplicate',
      'concurrent',
      'lost',
    ]);
    expect(stats).toMatchObject({ deliveries: 5, lost: 2, duplicated: 1, concurrent: 1 });
    expect((await undelivered()).sort()).toEqual([lost, lostAgain].sort());
  });
});
