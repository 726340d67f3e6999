import { type EmailOutboxRow, type Queryable, queryRows, sql } from '@codex/database';
import {
  type RenderedEmail,
  renderAccessRestored,
  renderAccessRevoked,
  renderPurchaseConfirmation,
} from '@codex/email';

/** What the claim reads beside the row: its stored bytes, or the facts to render them from. */
export interface MessageFacts {
  id: string;
  kind: EmailOutboxRow['kind'];
  created_at: string | Date;
  subject: string | null;
  html_body: string | null;
  text_body: string | null;
  title: string | null;
  price_paid_cents: number;
  currency: string;
  purchased_at: string | Date | null;
  dispute_status: string | null;
  /** The purchase's PaymentIntent, whose charge's receipt the confirmation links. */
  payment_intent_id: string | null;
}

/** Stripe's receipt URL of a PaymentIntent's charge, or nothing. May throw (Stripe unavailable). */
export type FindReceiptUrl = (paymentIntentId: string) => Promise<string | undefined>;

/**
 * The bytes to send for a claimed row: the ones stored with it, or, for a row that has none yet
 * (its first attempt, or a row written before the bytes were kept), rendered now and stored before
 * the send (a confirmation with Stripe's receipt linked, when `receiptUrl` finds one). Every later
 * attempt then sends exactly these bytes: Resend refuses another body under
 * a used idempotency key (409 `invalid_idempotent_request`), so re-rendering from live data (a
 * title changed meanwhile) would turn a message already delivered into a dead letter. Throws only
 * if the database fails.
 */
export async function bytesToSend(
  db: Queryable,
  row: MessageFacts,
  receiptUrl?: () => Promise<string | undefined>,
): Promise<RenderedEmail> {
  const stored = storedBytesOf(row);
  if (stored) return stored;
  const rendered = renderFacts(
    row,
    row.kind === 'purchase_confirmation' && receiptUrl ? await receiptUrl() : undefined,
  );
  // COALESCE: whatever is stored first wins, so two writers can never leave two versions.
  const [kept] = await queryRows<{ subject: string; html_body: string; text_body: string }>(
    db,
    sql`UPDATE email_outbox
        SET subject = COALESCE(subject, ${rendered.subject}),
            html_body = COALESCE(html_body, ${rendered.html}),
            text_body = COALESCE(text_body, ${rendered.text})
        WHERE id = ${row.id}
        RETURNING subject, html_body, text_body`,
  );
  return kept ? { subject: kept.subject, html: kept.html_body, text: kept.text_body } : rendered;
}

function storedBytesOf(row: MessageFacts): RenderedEmail | undefined {
  if (row.subject === null || row.html_body === null || row.text_body === null) return undefined;
  return { subject: row.subject, html: row.html_body, text: row.text_body };
}

function renderFacts(row: MessageFacts, receiptUrl: string | undefined): RenderedEmail {
  const title = row.title ?? 'your purchase';
  if (row.kind === 'purchase_confirmation') {
    return renderPurchaseConfirmation({
      title,
      amount: Number(row.price_paid_cents),
      currency: String(row.currency),
      purchasedAt: toDate(row.purchased_at ?? row.created_at),
      ...(receiptUrl ? { receiptUrl } : {}),
    });
  }
  if (row.kind === 'refund_receipt') {
    // Written with its bytes (`email_outbox_receipt_rendered`): reaching here is a bug.
    throw new Error('refund receipt without stored bytes');
  }
  if (row.kind === 'access_restored') {
    return renderAccessRestored({ title, restoredAt: toDate(row.created_at) });
  }
  return renderAccessRevoked({
    title,
    reason: row.dispute_status === 'lost' ? 'dispute_lost' : 'refund',
    revokedAt: toDate(row.created_at),
  });
}

/** A timestamp as the driver returns it (a `Date`, or text over SQL over HTTP). */
export function toDate(value: string | Date): Date {
  return value instanceof Date ? value : new Date(value);
}
