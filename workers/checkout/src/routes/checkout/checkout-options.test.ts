import { eq, stripeCustomers } from '@codex/database';
import {
  createTestContent,
  createTestOrganization,
  createTestUser,
} from '@codex/test-utils/factories';
import { describe, expect, it } from 'vitest';
import {
  authorizationFor,
  callWorker,
  stripeRequestsFor,
  testEnv,
  withTestDatabase,
} from '../../testing/test-support';

// The per-deployment checkout options as the worker reads them from its bindings (decision 015).
// What each option means for the amount check is proven in @codex/purchases.

async function createItem() {
  return withTestDatabase(async (db) => {
    const organization = await createTestOrganization(db);
    return createTestContent(db, { organizationId: organization.id, priceCents: 1500 });
  });
}

async function buy(
  customerId: string,
  contentId: string,
  overrides: Record<string, string> = {},
  body: Record<string, string> = {},
) {
  return callWorker(
    '/api/checkout',
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(await authorizationFor(customerId)) },
      body: JSON.stringify({ contentId, ...body }),
    },
    overrides,
  );
}

/** A promotion code of `organizationId`, made at the Stripe stand-in as a seller makes one. */
async function organizationCode(organizationId: string): Promise<string> {
  const code = `TEN-${crypto.randomUUID().slice(0, 8)}`;
  const response = await fetch(
    new URL('/__stub/actions/create-promotion-code', testEnv.STRIPE_API_BASE),
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code, percentOff: 10, metadata: { organizationId } }),
    },
  );
  if (!response.ok) throw new Error(`create-promotion-code: ${response.status}`);
  return code;
}

/** The form of the session-create request Stripe received for this item. */
async function sessionForm(contentId: string): Promise<Record<string, string>> {
  const requests = await stripeRequestsFor(contentId);
  const create = requests.find((request) => request.path === '/v1/checkout/sessions');
  if (!create) throw new Error('no session was created for this item');
  return create.form;
}

describe('checkout options', () => {
  it('by default: no promotion codes, no automatic tax, Checkout creates the buyer’s one Customer', async () => {
    const item = await createItem();
    const customerId = createTestUser();
    expect((await buy(customerId, item.id)).status).toBe(201);
    const form = await sessionForm(item.id);
    expect(form).not.toHaveProperty('allow_promotion_codes');
    expect(form).not.toHaveProperty('discounts[0][promotion_code]');
    expect(form).not.toHaveProperty('automatic_tax[enabled]');
    // A first-time buyer: Checkout creates the Customer, the completion will record it.
    expect(form).toMatchObject({ customer_creation: 'always' });
    expect(form).not.toHaveProperty('customer');
    const mappings = await withTestDatabase((db) =>
      db.select().from(stripeCustomers).where(eq(stripeCustomers.customerId, customerId)),
    );
    expect(mappings).toEqual([]);
  });

  it('sends the switches a deployment turns on', async () => {
    const item = await createItem();
    const response = await buy(createTestUser(), item.id, {
      CHECKOUT_ALLOW_PROMOTION_CODES: 'true',
      CHECKOUT_AUTOMATIC_TAX: 'true',
      CHECKOUT_TAX_BEHAVIOR: 'inclusive',
      STRIPE_REUSE_CUSTOMERS: 'false',
    });
    expect(response.status).toBe(201);
    const form = await sessionForm(item.id);
    expect(form).toMatchObject({
      'automatic_tax[enabled]': 'true',
      'line_items[0][price_data][tax_behavior]': 'inclusive',
    });
    // Codes are accepted with the request and attached by us; Stripe's page never offers a field.
    expect(form).not.toHaveProperty('allow_promotion_codes');
    expect(form).not.toHaveProperty('customer');
    expect(form).not.toHaveProperty('customer_creation');
  });

  it('attaches a buyer’s promotion code of the item’s organization, and refuses another’s with 422', async () => {
    const item = await createItem();
    const other = await createItem();
    const codesOn = { CHECKOUT_ALLOW_PROMOTION_CODES: 'true' };
    const code = await organizationCode(item.organizationId);

    const refused = await buy(createTestUser(), other.id, codesOn, { promotionCode: code });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'PROMOTION_CODE_INVALID',
    );
    expect(await stripeRequestsFor(other.id)).toEqual([]);

    const accepted = await buy(createTestUser(), item.id, codesOn, { promotionCode: code });
    expect(accepted.status).toBe(201);
    expect((await sessionForm(item.id))['discounts[0][promotion_code]']).toMatch(/^promo_/);
  });

  it.each([
    ['CHECKOUT_ALLOW_PROMOTION_CODES', 'yes'],
    ['CHECKOUT_TAX_BEHAVIOR', 'sometimes'],
    ['STRIPE_REUSE_CUSTOMERS', '1'],
  ])('refuses %s=%s as misconfiguration (500, nothing written)', async (name, value) => {
    const item = await createItem();
    const response = await buy(createTestUser(), item.id, { [name]: value });
    expect(response.status).toBe(500);
    expect(await stripeRequestsFor(item.id)).toEqual([]);
  });
});
