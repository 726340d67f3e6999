import { expect } from 'vitest';
import { demoIds } from '../demo-data';
import type { DevEnvironment } from '../start-dev-environment';

// What the tests that drive a whole dev environment over HTTP share: the checkout worker's API as
// a buyer or staff, the local Stripe's actions, and waiting for the webhooks to land.

/** How long a wait for the system to catch up lasts before the test fails. */
export const WAIT_MS = 20_000;

/** Polls `read` every 250 ms until `isDone` holds of its answer; fails after WAIT_MS. */
export async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  isDone: (value: T) => boolean,
): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  let last: T = await read();
  while (!isDone(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    last = await read();
  }
  return last;
}

/** One of the checkout worker's routes over HTTP with a bearer token; the JSON answer. */
export async function callApi(
  dev: DevEnvironment,
  path: string,
  token: string,
  init: { method?: string; body?: unknown } = {},
): Promise<Record<string, unknown>> {
  const response = await fetch(`${dev.stack.checkoutUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${path} → ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** `POST <local Stripe>/__stub/actions/<name>`: what a buyer or a bank does at Stripe. */
export async function stubAction(
  dev: DevEnvironment,
  name: string,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${dev.stripe?.url}/__stub/actions/${name}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${name} → ${response.status} ${JSON.stringify(json)}`);
  return json;
}

interface StubEvent {
  type: string;
  data: { object: { payment_intent?: string } };
}

/** Waits until the buyer's purchase has `status` (its webhooks landed). */
export async function purchaseShows(
  dev: DevEnvironment,
  token: string,
  purchaseId: string,
  status: string,
): Promise<void> {
  const read = async () =>
    ((await callApi(dev, `/api/purchases/${purchaseId}`, token)).data as { status: string }).status;
  await eventually(`purchase ${purchaseId}`, read, (now) => now === status);
}

/** The buyer checks out the paid demo item and pays by card: its purchase and payment intent. */
export async function buyAndPay(
  dev: DevEnvironment,
  token: string,
): Promise<{ purchaseId: string; paymentIntentId: string }> {
  const checkout = await callApi(dev, '/api/checkout', token, {
    method: 'POST',
    body: { contentId: demoIds.paidContent },
  });
  const { sessionId, purchaseId } = checkout.data as { sessionId: string; purchaseId: string };
  const { events } = (await stubAction(dev, 'pay-checkout-session', { sessionId })) as {
    events: StubEvent[];
  };
  const completed = events.find((event) => event.type === 'checkout.session.completed');
  const paymentIntentId = String(completed?.data.object.payment_intent);
  expect(paymentIntentId).toMatch(/^pi_/);
  await purchaseShows(dev, token, purchaseId, 'completed');
  return { purchaseId, paymentIntentId };
}

/** Whether the buyer may play the paid demo item now (the access check). */
export async function buyerHasAccess(dev: DevEnvironment, token: string): Promise<boolean> {
  const answer = await callApi(dev, `/api/purchases/access/${demoIds.paidContent}`, token);
  return answer.hasAccess === true;
}
