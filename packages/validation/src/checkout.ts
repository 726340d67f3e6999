import { z } from 'zod';
import { contentIdSchema, stripeCheckoutSessionIdSchema } from './ids';

/**
 * Body of `POST /api/checkout`. Only the content id: price, currency and organization come from the
 * content row, so unknown keys (a client-sent `price`, say) are refused rather than ignored.
 */
export const createCheckoutSchema = z.strictObject({ contentId: contentIdSchema });
export type CreateCheckoutInput = z.infer<typeof createCheckoutSchema>;

/** Path parameters of `GET /api/purchases/access/:contentId`. */
export const contentAccessParamsSchema = z.object({ contentId: contentIdSchema });
export type ContentAccessParams = z.infer<typeof contentAccessParamsSchema>;

/** Path parameters of `GET /api/checkout/sessions/:sessionId`. */
export const checkoutSessionParamsSchema = z.object({ sessionId: stripeCheckoutSessionIdSchema });
export type CheckoutSessionParams = z.infer<typeof checkoutSessionParamsSchema>;
