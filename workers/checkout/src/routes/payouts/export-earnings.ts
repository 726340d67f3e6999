import type { EarningsLine } from '@codex/purchases';
import { createRoute, z } from '@hono/zod-openapi';
import { type CsvColumn, csvHeader, csvPageStream } from '../../csv-stream';
import { buyerTokenSecurity, createApiRoutes } from '../../openapi/create-api-routes';
import { apiErrorResponses } from '../../openapi/error-responses';
import { privateNoStoreHeaders } from '../../openapi/response-headers';
import { organizationParamsSchema, staffCaller } from '../organizations/sales-read-schemas';
import {
  EARNINGS_READ_NOTE,
  MONEY_RULES,
  PAYOUT_ROUTE_ERRORS,
  payoutRouteErrorMessages,
} from './payout-read-schemas';

/**
 * The CSV's columns, in order: the ledger line's fields in snake case (the accounting tools'
 * spelling). No column holds text someone else wrote (ids, codes, amounts), so none is defused.
 */
const EARNINGS_CSV_COLUMNS: readonly CsvColumn<EarningsLine>[] = [
  { name: 'purchase_id', value: (line) => line.purchaseId },
  { name: 'content_id', value: (line) => line.contentId },
  { name: 'created_at', value: (line) => line.createdAt },
  { name: 'purchased_at', value: (line) => line.purchasedAt },
  { name: 'currency', value: (line) => line.currency },
  { name: 'charged_cents', value: (line) => line.chargedCents },
  { name: 'tax_cents', value: (line) => line.taxCents },
  { name: 'refunded_cents', value: (line) => line.refundedCents },
  { name: 'stripe_fee_cents', value: (line) => line.stripeFeeCents },
  { name: 'platform_fee_cents', value: (line) => line.platformFeeCents },
  { name: 'share_cents', value: (line) => line.shareCents },
  { name: 'due_cents', value: (line) => line.dueCents },
  { name: 'transferred_cents', value: (line) => line.transferredCents },
  { name: 'reversed_cents', value: (line) => line.reversedCents },
  { name: 'transfer_id', value: (line) => line.transferId },
  { name: 'dispute_status', value: (line) => line.disputeStatus },
  { name: 'status', value: (line) => line.status },
];

/** The header line. Lines end with CRLF (RFC 4180). */
export const EARNINGS_CSV_HEADER = csvHeader(EARNINGS_CSV_COLUMNS);

const exportEarningsRoute = createRoute({
  method: 'get',
  path: '/{orgId}/earnings/export',
  operationId: 'exportEarnings',
  tags: ['payouts'],
  summary: "The organization's earnings ledger as CSV",
  description: `Every line of \`GET …/earnings\`, newest first, as CSV (RFC 4180, CRLF, a header line; the line's fields in snake case: \`charged_cents\` is \`chargedCents\`, and so on; instants in ISO 8601; empty for null). Streamed: read from the database 1,000 lines per query as the client downloads, so an export of any size never sits in memory; a failure after the first lines cuts the download short. ${MONEY_RULES} ${EARNINGS_READ_NOTE}`,
  security: buyerTokenSecurity,
  request: { params: organizationParamsSchema },
  responses: {
    200: {
      description: 'The earnings lines, newest first.',
      headers: privateNoStoreHeaders.extend({
        'Content-Disposition': z.string().openapi({
          example: 'attachment; filename="earnings-0d9a6c1e-5b4f-4e1a-9c3d-2f7e8a1b6c40.csv"',
        }),
      }),
      content: { 'text/csv': { schema: z.string().openapi({ example: EARNINGS_CSV_HEADER }) } },
    },
    ...apiErrorResponses(PAYOUT_ROUTE_ERRORS, payoutRouteErrorMessages),
  },
});

/**
 * `GET /api/organizations/:orgId/earnings/export`: the whole earnings ledger as CSV, streamed a
 * page at a time as the client reads (owner, admin, operator).
 */
export const exportEarnings = createApiRoutes().openapi(exportEarningsRoute, async (c) => {
  const { orgId } = c.req.valid('param');
  const payouts = c.var.payouts();
  const caller = staffCaller(c, orgId);
  // The first page is read before answering, so a refusal (404, 403) or a failing database is
  // still a clean error status. Every page reads the caller's role again, in its own statement.
  const firstPage = await payouts.exportEarningsPage(caller);
  const body = csvPageStream({
    columns: EARNINGS_CSV_COLUMNS,
    firstPage,
    readPage: (cursor) => payouts.exportEarningsPage(caller, cursor),
    onError: (error) => c.var.logger.trackError(error, { stage: 'earnings export' }),
    name: 'earnings',
  });
  return c.body(body, 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="earnings-${orgId}.csv"`,
    'Cache-Control': 'private, no-store',
  });
});
