import { type EmailOutboxRow, emailOutbox, eq } from '@codex/database';
import { createResendSender } from '@codex/email';
import type { StripeStubEvent } from '@codex/local-stripe';
import { ObservabilityClient } from '@codex/observability';
import { type ResendStub, startResendStub } from '@codex/test-utils';
import { afterAll, beforeAll } from 'vitest';
import { CheckoutService } from '../checkout-service';
import { FulfillmentService } from '../fulfillment-service';
import { EmailOutbox, type EmailOutboxDependencies } from '../outbox/email-outbox';
import { type TestWorld, useTestWorld } from './test-world';

/** A {@link TestWorld} with a Resend stand-in at the e-mail provider's HTTP edge. */
export interface OutboxWorld {
  world(): TestWorld;
  resend(): ResendStub;
  /** Every line the services and the outbox logged in this file. */
  readonly logLines: string[];
  /** The checkout worker's service, logging into {@link OutboxWorld.logLines}. */
  checkout(): CheckoutService;
  /** The webhook worker's service: hot statements over SQL over HTTP, as deployed. */
  fulfillment(): FulfillmentService;
  /** The outbox with the Resend adapter; its clock runs `shiftMs()` ahead of the real one. */
  outbox(options?: Partial<EmailOutboxDependencies> & { timeoutMs?: number }): EmailOutbox;
  /** Moves the outbox's clock forward (retries and leases come due). */
  advance(ms: number): void;
  /** The outbox's clock. */
  now(): Date;
  /** A paid checkout by a new customer (with `email` as the token's claim, if given). */
  paidCheckout(
    priceCents: number,
    email?: string,
  ): Promise<{ purchaseId: string; sessionId: string; customerId: string; contentId: string }>;
  deliver(event: StripeStubEvent): Promise<unknown>;
  /** Sends whatever the cron would find, until nothing is due (each id delivered twice at once). */
  drain(outbox?: EmailOutbox): Promise<void>;
  rowsOf(purchaseId: string): Promise<EmailOutboxRow[]>;
  /** Messages the stand-in accepted for `address`. */
  inbox(address: string): ReturnType<ResendStub['messages']>;
}

let addressCounter = 0;
/** A buyer address no other test uses. */
export function newAddress(): string {
  addressCounter += 1;
  return `buyer-${process.pid}-${Date.now()}-${addressCounter}@codex.test`;
}

/** One {@link OutboxWorld} per test file. */
export function useOutboxWorld(options: { maxConnections?: number } = {}): OutboxWorld {
  const world = useTestWorld(options);
  const logLines: string[] = [];
  const logger = new ObservabilityClient('purchases-test', 'test', {
    write: (line) => logLines.push(line),
  });
  let resend: ResendStub | undefined;
  let shiftMs = 0;
  beforeAll(async () => {
    resend = await startResendStub();
  });
  afterAll(async () => {
    await resend?.close();
  });
  const stub = () => {
    if (!resend) throw new Error('useOutboxWorld: only inside tests');
    return resend;
  };
  const stripe = () => world().stripe();
  const fulfillment = () =>
    new FulfillmentService({
      db: world().db,
      http: world().testDb.http,
      stripe: stripe(),
      logger,
    });
  const checkout = () =>
    new CheckoutService({
      db: world().db,
      http: world().testDb.http,
      stripe: stripe(),
      logger,
      config: { webAppUrl: 'https://app.codex.test' },
    });
  const outbox: OutboxWorld['outbox'] = (overrides = {}) => {
    const { timeoutMs, ...dependencies } = overrides;
    return new EmailOutbox({
      db: world().testDb.http,
      sender: createResendSender({
        apiKey: 're_test_outbox',
        apiBase: stub().url,
        ...(timeoutMs ? { timeoutMs } : {}),
      }),
      from: 'Codex <receipts@codex.test>',
      logger,
      clock: () => new Date(Date.now() + shiftMs),
      ...dependencies,
    });
  };
  return {
    world,
    resend: stub,
    logLines,
    fulfillment,
    checkout,
    outbox,
    advance(ms) {
      shiftMs += ms;
    },
    now: () => new Date(Date.now() + shiftMs),
    async paidCheckout(priceCents, email) {
      const { contentId, customerId } = await world().newItem(priceCents);
      const started = await checkout().createCheckoutSession(
        customerId,
        contentId,
        email ? { customerEmail: email } : {},
      );
      if (started.status !== 'checkout_created') throw new Error(`unexpected ${started.status}`);
      return {
        purchaseId: started.purchaseId,
        sessionId: started.sessionId,
        customerId,
        contentId,
      };
    },
    deliver: (event) => fulfillment().handleStripeEvent(JSON.parse(JSON.stringify(event))),
    async drain(processor = outbox()) {
      for (let round = 0; round < 50; round++) {
        const due = await processor.findDueOutboxMessages(100);
        if (due.length === 0) return;
        await Promise.all(
          due.flatMap((id) => [
            processor.deliverOutboxMessage(id),
            processor.deliverOutboxMessage(id),
          ]),
        );
        shiftMs += 2 * 60 * 60_000; // past any backoff and lease
      }
      throw new Error('drain: the outbox never emptied');
    },
    rowsOf: (purchaseId) =>
      world().db.select().from(emailOutbox).where(eq(emailOutbox.purchaseId, purchaseId)),
    inbox: (address) =>
      stub()
        .messages()
        .filter((message) => message.to.includes(address)),
  };
}
