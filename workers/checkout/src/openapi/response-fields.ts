import { z } from '@hono/zod-openapi';

// Fields that answers of several areas share. Each area's own answer schemas are in its route
// files (`src/routes/<area>/`); handlers return them through `c.json(body, status)`, which
// zod-openapi type-checks against the route's `responses`, so a handler cannot answer a status or
// a body that the document does not describe.

/** The content id of the document's examples. */
export const EXAMPLE_CONTENT_ID = '6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';

/** The purchase an answer is about. */
export const purchaseIdField = z.uuid().openapi({
  description: 'The purchase this answer is about.',
  example: '3f0e9d1c-7a4b-4c2e-9f61-0b8d2a5e7c19',
});

/** A content item's id. */
export const contentIdField = z.uuid().openapi({ example: EXAMPLE_CONTENT_ID });

/** A content item's title. */
export const contentTitleField = z.string().openapi({ example: 'Mastering Sourdough' });

/** A currency as Stripe spells it. */
export const currencyField = z
  .string()
  .openapi({ description: 'ISO 4217, lower case.', example: 'usd' });

/** A purchase row's `hasAccess` (the buyer's history and the sales list alike). */
export const hasAccessField = z.boolean().openapi({
  description:
    "Whether the buyer may play the item now, by the access check's rule: as `status` says, except that a purchase refunded in full by refunds issued with `revokeAccess: false` is `refunded` and playable.",
});

const nextCursorField = z.string().nullable().openapi({
  description: 'Pass as `cursor` for the next page; null on the last page.',
  example: null,
});

/**
 * One page of a paginated list, the component `name`: `data`, the items, and `nextCursor`, to pass
 * back as `cursor` for the next page.
 */
export const pageOf = <Item extends z.ZodType>(item: Item, name: string) =>
  z.object({ data: z.array(item), nextCursor: nextCursorField }).openapi(name);

/** An instant as ISO 8601 in UTC (`Date.toISOString()`). */
export const isoInstant = (description: string) =>
  z.iso.datetime().openapi({ description, example: '2026-11-29T15:04:05.123Z' });

/** An amount in minor units of its currency. */
export const minorUnits = (description: string, example: number) =>
  z.number().int().openapi({ description, example });
