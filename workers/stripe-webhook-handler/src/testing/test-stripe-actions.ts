import type { StripeStubEvent } from '@codex/local-stripe';
import { ObservabilityClient } from '@codex/observability';
import { CheckoutService } from '@codex/purchases';
import { expect } from 'vitest';
import {
  createItem,
  deliver,
  type TestItem,
  testEnv,
  testStripeClient,
  type WebhookAnswer,
  withTestDatabase,
} from './test-support';

// Stripe's side of a sale, played at the stand-in over its control endpoints (the runtime cannot
// share its memory): each action answers the events Stripe would send, which tests then deliver,
// signed, through the worker.

/** Runs one `/__stub/actions/<name>` action; throws with Stripe's refusal if it is refused. */
export async function stripeAction<T extends { events: StripeStubEvent[] }>(
  name:
    | 'pay-checkout-session'
    | 'settle-delayed-payment'
    | 'expire-checkout-session'
    | 'create-refund'
    | 'update-refund'
    | 'open-dispute'
    | 'update-dispute'
    | 'complete-account-onboarding',
  body: Record<string, unknown>,
): Promise<T> {
  const response = await fetch(new URL(`/__stub/actions/${name}`, testEnv.STRIPE_API_BASE), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`stripeAction ${name}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Delivers each event, signed, through the worker; every answer must be 200. */
export async function deliverAll(events: StripeStubEvent[]): Promise<WebhookAnswer[]> {
  const answers: WebhookAnswer[] = [];
  for (const event of events) {
    const response = await deliver(event as unknown as Parameters<typeof deliver>[0]);
    expect(response.status).toBe(200);
    answers.push((await response.json()) as WebhookAnswer);
  }
  return answers;
}

/** The first event of `type` among `events`. */
export function eventOf(events: StripeStubEvent[], type: string): StripeStubEvent {
  const found = events.find((event) => event.type === type);
  if (!found) throw new Error(`no ${type} among ${events.map((event) => event.type).join(', ')}`);
  return found;
}

/** A purchase started through the purchase service, so its session exists at the stand-in. */
export interface StartedPurchase extends TestItem {
  purchaseId: string;
  sessionId: string;
}

export async function startPurchase(
  options: { priceCents?: number } = {},
): Promise<StartedPurchase> {
  const item = await createItem(options);
  const started = await withTestDatabase((db) =>
    new CheckoutService({
      db,
      stripe: testStripeClient(),
      logger: new ObservabilityClient('test', 'test', { write: () => undefined }),
      config: { webAppUrl: testEnv.WEB_APP_URL },
    }).createCheckoutSession(item.customerId, item.contentId),
  );
  if (started.status !== 'checkout_created') throw new Error(`unexpected ${started.status}`);
  return { ...item, purchaseId: started.purchaseId, sessionId: started.sessionId };
}

/** Pays the purchase's session at the stand-in by card; returns the events and the payment intent. */
export async function payByCard(purchase: StartedPurchase) {
  const { events } = await stripeAction('pay-checkout-session', {
    sessionId: purchase.sessionId,
    method: 'card',
  });
  const completed = eventOf(events, 'checkout.session.completed');
  const paymentIntentId = (completed.data.object as { payment_intent: string }).payment_intent;
  return { events, paymentIntentId };
}
