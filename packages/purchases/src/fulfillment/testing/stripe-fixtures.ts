import fixtures from './stripe-fixtures.json' with { type: 'json' };

/** The resources copied from Stripe's published examples (see STRIPE-FIXTURES-LICENSE.md). */
export type StripeFixtureResource = keyof typeof fixtures;

/**
 * A fresh deep copy of Stripe's own example of `resource`, every field and every usual `null`
 * included, with `bound` laid over it (the ids, metadata, amounts and statuses that tie it to a
 * purchase of the test). Only top-level fields are replaced: nested objects are Stripe's.
 */
export function stripeFixture(
  resource: StripeFixtureResource,
  bound: Record<string, unknown> = {},
): Record<string, unknown> {
  return { ...structuredClone(fixtures[resource]), ...bound };
}

/**
 * Stripe's example event wrapped around `object`: a new id, `type`, and `apiVersion` (Stripe's
 * example has `null`, which events made before versions were stamped carry).
 */
export function stripeFixtureEvent(
  type: string,
  object: Record<string, unknown>,
  apiVersion: string | null,
): Record<string, unknown> {
  return stripeFixture('event', {
    id: `evt_${crypto.randomUUID().replaceAll('-', '')}`,
    type,
    api_version: apiVersion,
    created: Math.floor(Date.now() / 1000),
    data: { object },
  });
}
