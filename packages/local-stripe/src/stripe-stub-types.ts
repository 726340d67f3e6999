import type { StripeStubCheckoutSession } from './api/checkout-session-types';
import type { StripeStubCustomer } from './api/customer-store';
import type { StripeStubEvent } from './api/event-store';
import type { StripeStubPayment } from './api/list-payments';
import type {
  StripeStubDispute,
  StripeStubDisputeUpdate,
  StripeStubRefund,
  StripeStubRefundStatus,
} from './api/money-types';
import type { PromotionCodeSpec, StripeStubPromotionCodeObject } from './api/promotion-code-types';
import type { Address } from './api/read-address';
import type { StripeStubConnectHooks } from './connect-stub-types';

/** Where the stub listens and which clock it reads. */
export interface StartStripeStubOptions {
  /** Default 0: the OS picks a free port. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /**
   * The clock in milliseconds since the epoch, read for `created`, `expires_at` and session expiry.
   * Default `Date.now`. Tests of `created[gte]` filters can move it forward.
   */
  now?: () => number;
  /**
   * The page a session's `url` names, given the session id and the stub's own URL. Default:
   * Stripe's hosted page (`https://checkout.stripe.com/c/pay/<id>`), which nothing serves locally.
   */
  checkoutUrl?: (sessionId: string, stubUrl: string) => string;
  /**
   * The tax rate in percent (0 to 100) that sessions with automatic tax are charged when
   * `payCheckoutSession` names none, standing in for the rate of the buyer's address. Default 10.
   */
  taxRatePercent?: number;
  /** Told of every event right after the state change it reports (e.g. to deliver webhooks). */
  onEvent?: (event: StripeStubEvent) => void;
  /**
   * Serves requests outside `/v1/` and `/__stub/` (e.g. a checkout page, a dashboard); answering
   * undefined falls through to the API's 404.
   */
  handlePage?: (
    request: StubPageRequest,
  ) => Promise<StubPageResponse | undefined> | StubPageResponse | undefined;
}

/** A request to a page the stub serves through `handlePage`. */
export interface StubPageRequest {
  method: string;
  url: URL;
  /** The raw body (a form post is `application/x-www-form-urlencoded`). */
  body: string;
}

/** A page's answer: any content type, the body as text. */
export interface StubPageResponse {
  status: number;
  headers?: Record<string, string>;
  text: string;
}

/** One authenticated Stripe API request as the stub received it. */
export interface RecordedStripeRequest {
  /** E.g. `POST`. */
  method: string;
  /** Without the query string, e.g. `/v1/checkout/sessions`. */
  path: string;
  /** The `Idempotency-Key` header (the SDK sends one on every POST). */
  idempotencyKey: string | undefined;
  /** The `Stripe-Account` header (the SDK's `stripeAccount` request option), if sent. */
  stripeAccount?: string | undefined;
  /** The form-encoded body (for GET and DELETE: the query) as flat keys, e.g. `metadata[purchaseId]`. */
  form: Record<string, string>;
  /** The same parsed into nested objects; `line_items[0][...]` becomes an array. */
  body: Record<string, unknown>;
  /** ISO timestamp. */
  receivedAt: string;
  /** True when the answer was replayed from the idempotency store. */
  replayed: boolean;
}

/** What a rule does instead of the normal answer. */
export type StripeStubRuleResponse =
  /** Answers with this status and JSON body; with status >= 400 and no body, a Stripe `api_error`. */
  | { status: number; body?: unknown }
  /** Waits, then answers normally. */
  | { delayMs: number }
  /** Never answers; the connection stays open until the client gives up or the stub closes. */
  | { hang: true };

/** Changes the stub's answer to the Stripe API requests it matches. */
export interface StripeStubRule {
  /** Every given condition must hold: method, exact path or pattern, and each flat form key's value. */
  match: { method?: string; path?: string | RegExp; form?: Record<string, string> };
  respond: StripeStubRuleResponse;
  /** How many matching requests the rule applies to. Default: unlimited. */
  times?: number;
}

