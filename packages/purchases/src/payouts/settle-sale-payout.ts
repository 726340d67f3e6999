import { isPayoutHeld, payoutDueCents } from '@codex/database';
import Stripe from 'stripe';
import type { FulfillmentContext } from '../fulfillment/context';
import { outstandingCents, readSaleState, type SaleState } from './sale-state';
import {
  type ClaimedStep,
  claimStep,
  recordCharge,
  recordReversals,
  recordTransfer,
  recordUncoveredReversal,
  releaseStep,
  saleTransferGroup,
} from './sale-steps';

/** Where one sale's payout stands after {@link settleSalePayout}. */
export type SaleSettlement =
  /** Not a sale payouts apply to (free, not completed, sold before payouts existed). */
  | 'not_a_sale'
  /** What has moved equals what the sale owes. */
  | 'settled'
  /** Owes nothing and nothing moved (refunded in full or lost before any transfer). */
  | 'nothing_owed'
  /** A chargeback is open: the transfer waits for its outcome. */
  | 'held_dispute'
  /** The organization has no connected account that can receive transfers yet. */
  | 'awaiting_account'
  /** Stripe has not shown the sale's charge yet (no `latest_charge`). */
  | 'awaiting_charge'
  /** The transfer was made now. */
  | 'transferred'
  /** A reversal was made now. */
  | 'reversed'
  /** The connected account could not cover the reversal: flagged for review, retried by the cron. */
  | 'reversal_uncovered'
  /** Less has moved than is owed after the transfer (a refund that succeeded failed later). */
  | 'underpaid'
  /** Another worker holds the sale's step; it finishes it. */
  | 'busy'
  /** Stripe refused the transfer (logged); a later trigger tries again with a new step. */
  | 'refused'
  /** Stripe did not answer (logged); the next step asks Stripe before sending anything. */
  | 'stripe_failed';

// A step that found an unrecorded transfer or reversal re-reads and goes on; never more than this.
const MAX_ROUNDS = 3;

/**
 * Moves what has moved to the organization for one sale towards what the sale owes now
 * (`payoutDueCents`, decision 026): records the charge and Stripe's fee once, makes the sale's one
 * transfer when it is owed something, no chargeback is open and the organization's account can
 * receive transfers, and reverses what was transferred beyond what it owes (refunds, a lost
 * dispute). Safe to call any number of times, concurrently, in any order with the events that
 * change the sale: each Stripe step is claimed by a lease (one worker at a time), keyed by its
 * number, and a step whose answer was lost is looked up at Stripe before anything else is sent,
 * so the sale is transferred at most once and never reversed beyond what it owes. Stripe failures
 * are logged and answered as a settlement; database failures throw.
 */
export async function settleSalePayout(
  ctx: FulfillmentContext,
  stripe: Stripe,
  purchaseId: string,
): Promise<SaleSettlement> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const sale = await readSaleState(ctx.hot, purchaseId);
    if (!sale) return 'not_a_sale';
    const outcome = await settleFromRead(ctx, stripe, sale);
    if (outcome !== 'again') return outcome;
  }
  return 'busy';
}

/**
 * One round of {@link settleSalePayout} from a read of the sale (`readSaleState`): the step it
 * needs, claimed only if no other step was claimed or recorded since that read (else `'again'`:
 * read again). Exported for the race test, which hands it a read another worker has since acted on.
 */
export async function settleFromRead(
  ctx: FulfillmentContext,
  stripe: Stripe,
  read: SaleState,
): Promise<SaleSettlement | 'again'> {
  let sale = read;
  if (sale.stripeChargeId === null) {
    const found = await readCharge(ctx, stripe, sale);
    if (found === 'stripe_failed' || found === 'awaiting_charge') return found;
    // Recorded (or another worker's first answer kept): go on with it, no re-read needed.
    sale = { ...sale, stripeChargeId: found.chargeId };
  }
  const due = payoutDueCents(sale);
  if (sale.transferId === null) {
    if (due <= 0) return 'nothing_owed';
    if (isPayoutHeld(sale)) return 'held_dispute';
    if (sale.stripeAccountId === null || !sale.transfersActive) return 'awaiting_account';
    return withStep(ctx, sale, (claimed) => transfer(ctx, stripe, sale, claimed, due));
  }
  const outstanding = outstandingCents(sale);
  if (outstanding > 0) return 'underpaid';
  if (outstanding === 0) return 'settled';
  return withStep(ctx, sale, (claimed) => reverse(ctx, stripe, sale, claimed, -outstanding));
}

/** Runs `step` under the sale's lease; a step that throws leaves its answer unconfirmed. */
async function withStep(
  ctx: FulfillmentContext,
  sale: SaleState,
  step: (claimed: ClaimedStep) => Promise<SaleSettlement | 'again'>,
): Promise<SaleSettlement | 'again'> {
  const claimed = await claimStep(ctx.hot, sale.purchaseId, ctx.clock(), sale);
  // The lease is held (that worker finishes the step), or a step was claimed or recorded since
  // this read: read again; after the last round the caller hears `busy`.
  if (!claimed) return 'again';
  try {
    return await step(claimed);
  } catch (error) {
    await releaseStep(ctx.hot, sale.purchaseId, claimed.step, false);
    ctx.logger.trackError(error, { operation: 'settle sale payout', purchaseId: sale.purchaseId });
    return 'stripe_failed';
  }
}

