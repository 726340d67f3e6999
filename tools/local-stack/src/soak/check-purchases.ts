import { contentPurchases, type DatabaseClient, emailOutbox, inArray } from '@codex/database';
import type { StripeStub } from '@codex/local-stripe';
import type { ResendStubMessage } from '@codex/test-utils';
import { json } from '../scratch-stack/start-scratch-stack';
import { callWithRetry } from './call-with-retry';
import { readStripeFinalState, type StripeFinalState } from './read-stripe-final-state';
import type { SoakPurchase } from './run-purchase';

/** What the system says about one purchase at the end. */
export interface ObservedPurchase {
  /** The checkout worker's access check for the buyer and the item. */
  hasAccess: boolean | undefined;
  status: string | undefined;
  amountRefundedCents: number | undefined;
  disputeStatus: string | null | undefined;
  /** What a second checkout of the item answered at the end (undefined: not tried). */
  buysAgain: BuyAgainAnswer | undefined;
  /** Confirmation e-mails the buyer's address received. */
  confirmations: number;
  /** The buyer's purchases' outbox rows: kind, status, and how many e-mails carry the row's key. */
  outbox: Array<{ kind: string; status: string; sent: number }>;
}

/** One purchase held against Stripe's final state. */
export interface PurchaseVerdict {
  purchase: SoakPurchase;
  expected: StripeFinalState;
  observed: ObservedPurchase;
  /** Empty when the purchase matches. */
  differences: string[];
  /** Completed, with an address, and no confirmation: allowed only where money was taken back. */
  unconfirmed: boolean;
}

export interface CheckPurchasesOptions {
  purchases: SoakPurchase[];
  stub: StripeStub;
  db: DatabaseClient;
  checkoutUrl: string;
  /** Every e-mail the Resend stand-in accepted. */
  messages: ResendStubMessage[];
}

// Checks in flight at once: enough to be quick, few enough for a 2-core machine.
const CHECKS_AT_ONCE = 8;

/** What a second checkout answered: its status and, for 200/201, the purchase it names. */
export interface BuyAgainAnswer {
  status: number;
  purchaseId: string | undefined;
}

/** A second checkout of the same item: 201 once the purchase is over, 409 while it holds the slot. */
async function buyAgain(checkoutUrl: string, purchase: SoakPurchase): Promise<BuyAgainAnswer> {
  const answer = await callWithRetry(
    `${checkoutUrl}/api/checkout`,
    () => ({
      method: 'POST',
      headers: { ...json, authorization: purchase.authorization },
      body: JSON.stringify({ contentId: purchase.item.contentId }),
    }),
    { deadlineMs: 45_000 },
  );
  const data = (answer.body as { data?: { purchaseId?: unknown } } | undefined)?.data;
  return {
    status: answer.status,
    purchaseId: typeof data?.purchaseId === 'string' ? data.purchaseId : undefined,
  };
}

async function checkAccess(checkoutUrl: string, purchase: SoakPurchase) {
  const answer = await callWithRetry(
    `${checkoutUrl}/api/purchases/access/${purchase.item.contentId}`,
    () => ({ headers: { authorization: purchase.authorization } }),
    { deadlineMs: 10_000 },
  );
  const body = answer.body as { hasAccess?: unknown } | undefined;
  return answer.status === 200 && typeof body?.hasAccess === 'boolean' ? body.hasAccess : undefined;
}

/** `check` of every purchase, a few at a time. */
async function eachPurchase<T>(
  purchases: SoakPurchase[],
  check: (purchase: SoakPurchase) => Promise<T>,
): Promise<Map<SoakPurchase, T>> {
  const results = new Map<SoakPurchase, T>();
  for (let start = 0; start < purchases.length; start += CHECKS_AT_ONCE) {
    const batch = purchases.slice(start, start + CHECKS_AT_ONCE);
    const answers = await Promise.all(batch.map(check));
    for (const [index, purchase] of batch.entries()) results.set(purchase, answers[index] as T);
  }
  return results;
}

/**
 * Holds every purchase against what Stripe's final state implies: the access check over HTTP, the
 * purchase row (status, refunded amount, dispute), no other purchase of the buyer completed, a
 * second checkout (201 once the purchase is over, 409 ALREADY_PURCHASED while it holds the slot;
 * tried last, as it writes), and
 * the e-mails: every outbox row sent, each exactly once (one e-mail carries its id as idempotency
 * key), none without a row, and exactly one confirmation for a completed purchase whose buyer gave
 * an address (at most one where money was taken back before the completion may have arrived).
 */
