import type { Page, Sale } from '@codex/purchases';

/** The CSV's columns, in order: the fields of a sale as the JSON list names them. */
const COLUMNS = [
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

/** The header line. Lines end with CRLF (RFC 4180). */
export const SALES_CSV_HEADER = `${COLUMNS.join(',')}\r\n`;

// A spreadsheet runs a cell starting with one of these as a formula (CSV injection): a title or a
// customer id is text, so such a value gets a leading apostrophe, which spreadsheets hide.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field: text that could start a formula is defused; quoted when it holds `"`, `,`, CR or LF. */
function csvField(value: string | number | boolean | Date | null, isText: boolean): string {
  if (value === null) return '';
  if (value instanceof Date) return value.toISOString();
  let text = String(value);
  if (isText && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One sale as one CSV line (CRLF included). */
export function toSalesCsvLine(sale: Sale): string {
  return `${COLUMNS.map((column) =>
    csvField(sale[column], column === 'contentTitle' || column === 'customerId'),
  ).join(',')}\r\n`;
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
 * The sales as a CSV byte stream: the header, then one chunk per page. Pull-based with a high-water
 * mark of 0, so the next page is read only when the consumer asks for more: the worker holds at
 * most one page (≤ 1,000 sales) at any moment, however many sales the walk covers, and a client
 * that stops reading stops the queries.
 */
export function salesCsvStream(options: SalesCsvStreamOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let next: Page<Sale> | undefined = options.firstPage;
  let cursor = options.firstPage.nextCursor;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(SALES_CSV_HEADER));
      },
      async pull(controller) {
        try {
          let page = next;
          next = undefined;
          if (page === undefined) {
            if (cursor === null) {
              controller.close();
              return;
            }
            page = await options.readPage(cursor);
            cursor = page.nextCursor;
          }
          if (page.items.length > 0) {
            controller.enqueue(encoder.encode(page.items.map(toSalesCsvLine).join('')));
          }
          if (cursor === null) controller.close();
        } catch (error) {
          options.onError(error);
          controller.error(new Error('The sales export failed'));
        }
      },
    },
    { highWaterMark: 0 },
  );
}
