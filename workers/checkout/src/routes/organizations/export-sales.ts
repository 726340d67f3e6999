import { withCreatedAtRange } from '@codex/validation';
import { createRoute, z } from '@hono/zod-openapi';
import { buyerTokenSecurity, createApiRoutes } from '../../openapi/create-api-routes';
import { apiErrorResponses } from '../../openapi/error-responses';
import { privateNoStoreHeaders } from '../../openapi/response-headers';
import { SALES_CSV_HEADER, salesCsvStream } from './sales-csv-stream';
import {
  organizationParamsSchema,
  SALES_READ_ERRORS,
  STAFF_READ_NOTE,
  salesFilterShape,
  salesReadErrorMessages,
  staffCaller,
} from './sales-read-schemas';

/** Query string of the CSV export: the list's filters, no cursor or limit (it is every row). */
export const salesExportQuerySchema = withCreatedAtRange(salesFilterShape);

const exportSalesRoute = createRoute({
  method: 'get',
  path: '/{orgId}/sales.csv',
  operationId: 'exportSales',
  tags: ['organizations'],
  summary: "The organization's sales as CSV",
  description: `The rows of \`GET …/sales\` under the same filters, all of them, as CSV (RFC 4180, CRLF, a header line, the JSON field names as columns, empty for null). Streamed: read from the database 1,000 rows per query as the client downloads, so an export of any size never sits in memory; a failure after the first rows cuts the download short. A title or customer id starting with \`=\`, \`+\`, \`-\`, \`@\`, tab or CR is prefixed with \`'\` so spreadsheets do not run it as a formula. ${STAFF_READ_NOTE}`,
  security: buyerTokenSecurity,
  request: { params: organizationParamsSchema, query: salesExportQuerySchema },
  responses: {
    200: {
      description: 'The sales, newest first.',
      headers: privateNoStoreHeaders.extend({
        'Content-Disposition': z.string().openapi({
          example: 'attachment; filename="sales-0d9a6c1e-5b4f-4e1a-9c3d-2f7e8a1b6c40.csv"',
        }),
      }),
      content: { 'text/csv': { schema: z.string().openapi({ example: SALES_CSV_HEADER }) } },
    },
    ...apiErrorResponses(SALES_READ_ERRORS, salesReadErrorMessages),
  },
});

/**
 * `GET /api/organizations/:orgId/sales.csv`: every sale under the list's filters as CSV, streamed
 * a page at a time as the client reads (staff with any role).
 */
export const exportSales = createApiRoutes().openapi(exportSalesRoute, async (c) => {
  const { orgId } = c.req.valid('param');
  const filters = c.req.valid('query');
  const sales = c.var.sales();
  const caller = staffCaller(c, orgId);
  // The first page is read before answering, so a refusal (404, 403) or a failing database is
  // still a clean error status. Every page reads the caller's role again, in its own statement.
  const firstPage = await sales.exportSalesPage(caller, filters);
  const body = salesCsvStream({
    firstPage,
    readPage: (cursor) => sales.exportSalesPage(caller, filters, cursor),
    onError: (error) => c.var.logger.trackError(error, { stage: 'sales export' }),
  });
  return c.body(body, 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="sales-${orgId}.csv"`,
    'Cache-Control': 'private, no-store',
  });
});
