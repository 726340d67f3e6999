import type { BalanceLedger } from './balance-transactions';
import { formatMoney } from './format-money';
import { emitting, type MoneyOutcome } from './money-types';
import { randomId } from './random-id';
import { readMetadata } from './read-metadata';
import {
  integerAtLeast,
  type Params,
  readBoolean,
  readParams,
  readString,
  rejectUnknownParams,
} from './read-params';
import { invalidRequest, isStripeFailure } from './stripe-error';
import type { StripeStubTransfer, StripeStubTransferReversal } from './transfer-types';

const REVERSAL_PARAMS = ['amount', 'description', 'expand', 'metadata', 'refund_application_fee'];
/** How many reversals a Transfer embeds (Stripe: "the 10 most recent reversals"). */
const EMBEDDED_REVERSALS = 10;

/** What a reversal moves and where it is kept. */
export interface ReversalOptions {
  ledger: BalanceLedger;
  nowSeconds: () => number;
  /** Every reversal by id; the new one is added. */
  reversals: Map<string, StripeStubTransferReversal>;
}

/**
 * `POST /v1/transfers/:id/reversals` (https://docs.stripe.com/api/transfer_reversals/create):
 * all that is left by default, never more; only while the destination's available balance
 * covers it (transfer_reversals/object: "It is possible to reverse a transfer_group transfer
 * only if the destination account has enough balance to cover the reversal").
 */
export function reverseTransfer(
  transfer: StripeStubTransfer,
  params: Params,
  { ledger, nowSeconds, reversals }: ReversalOptions,
): MoneyOutcome<StripeStubTransferReversal> {
  const refused = rejectUnknownParams(params, REVERSAL_PARAMS);
  if (refused) return refused;
  const read = readParams(params, {
    amount: integerAtLeast(1),
    description: readString,
    metadata: readMetadata,
    refund_application_fee: readBoolean,
  });
  if (isStripeFailure(read)) return read;
  const left = transfer.amount - transfer.amount_reversed;
  const amount = read.amount ?? left;
  const format = (value: number) => formatMoney(value, transfer.currency);
  // Wording and code unconfirmed: Stripe documents the limit, not its refusal.
  if (left === 0 || amount > left) {
    return invalidRequest(
      `The reversal amount (${format(amount)}) is greater than what is left to reverse on transfer ${transfer.id} (${format(left)}).`,
      { param: 'amount' },
    );
  }
  if (ledger.available(transfer.currency, transfer.destination) < amount) {
    // Wording unconfirmed; the code is Stripe's for a balance that cannot cover a movement.
    return invalidRequest(
      `The destination account ${transfer.destination} does not have enough available balance to cover this reversal of ${format(amount)}.`,
      { code: 'balance_insufficient' },
    );
  }
  const id = randomId('trr_', 24);
  const paymentRefund = randomId('pyr_', 24);
  const incoming = ledger.record({
    amount,
    currency: transfer.currency,
    type: 'transfer_refund',
    source: id,
  });
  ledger.record({
    account: transfer.destination,
    amount: -amount,
    currency: transfer.currency,
    type: 'payment_refund',
    source: paymentRefund,
  });
  const reversal: StripeStubTransferReversal = {
    id,
    object: 'transfer_reversal',
    amount,
    currency: transfer.currency,
    created: nowSeconds(),
    metadata: read.metadata?.metadata ?? {},
    transfer: transfer.id,
    balance_transaction: incoming.id,
    destination_payment_refund: paymentRefund,
    source_refund: null,
  };
  transfer.amount_reversed += amount;
  transfer.reversed = transfer.amount_reversed === transfer.amount;
  const all = [reversal, ...transfer.reversals.data];
  transfer.reversals.data = all.slice(0, EMBEDDED_REVERSALS);
  transfer.reversals.total_count += 1;
  transfer.reversals.has_more = transfer.reversals.total_count > EMBEDDED_REVERSALS;
  reversals.set(id, reversal);
  return emitting(reversal, ['transfer.reversed', transfer]);
}
