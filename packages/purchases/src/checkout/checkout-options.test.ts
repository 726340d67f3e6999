import { contentPurchases, eq, fulfillmentAnomalies } from '@codex/database';
import type { StripeStubEvent, StripeStubPromotionCode } from '@codex/local-stripe';
import { ObservabilityClient } from '@codex/observability';
import { describe, expect, it } from 'vitest';
import { fulfillCheckout } from '../fulfillment/checkout-sessions';
import { completeInOneStatement } from '../fulfillment/complete-in-one-statement';
import type { FulfillmentContext } from '../fulfillment/context';
import { checkoutSessionSchema } from '../fulfillment/stripe-events';
import { testStripeClient } from '../testing/test-stripe-client';
import { useTestWorld } from '../testing/test-world';
import type { CheckoutServiceConfig } from './checkout-context';

// Promotion codes, automatic tax and 100 % discounts: every combination of the deployment's
// switches and what the buyer redeems, completed through each of the three completion paths (the
// webhook's one statement, the one-statement attempt inside `fulfillCheckout`, and its careful
// path alone), which must agree with each other and with the expected outcome.
const world = useTestWorld();
const logger = new ObservabilityClient('checkout-options-test', 'test', { write: () => undefined });
const PRICE = 1_000;
const TAX_RATE = 10;

type Tax = 'off' | 'exclusive' | 'inclusive';
type Code = 'none' | 'partial' | 'full';
const codes: Record<Exclude<Code, 'none'>, StripeStubPromotionCode> = {
  partial: { code: 'HALF', percentOff: 50 },
  full: { code: 'FREE', percentOff: 100 },
};

function context(): FulfillmentContext {
  const { db, http } = world().testDb;
  return {
    db,
    hot: http ?? db,
    stripe: testStripeClient(world().stub.url, { secretKey: 'sk_test_options_0123' }),
    logger,
    clock: () => new Date(),
  };
}

function configOf(
  codesOn: boolean,
  tax: Tax,
  allowFull: boolean,
): Omit<CheckoutServiceConfig, 'webAppUrl'> {
  return {
    allowPromotionCodes: codesOn,
    allowFullyDiscounted: allowFull,
    ...(tax === 'off' ? {} : { automaticTax: true, taxBehavior: tax }),
  };
}

/** What Stripe charges for the price with this code and tax (the stand-in computes the same). */
function expectedCharge(tax: Tax, code: Code) {
  const discount = code === 'none' ? 0 : code === 'partial' ? PRICE / 2 : PRICE;
  const taxable = PRICE - discount;
  const taxAmount =
    tax === 'off'
      ? 0
      : tax === 'exclusive'
        ? Math.round((taxable * TAX_RATE) / 100)
        : taxable - Math.round(taxable / (1 + TAX_RATE / 100));
  return {
    discount,
    tax: taxAmount,
    total: taxable + (tax === 'exclusive' ? taxAmount : 0),
  };
}

/**
 * A purchase checked out under the deployment's switches and paid at the stand-in. A code on a
 * deployment with codes off: Stripe's page would not offer one, so the session is made to show
 * one anyway (checked out with codes on, then the purchase's recorded switch put back to off),
 * which is what a forged or misrouted session looks like to fulfillment.
 */
async function paidPurchase(codesOn: boolean, tax: Tax, code: Code, allowFull: boolean) {
  const { contentId, customerId } = await world().newItem(PRICE);
  const forged = !codesOn && code !== 'none';
  const checkout = await world()
    .checkout(configOf(codesOn || forged, tax, allowFull))
    .createCheckoutSession(customerId, contentId);
  if (checkout.status !== 'checkout_created') throw new Error(`unexpected ${checkout.status}`);
  if (forged) {
    await world()
      .db.update(contentPurchases)
      .set({ allowPromotionCodes: false })
      .where(eq(contentPurchases.id, checkout.purchaseId));
  }
  const events = world().stub.payCheckoutSession(checkout.sessionId, {
    ...(code === 'none' ? {} : { promotionCode: codes[code] }),
    taxRatePercent: TAX_RATE,
  });
  const event = events.find((candidate) => candidate.type === 'checkout.session.completed');
  if (!event) throw new Error('no completion event');
  return { ...checkout, customerId, contentId, event };
}

function sessionOf(event: StripeStubEvent) {
  return checkoutSessionSchema.parse(event.data.object);
}

async function row(purchaseId: string) {
  const [found] = await world()
    .db.select()
    .from(contentPurchases)
    .where(eq(contentPurchases.id, purchaseId));
  return found;
}

async function anomalies(purchaseId: string) {
  return world()
    .db.select()
    .from(fulfillmentAnomalies)
    .where(eq(fulfillmentAnomalies.purchaseId, purchaseId));
}

