import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { StripeStubEvent } from '../api/event-store';
import {
  type StartStripeStubOptions,
  type StripeStub,
  startStripeStub,
} from '../start-stripe-stub';

// Test-only helpers of the stand-in's own suites (not exported from the package): one stub per
// test file, reset after each test, and the real SDK pointed at it.

/** Starts a stub for this test file; returns getters for it and for the real SDK talking to it. */
export function useStripeStub(options: StartStripeStubOptions = {}): {
  stub: () => StripeStub;
  stripe: () => Stripe;
} {
  let stub: StripeStub | undefined;
  let stripe: Stripe | undefined;
  beforeAll(async () => {
    stub = await startStripeStub(options);
    stripe = new Stripe('sk_test_stub', {
      host: stub.host,
      port: stub.port,
      protocol: 'http',
      httpClient: Stripe.createFetchHttpClient(),
      maxNetworkRetries: 0,
    });
  });
  afterEach(() => stub?.reset());
  afterAll(() => stub?.close());
  return {
    stub: () => {
      if (!stub) throw new Error('useStripeStub: only inside tests');
      return stub;
    },
    stripe: () => {
      if (!stripe) throw new Error('useStripeStub: only inside tests');
      return stripe;
    },
  };
}

/** What {@link createSession} sends besides one line item. */
export interface TestSessionOptions {
  unitAmount?: number;
  currency?: string;
  metadata?: Record<string, string>;
  /** Sent as `allow_promotion_codes`. */
  allowPromotionCodes?: boolean;
  /** Sent as `automatic_tax[enabled]`. */
  automaticTax?: boolean;
  /** The item's `price_data[tax_behavior]`. */
  taxBehavior?: 'exclusive' | 'inclusive' | 'unspecified';
  customer?: string;
  customerEmail?: string;
}

/** An open Checkout Session for one item; returns its id. */
export async function createSession(
  stripe: Stripe,
  options: TestSessionOptions = {},
): Promise<string> {
  const { unitAmount = 1250, currency = 'usd', metadata, taxBehavior } = options;
  const { allowPromotionCodes, automaticTax, customer, customerEmail } = options;
  const session = await stripe.checkout.sessions.create({
    mode: 'payment',
    success_url: 'https://codex.test/success',
    cancel_url: 'https://codex.test/cancel',
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency,
          unit_amount: unitAmount,
          product_data: { name: 'A' },
          ...(taxBehavior ? { tax_behavior: taxBehavior } : {}),
        },
      },
    ],
    ...(metadata ? { payment_intent_data: { metadata } } : {}),
    ...(allowPromotionCodes === undefined ? {} : { allow_promotion_codes: allowPromotionCodes }),
    ...(automaticTax === undefined ? {} : { automatic_tax: { enabled: automaticTax } }),
    ...(customer ? { customer } : {}),
    ...(customerEmail ? { customer_email: customerEmail } : {}),
  });
  return session.id;
}

/**
 * `POST /v1/checkout/sessions` parameters for one item (default 10.00 USD), with `overrides` on top;
 * `item` changes the line item's `price_data`.
 */
export function sessionParams(
  overrides: Partial<Stripe.Checkout.SessionCreateParams> = {},
  item: Partial<Stripe.Checkout.SessionCreateParams.LineItem.PriceData> = {},
): Stripe.Checkout.SessionCreateParams {
  return {
    mode: 'payment',
    success_url: 'https://codex.test/success',
    cancel_url: 'https://codex.test/cancel',
    line_items: [
      {
        quantity: 1,
        price_data: { currency: 'usd', unit_amount: 1000, product_data: { name: 'A' }, ...item },
      },
    ],
    ...overrides,
  };
}

/** Pays `sessionId` by card at the stub (Node side); returns its PaymentIntent id. */
export function payByCard(stub: StripeStub, sessionId: string): string {
  stub.payCheckoutSession(sessionId);
  return String(stub.getSession(sessionId)?.payment_intent);
}

/** The types of `events`, in order. */
export function types(events: ReadonlyArray<StripeStubEvent>): string[] {
  return events.map((event) => event.type);
}

/** The error thrown by `action`, failing the test if it returns. */
export function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return expect.fail('expected the stub action to throw');
}

/** The rejection of `promise`, failing the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the Stripe call to fail'),
    (error: unknown) => error,
  );
}