/** A running stand-in for the Stripe HTTP API; see {@link startStripeStub}. */
export interface StripeStub extends StripeStubConnectHooks {
  /** E.g. `http://127.0.0.1:49152`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly protocol: 'http';
  /** Every authenticated Stripe API request received (not control requests), oldest first. */
  readonly requests: ReadonlyArray<RecordedStripeRequest>;
  /** Adds a rule, checked after the API key and before normal handling (idempotency included); the first matching rule with uses left applies. Returns its remover. */
  addRule(rule: StripeStubRule): () => void;
  /**
   * A stored Checkout Session by id (with the stub-only `payment_intent_data`). An open session
   * past `expires_at` expires on being read, emitting `checkout.session.expired`, as on Stripe.
   */
  getSession(id: string): StripeStubCheckoutSession | undefined;
  /**
   * Changes a stored session, e.g. `{ status: 'complete', payment_status: 'paid', payment_intent: 'pi_1' }`.
   * A session that is no longer open loses its `url` unless the patch sets one. Silent: it emits
   * no event and creates no PaymentIntent (one named in the patch is served, derived from the
   * session). Throws if `id` is unknown.
   */
  updateSession(id: string, patch: Partial<StripeStubCheckoutSession>): StripeStubCheckoutSession;
  /**
   * The buyer pays an open session. `card` (default): a succeeded PaymentIntent and Charge, the
   * session `complete` and `paid`. `delayed` (a bank debit): the PaymentIntent `processing`, its
   * Charge `pending`, the session `complete` and `unpaid` until {@link settleDelayedPayment}.
   * With the discount the session was created with (`discounts`) or a `promotionCode` typed on
   * the page (only if the session allows promotion codes) and, when the session has automatic
   * tax, `taxRatePercent` (default: the stub's, 10 unless started with another), the session's
   * `amount_total`, `total_details` and `discounts` are set as Stripe computes them and the
   * PaymentIntent is for `amount_total`. A total of 0 completes the session
   * `no_payment_required` with no PaymentIntent. Sets `customer_details`, with the billing
   * `address` entered (default a US address). With `customer_creation: 'always'` and no
   * `customer`, creates the Customer and names it on the session (emitting `customer.created`
   * first); with `customer_update[address]=auto`, saves the address onto the session's Customer.
   * Emits `[checkout.session.completed]` (after `customer.created` when one is created). Throws a
   * `StripeStubError` (status 404 unknown, 400 not open, a code the session does not allow, bad
   * code, rate or country).
   */
  payCheckoutSession(sessionId: string, options?: PayCheckoutSessionOptions): StripeStubEvent[];
  /**
   * Ends a delayed payment. `succeeded`: PaymentIntent and Charge succeed, the session is `paid`;
   * emits `[checkout.session.async_payment_succeeded]`. `failed`: the PaymentIntent goes back to
   * `requires_payment_method` with `last_payment_error`, the Charge fails, the session stays
   * `unpaid`; emits `[checkout.session.async_payment_failed]`. Throws unless a payment is processing.
   */
  settleDelayedPayment(sessionId: string, outcome: 'succeeded' | 'failed'): StripeStubEvent[];
  /** Expires an open session, as Stripe does when it times out. Emits `[checkout.session.expired]`. Throws unless open. */
  expireCheckoutSession(sessionId: string): StripeStubEvent[];
  /**
   * Refunds a paid PaymentIntent's charge (default: all that is left; status default `succeeded`).
   * Pending and succeeded refunds count in the charge's `amount_refunded`. Emits
   * `[refund.created, charge.refunded]`. Throws `charge_already_refunded` when nothing is left,
   * `amount_too_large` past the remaining amount, `charge_disputed` during a chargeback.
   */
  createRefund(
    paymentIntentId: string,
    options?: CreateRefundOptions,
  ): { refund: StripeStubRefund; events: StripeStubEvent[] };
  /**
   * Moves a refund on: pending → succeeded or canceled (`[refund.updated, charge.refund.updated]`);
   * pending or succeeded → failed (`[refund.failed, refund.updated, charge.refund.updated]`).
   * Failed and canceled refunds stop counting in `amount_refunded`. Throws on any other change.
   */
  updateRefund(refundId: string, status: StripeStubRefundUpdate): StripeStubEvent[];
  /**
   * Opens a chargeback (`needs_response`, reason `fraudulent`) on a paid PaymentIntent's charge,
   * one per charge; the charge becomes `disputed`. Emits
   * `[charge.dispute.created, charge.dispute.funds_withdrawn]`. With `inquiry`, an inquiry
   * (`warning_needs_response`): `[charge.dispute.created]` only, and the charge stays refundable.
   */
  openDispute(
    paymentIntentId: string,
    options?: OpenDisputeOptions,
  ): { dispute: StripeStubDispute; events: StripeStubEvent[] };
  /**
   * `warning_under_review` and `under_review` emit `[charge.dispute.updated]`; `won` emits
   * `[charge.dispute.closed, charge.dispute.funds_reinstated]`; `lost` and `warning_closed` emit
   * `[charge.dispute.closed]`; an inquiry escalated to a chargeback (`needs_response` or
   * `under_review`, even from `warning_closed`) emits `[charge.dispute.updated,
   * charge.dispute.funds_withdrawn]`. Throws for any other move (won and lost are final).
   */
  updateDispute(disputeId: string, status: StripeStubDisputeUpdate): StripeStubEvent[];
  /**
   * Defines a promotion code with its own new coupon, as a seller would in the Dashboard:
   * `{ code, percentOff | amountOff, currency?, active?, metadata? }`. It is then listed by
   * `GET /v1/promotion_codes`, may be sent as `discounts[0][promotion_code]`, and is the code a
   * buyer typing `code` on the page redeems. Throws a `StripeStubError` for a bad definition or an
   * active code of that name already defined.
   */
  createPromotionCode(spec: StripeStubPromotionCodeSpec): StripeStubPromotionCodeObject;
  /** A stored promotion code by `promo_…` id (a copy), or undefined. */
  getPromotionCode(id: string): StripeStubPromotionCodeObject | undefined;
  /**
   * Every Checkout Session with its PaymentIntent, Charge, refunds and dispute, newest first
   * (copies; open sessions past `expires_at` expire on being read, as in {@link getSession}).
   */
  listPayments(): StripeStubPayment[];
  /** Every emitted event, oldest first, exactly as sent (frozen deep copies). */
  readonly events: ReadonlyArray<StripeStubEvent>;
  /**
   * Every Customer created through `POST /v1/customers`, oldest first (copies), e.g. to assert
   * that concurrent first purchases created exactly one.
   */
  readonly customers: ReadonlyArray<StripeStubCustomer>;
  /** A stored Customer by id (a copy), or undefined. */
  getCustomer(id: string): StripeStubCustomer | undefined;
  /**
   * Records that a webhook endpoint acknowledged the event: `GET /v1/events` then filters it by
   * `delivery_success=true` and shows `pending_webhooks: 0`. Throws if the id is unknown.
   */
  markEventDelivered(eventId: string): void;
  /** Forgets requests, rules, sessions, customers, money objects, events and idempotency records. */
  reset(): void;
  /** Stops listening and drops every connection, hanging ones included. Safe to call twice. */
  close(): Promise<void>;
}

