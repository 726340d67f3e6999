import { contentPurchases, inArray, type Queryable, queryRows, type SQL } from '@codex/database';
import { uuidSchema } from '@codex/validation';
import { accessGrantingPurchases } from './access-granting-purchases';

/**
 * The statement of {@link checkAccessMany}: which of `contentIds` (distinct, lower-case UUIDs) the
 * customer holds a purchase of that grants access.
 */
export function checkAccessManyStatement(customerId: string, contentIds: string[]): SQL {
  return accessGrantingPurchases(
    customerId,
    inArray(contentPurchases.contentId, contentIds),
  ).getSQL();
}

/**
 * The access check for many items at once: for every id asked, true exactly when `hasAccess` would
 * say true. Duplicates are collapsed into one key; ids are compared case-insensitively but each
 * key is spelled as asked. Ids that are not UUIDs (so no content's) answer false and never reach
 * Postgres; when none is a UUID there is no query at all, otherwise one statement, one round trip.
 * The API caps a request at 100 ids (`accessManyBodySchema`); this function itself has no cap.
 */
export async function checkAccessMany(
  db: Queryable,
  customerId: string,
  contentIds: readonly string[],
): Promise<Record<string, boolean>> {
  const asked = new Map<string, string | undefined>();
  for (const id of contentIds) {
    const parsed = uuidSchema.safeParse(id);
    asked.set(id, parsed.success ? parsed.data : undefined);
  }
  const wanted = [...new Set([...asked.values()].filter((id) => id !== undefined))];
  const granted = new Set<string>();
  if (wanted.length > 0) {
    const rows = await queryRows<{ content_id: string }>(
      db,
      checkAccessManyStatement(customerId, wanted),
    );
    for (const row of rows) granted.add(String(row.content_id));
  }
  // fromEntries defines own properties, so even an id like `__proto__` is an ordinary key.
  return Object.fromEntries(
    [...asked].map(([id, uuid]) => [id, uuid !== undefined && granted.has(uuid)]),
  );
}
