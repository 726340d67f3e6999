import type { Database, HttpDatabase, Queryable } from '@codex/database';
import type { BuyerPurchase } from './buyer/buyer-purchase';
import { getPurchase } from './buyer/get-purchase';
import { type LibraryItem, listLibrary } from './buyer/list-library';
import { listPurchases } from './buyer/list-purchases';
import type { Page } from './buyer/page-cursor';
import type { PageOptions } from './buyer/page-options';

export interface BuyerServiceDependencies {
  /** The WebSocket pool: used only when `http` is absent. Connects on first use. */
  db: Database;
  /** SQL over HTTP: every read is one request on it, no connection set-up. */
  http?: HttpDatabase | undefined;
}

/**
 * What a signed-in buyer reads about their own purchases: the history, one purchase and the
 * library (the access checks are `AccessService`'s). Every method is one statement, one round trip (one HTTP request on
 * `http`), reads only the given customer's rows, and answers with plain objects (dates as `Date`).
 * Separate from `CheckoutService` because reads need nothing but the database: no Stripe client,
 * logger or checkout configuration to build per request.
 */
export class BuyerService {
  readonly #hot: Queryable;

  constructor(dependencies: BuyerServiceDependencies) {
    this.#hot = dependencies.http ?? dependencies.db;
  }

  /**
   * A page of the customer's purchases, newest first (`created_at`, then id), with content title,
   * amount, currency, buyer status and dates. Limit default 20, capped at 100. Throws
   * `PurchaseError` `INVALID_CURSOR` for a cursor this list did not issue.
   */
  listPurchases(customerId: string, options: PageOptions = {}): Promise<Page<BuyerPurchase>> {
    return listPurchases(this.#hot, customerId, options);
  }

  /** One of the customer's purchases; undefined for another customer's id and an unknown one alike. */
  getPurchase(customerId: string, purchaseId: string): Promise<BuyerPurchase | undefined> {
    return getPurchase(this.#hot, customerId, purchaseId);
  }

  /**
   * A page of the content the customer may play now (the access check's own rule), newest purchase
   * first. Throws `PurchaseError` `INVALID_CURSOR` for a cursor this list did not issue.
   */
  listLibrary(customerId: string, options: PageOptions = {}): Promise<Page<LibraryItem>> {
    return listLibrary(this.#hot, customerId, options);
  }
}
