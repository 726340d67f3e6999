import type { StripeStub } from '@codex/local-stripe';
import { signBuyerToken } from '@codex/security';
import { type IssuePlatformRefund, performHistory } from '@codex/test-utils';
import { JWT_SECRET, json } from '../scratch-stack/start-scratch-stack';
import { callWithRetry } from './call-with-retry';
import { createEventDelivery, type DeliveryRecord, type DeliveryStats } from './deliver-events';
import type { PurchasePlan } from './plan-soak';

/** An item the soak's buyers buy. */
export interface SoakItem {
  contentId: string;
  priceCents: number;
  currency: string;
}

/** What every purchase of the run shares. */
export interface SoakContext {
  checkoutUrl: string;
  webhooksUrl: string;
  stub: StripeStub;
  /** Indexed by `PurchasePlan.item`. */
  items: SoakItem[];
  organizationId: string;
  /** `Authorization` of the organization's owner, who refunds from the platform. */
  staffAuthorization: string;
  stats: DeliveryStats;
}

/** A refund staff issued from the platform, and every status its submissions met. */
export interface PlatformRefundRecord {
  idempotencyKey: string;
  amountCents: number;
  revokeAccess: boolean;
  /** Per submission, the statuses of its attempts. */
  statuses: number[][];
}

/** One buyer's purchase as it was played. */
export interface SoakPurchase {
  plan: PurchasePlan;
  customerId: string;
  email: string | undefined;
  /** `Authorization` of the buyer. */
  authorization: string;
  item: SoakItem;
  /** Set once checkout answered a session. */
  purchaseId: string | undefined;
  sessionId: string | undefined;
  checkoutStatuses: number[];
  /** What the success page's polls answered: the purchase status, or the HTTP status. */
  successPage: string[];
  platformRefunds: PlatformRefundRecord[];
  deliveries: DeliveryRecord[];
  /** Why the purchase could not be played to its end. */
  error: string | undefined;
}

// Buyers keep trying while the database or Stripe is down; longer than any planned fault.
const CHECKOUT_DEADLINE_MS = 60_000;
// Staff retry a refund answered 5xx with the same Idempotency-Key, as the API asks.
const REFUND_DEADLINE_MS = 20_000;
// Tokens outlive the longest run (the access checks come at the end).
const TOKEN_LIFETIME_SECONDS = 6 * 60 * 60;
// The success page asks this often until the purchase is settled, at most this many times.
const SUCCESS_PAGE_POLL_MS = 1_000;
const SUCCESS_PAGE_POLLS = 6;

/**
 * Plays one buyer's purchase through both workers: checkout over HTTP (retried while it answers
 * 5xx), then the planned history at the Stripe stand-in, whose events reach the webhook worker as
 * `createEventDelivery` decides and whose platform refunds go through the checkout worker's refund
 * endpoint as the organization's owner. Never throws: a purchase that could not be played says
 * why in `error`.
 */
