import { fractionDigits } from '../api/format-money';

/** Text that is already HTML (the result of {@link html}); everything else is escaped. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an HTML element or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

/**
 * A tagged template for the local Stripe's pages: interpolated values are escaped unless they are
 * `Html` themselves; arrays are joined; `undefined`, `null` and `false` render nothing.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new Html(out);
}

function render(value: unknown): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** `12.5` (major units, as a person types it) → 1250 minor units; undefined if it is not an amount. */
export function parseMajorAmount(text: string, currency: string): number | undefined {
  const digits = fractionDigits(currency);
  const match = /^\s*(\d{1,9})(?:[.,](\d+))?\s*$/.exec(text);
  if (!match) return undefined;
  const [, whole = '0', fraction = ''] = match;
  if (fraction.length > digits) return undefined;
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

/** A whole page in the local Stripe's look. */
export function page(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${new Html(STYLE)}</style>
</head>
<body>
<div class="banner">Local Stripe — a stand-in for Stripe on this machine. No real money moves.</div>
<main>${body}</main>
</body>
</html>`.value;
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 0; background: #f6f9fc; color: #1a1f36; }
.banner { background: #635bff; color: #fff; padding: 6px 16px; font-size: 13px; }
main { max-width: 960px; margin: 24px auto; padding: 0 16px; }
.card { background: #fff; border-radius: 8px; box-shadow: 0 1px 3px rgba(0,0,0,.12); padding: 20px; margin-bottom: 16px; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin: 0 0 8px; }
.price { font-size: 28px; font-weight: 600; margin: 8px 0 16px; }
.muted { color: #697386; font-size: 13px; }
button { font: inherit; border: 0; border-radius: 6px; padding: 8px 14px; margin: 4px 4px 4px 0; cursor: pointer; background: #e3e8ee; }
button.primary { background: #635bff; color: #fff; }
button.danger { background: #df1b41; color: #fff; }
form.inline { display: inline; }
input { font: inherit; width: 6em; padding: 6px; }
table { width: 100%; border-collapse: collapse; font-size: 14px; }
td, th { text-align: left; padding: 6px 8px; border-bottom: 1px solid #e3e8ee; vertical-align: top; }
.notice { background: #d7f7c2; padding: 10px 14px; border-radius: 6px; margin-bottom: 16px; }
.error { background: #ffe7f2; padding: 10px 14px; border-radius: 6px; margin-bottom: 16px; }
.status { font-weight: 600; }
.origin { color: #635bff; font-weight: 600; }
`;