/** How the buyer pays in {@link StripeStub.payCheckoutSession}. */
export interface PayCheckoutSessionOptions {
  /** `card` (default) succeeds at once; `delayed` is a bank debit that settles later. */
  method?: 'card' | 'delayed';
  /** A code the buyer redeems on the page; refused unless the session has `allow_promotion_codes`. */
  promotionCode?: StripeStubPromotionCode;
  /**
   * The tax rate of the buyer's address, in percent (0 to 100; default the stub's
   * `taxRatePercent`, 10 unless set). Used only when the
   * session has automatic tax enabled; ignored otherwise, as Stripe then computes no tax.
   */
  taxRatePercent?: number;
  /**
   * The billing address the buyer enters (fields left out are null; `country` a two-letter
   * code). Default: a US address in South San Francisco, CA 94080.
   */
  address?: Partial<StripeStubAddress>;
  /** Shorthand for an address of only this country (ignored when `address` names one). */
  country?: string;
}

/** A postal address as Stripe's objects carry it (every field, null when unknown). */
export type StripeStubAddress = Address;

/** A promotion code a test defines; see {@link StripeStub.createPromotionCode}. */
export type StripeStubPromotionCodeSpec = PromotionCodeSpec;

export type { StripeStubPromotionCodeObject };

/**
 * A promotion code as the seller defined it in Stripe's Dashboard: exactly one of a percentage
 * (1 to 100) or an amount (minor units of the session's currency, at most the subtotal counts).
 * The same `code` (case-insensitive) always gets the same `promo_…` id.
 */
export interface StripeStubPromotionCode {
  code: string;
  percentOff?: number;
  amountOff?: number;
}

/** What {@link StripeStub.createRefund} refunds. */
export interface CreateRefundOptions {
  /** In minor units. Default: what is left to refund on the charge. */
  amount?: number;
  /** Default `succeeded`. */
  status?: 'pending' | 'succeeded';
}

/** What {@link StripeStub.openDispute} disputes. */
export interface OpenDisputeOptions {
  /** In minor units. Default: the charge's amount. */
  amount?: number;
  /** An inquiry (`warning_needs_response`) instead of a chargeback. Default false. */
  inquiry?: boolean;
}

/** The statuses a refund can move to. */
export type StripeStubRefundUpdate = Exclude<StripeStubRefundStatus, 'pending'>;
