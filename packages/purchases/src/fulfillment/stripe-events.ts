import { stripeDisputeStatuses } from '@codex/database';
import { z } from 'zod';
import { toStorableText } from './storable-text';

// What each handled event's object must carry for its handler. Stripe sends much more; unknown
// fields pass through untouched. A signed event that does not fit is kept for replay, not retried.
// Every string read here reaches Postgres (a key, a parameter, an anomaly's details): ids must be
// printable ASCII, free text is made storable (see storable-text.ts), amounts fit its `integer`.

/** Stripe's ids and event types are opaque, at most 255 characters, printable ASCII (never a NUL). */
const printable = (what: string) =>
  z
    .string()
    .min(1)
    .max(255)
    .regex(/^[!-~]+$/, `not a Stripe ${what}`);
const stripeId = printable('id');
/** An expandable reference: the id, or the expanded object carrying it. */
const reference = z.union([stripeId, z.object({ id: stripeId }).loose()]);
/** Postgres `integer`, the type of every amount column: no purchase can be worth more. */
const INTEGER_MAX = 2_147_483_647;
const cents = z.number().int().nonnegative().max(INTEGER_MAX);
/** Free text from the payload, with what Postgres refuses replaced (it then matches nothing). */
const storableText = z.string().transform(toStorableText);
const metadata = z.record(z.string(), storableText).nullish();
/** ISO 4217, three letters (Stripe sends them lower-case). */
const currency = z.string().regex(/^[a-zA-Z]{3}$/, 'not a currency code');

/** The fields of a Checkout Session that fulfillment reads (a webhook payload or a retrieved session). */
export const checkoutSessionSchema = z
  .object({
    id: stripeId,
    client_reference_id: storableText.nullish(),
    metadata,
    status: z.enum(['open', 'complete', 'expired']).nullish(),
    payment_status: z.enum(['paid', 'unpaid', 'no_payment_required']),
    amount_total: cents.nullish(),
    amount_subtotal: cents.nullish(),
    total_details: z.object({ amount_discount: cents, amount_tax: cents }).loose().nullish(),
    currency: currency.nullish(),
    payment_intent: reference.nullish(),
    /** The session's Customer: the one it named, or the one Checkout created (`customer_creation`). */
    customer: reference.nullish(),
    /** The discounts applied: in Checkout at most one, by a coupon or a promotion code. */
    discounts: z.array(z.object({ promotion_code: reference.nullish() }).loose()).nullish(),
  })
  .loose()
  // The amount check adds the tax to the subtotal in SQL (`matchesSessionAmounts`).
  .refine(
    (session) =>
      (session.amount_subtotal ?? session.amount_total ?? 0) +
        (session.total_details?.amount_tax ?? 0) <=
      INTEGER_MAX,
    { message: 'subtotal and tax add up past Postgres integer', path: ['total_details'] },
  );

const chargeSchema = z
  .object({
    id: stripeId,
    amount: cents,
    amount_refunded: cents,
    payment_intent: reference.nullish(),
    metadata,
  })
  .loose();

const refundSchema = z
  .object({
    id: stripeId,
    amount: cents,
    status: z.enum(['pending', 'requires_action', 'succeeded', 'failed', 'canceled']),
    payment_intent: reference.nullish(),
    charge: reference.nullish(),
    metadata,
  })
  .loose();

const disputeSchema = z
  .object({
    id: stripeId,
    amount: cents,
    status: z.enum(stripeDisputeStatuses),
    payment_intent: reference.nullish(),
    charge: reference,
    metadata,
  })
  .loose();

export type CheckoutSessionSnapshot = z.infer<typeof checkoutSessionSchema>;
export type ChargeSnapshot = z.infer<typeof chargeSchema>;
export type RefundSnapshot = z.infer<typeof refundSchema>;
export type DisputeSnapshot = z.infer<typeof disputeSchema>;

