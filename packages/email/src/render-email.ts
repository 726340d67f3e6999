/** An e-mail's subject and bodies. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export interface PurchaseConfirmationDetails {
  /** The content's title. */
  title: string;
  /** In the currency's smallest unit, as Stripe counts it (cents; yen for JPY). */
  amount: number;
  /** ISO 4217, any case. */
  currency: string;
  purchasedAt: Date;
  /**
   * Stripe's receipt for the payment (the charge's `receipt_url`), linked when known. A bearer
   * link: it is in the message and nowhere else (never in a log line).
   */
  receiptUrl?: string;
}

export interface AccessRevokedDetails {
  title: string;
  /** Why access ended. */
  reason: 'refund' | 'dispute_lost';
  revokedAt: Date;
}

/** "Your purchase of …": what was bought, for how much, when. Every value is escaped in the HTML. */
export function renderPurchaseConfirmation(details: PurchaseConfirmationDetails): RenderedEmail {
  const price = details.amount === 0 ? 'free' : formatMoney(details.amount, details.currency);
  const when = formatDate(details.purchasedAt);
  const subject = `Your purchase: ${singleLine(details.title)}`;
  const lines = [
    `Thank you for your purchase of "${details.title}".`,
    `Price: ${price}`,
    `Date: ${when}`,
    'You can watch it now in your library.',
  ];
  const receipt = receiptLinkOf(details.receiptUrl);
  const text = receipt ? [...lines, `Receipt: ${receipt}`] : lines;
  return { subject, text: text.join('\n'), html: toHtml(subject, lines, receipt) };
}

/** An http(s) URL as given, else nothing: a link is never built from anything else. */
function receiptLinkOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** "Your access to … has ended": after a full refund or a lost dispute. Escaped like the other. */
export function renderAccessRevoked(details: AccessRevokedDetails): RenderedEmail {
  const subject = `Access ended: ${singleLine(details.title)}`;
  const cause =
    details.reason === 'refund'
      ? 'Your payment was refunded'
      : 'The payment was reversed by your bank';
  const lines = [
    `${cause}, so your access to "${details.title}" ended on ${formatDate(details.revokedAt)}.`,
    'You can buy it again at any time.',
  ];
  return { subject, text: lines.join('\n'), html: toHtml(subject, lines) };
}

export interface AccessRestoredDetails {
  title: string;
  restoredAt: Date;
}

/**
 * "Your access to … is back": after access had ended (a refund that failed, a dispute won later).
 * Sent only to a buyer who was told that access had ended. Escaped like the others.
 */
export function renderAccessRestored(details: AccessRestoredDetails): RenderedEmail {
  const subject = `Access restored: ${singleLine(details.title)}`;
  const lines = [
    `Your access to "${details.title}" was restored on ${formatDate(details.restoredAt)}.`,
    'You can watch it again in your library.',
  ];
  return { subject, text: lines.join('\n'), html: toHtml(subject, lines) };
}

export interface RefundReceiptDetails {
  title: string;
  /** What this refund gave back, in the currency's smallest unit. */
  amount: number;
  /** ISO 4217, any case. */
  currency: string;
  refundedAt: Date;
  /** Whether the buyer can still watch the item after this refund (the purchase's state then). */
  keepsAccess: boolean;
}

/**
 * "Refund: …": one refund that went through, how much and in which currency, and whether the
 * buyer keeps access. Escaped like the others.
 */
export function renderRefundReceipt(details: RefundReceiptDetails): RenderedEmail {
  const subject = `Refund: ${singleLine(details.title)}`;
  const lines = [
    `We refunded ${formatMoney(details.amount, details.currency)} for "${details.title}" on ${formatDate(details.refundedAt)}.`,
    'It can take 5-10 business days to appear on your statement.',
    details.keepsAccess
      ? 'You keep access: you can still watch it in your library.'
      : 'Your access to it has ended; you can buy it again at any time.',
  ];
  return { subject, text: lines.join('\n'), html: toHtml(subject, lines) };
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function formatMoney(amount: number, currency: string): string {
  const format = new Intl.NumberFormat('en', {
    style: 'currency',
    currency: currency.toUpperCase(),
  });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}

function formatDate(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

// A title with a line break must not start a new header line.
function singleLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').trim();
}

function toHtml(subject: string, lines: string[], receiptUrl?: string): string {
  const link = receiptUrl
    ? [`<p><a href="${escapeHtml(receiptUrl)}">View your receipt</a></p>`]
    : [];
  const paragraphs = [...lines.map((line) => `<p>${escapeHtml(line)}</p>`), ...link].join('\n');
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>\n<body>\n${paragraphs}\n</body></html>\n`;
}
