import type {
  AccessService,
  BuyerService,
  CheckoutService,
  FulfillmentService,
  PayoutService,
  RefundService,
  ReviewService,
  SalesService,
} from '@codex/purchases';
import type { WorkerVariables } from '@codex/worker-runtime';
import type { CheckoutBindings, CheckoutConfig } from './env';

/** Per-request values middleware puts on the Hono context. */
export interface CheckoutVariables extends WorkerVariables<CheckoutConfig> {
  /**
   * Set by buyer auth: the verified JWT `sub`, who is calling. On the staff routes it is also the
   * staff user whose role the services read from the database (decision 024).
   */
  customerId: string;
  /** Set by buyer auth: the token's `email` claim, if valid. Personal data: never logged. */
  customerEmail: string | undefined;
  /** Checkout. Each service is built on first use, on `database()` and `stripe()`. */
  checkout: () => CheckoutService;
  /** The access checks (single and batch): the one-request transport only. */
  access: () => AccessService;
  /** The success page's confirmation (fulfillment, as the webhook runs it). */
  fulfillment: () => FulfillmentService;
  /** The buyer's reads (history, one purchase, library): the one-request transport only. */
  buyer: () => BuyerService;
  /** An organization's sales reads (list, summary, export pages): the one-request transport only. */
  sales: () => SalesService;
  /** Refunds issued by an organization's staff: the one-request transport and Stripe. */
  refunds: () => RefundService;
  /** The review queue and its actions: the one-request transport, the pool and Stripe. */
  review: () => ReviewService;
  /** The organization's payouts: onboarding (Stripe) and the status and earnings reads, on the one-request transport. */
  payouts: () => PayoutService;
}

export interface CheckoutEnv {
  Bindings: CheckoutBindings;
  Variables: CheckoutVariables;
}
