import type { Page, Sale } from '@codex/purchases';
import { type CsvColumn, csvHeader, csvPageStream, toCsvLine } from '../../csv-stream';

/** The fields of a sale as the JSON list names them, in the CSV's column order. */
const FIELDS = [
  'purchaseId',
  'contentId',
  'contentTitle',
  'amountCents',
  'currency',
  'amountRefundedCents',
  'disputeStatus',
  'status',
  'hasAccess',
  'customerId',
  'createdAt',
  'purchasedAt',
  'refundedAt',
] as const satisfies readonly (keyof Sale)[];

/** Text others wrote: a formula-looking value is defused. */
const TEXT_FIELDS = new Set<keyof Sale>(['contentTitle', 'customerId']);

/** The CSV's columns: each named after the sale's JSON field. */
const COLUMNS: readonly CsvColumn<Sale>[] = FIELDS.map((field) => ({
  name: field,
  value: (sale: Sale) => sale[field],
  isText: TEXT_FIELDS.has(field),
}));

/** The header line. Lines end with CRLF (RFC 4180). */
export const SALES_CSV_HEADER = csvHeader(COLUMNS);

/** One sale as one CSV line (CRLF included). */
export function toSalesCsvLine(sale: Sale): string {
  return toCsvLine(COLUMNS, sale);
}

/** Options for {@link salesCsvStream}. */
export interface SalesCsvStreamOptions {
  /** The first page, already read (so that its failure is still an ordinary error answer). */
  firstPage: Page<Sale>;
  /** Reads the page after `cursor`: one statement of at most 1,000 rows. */
  readPage: (cursor: string) => Promise<Page<Sale>>;
  /** Told when a later page fails; the stream then errors (the download is cut short). */
  onError: (error: unknown) => void;
}

/**
 * The sales as a CSV byte stream: the header, then one chunk per page, read only as the consumer
 * pulls (`csvPageStream`): at most one page (≤ 1,000 sales) in memory at any moment.
 */
export function salesCsvStream(options: SalesCsvStreamOptions): ReadableStream<Uint8Array> {
  return csvPageStream({ ...options, columns: COLUMNS, name: 'sales' });
}