export async function checkPurchases(options: CheckPurchasesOptions): Promise<PurchaseVerdict[]> {
  const { purchases, db } = options;
  const payments = new Map(options.stub.listPayments().map((p) => [p.session.id, p]));
  // Read before buying again, which may open sessions of its own.
  const openSessions = new Set(
    [...payments.values()]
      .filter((payment) => payment.session.status === 'open')
      .map((payment) => payment.session.id),
  );
  const rows = await db.db
    .select({
      id: contentPurchases.id,
      customerId: contentPurchases.customerId,
      contentId: contentPurchases.contentId,
      status: contentPurchases.status,
      sessionId: contentPurchases.stripeCheckoutSessionId,
      amountRefundedCents: contentPurchases.amountRefundedCents,
      disputeStatus: contentPurchases.disputeStatus,
    })
    .from(contentPurchases)
    .where(
      inArray(
        contentPurchases.customerId,
        purchases.map((purchase) => purchase.customerId),
      ),
    );
  const outbox =
    rows.length === 0
      ? []
      : await db.db
          .select({
            id: emailOutbox.id,
            purchaseId: emailOutbox.purchaseId,
            kind: emailOutbox.kind,
            status: emailOutbox.status,
          })
          .from(emailOutbox)
          .where(
            inArray(
              emailOutbox.purchaseId,
              rows.map((row) => row.id),
            ),
          );
  const access = await eachPurchase(purchases, (p) => checkAccess(options.checkoutUrl, p));
  // Last, as it writes: a new checkout where the slot is free.
  const again = await eachPurchase(purchases, (p) =>
    p.sessionId ? buyAgain(options.checkoutUrl, p) : Promise.resolve(undefined),
  );

  return purchases.map((purchase) => {
    const expected = readStripeFinalState(
      purchase.sessionId ? payments.get(purchase.sessionId) : undefined,
    );
    const buyerRows = rows.filter((row) => row.customerId === purchase.customerId);
    const row = buyerRows.find((candidate) => candidate.id === purchase.purchaseId);
    const buyerIds = new Set(buyerRows.map((candidate) => candidate.id));
    const rowsOut = outbox.filter((message) => buyerIds.has(message.purchaseId));
    const received = options.messages.filter(
      (message) => purchase.email !== undefined && message.to.includes(purchase.email),
    );
    const observed: ObservedPurchase = {
      hasAccess: access.get(purchase),
      buysAgain: again.get(purchase),
      status: row?.status,
      amountRefundedCents: row?.amountRefundedCents,
      disputeStatus: row?.disputeStatus,
      confirmations: received.filter((message) => message.subject.startsWith('Your purchase'))
        .length,
      outbox: rowsOut.map((message) => ({
        kind: message.kind,
        status: message.status,
        sent: received.filter((m) => m.idempotencyKey === message.id).length,
      })),
    };
    const differences: string[] = [];
    const differ = (what: string, seen: unknown, wanted: unknown) => {
      if (seen !== wanted) differences.push(`${what}: ${String(seen)}, Stripe implies ${wanted}`);
    };
    if (purchase.error) differences.push(`not played to its end: ${purchase.error}`);
    differ('access', observed.hasAccess, expected.hasAccess);
    differ('status', observed.status, expected.paid ? 'completed' : 'failed');
    differ('refunded cents', observed.amountRefundedCents, expected.refundedCents);
    differ('dispute', observed.disputeStatus ?? null, expected.disputeStatus);
    // Buying again: allowed once the purchase is over, refused while it holds the buyer's slot.
    const slotFree =
      !expected.paid || expected.refundEndsAccess || expected.disputeStatus === 'lost';
    // A checkout attempt the buyer gave up on (no answer in time) goes on in the worker and may
    // open another checkout once the played one is over: buying again then hands out that open
    // session (200, the buyer's pending purchase) instead of a new one, as it should.
    const openElsewhere = new Set(
      buyerRows
        .filter(
          (other) =>
            other.id !== purchase.purchaseId &&
            other.contentId === purchase.item.contentId &&
            other.status === 'pending' &&
            other.sessionId !== null &&
            openSessions.has(other.sessionId),
        )
        .map((other) => other.id),
    );
    const secondCheckout = observed.buysAgain;
    if (secondCheckout !== undefined) {
      const reusedOpenCheckout =
        slotFree &&
        secondCheckout.status === 200 &&
        openElsewhere.has(secondCheckout.purchaseId ?? '');
      if (!reusedOpenCheckout) differ('buying again', secondCheckout.status, slotFree ? 201 : 409);
    }
    for (const other of buyerRows) {
      if (other.id !== purchase.purchaseId && other.status === 'completed') {
        differences.push(`another purchase of the buyer is completed: ${other.id}`);
      }
    }
    for (const message of observed.outbox) {
      if (message.status !== 'sent' || message.sent !== 1) {
        differences.push(`${message.kind} e-mail: ${message.status}, sent ${message.sent} times`);
      }
    }
    const known = new Set(rowsOut.map((message) => message.id));
    const stray = received.filter((m) => !m.idempotencyKey || !known.has(m.idempotencyKey));
    if (stray.length > 0) differences.push(`${stray.length} e-mails without an outbox row`);
    const confirmable = observed.status === 'completed' && purchase.email !== undefined;
    const confirmations = observed.confirmations;
    if (!confirmable && confirmations > 0) {
      differences.push(`${confirmations} confirmation e-mails for a purchase not completed`);
    } else if (
      confirmable &&
      (confirmations > 1 || (!expected.mayLackConfirmation && confirmations === 0))
    ) {
      differences.push(`${confirmations} confirmation e-mails, expected exactly one`);
    }
    return {
      purchase,
      expected,
      observed,
      differences,
      unconfirmed: confirmable && confirmations === 0,
    };
  });
}
