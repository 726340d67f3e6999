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
  staffCaller,
} from './sales-read-schemas';

const DAY_MS = 86_400_000;
/** Without `from`, a summary covers this many days before `to` (or now). */
export const SUMMARY_DEFAULT_DAYS = 90;
/** The longest range one summary aggregates (one scan of the sales index); longer: the CSV export. */
export const SUMMARY_MAX_DAYS = 366;

/**
 * Query string of `GET /api/organizations/{orgId}/sales/summary`: the created-at range, at most
 * {@link SUMMARY_MAX_DAYS} days from `from` to `to` (or now).
 */
export const salesSummaryQuerySchema = withCreatedAtRange({}).refine(
  (range) =>
    range.from === undefined ||
    (range.to ?? new Date()).getTime() - range.from.getTime() <= SUMMARY_MAX_DAYS * DAY_MS,
  { error: `must be at most ${SUMMARY_MAX_DAYS} days before \`to\` (or now)`, path: ['from'] },
);

/** The range a summary covers: `from` defaults to {@link SUMMARY_DEFAULT_DAYS} days before `to` or now. */
export function summaryRange(query: { from?: Date | undefined; to?: Date | undefined }, now: Date) {
  const to = query.to;
  const from = query.from ?? new Date((to ?? now).getTime() - SUMMARY_DEFAULT_DAYS * DAY_MS);
  return { from, to };
}

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
      range: z
        .object({
          from: z.iso.datetime().openapi({
            description: `The range's start (inclusive): \`from\`, or ${SUMMARY_DEFAULT_DAYS} days before \`to\` (or now) when not given.`,
            example: '2026-09-01T00:00:00.000Z',
          }),
          to: z.iso.datetime().nullable().openapi({
            description: "The range's end (exclusive): `to`, or null for now.",
            example: null,
          }),
        })
        .openapi({ description: 'The created-at range the totals cover.' }),
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
  description: `Completed sales created in [\`from\`, \`to\`) (both optional; without \`from\`, the ${SUMMARY_DEFAULT_DAYS} days before \`to\` or now; at most ${SUMMARY_MAX_DAYS} days, longer ranges through the CSV export), per currency and per (UTC day, currency): count, gross, refunded, disputed and net; see \`SalesTotals\` for each definition. The same measures summed over the rows of \`GET …/sales\` with the same range give the same numbers. ${STAFF_READ_NOTE} One query.`,
  security: buyerTokenSecurity,
  request: { params: organizationParamsSchema, query: salesSummaryQuerySchema },
  responses: {
    200: jsonAnswer('The totals.', salesSummarySchema, privateNoStoreHeaders),
    ...apiErrorResponses(SALES_READ_ERRORS, salesReadErrorMessages),
  },
});

/** `GET /api/organizations/:orgId/sales/summary`: the totals of the sales in a range (staff). */
export const summarizeSales = createApiRoutes().openapi(summarizeSalesRoute, async (c) => {
  const { orgId } = c.req.valid('param');
  const range = summaryRange(c.req.valid('query'), new Date());
  const summary = await c.var.sales().summarizeSales(staffCaller(c, orgId), range);
  c.header('Cache-Control', 'private, no-store');
  const answeredRange = { from: range.from.toISOString(), to: range.to?.toISOString() ?? null };
  return c.json({ data: { range: answeredRange, ...summary } }, 200);
});
