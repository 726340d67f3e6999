import type { AccountStore } from './account-store';
import type { BalanceLedger } from './balance-transactions';
import { formatMoney } from './format-money';
import { type ListPage, paginate, readListRequest } from './list-params';
import { emitting, type MoneyOutcome, type StripeStubCharge } from './money-types';
import { randomId } from './random-id';
import { readMetadata } from './read-metadata';
import {
  integerAtLeast,
  type Params,
  readParams,
  readString,
  rejectUnknownParams,
} from './read-params';
import {
  invalidRequest,
  isStripeFailure,
  missingParam,
  noSuch,
  type StripeFailure,
} from './stripe-error';
import { reverseTransfer } from './transfer-reversals';
import type { StripeStubTransfer, StripeStubTransferReversal } from './transfer-types';

const TRANSFER_PARAMS = [
  'amount',
  'currency',
  'description',
  'destination',
  'expand',
  'metadata',
  'source_transaction',
  'transfer_group',
];

/** What the transfers need of the rest of the stand-in. */
export interface TransferStoreOptions {
  nowSeconds: () => number;
  accounts: AccountStore;
  ledger: BalanceLedger;
  charge: (id: string) => StripeStubCharge | undefined;
}

/**
 * Separate charges and transfers (https://docs.stripe.com/connect/separate-charges-and-transfers):
 * Transfers from the platform's balance to a connected account, funded by a charge
 * (`source_transaction`) or by the available balance, and their reversals. Money moves at once:
 * the platform −amount, the destination +amount (reversals the other way). Pure state; returns
 * Stripe's refusal rather than throwing.
 */