const combinations = [false, true].flatMap((codesOn) =>
  (['off', 'exclusive', 'inclusive'] as const).flatMap((tax) =>
    (['none', 'partial', 'full'] as const).flatMap((code) =>
      [false, true].map((allowFull) => ({ codesOn, tax, code, allowFull })),
    ),
  ),
);

describe('the amount check under each combination of checkout options', () => {
  it.each(combinations)(
    'codes $codesOn, tax $tax, code $code, 100 % allowed $allowFull',
    async ({ codesOn, tax, code, allowFull }) => {
      const forgedDiscount = !codesOn && code !== 'none';
      const completes = !forgedDiscount && (code !== 'full' || allowFull);
      const charge = expectedCharge(tax, code);
      const ctx = context();

      // 1. The webhook's one statement; when it declines, the careful path diagnoses.
      const viaStatement = await paidPurchase(codesOn, tax, code, allowFull);
      const quick = await completeInOneStatement(
        ctx,
        viaStatement.event,
        sessionOf(viaStatement.event),
      );
      expect(quick.status).toBe(completes ? 'completed' : 'undecided');
      // 2. fulfillCheckout with its one-statement attempt; 3. its careful path alone.
      const viaFastPath = await paidPurchase(codesOn, tax, code, allowFull);
      const viaCareful = await paidPurchase(codesOn, tax, code, allowFull);
      const results = [
        quick.status === 'completed'
          ? { status: 'completed' }
          : await fulfillCheckout(ctx, ctx.db, sessionOf(viaStatement.event), { fastPath: false }),
        await fulfillCheckout(ctx, ctx.db, sessionOf(viaFastPath.event)),
        await fulfillCheckout(ctx, ctx.db, sessionOf(viaCareful.event), { fastPath: false }),
      ];

      for (const [index, purchase] of [viaStatement, viaFastPath, viaCareful].entries()) {
        const stored = await row(purchase.purchaseId);
        const access = await world().access().hasAccess(purchase.customerId, purchase.contentId);
        expect(sessionOf(purchase.event)).toMatchObject({
          amount_subtotal: PRICE,
          amount_total: charge.total,
          total_details: { amount_discount: charge.discount, amount_tax: charge.tax },
        });
        if (completes) {
          expect(results[index]).toMatchObject({ status: 'completed' });
          expect(access).toBe(true);
          expect(stored).toMatchObject({
            status: 'completed',
            pricePaidCents: PRICE,
            amountDiscountCents: charge.discount,
            amountTaxCents: charge.tax,
            amountTotalCents: charge.total,
          });
        } else {
          expect(results[index]).toMatchObject({ status: 'flagged', kind: 'amount_mismatch' });
          expect(access).toBe(false);
          expect(stored).toMatchObject({ status: 'pending', amountTotalCents: null });
          const [anomaly] = await anomalies(purchase.purchaseId);
          expect(anomaly?.details.problem).toBe(
            forgedDiscount
              ? 'discount on a purchase created without promotion codes'
              : 'fully discounted, not allowed for this purchase',
          );
        }
      }
    },
  );
});

describe('sessions under the switches', () => {
  it('sends nothing new when every switch is off', async () => {
    const { contentId, customerId } = await world().newItem(PRICE);
    const checkout = await world().checkout().createCheckoutSession(customerId, contentId);
    if (checkout.status !== 'checkout_created') throw new Error('expected a new checkout');
    const request = world().stub.requests.find(
      (candidate) =>
        candidate.method === 'POST' &&
        candidate.path === '/v1/checkout/sessions' &&
        candidate.form.client_reference_id === checkout.purchaseId,
    );
    const keys = Object.keys(request?.form ?? {});
    expect(keys.some((key) => key.includes('allow_promotion_codes'))).toBe(false);
    expect(keys.some((key) => key.includes('automatic_tax'))).toBe(false);
    expect(keys.some((key) => key.includes('tax_behavior'))).toBe(false);
    expect(keys.some((key) => key === 'customer')).toBe(false);
  });

  it('sends codes, automatic tax and the tax behavior when switched on', async () => {
    const { contentId, customerId } = await world().newItem(PRICE);
    const checkout = await world()
      .checkout({ allowPromotionCodes: true, automaticTax: true, taxBehavior: 'inclusive' })
      .createCheckoutSession(customerId, contentId);
    if (checkout.status !== 'checkout_created') throw new Error('expected a new checkout');
    const session = world().stub.getSession(checkout.sessionId);
    expect(session?.allow_promotion_codes).toBe(true);
    expect(session?.automatic_tax.enabled).toBe(true);
    expect(session?.line_items[0]?.tax_behavior).toBe('inclusive');
    expect(await row(checkout.purchaseId)).toMatchObject({
      allowPromotionCodes: true,
      allowFullyDiscounted: false,
      taxBehavior: 'inclusive',
    });
  });

  it('honours a session created with codes after the deployment turned them off', async () => {
    // Fulfillment reads the switch recorded on the purchase, not the deployment's current one.
    const paid = await paidPurchase(true, 'off', 'partial', false);
    const outcome = await world().fulfillment().handleStripeEvent(paid.event);
    expect(outcome).toMatchObject({ result: { status: 'completed' } });
    expect(await world().access().hasAccess(paid.customerId, paid.contentId)).toBe(true);
  });
});

