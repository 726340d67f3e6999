import { z } from 'zod';

// RFC 9562 layout, any version and variant, either case: ids from `gen_random_uuid()` or from a
// client that upper-cased them. Normalised to lower case so one id has one spelling. Both cases are
// spelled out rather than flagged `/i`: the OpenAPI document carries the pattern as a JSON Schema
// `pattern`, which has no flags.
const UUID_PATTERN =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A UUID, returned in lower case. */
export const uuidSchema = z
  .string({ error: 'must be a string' })
  .regex(UUID_PATTERN, { error: 'must be a UUID' })
  .transform((value) => value.toLowerCase());

/** Id of a content item (`content.id`). */
export const contentIdSchema = uuidSchema;
/** Id of a purchase (`content_purchases.id`). */
export const purchaseIdSchema = uuidSchema;
/** Id of an organization (`organizations.id`). */
export const organizationIdSchema = uuidSchema;

/**
 * Id of a customer, as the identity provider issues it (a JWT `sub`): opaque, 1 to 255 printable
 * characters without spaces. Never taken from a request body; only from verified credentials.
 */
export const customerIdSchema = z
  .string({ error: 'must be a string' })
  .min(1, { error: 'must not be empty' })
  .max(255, { error: 'must be at most 255 characters' })
  .regex(/^[\x21-\x7e]+$/, { error: 'must be printable ASCII without spaces' });

const stripeIdSchema = (prefix: string) =>
  z
    .string({ error: 'must be a string' })
    .max(255, { error: 'must be at most 255 characters' })
    .regex(new RegExp(`^${prefix}_[A-Za-z0-9_]+$`), {
      error: `must be a Stripe id starting with ${prefix}_`,
    });

/** A Stripe Checkout Session id (`cs_test_...`, `cs_live_...`). */
export const stripeCheckoutSessionIdSchema = stripeIdSchema('cs');
/** A Stripe event id (`evt_...`), the webhook inbox's key. */
export const stripeEventIdSchema = stripeIdSchema('evt');
/** A Stripe PaymentIntent id (`pi_...`). */
export const stripePaymentIntentIdSchema = stripeIdSchema('pi');

export type Uuid = z.infer<typeof uuidSchema>;
export type CustomerId = z.infer<typeof customerIdSchema>;
