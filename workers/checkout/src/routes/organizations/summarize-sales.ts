import { requireOrganizationRole } from '@codex/security';
import { withCreatedAtRange } from '@codex/validation';
import { createRoute, z } from '@hono/zod-openapi';
import { buyerTokenSecurity, createApiRoutes } from '../../openapi/create-api-routes';
import { apiErrorResponses } from '../../openapi/error-responses';
import { jsonAnswer } from '../../openapi/json-answer';
import { currencyField, minorUnits } from '../../openapi/response-fields';
import { privateNoStoreHeaders } from '../../openapi/response-headers';
import {
  organizationParamsSchema,
  SALES_READ_ERRORS,
  STAFF_READ_NOTE,
  salesReadErrorMessages,
} from './sales-read-schemas';

/** Query string of `GET /api/organizations/{orgId}/sales/summary`: the created-at range. */
export const salesSummaryQuerySchema = withCreatedAtRange({});

const salesTotalsShape = {
  currency: currencyField,
  count: z.number().int().openapi({ description: 'Completed sales.', example: 12 }),
  grossCents: minorUnits(
    'Σ amount charged of the completed sales (as `amountCents` of a sale).',
    18000,
  ),
  refundedCents: minorUnits('Σ refunded (pending and succeeded refunds).', 1500),
  disputedCents: minorUnits('Σ amount charged of the sales whose dispute is open or lost.', 1500),
  netCents: minorUnits(
    'What the organization keeps: Σ (amount − refunded) over the sales not lost in a dispute. = gross − refunded − (amount − refunded of the lost ones); an open dispute is not deducted until lost.',
    15000,
  ),
};

const salesSummarySchema = z
  .object({
    data: z.object({
      currencies: z
        .array(z.object(salesTotalsShape).openapi('SalesTotals'))
        .openapi({ description: 'One entry per currency with completed sales in the range.' }),
      byDay: z
        .array(
          z
            .object({
              day: z.iso.date().openapi({
                description: 'The UTC day the checkout started.',
                example: '2026-11-29',
              }),
              ...salesTotalsShape,
            })
            .openapi('DailySalesTotals'),
        )
        .openapi({ description: 'One entry per (UTC day, currency), by day then currency.' }),
    }),
  })
  .openapi('SalesSummary');

const summarizeSalesRoute = createRoute({
  method: 'get',
  path: '/{orgId}/sales/summary',
  operationId: 'summarizeSales',
  tags: ['organizations'],
  summary: "The organization's sales totals, per currency and per day",
  description: `Completed sales created in [\`from\`, \`to\`) (both optional), per currency and per (UTC day, currency): count, gross, refunded, disputed and net; see \`SalesTotals\` for each definition. The same measures summed over the rows of \`GET …/sales\` with the same range give the same numbers. ${STAFF_READ_NOTE} One query.`,
  security: buyerTokenSecurity,
  middleware: requireOrganizationRole('read_sales'),
  request: { params: organizationParamsSchema, query: salesSummaryQuerySchema },
  responses: {
    200: jsonAnswer('The totals.', salesSummarySchema, privateNoStoreHeaders),
    ...apiErrorResponses(SALES_READ_ERRORS, salesReadErrorMessages),
  },
});

/** `GET /api/organizations/:orgId/sales/summary`: the totals of the sales in a range (staff). */
export const summarizeSales = createApiRoutes().openapi(summarizeSalesRoute, async (c) => {
  const { orgId } = c.req.valid('param');
  const summary = await c.var.sales().summarizeSales(orgId, c.req.valid('query'));
  c.header('Cache-Control', 'private, no-store');
  return c.json({ data: summary }, 200);
});
