import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import {
  type ContractCase,
  type ContractTarget,
  type FieldRead,
  observe,
  shapeOf,
} from './stripe-contract-target';

/** What checkout reads of `promotionCodes.list({ code, active: true, limit: 1 })`. */
const LOOKUP_READS: Record<string, FieldRead> = {
  'data.0.id': 'type',
  'data.0.active': 'value',
  'data.0.metadata.organizationId': 'value',
  'data.1': 'type',
};

/** The lookup checkout makes for a code the buyer typed (`findPromotionCode`). */
function lookUp(target: ContractTarget, code: string) {
  return observe(
    target.stripe.promotionCodes.list({ code, active: true, limit: 1 }),
    (page: Stripe.ApiList<Stripe.PromotionCode>) => shapeOf(page, LOOKUP_READS),
  );
}

const found = shapeOf(
  { data: [{ id: 'promo', active: true, metadata: { organizationId: 'contract-org' } }] },
  LOOKUP_READS,
);
const none = shapeOf({ data: [] }, LOOKUP_READS);

/**
 * The promotion-code lookup of checkout: a code an organization's seller made (its
 * `metadata.organizationId`) is found by the code the buyer typed, in any case; an unknown code and
 * a deactivated one are not.
 */
export function promotionCodeCases(): ContractCase[] {
  return [
    {
      name: 'promotion code: found by the typed code, any case; unknown and inactive ones are not',
      expected: { typed: found, lowerCase: found, unknown: none, inactive: none },
      async run(target) {
        const coupon = await target.stripe.coupons.create({ percent_off: 10, duration: 'once' });
        const code = `L${target.runId.replaceAll('-', '').slice(0, 12).toUpperCase()}${randomUUID().slice(0, 4).toUpperCase()}`;
        const created = await target.stripe.promotionCodes.create({
          promotion: { type: 'coupon', coupon: coupon.id },
          code,
          metadata: { organizationId: 'contract-org' },
        });
        const typed = await lookUp(target, code);
        const lowerCase = await lookUp(target, code.toLowerCase());
        const unknown = await lookUp(target, `${code}NOPE`);
        await target.stripe.promotionCodes.update(created.id, { active: false });
        const inactive = await lookUp(target, code);
        return { typed, lowerCase, unknown, inactive };
      },
    },
  ];
}
