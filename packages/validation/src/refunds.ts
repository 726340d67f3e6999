import { z } from 'zod';
import { organizationIdSchema, purchaseIdSchema } from './ids';
import { MAX_PRICE_CENTS } from './money';

/** Why staff refund: Stripe's three reasons, or `other` (no reason is sent to Stripe). */
export const refundReasons = ['requested_by_customer', 'duplicate', 'fraudulent', 'other'] as const;
export type RefundReasonInput = (typeof refundReasons)[number];

/** Longest note staff may keep with a refund. */
export const MAX_REFUND_NOTE_LENGTH = 500;

/**
 * Body of `POST /api/organizations/:orgId/purchases/:purchaseId/refunds`: `amountCents` in the
 * purchase currency's smallest unit (omitted: all that is left to refund), a `reason`, an optional
 * `note` kept with the payment event (never sent to Stripe), and `revokeAccess` (default true: a
 * full refund ends access, as a Dashboard refund does; false keeps it). Unknown fields are refused.
 */
export const createRefundSchema = z.strictObject({
  amountCents: z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number of cents' })
    .min(1, { error: 'must be at least 1' })
    .max(MAX_PRICE_CENTS, { error: `must be at most ${MAX_PRICE_CENTS}` })
    .optional(),
  reason: z.enum(refundReasons, { error: `must be one of ${refundReasons.join(', ')}` }),
  note: z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(MAX_REFUND_NOTE_LENGTH, { error: `must be at most ${MAX_REFUND_NOTE_LENGTH} characters` })
    .optional(),
  revokeAccess: z.boolean({ error: 'must be true or false' }).default(true),
});
export type CreateRefundInput = z.infer<typeof createRefundSchema>;

/**
 * The `Idempotency-Key` header of a refund request: 1 to 255 visible ASCII characters (a UUID per
 * submission is the usual choice). The same key in the same organization is the same request.
 */
export const idempotencyKeySchema = z
  .string({ error: 'is required' })
  .regex(/^[\x21-\x7e]{1,255}$/, { error: 'must be 1 to 255 visible ASCII characters' });

/** Path parameters of `POST /api/organizations/:orgId/purchases/:purchaseId/refunds`. */
export const organizationPurchaseParamsSchema = z.object({
  orgId: organizationIdSchema,
  purchaseId: purchaseIdSchema,
});
export type OrganizationPurchaseParams = z.infer<typeof organizationPurchaseParamsSchema>;
