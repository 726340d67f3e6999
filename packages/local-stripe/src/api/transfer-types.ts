/** A Transfer Reversal as the stand-in stores and serves it (https://docs.stripe.com/api/transfer_reversals/object). */
export type StripeStubTransferReversal = {
  id: string;
  object: 'transfer_reversal';
  amount: number;
  currency: string;
  created: number;
  metadata: Record<string, string>;
  transfer: string;
  /** The platform's `transfer_refund` Balance Transaction. */
  balance_transaction: string;
  /** The `pyr_…` refund of the destination's payment. */
  destination_payment_refund: string;
  source_refund: null;
};

/** A Transfer as the stand-in stores and serves it (https://docs.stripe.com/api/transfers/object). */
export type StripeStubTransfer = {
  id: string;
  object: 'transfer';
  amount: number;
  amount_reversed: number;
  currency: string;
  created: number;
  description: string | null;
  /** The connected account (`acct_…`). */
  destination: string;
  /** The `py_…` payment the transfer created on the destination. */
  destination_payment: string;
  metadata: Record<string, string>;
  /** Its reversals, newest first. */
  reversals: {
    object: 'list';
    data: StripeStubTransferReversal[];
    has_more: boolean;
    total_count: number;
    url: string;
  };
  /** True once fully reversed. */
  reversed: boolean;
  /** The charge (`ch_…`) that funds it, or null when it came from the available balance. */
  source_transaction: string | null;
  source_type: 'card';
  transfer_group: string | null;
  /** The platform's `transfer` Balance Transaction. */
  balance_transaction: string;
  livemode: false;
};
