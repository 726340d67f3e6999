import type {
  ContentPurchase,
  Database,
  DatabaseTransaction,
  FulfillmentAnomalyKind,
  PaymentEventKind,
  Queryable,
} from '@codex/database';
import type { ObservabilityClient } from '@codex/observability';
import type Stripe from 'stripe';

/** What every fulfillment step works with; built once per request by `FulfillmentService`. */
export interface FulfillmentContext {
  /** The WebSocket pool: interactive transactions. Connects on first use. */
  db: Database;
  /** Where single hot statements run: SQL over HTTP when configured, else `db`. */
  hot: Queryable;
  /** Undefined without a Stripe key: steps that must ask Stripe refuse (see `requireStripe`). */
  stripe: Stripe | undefined;
  logger: ObservabilityClient;
  clock: () => Date;
}

/** The database, or the transaction a step runs in. */
export type Executor = Database | DatabaseTransaction;

/** What one fulfillment step did to the purchase it concerns. */
export type FulfillmentResult =
  /** The purchase became completed now. */
  | { status: 'completed'; purchaseId: string; contentId: string }
  /** It already was completed (a repeated or late event). */
  | { status: 'already_completed'; purchaseId: string; contentId: string }
  /** Paid with a delayed method and not settled yet (`payment_status: unpaid`): stays pending. */
  | { status: 'awaiting_payment'; purchaseId: string; contentId: string }
  /** The purchase became failed now (payment failed, session expired). */
  | { status: 'failed'; purchaseId: string; contentId: string }
  /** Nothing to change: the purchase is no longer pending and the trigger does not apply to it. */
  | {
      status: 'unchanged';
      purchaseId: string;
      contentId: string;
      purchaseStatus: ContentPurchase['status'];
    }
  /** Amount, currency or ids disagree with the purchase: recorded for review, no access. */
  | { status: 'flagged'; purchaseId: string | undefined; kind: FulfillmentAnomalyKind }
  /** A refund or dispute snapshot was applied (`access` says what it did to access). */
  | {
      status: 'payment_event_recorded';
      purchaseId: string;
      contentId: string;
      kind: PaymentEventKind;
      access: 'granted' | 'revoked' | 'unchanged';
    }
  /** The session, charge, refund or dispute references no purchase of ours. */
  | { status: 'unknown_purchase' };

/** What handling one Stripe event did. */
export type StripeEventOutcome =
  | { status: 'duplicate' }
  | { status: 'ignored'; reason: 'unhandled_type' }
  /** Signed but not the shape we handle: acknowledged and kept for replay (`pnpm webhooks:replay`). */
  | { status: 'rejected'; problems: string[] }
  | { status: 'processed'; result: FulfillmentResult };

/** The purchase ids every per-purchase result carries. */
export interface PurchaseIds {
  purchaseId: string;
  contentId: string;
}

/** Logs what a step did, once, after its transaction committed. */
export function logOutcome(
  logger: ObservabilityClient,
  outcome: StripeEventOutcome,
  context: Record<string, unknown>,
): void {
  if (outcome.status === 'rejected') {
    logger.error('stripe event rejected: kept for replay', {
      ...context,
      problems: outcome.problems,
    });
    return;
  }
  if (outcome.status !== 'processed') {
    logger.info(`stripe event ${outcome.status}`, context);
    return;
  }
  const { result } = outcome;
  switch (result.status) {
    case 'completed':
      logger.info('purchase completed', { ...context, ...result });
      return;
    case 'failed':
      logger.info('purchase failed', { ...context, ...result });
      return;
    case 'flagged':
      logger.error('payment does not match its purchase; flagged for review', {
        ...context,
        ...result,
      });
      return;
    case 'unknown_purchase':
      logger.warn('event references no purchase of ours', context);
      return;
    case 'payment_event_recorded':
      logger.info('payment event recorded', { ...context, ...result });
      return;
    default:
      logger.info(`fulfillment ${result.status}`, { ...context, ...result });
  }
}