export function createTransferStore({
  nowSeconds,
  accounts,
  ledger,
  charge,
}: TransferStoreOptions) {
  const transfers = new Map<string, StripeStubTransfer>();
  const newestFirst = () => [...transfers.values()].reverse().sort((a, b) => b.created - a.created);

  /** What transfers with `source_transaction` = the charge already took from it. */
  function takenFrom(chargeId: string): number {
    let taken = 0;
    for (const transfer of transfers.values()) {
      if (transfer.source_transaction === chargeId) taken += transfer.amount;
    }
    return taken;
  }

  function create(params: Params): MoneyOutcome<StripeStubTransfer> {
    const refused = rejectUnknownParams(params, TRANSFER_PARAMS);
    if (refused) return refused;
    const read = readParams(params, {
      amount: integerAtLeast(1),
      currency: readString,
      destination: readString,
      source_transaction: readString,
      transfer_group: readString,
      description: readString,
      metadata: readMetadata,
    });
    if (isStripeFailure(read)) return read;
    const { amount, destination, source_transaction: sourceId } = read;
    if (amount === undefined) return missingParam('amount');
    if (read.currency === undefined) return missingParam('currency');
    if (destination === undefined) return missingParam('destination');
    const currency = read.currency.toLowerCase();
    const account = accounts.find(destination);
    if (!account) {
      return invalidRequest(`No such destination: '${destination}'`, {
        code: 'resource_missing',
        param: 'destination',
      });
    }
    const source = sourceId === undefined ? undefined : charge(sourceId);
    if (sourceId !== undefined) {
      const refusal = refuseSource(sourceId, source, currency);
      if (refusal) return refusal;
    }
    // Stripe's answer to a destination that cannot receive transfers (seen in public reports;
    // the code is on https://docs.stripe.com/error-codes, the param is unconfirmed).
    if (account.capabilities.transfers !== 'active') {
      return invalidRequest(
        'Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments',
        { code: 'insufficient_capabilities_for_transfer', param: 'destination' },
      );
    }
    if (source && sourceId !== undefined) {
      const left = source.amount - takenFrom(sourceId);
      if (amount > left) {
        // Stripe: a transfer is "limited to the amount of the source charge"
        // (separate-charges-and-transfers#transfer-availability); code and wording unconfirmed.
        const format = (value: number) => formatMoney(value, currency);
        return invalidRequest(
          `The transfer amount (${format(amount)}) exceeds what is left of the source transaction ${sourceId} (${format(left)}).`,
          { param: 'amount' },
        );
      }
    } else if (ledger.available(currency) < amount) {
      // https://docs.stripe.com/error-codes#balance-insufficient; Stripe's test-mode wording.
      return invalidRequest(
        'You have insufficient available funds in your Stripe account. Try adding funds directly to your available balance by creating Charges using the 4000000000000077 test card. See: https://stripe.com/docs/testing#available-balance',
        { code: 'balance_insufficient' },
      );
    }
    const id = randomId('tr_', 24);
    const destinationPayment = randomId('py_', 24);
    const outgoing = ledger.record({ amount: -amount, currency, type: 'transfer', source: id });
    ledger.record({
      account: destination,
      amount,
      currency,
      type: 'payment',
      source: destinationPayment,
    });
    const transfer: StripeStubTransfer = {
      id,
      object: 'transfer',
      amount,
      amount_reversed: 0,
      currency,
      created: nowSeconds(),
      description: read.description ?? null,
      destination,
      destination_payment: destinationPayment,
      metadata: read.metadata?.metadata ?? {},
      reversals: {
        object: 'list',
        data: [],
        has_more: false,
        total_count: 0,
        url: `/v1/transfers/${id}/reversals`,
      },
      reversed: false,
      source_transaction: sourceId ?? null,
      source_type: 'card',
      transfer_group: read.transfer_group ?? null,
      balance_transaction: outgoing.id,
      livemode: false,
    };
    transfers.set(id, transfer);
    return emitting(transfer, ['transfer.created', transfer]);
  }

  const reversals = new Map<string, StripeStubTransferReversal>();
  return {
    create,
    /** `POST /v1/transfers/:id/reversals`; see `reverseTransfer`. */
    reverse(transferId: string, params: Params): MoneyOutcome<StripeStubTransferReversal> {
      const transfer = transfers.get(transferId);
      if (!transfer) return noSuch('transfer', transferId);
      return reverseTransfer(transfer, params, { ledger, nowSeconds, reversals });
    },
    /** The live transfer, or undefined. */
    find: (id: string) => transfers.get(id),
    /** Every transfer, newest first (copies). */
    all: () => structuredClone(newestFirst()),

    /** `GET /v1/transfers`: filters `destination`, `transfer_group`, `created`; cursor pagination. */
    list(params: Params): ListPage<StripeStubTransfer> | StripeFailure {
      const request = readListRequest(params, {
        destination: readString,
        transfer_group: readString,
      });
      if (isStripeFailure(request)) return request;
      const { destination, transfer_group: group } = request.filters;
      return paginate(
        newestFirst(),
        (transfer) =>
          request.created(transfer.created) &&
          (destination === undefined || transfer.destination === destination) &&
          (group === undefined || transfer.transfer_group === group),
        request.pagination,
        'transfer',
      );
    },

    /** `GET /v1/transfers/:id/reversals`: newest first, cursor pagination. */
    listReversals(
      transferId: string,
      params: Params,
    ): ListPage<StripeStubTransferReversal> | StripeFailure {
      const transfer = transfers.get(transferId);
      if (!transfer) return noSuch('transfer', transferId);
      const request = readListRequest(params, {});
      if (isStripeFailure(request)) return request;
      const own = [...reversals.values()]
        .filter((reversal) => reversal.transfer === transferId)
        .reverse()
        .sort((a, b) => b.created - a.created);
      return paginate(
        own,
        (reversal) => request.created(reversal.created),
        request.pagination,
        'transfer_reversal',
      );
    },

    reset(): void {
      transfers.clear();
      reversals.clear();
    },
  };

  /** A `source_transaction` that is not a succeeded charge in the transfer's currency. */
  function refuseSource(
    id: string,
    source: StripeStubCharge | undefined,
    currency: string,
  ): StripeFailure | undefined {
    if (!source) {
      return invalidRequest(`No such charge: '${id}'`, {
        code: 'resource_missing',
        param: 'source_transaction',
      });
    }
    // Wording unconfirmed: Stripe transfers only from a charge that succeeded.
    if (source.status !== 'succeeded' || !source.captured) {
      return invalidRequest(
        `The source transaction ${id} has not succeeded; it cannot fund a transfer.`,
        {
          param: 'source_transaction',
        },
      );
    }
    // "the currency of the transfer must match the currency of the source transaction"
    // (separate-charges-and-transfers#transfer-availability); wording unconfirmed.
    if (source.currency !== currency) {
      return invalidRequest(
        `The currency of the transfer (${currency}) must match the currency of the source transaction (${source.currency}).`,
        { param: 'currency' },
      );
    }
    return undefined;
  }
}

/** The transfers; see {@link createTransferStore}. */
export type TransferStore = ReturnType<typeof createTransferStore>;
