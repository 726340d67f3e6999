import type { Database, HttpDatabase, Queryable } from '@codex/database';
import { checkAccessMany } from './access/check-access-many';
import { hasAccess } from './access/has-access';

export interface AccessServiceDependencies {
  /** The WebSocket pool: used only when `http` is absent. Connects on first use. */
  db: Database;
  /** SQL over HTTP: every check is one request on it, no connection set-up. */
  http?: HttpDatabase | undefined;
}

/**
 * "May this customer play this?": the player's question, asked on every play. Both checks apply
 * the one access rule (`grantsAccessSql` in `@codex/database`'s purchase rules), answer with plain
 * values, and cost one statement, one round trip (none for a batch of ids that are not UUIDs).
 */
export class AccessService {
  readonly #hot: Queryable;

  constructor(dependencies: AccessServiceDependencies) {
    this.#hot = dependencies.http ?? dependencies.db;
  }

  /** True only for a completed purchase whose refunds have not ended access and with no open or lost dispute. */
  hasAccess(customerId: string, contentId: string): Promise<boolean> {
    return hasAccess(this.#hot, customerId, contentId);
  }

  /** `{ [contentId]: hasAccess }` for every id asked (duplicates collapsed), in one query. */
  checkAccessMany(
    customerId: string,
    contentIds: readonly string[],
  ): Promise<Record<string, boolean>> {
    return checkAccessMany(this.#hot, customerId, contentIds);
  }
}
