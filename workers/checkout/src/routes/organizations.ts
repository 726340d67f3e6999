import { requireOrganizationRole } from '@codex/security';
import {
  organizationParamsSchema,
  salesExportQuerySchema,
  salesQuerySchema,
  salesSummaryQuerySchema,
} from '@codex/validation';
import { createRoute, z } from '@hono/zod-openapi';
import {
  BUYER_API_ERRORS,
  buyerTokenSecurity,
  createApiRoutes,
} from '../openapi/create-api-routes';
import { errorResponses, requestIdHeader } from '../openapi/error-responses';
import { salePageSchema, salesSummarySchema } from '../openapi/response-schemas';
import { toPurchaseJson } from './purchases';
import { salesCsvStream } from './sales-csv';

const privateNoStore = z.object({
  ...requestIdHeader,
  'Cache-Control': z.literal('private, no-store'),
});

/**
 * What every organization route can answer besides its own: no role in the organization (or no
 * such organization) is 404 `NOT_FOUND`, checked before the query string, so nothing about another
 * organization can be learnt; a role without the action is 403 `FORBIDDEN`.
 */
const ORGANIZATION_ERRORS = [...BUYER_API_ERRORS, 'NOT_FOUND', 'VALIDATION_ERROR'] as const;
const organizationErrorMessages = {
  NOT_FOUND: 'Organization not found',
  VALIDATION_ERROR: 'from: must not be after `to`',
} as const;

const staffDescription =
  "Staff only: the token's `orgs` claim must give a role in `orgId` (`member`, `admin` or `owner` may read sales); otherwise 404, as for an organization that does not exist.";

/** `GET /api/organizations/{orgId}/sales`. */
export const listSalesRoute = createRoute({
  method: 'get',
  path: '/{orgId}/sales',
  operationId: 'listSales',
  tags: ['organizations'],
  summary: "The organization's sales, newest first",
  description: `Every purchase of the organization's content, newest first (by when the checkout started), a page at a time: pass \`nextCursor\` back as \`cursor\` with the same filters. Filters: \`status\` (a buyer status), \`contentId\`, \`from\` (inclusive) and \`to\` (exclusive) on the creation instant, ISO 8601 dates (UTC midnight) or date-times with offset. Each sale names its buyer by customer id, never by e-mail. ${staffDescription} One database round trip.`,
  security: buyerTokenSecurity,
  middleware: requireOrganizationRole('read_sales'),
  request: { params: organizationParamsSchema, query: salesQuerySchema },
  responses: {
    200: {
      description: 'One page of sales.',
      headers: privateNoStore,
      content: { 'application/json': { schema: salePageSchema } },
    },
    ...errorResponses([...ORGANIZATION_ERRORS, 'INVALID_CURSOR'], organizationErrorMessages),
  },
});

/** `GET /api/organizations/{orgId}/sales/summary`. */
export const summarizeSalesRoute = createRoute({
  method: 'get',
  path: '/{orgId}/sales/summary',
  operationId: 'summarizeSales',
  tags: ['organizations'],
  summary: "The organization's sales totals, per currency and per day",
  description: `Completed sales created in [\`from\`, \`to\`) (both optional), per currency and per (UTC day, currency): count, gross, refunded, disputed and net; see \`SalesTotals\` for each definition. The same measures summed over the rows of \`GET …/sales\` with the same range give the same numbers. ${staffDescription} One query.`,
  security: buyerTokenSecurity,
  middleware: requireOrganizationRole('read_sales'),
  request: { params: organizationParamsSchema, query: salesSummaryQuerySchema },
  responses: {
    200: {
      description: 'The totals.',
      headers: privateNoStore,
      content: { 'application/json': { schema: salesSummarySchema } },
    },
    ...errorResponses(ORGANIZATION_ERRORS, organizationErrorMessages),
  },
});

/** `GET /api/organizations/{orgId}/sales.csv`. */
export const exportSalesRoute = createRoute({
  method: 'get',
  path: '/{orgId}/sales.csv',
  operationId: 'exportSales',
  tags: ['organizations'],
  summary: "The organization's sales as CSV",
  description: `The rows of \`GET …/sales\` under the same filters, all of them, as CSV (RFC 4180, CRLF, a header line, the JSON field names as columns, empty for null). Streamed: read from the database 1,000 rows per query as the client downloads, so an export of any size never sits in memory; a failure after the first rows cuts the download short. A title or customer id starting with \`=\`, \`+\`, \`-\`, \`@\`, tab or CR is prefixed with \`'\` so spreadsheets do not run it as a formula. ${staffDescription}`,
  security: buyerTokenSecurity,
  middleware: requireOrganizationRole('read_sales'),
  request: { params: organizationParamsSchema, query: salesExportQuerySchema },
  responses: {
    200: {
      description: 'The sales, newest first.',
      headers: z.object({
        ...requestIdHeader,
        'Cache-Control': z.literal('private, no-store'),
        'Content-Disposition': z.string().openapi({
          example: 'attachment; filename="sales-0d9a6c1e-5b4f-4e1a-9c3d-2f7e8a1b6c40.csv"',
        }),
      }),
      content: {
        'text/csv': {
          schema: z.string().openapi({
            example:
              'purchaseId,contentId,contentTitle,amountCents,currency,amountRefundedCents,disputeStatus,status,hasAccess,customerId,createdAt,purchasedAt,refundedAt\r\n',
          }),
        },
      },
    },
    ...errorResponses(ORGANIZATION_ERRORS, organizationErrorMessages),
  },
});

/**
 * The organization staff's routes, mounted at `/api/organizations`. Every route names its action
 * in `requireOrganizationRole(action)`, the one place access is decided.
 */
export const organizationRoutes = createApiRoutes()
  .openapi(listSalesRoute, async (c) => {
    const { orgId } = c.req.valid('param');
    const { cursor, limit, ...filters } = c.req.valid('query');
    const page = await c.var.sales().listSales(orgId, filters, { cursor, limit });
    c.header('Cache-Control', 'private, no-store');
    return c.json({ data: page.items.map(toPurchaseJson), nextCursor: page.nextCursor }, 200);
  })
  .openapi(summarizeSalesRoute, async (c) => {
    const { orgId } = c.req.valid('param');
    const summary = await c.var.sales().summarizeSales(orgId, c.req.valid('query'));
    c.header('Cache-Control', 'private, no-store');
    return c.json({ data: summary }, 200);
  })
  .openapi(exportSalesRoute, async (c) => {
    const { orgId } = c.req.valid('param');
    const filters = c.req.valid('query');
    const sales = c.var.sales();
    // The first page is read before answering, so a failing database is still a clean 500.
    const firstPage = await sales.exportSalesPage(orgId, filters);
    const body = salesCsvStream({
      firstPage,
      readPage: (cursor) => sales.exportSalesPage(orgId, filters, cursor),
      onError: (error) => c.var.logger.trackError(error, { stage: 'sales export' }),
    });
    return c.body(body, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="sales-${orgId}.csv"`,
      'Cache-Control': 'private, no-store',
    });
  });