/** Each handled event type and the schema of its `data.object`: the one list of what we handle. */
const objectSchemaByType = {
  'checkout.session.completed': checkoutSessionSchema,
  'checkout.session.async_payment_succeeded': checkoutSessionSchema,
  'checkout.session.async_payment_failed': checkoutSessionSchema,
  'checkout.session.expired': checkoutSessionSchema,
  'charge.refunded': chargeSchema,
  'refund.created': refundSchema,
  'refund.updated': refundSchema,
  'refund.failed': refundSchema,
  'charge.refund.updated': refundSchema,
  'charge.dispute.created': disputeSchema,
  'charge.dispute.updated': disputeSchema,
  'charge.dispute.closed': disputeSchema,
  'charge.dispute.funds_withdrawn': disputeSchema,
  'charge.dispute.funds_reinstated': disputeSchema,
} as const;

export type HandledStripeEventType = keyof typeof objectSchemaByType;

/** The Stripe event types fulfillment handles; any other type is acknowledged and ignored. */
export const handledStripeEventTypes = Object.keys(objectSchemaByType) as HandledStripeEventType[];

/** A handled event whose object has the fields its handler reads. */
export type HandledStripeEvent = {
  [Type in HandledStripeEventType]: {
    id: string;
    type: Type;
    data: { object: z.infer<(typeof objectSchemaByType)[Type]> };
  };
}[HandledStripeEventType];

const eventType = printable('event type');

const envelopeSchema = z.object({
  id: stripeId,
  // Logged even when we do not handle it.
  type: eventType,
  data: z.object({ object: z.unknown() }),
});

/** What {@link parseStripeEvent} makes of a verified event. */
export type ParsedStripeEvent =
  | { status: 'handled'; event: HandledStripeEvent }
  | { status: 'unhandled'; eventId: string; type: string }
  /** Signed, but not the shape we handle: keep it for replay. `problems` name paths, never values. */
  | {
      status: 'malformed';
      eventId: string | undefined;
      type: string | undefined;
      problems: string[];
    };

/**
 * Checks a verified Stripe event against what its handler reads. Never throws: an unhandled type
 * is `unhandled` (its object is not inspected); a handled type whose object lacks a field, or an
 * envelope without id, type or object, is `malformed` with the paths at fault.
 */
export function parseStripeEvent(raw: unknown): ParsedStripeEvent {
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) {
    const loose = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    const id = stripeId.safeParse(loose.id);
    const type = eventType.safeParse(loose.type);
    return {
      status: 'malformed',
      eventId: id.success ? id.data : undefined,
      type: type.success ? type.data : undefined,
      problems: describeIssues(envelope.error),
    };
  }
  const { id, type, data } = envelope.data;
  if (!isHandledType(type)) return { status: 'unhandled', eventId: id, type };
  const object = objectSchemaByType[type].safeParse(data.object);
  if (!object.success) {
    return {
      status: 'malformed',
      eventId: id,
      type,
      problems: describeIssues(object.error, 'data.object'),
    };
  }
  return {
    status: 'handled',
    event: { id, type, data: { object: object.data } } as HandledStripeEvent,
  };
}

function isHandledType(type: string): type is HandledStripeEventType {
  return Object.hasOwn(objectSchemaByType, type);
}

/** At most this many problems are kept per event: a hostile object can have thousands. */
const MAX_PROBLEMS = 20;
/** A path segment is a field name; a metadata key is at most 40 characters at Stripe. */
const MAX_SEGMENT_LENGTH = 40;

/** Stored (`jsonb`) and logged: a segment from the payload (a metadata key) is cut and made storable. */
function describeIssues(error: z.ZodError, prefix?: string): string[] {
  const problems = error.issues.slice(0, MAX_PROBLEMS).map((issue) => {
    const segments = issue.path.map((segment) =>
      toStorableText(String(segment).slice(0, MAX_SEGMENT_LENGTH)),
    );
    const path = [prefix, ...segments].filter(Boolean).join('.') || '(event)';
    const kind = issue.code === 'invalid_type' ? 'missing or wrong type' : issue.code;
    // Our own refinements name the rule broken ("not a Stripe id"); never the value.
    const ours = issue.code === 'invalid_format' || issue.code === 'custom';
    return `${path}: ${ours ? issue.message : kind}`;
  });
  const more = error.issues.length - problems.length;
  return more > 0 ? [...problems, `and ${more} more`] : problems;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID: the only shape of id our purchases have, so anything else names none of them. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** The id inside an expandable reference. */
export function idOf(value: string | { id: string } | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? value : value.id;
}
