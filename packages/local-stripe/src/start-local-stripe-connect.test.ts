import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalStripe, startLocalStripe } from './start-local-stripe';
import { createAccount, payByCardApi } from './testing/connect-test-support';

// The Connect endpoint of the local Stripe: connected accounts' events go there only, the
// platform's own to the account endpoint only, each signed with its own secret.
let local: LocalStripe | undefined;
const servers: Server[] = [];

afterEach(async () => {
  await local?.stop();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  servers.length = 0;
  local = undefined;
});

/** A webhook endpoint answering 200; returns its URL and what it received. */
async function startEndpoint(path: string) {
  const received: Array<{ body: string; signature: string }> = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ body, signature: String(request.headers['stripe-signature']) });
      response.writeHead(200).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${path}`, received };
}

describe('the local Stripe’s Connect endpoint', () => {
  it('sends account events to the Connect endpoint only and platform events to the other', async () => {
    const platform = await startEndpoint('/webhooks/stripe/payment');
    const connect = await startEndpoint('/webhooks/stripe/connect');
    local = await startLocalStripe({
      port: 0,
      webhookEndpoint: platform.url,
      enabledEvents: ['account.updated', 'transfer.created'],
      connectWebhookEndpoint: connect.url,
      log: () => undefined,
    });
    expect(local.connectWebhookSecret).toMatch(/^whsec_/);
    expect(local.connectWebhookSecret).not.toBe(local.webhookSecret);
    const url = new URL(local.url);
    const stripe = new Stripe(local.secretKey, {
      host: url.hostname,
      port: Number(url.port),
      protocol: 'http',
      httpClient: Stripe.createFetchHttpClient(),
      maxNetworkRetries: 0,
    });
    const account = await createAccount(stripe);
    local.stub.completeAccountOnboarding(account.id);
    const { chargeId } = await payByCardApi(stripe);
    await stripe.transfers.create({
      amount: 500,
      currency: 'usd',
      destination: account.id,
      source_transaction: chargeId,
    });
    await local.idle();

    const connectEvents = connect.received.map(({ body, signature }) =>
      stripe.webhooks.constructEvent(body, signature, String(local?.connectWebhookSecret)),
    );
    expect(connectEvents.map((event) => [event.type, event.account])).toEqual([
      ['account.updated', account.id],
    ]);
    const platformEvents = platform.received.map(({ body, signature }) =>
      stripe.webhooks.constructEvent(body, signature, String(local?.webhookSecret)),
    );
    expect(platformEvents.map((event) => [event.type, event.account])).toEqual([
      ['transfer.created', undefined],
    ]);
    const connected = await stripe.events.list({}, { stripeAccount: account.id });
    expect(connected.data[0]?.pending_webhooks).toBe(0);
  });
});
