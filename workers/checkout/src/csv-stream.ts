import type { Page } from '@codex/purchases';

// What every CSV export of the worker shares: RFC 4180 fields, CRLF lines, defused formulas, and
// the pull-based walk of a paginated read (the sales export, the earnings export).

/** A value of one CSV cell; null is an empty cell, a date its ISO 8601 instant. */
export type CsvValue = string | number | boolean | Date | null;

/** One column of a CSV export: its header name and how a row gives its cell. */
export interface CsvColumn<Row> {
  name: string;
  value: (row: Row) => CsvValue;
  /**
   * True for text someone else wrote (a title, a customer id): a value that could start a formula
   * gets a leading apostrophe.
   */
  isText?: boolean;
}

// A spreadsheet runs a cell starting with one of these as a formula (CSV injection): a title or a
// customer id is text, so such a value gets a leading apostrophe, which spreadsheets hide.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field: text that could start a formula is defused; quoted when it holds `"`, `,`, CR or LF. */
export function csvField(value: CsvValue, isText: boolean): string {
  if (value === null) return '';
  if (value instanceof Date) return value.toISOString();
  let text = String(value);
  if (isText && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The header line of `columns` (CRLF included: lines end with CRLF, RFC 4180). */
export function csvHeader<Row>(columns: readonly CsvColumn<Row>[]): string {
  return `${columns.map((column) => csvField(column.name, false)).join(',')}\r\n`;
}

/** One row as one CSV line (CRLF included). */
export function toCsvLine<Row>(columns: readonly CsvColumn<Row>[], row: Row): string {
  return `${columns.map((column) => csvField(column.value(row), column.isText === true)).join(',')}\r\n`;
}

/** Options for {@link csvPageStream}. */
export interface CsvPageStreamOptions<Row> {
  columns: readonly CsvColumn<Row>[];
  /** The first page, already read (so that its failure is still an ordinary error answer). */
  firstPage: Page<Row>;
  /** Reads the page after `cursor`: one statement of a bounded number of rows. */
  readPage: (cursor: string) => Promise<Page<Row>>;
  /** Told when a later page fails; the stream then errors (the download is cut short). */
  onError: (error: unknown) => void;
  /** What the export is, for the stream's error: `sales` gives "The sales export failed". */
  name: string;
}

/**
 * Rows of a paginated read as a CSV byte stream: the header, then one chunk per page. Pull-based
 * with a high-water mark of 0, so the next page is read only when the consumer asks for more: the
 * worker holds at most one page at any moment, however many rows the walk covers, and a client
 * that stops reading stops the queries.
 */
export function csvPageStream<Row>(options: CsvPageStreamOptions<Row>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const { columns } = options;
  let next: Page<Row> | undefined = options.firstPage;
  let cursor = options.firstPage.nextCursor;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(csvHeader(columns)));
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
            const lines = page.items.map((row) => toCsvLine(columns, row));
            controller.enqueue(encoder.encode(lines.join('')));
          }
          if (cursor === null) controller.close();
        } catch (error) {
          options.onError(error);
          controller.error(new Error(`The ${options.name} export failed`));
        }
      },
    },
    { highWaterMark: 0 },
  );
}
