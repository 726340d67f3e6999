import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalStripe, startLocalStripe } from './start-local-stripe';

// The local Stripe as the workers meet it: its API through the real SDK, its checkout page, and its
// webhooks arriving at an endpoint that verifies them as the webhook worker does.
let local: LocalStripe | undefined;
let endpoint: Server | undefined;

afterEach(async () => {
  await local?.stop();
  await new Promise((resolve) => endpoint?.close(resolve) ?? resolve(undefined));
  local = undefined;
  endpoint = undefined;
});

/** A webhook endpoint answering `status`; returns its URL and the bodies it received. */
async function startEndpoint(status: number) {
  const received: Array<{ body: string; signature: string }> = [];
  endpoint = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ body, signature: String(request.headers['stripe-signature']) });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => endpoint?.listen(0, '127.0.0.1', resolve));
  const { port } = endpoint.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/webhooks/stripe/payment`, received };
}

async function start(endpointUrl: string) {
  local = await startLocalStripe({
    port: 0,
    webhookEndpoint: endpointUrl,
    enabledEvents: ['checkout.session.completed'],
    log: () => undefined,
    retry: { firstDelayMs: 10, maxDelayMs: 10, maxAttempts: 2 },
  });
  const url = new URL(local.url);
  const stripe = new Stripe(local.secretKey, {
    host: url.hostname,
    port: Number(url.port),
    protocol: 'http',
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 0,
  });
  return { local, stripe };
}

async function buyByCard(stripe: Stripe): Promise<string> {
  const session = await stripe.checkout.sessions.create({
    mode: 'payment',
    success_url: 'http://localhost:3000/done?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://localhost:3000/cancel',
    line_items: [
      {
        quantity: 1,
        price_data: { currency: 'usd', unit_amount: 900, product_data: { name: 'A' } },
      },
    ],
  });
  const paid = await fetch(String(session.url), {
    method: 'POST',
    body: new URLSearchParams({ choice: 'card' }),
    redirect: 'manual',
  });
  expect(paid.status).toBe(303);
  return session.id;
}

describe('the local Stripe', () => {
  it('sends the subscribed events, signed with its webhook secret, and marks them delivered', async () => {
    const { url, received } = await startEndpoint(200);
    const { local, stripe } = await start(url);
    const sessionId = await buyByCard(stripe);
    await local.idle();

    expect(received).toHaveLength(1);
    const [delivery] = received;
    const event = stripe.webhooks.constructEvent(
      String(delivery?.body),
      String(delivery?.signature),
      local.webhookSecret,
    );
    expect(event.type).toBe('checkout.session.completed');
    expect((event.data.object as { id: string }).id).toBe(sessionId);
    const undelivered = await stripe.events.list({ delivery_success: false });
    expect(undelivered.data.map(({ id }) => id)).not.toContain(event.id);
  });

  it('leaves an event the endpoint kept refusing undelivered, for reconciliation to find', async () => {
    const { url, received } = await startEndpoint(500);
    const { local, stripe } = await start(url);
    await buyByCard(stripe);
    await local.idle();

    expect(received).toHaveLength(2);
    const undelivered = await stripe.events.list({ delivery_success: false });
    expect(undelivered.data.map(({ type }) => type)).toEqual(['checkout.session.completed']);
  });
});
