import { z } from 'zod';

// What each handled event's object must carry for its handler. Stripe sends much more; unknown
// fields pass through untouched. A signed event that does not fit is kept for replay, not retried.

const stripeId = z.string().min(1).max(255);
/** An expandable reference: the id, or the expanded object carrying it. */
const reference = z.union([stripeId, z.object({ id: stripeId }).loose()]);
const cents = z.number().int().nonnegative();
const metadata = z.record(z.string(), z.string()).nullish();

/** The fields of a Checkout Session that fulfillment reads (a webhook payload or a retrieved session). */
export const checkoutSessionSchema = z
  .object({
    id: stripeId,
    client_reference_id: z.string().nullish(),
    metadata,
    status: z.enum(['open', 'complete', 'expired']).nullish(),
    payment_status: z.enum(['paid', 'unpaid', 'no_payment_required']),
    amount_total: cents.nullish(),
    amount_subtotal: cents.nullish(),
    total_details: z.object({ amount_discount: cents, amount_tax: cents }).loose().nullish(),
    currency: z.string().nullish(),
    payment_intent: reference.nullish(),
    /** The session's Customer: the one it named, or the one Checkout created (`customer_creation`). */
    customer: reference.nullish(),
    /** The discounts applied: in Checkout at most one, by a coupon or a promotion code. */
    discounts: z.array(z.object({ promotion_code: reference.nullish() }).loose()).nullish(),
  })
  .loose();

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
    status: z.enum([
      'warning_needs_response',
      'warning_under_review',
      'warning_closed',
      'needs_response',
      'under_review',
      'won',
      'lost',
      'prevented',
    ]),
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

const envelopeSchema = z.object({
  id: stripeId,
  type: z.string().min(1).max(255),
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
    return {
      status: 'malformed',
      eventId: typeof loose.id === 'string' && loose.id.length <= 255 ? loose.id : undefined,
      type: typeof loose.type === 'string' && loose.type.length <= 255 ? loose.type : undefined,
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

function describeIssues(error: z.ZodError, prefix?: string): string[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(event)';
    return `${path}: ${issue.code === 'invalid_type' ? 'missing or wrong type' : issue.code}`;
  });
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