describe('sessions that do not add up', () => {
  it('does not complete a session whose total was tampered with', async () => {
    const paid = await paidPurchase(true, 'exclusive', 'none', false);
    const tampered = world().stub.updateSession(paid.sessionId, { amount_total: 1 });
    const event = { ...paid.event, id: `${paid.event.id}_tampered`, data: { object: tampered } };
    const outcome = await world().fulfillment().handleStripeEvent(event);
    expect(outcome).toMatchObject({ result: { status: 'flagged', kind: 'amount_mismatch' } });
    expect((await anomalies(paid.purchaseId))[0]?.details.problem).toBe('total does not add up');
    expect(await world().access().hasAccess(paid.customerId, paid.contentId)).toBe(false);
  });

  it('does not complete tax on a purchase created without automatic tax', async () => {
    const paid = await paidPurchase(false, 'off', 'none', false);
    const tampered = world().stub.updateSession(paid.sessionId, {
      amount_total: 1_100,
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 100 },
    });
    const event = { ...paid.event, id: `${paid.event.id}_taxed`, data: { object: tampered } };
    const outcome = await world().fulfillment().handleStripeEvent(event);
    expect(outcome).toMatchObject({ result: { status: 'flagged', kind: 'amount_mismatch' } });
    expect((await anomalies(paid.purchaseId))[0]?.details.problem).toBe(
      'tax on a purchase created without automatic tax',
    );
  });

  it('does not complete a subtotal other than the recorded price', async () => {
    const paid = await paidPurchase(true, 'off', 'partial', false);
    const tampered = world().stub.updateSession(paid.sessionId, {
      amount_subtotal: 800,
      amount_total: 300,
    });
    const event = { ...paid.event, id: `${paid.event.id}_subtotal`, data: { object: tampered } };
    const outcome = await world().fulfillment().handleStripeEvent(event);
    expect(outcome).toMatchObject({ result: { status: 'flagged', kind: 'amount_mismatch' } });
    expect((await anomalies(paid.purchaseId))[0]?.details.problem).toBe(
      'subtotal differs from the price',
    );
  });
});

describe('refunds against what was charged', () => {
  it('revokes access when a 50 %-off purchase is refunded in full', async () => {
    const paid = await paidPurchase(true, 'off', 'partial', false);
    await world().fulfillment().handleStripeEvent(paid.event);
    const paymentIntent = String(world().stub.getSession(paid.sessionId)?.payment_intent);
    const refund = world().stub.createRefund(paymentIntent);
    expect(refund.refund.amount).toBe(PRICE / 2);
    for (const event of refund.events) await world().fulfillment().handleStripeEvent(event);
    expect(await row(paid.purchaseId)).toMatchObject({ amountRefundedCents: PRICE / 2 });
    expect((await row(paid.purchaseId))?.refundedAt).not.toBeNull();
    expect(await world().access().hasAccess(paid.customerId, paid.contentId)).toBe(false);
  });

  it('keeps access after a partial refund of a 50 %-off purchase', async () => {
    const paid = await paidPurchase(true, 'off', 'partial', false);
    await world().fulfillment().handleStripeEvent(paid.event);
    const paymentIntent = String(world().stub.getSession(paid.sessionId)?.payment_intent);
    const refund = world().stub.createRefund(paymentIntent, { amount: 100 });
    for (const event of refund.events) await world().fulfillment().handleStripeEvent(event);
    expect(await world().access().hasAccess(paid.customerId, paid.contentId)).toBe(true);
  });

  it('grants no access when the full refund of a discounted purchase arrives before its completion', async () => {
    const paid = await paidPurchase(true, 'off', 'partial', false);
    const paymentIntent = String(world().stub.getSession(paid.sessionId)?.payment_intent);
    const refund = world().stub.createRefund(paymentIntent);
    for (const event of refund.events) await world().fulfillment().handleStripeEvent(event);
    await world().fulfillment().handleStripeEvent(paid.event);
    expect(await row(paid.purchaseId)).toMatchObject({
      status: 'completed',
      amountTotalCents: 500,
    });
    expect(await world().access().hasAccess(paid.customerId, paid.contentId)).toBe(false);
  });
});