async function readCharge(
  ctx: FulfillmentContext,
  stripe: Stripe,
  sale: SaleState,
): Promise<{ chargeId: string } | 'awaiting_charge' | 'stripe_failed'> {
  if (sale.stripePaymentIntentId === null) return 'awaiting_charge';
  let intent: Stripe.PaymentIntent;
  try {
    intent = await stripe.paymentIntents.retrieve(sale.stripePaymentIntentId, {
      expand: ['latest_charge.balance_transaction'],
    });
  } catch (error) {
    ctx.logger.trackError(error, { operation: 'read sale charge', purchaseId: sale.purchaseId });
    return 'stripe_failed';
  }
  const charge = intent.latest_charge;
  if (charge === null || typeof charge === 'string') return 'awaiting_charge';
  const balance = charge.balance_transaction;
  const fee = balance !== null && typeof balance === 'object' ? balance.fee : null;
  await recordCharge(ctx.hot, sale.purchaseId, charge.id, fee);
  return { chargeId: charge.id };
}

async function transfer(
  ctx: FulfillmentContext,
  stripe: Stripe,
  sale: SaleState,
  claimed: ClaimedStep,
  amount: number,
): Promise<SaleSettlement | 'again'> {
  const group = saleTransferGroup(sale.purchaseId);
  if (claimed.earlierUnconfirmed) {
    // An earlier attempt may have reached Stripe: its transfer carries the sale's group.
    const earlier = await stripe.transfers.list({ transfer_group: group, limit: 1 });
    const found = earlier.data[0];
    if (found) {
      await recordTransfer(ctx.hot, sale.purchaseId, found, claimed.step);
      return 'again';
    }
  }
  let made: Stripe.Transfer;
  try {
    made = await stripe.transfers.create(
      {
        amount,
        currency: sale.currency,
        // stripeAccountId is checked by the caller; the non-null is the caller's guarantee.
        destination: String(sale.stripeAccountId),
        source_transaction: String(sale.stripeChargeId),
        transfer_group: group,
        metadata: { purchaseId: sale.purchaseId, organizationId: sale.organizationId },
      },
      { idempotencyKey: `codex-sale-transfer:${sale.purchaseId}:${claimed.step}` },
    );
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) throw error;
    // A final refusal: nothing was transferred. The next trigger tries again (a new step, a new key).
    await releaseStep(ctx.hot, sale.purchaseId, claimed.step, true);
    ctx.logger.warn('sale transfer refused by Stripe', {
      purchaseId: sale.purchaseId,
      stripeCode: error.code,
    });
    return 'refused';
  }
  await recordTransfer(ctx.hot, sale.purchaseId, made, claimed.step);
  ctx.logger.info('sale transferred', {
    purchaseId: sale.purchaseId,
    transferId: made.id,
    amountCents: made.amount,
  });
  return 'transferred';
}

async function reverse(
  ctx: FulfillmentContext,
  stripe: Stripe,
  sale: SaleState,
  claimed: ClaimedStep,
  amount: number,
): Promise<SaleSettlement | 'again'> {
  const transferId = String(sale.transferId);
  if (claimed.earlierUnconfirmed) {
    // An earlier reversal may have reached Stripe: the transfer lists every reversal of it.
    const reversals = await listReversals(stripe, transferId);
    if (reversals.length > 0) {
      await recordReversals(ctx.hot, sale.purchaseId, transferId, reversals, claimed.step);
    } else {
      await releaseStep(ctx.hot, sale.purchaseId, claimed.step, true);
    }
    return 'again';
  }
  let reversal: Stripe.TransferReversal;
  try {
    reversal = await stripe.transfers.createReversal(
      transferId,
      { amount, metadata: { purchaseId: sale.purchaseId } },
      { idempotencyKey: `codex-sale-reversal:${sale.purchaseId}:${claimed.step}` },
    );
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) throw error;
    if (error.code !== 'balance_insufficient') {
      // Refused for another reason than the balance: someone may have reversed the transfer
      // outside the platform (the Dashboard). Stripe's list of reversals is the truth.
      const reversals = await listReversals(stripe, transferId);
      const total = reversals.reduce((sum, found) => sum + found.amount, 0);
      if (total !== sale.reversedCents) {
        await recordReversals(ctx.hot, sale.purchaseId, transferId, reversals, claimed.step);
        return 'again';
      }
    }
    await recordUncoveredReversal(
      ctx.hot,
      sale.purchaseId,
      transferId,
      { amountCents: amount, currency: sale.currency, stripeCode: error.code ?? null },
      claimed.step,
    );
    ctx.logger.warn('sale reversal refused by Stripe: kept for review', {
      purchaseId: sale.purchaseId,
      stripeCode: error.code,
      amountCents: amount,
    });
    return 'reversal_uncovered';
  }
  await recordReversals(ctx.hot, sale.purchaseId, transferId, [reversal], claimed.step);
  ctx.logger.info('sale transfer reversed', {
    purchaseId: sale.purchaseId,
    transferId,
    amountCents: reversal.amount,
  });
  return 'reversed';
}

/** Every reversal of the transfer, as Stripe lists them. */
async function listReversals(
  stripe: Stripe,
  transferId: string,
): Promise<Stripe.TransferReversal[]> {
  const reversals: Stripe.TransferReversal[] = [];
  for await (const reversal of stripe.transfers.listReversals(transferId, { limit: 100 })) {
    reversals.push(reversal);
  }
  return reversals;
}
