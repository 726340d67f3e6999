import { type ContentPurchase, contentPurchases, eq, stripeWebhookEvents } from '@codex/database';
import type { TestWorld } from '../../testing/test-world';

/** A pending purchase made by the checkout service, as a buyer starts one. */
export interface StartedCheckout {
  purchaseId: string;
  sessionId: string;
  contentId: string;
  customerId: string;
  organizationId: string;
}

/** Starts a paid checkout of a new item priced `priceCents` (USD) at the world's Stripe stand-in. */
export async function startCheckout(
  world: TestWorld,
  priceCents = 1_999,
): Promise<StartedCheckout> {
  const item = await world.newItem(priceCents);
  const started = await world.checkout().createCheckoutSession(item.customerId, item.contentId);
  if (started.status !== 'checkout_created') throw new Error(`unexpected ${started.status}`);
  return { ...item, purchaseId: started.purchaseId, sessionId: started.sessionId };
}

/** The purchase's row as it is now. */
export async function readPurchase(world: TestWorld, purchaseId: string): Promise<ContentPurchase> {
  const [row] = await world.db
    .select()
    .from(contentPurchases)
    .where(eq(contentPurchases.id, purchaseId));
  if (!row) throw new Error(`readPurchase: no purchase ${purchaseId}`);
  return row;
}

/** How many inbox rows the event id has: 1 once handled, 0 when kept or never seen. */
export async function countInboxRows(world: TestWorld, eventId: string): Promise<number> {
  const rows = await world.db
    .select({ id: stripeWebhookEvents.id })
    .from(stripeWebhookEvents)
    .where(eq(stripeWebhookEvents.id, eventId));
  return rows.length;
}