export async function runPurchase(context: SoakContext, plan: PurchasePlan): Promise<SoakPurchase> {
  const customerId = `user_soak_${plan.index}`;
  const email = plan.hasEmail ? `buyer-${plan.index}@soak.codex.test` : undefined;
  const item = context.items[plan.item % context.items.length] as SoakItem;
  const token = await signBuyerToken({
    secret: JWT_SECRET,
    customerId,
    expiresInSeconds: TOKEN_LIFETIME_SECONDS,
    ...(email ? { email } : {}),
  });
  const purchase: SoakPurchase = {
    plan,
    customerId,
    email,
    authorization: `Bearer ${token}`,
    item,
    purchaseId: undefined,
    sessionId: undefined,
    checkoutStatuses: [],
    successPage: [],
    platformRefunds: [],
    deliveries: [],
    error: undefined,
  };
  try {
    const checkout = await callWithRetry(
      `${context.checkoutUrl}/api/checkout`,
      () => ({
        method: 'POST',
        headers: { ...json, authorization: purchase.authorization },
        body: JSON.stringify({ contentId: item.contentId }),
      }),
      { deadlineMs: CHECKOUT_DEADLINE_MS },
    );
    purchase.checkoutStatuses = checkout.statuses;
    const data = (checkout.body as { data?: { purchaseId?: string; sessionId?: string } })?.data;
    if (checkout.status !== 201 && checkout.status !== 200) {
      purchase.error = `checkout answered ${checkout.status}: ${JSON.stringify(checkout.body)}`;
      return purchase;
    }
    purchase.purchaseId = data?.purchaseId;
    purchase.sessionId = data?.sessionId;
    if (!purchase.sessionId) {
      purchase.error = `checkout answered no session: ${JSON.stringify(checkout.body)}`;
      return purchase;
    }
    const delivery = createEventDelivery({
      webhooksUrl: context.webhooksUrl,
      stub: context.stub,
      fates: plan.fates,
      stats: context.stats,
    });
    purchase.deliveries = delivery.records;
    const successPage = plan.visitsSuccessPage
      ? pollSuccessPage(context, purchase)
      : Promise.resolve();
    try {
      await performHistory(
        context.stub,
        purchase.sessionId,
        item.priceCents,
        plan.history,
        delivery.deliver,
        issueRefundsFromPlatform(context, purchase),
      );
    } finally {
      await Promise.all([delivery.settle(), successPage]);
    }
  } catch (error) {
    purchase.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
  }
  return purchase;
}

/**
 * Refunds from the platform as staff do: `POST /api/organizations/:orgId/purchases/:id/refunds`,
 * submitted `refundSubmits` times at once with one `Idempotency-Key`, each retried with it while
 * the answer is 5xx. True when one submission was answered 202.
 */
function issueRefundsFromPlatform(
  context: SoakContext,
  purchase: SoakPurchase,
): IssuePlatformRefund {
  return async (amountCents, revokeAccess) => {
    const record: PlatformRefundRecord = {
      idempotencyKey: `soak-${purchase.plan.index}-refund-${purchase.platformRefunds.length}`,
      amountCents,
      revokeAccess,
      statuses: [],
    };
    purchase.platformRefunds.push(record);
    const url = `${context.checkoutUrl}/api/organizations/${context.organizationId}/purchases/${purchase.purchaseId}/refunds`;
    const answers = await Promise.all(
      Array.from({ length: purchase.plan.refundSubmits }, () =>
        callWithRetry(
          url,
          () => ({
            method: 'POST',
            headers: {
              ...json,
              authorization: context.staffAuthorization,
              'idempotency-key': record.idempotencyKey,
            },
            body: JSON.stringify({ amountCents, reason: 'requested_by_customer', revokeAccess }),
          }),
          { deadlineMs: REFUND_DEADLINE_MS },
        ),
      ),
    );
    record.statuses = answers.map((answer) => answer.statuses);
    return answers.some((answer) => answer.status === 202);
  };
}

/**
 * The buyer's success page: `GET /api/checkout/sessions/:id` every second until the purchase is
 * completed or failed (at most six times), while the history is played and its events delivered.
 * The checkout worker then settles the purchase from Stripe as the webhook would.
 */
async function pollSuccessPage(context: SoakContext, purchase: SoakPurchase): Promise<void> {
  for (let poll = 0; poll < SUCCESS_PAGE_POLLS; poll++) {
    await new Promise((resolve) => setTimeout(resolve, SUCCESS_PAGE_POLL_MS));
    const answer = await fetch(
      `${context.checkoutUrl}/api/checkout/sessions/${purchase.sessionId}`,
      {
        headers: { authorization: purchase.authorization },
      },
    ).then(
      async (response) => {
        const body = (await response.json().catch(() => undefined)) as
          | { data?: { status?: string } }
          | undefined;
        return response.ok ? String(body?.data?.status) : String(response.status);
      },
      () => 'no answer',
    );
    purchase.successPage.push(answer);
    if (answer === 'completed' || answer === 'failed') return;
  }
}
