import { buyerPurchaseStatuses } from '@codex/database';
import { listQuerySchema, withCreatedAtRange } from '@codex/validation';
import { createRoute, z } from '@hono/zod-openapi';
import { buyerTokenSecurity, createApiRoutes } from '../../openapi/create-api-routes';
import { apiErrorResponses } from '../../openapi/error-responses';
import { jsonAnswer } from '../../openapi/json-answer';
import {
  contentIdField,
  contentTitleField,
  currencyField,
  hasAccessField,
  isoInstant,
  minorUnits,
  pageOf,
  purchaseIdField,
} from '../../openapi/response-fields';
import { privateNoStoreHeaders } from '../../openapi/response-headers';
import { toPurchaseJson } from '../purchases/buyer-purchase-schema';
import {
  organizationParamsSchema,
  SALES_READ_ERRORS,
  STAFF_READ_NOTE,
  salesFilterShape,
  salesReadErrorMessages,
  staffCaller,
} from './sales-read-schemas';

/**
 * Query string of `GET /api/organizations/{orgId}/sales`: the list's `cursor` and `limit` (as
 * `listQuerySchema`), `status` (a buyer status), `contentId` and the created-at range `from`
 * (inclusive) / `to` (exclusive). `from` after `to` is refused.
 */
export const salesQuerySchema = withCreatedAtRange({
  cursor: listQuerySchema.shape.cursor,
  limit: listQuerySchema.shape.limit,
  ...salesFilterShape,
});

/** One of an organization's sales. */
const saleSchema = z
  .object({
    purchaseId: purchaseIdField,
    contentId: contentIdField,
    contentTitle: contentTitleField,
    amountCents: minorUnits(
      "What the buyer was charged, in minor units: the checkout's recorded total (price − discount + exclusive tax), else the price paid.",
      1500,
    ),
    currency: currencyField,
    amountRefundedCents: minorUnits('Refunded so far (pending and succeeded refunds).', 0),
    disputeStatus: z
      .enum(['open', 'won', 'lost'])
      .nullable()
      .openapi({ description: "The chargeback's state; null when there is none.", example: null }),
    status: z.enum(buyerPurchaseStatuses).openapi({
      description: 'The buyer status (as `GET /api/purchases` shows it); the `status` filter.',
    }),
    customerId: z.string().openapi({
      description: "The buyer's customer id (the identity provider's subject). Never an e-mail.",
      example: 'auth0|64b7f0c2e1',
    }),
    hasAccess: hasAccessField,
    createdAt: isoInstant('When the checkout started (the order and the date filters).'),
    purchasedAt: isoInstant('When the payment completed.').nullable(),
    refundedAt: isoInstant(
      'When refunds reached the amount charged (access ends then, unless kept).',
    ).nullable(),
  })
  .openapi('Sale');

/** One page of sales, newest first. */
const salePageSchema = pageOf(saleSchema, 'SalePage');

const listSalesRoute = createRoute({
  method: 'get',
  path: '/{orgId}/sales',
  operationId: 'listSales',
  tags: ['organizations'],
  summary: "The organization's sales, newest first",
  description: `Every purchase of the organization's content, newest first (by when the checkout started), a page at a time: pass \`nextCursor\` back as \`cursor\` with the same filters. Filters: \`status\` (a buyer status), \`contentId\`, \`from\` (inclusive) and \`to\` (exclusive) on the creation instant, ISO 8601 dates (UTC midnight) or date-times with offset. Each sale names its buyer by customer id, never by e-mail. ${STAFF_READ_NOTE} One database round trip.`,
  security: buyerTokenSecurity,
  request: { params: organizationParamsSchema, query: salesQuerySchema },
  responses: {
    200: jsonAnswer('One page of sales.', salePageSchema, privateNoStoreHeaders),
    ...apiErrorResponses([...SALES_READ_ERRORS, 'INVALID_CURSOR'], salesReadErrorMessages),
  },
});

/**
 * `GET /api/organizations/:orgId/sales`: the organization's sales, a page at a time, for staff
 * with any role: the service reads the caller's role in the page's own statement and refuses
 * (404 no role, 403 a role that may not read sales).
 */
export const listSales = createApiRoutes().openapi(listSalesRoute, async (c) => {
  const { orgId } = c.req.valid('param');
  const { cursor, limit, ...filters } = c.req.valid('query');
  const page = await c.var.sales().listSales(staffCaller(c, orgId), filters, { cursor, limit });
  c.header('Cache-Control', 'private, no-store');
  return c.json({ data: page.items.map(toPurchaseJson), nextCursor: page.nextCursor }, 200);
});
