import {
  createTestContent,
  createTestDatabase,
  createTestOrganization,
  createTestUser,
  explainPlan,
  seedPurchaseVolume,
  type TestDatabase,
} from '@codex/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, getPostgresError, grantsAccessSql, PostgresErrorCode, sql } from '../index';
import {
  content,
  contentPurchases,
  type NewContentPurchase,
  stripeRefunds,
  stripeWebhookEvents,
} from './index';

let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await createTestDatabase();
});

afterAll(async () => {
  await testDb?.close();
});

/** Awaits `promise`, expecting Postgres to refuse it; returns the SQLSTATE and constraint. */
async function expectRefused(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, 'the statement should have been refused by Postgres').toBeInstanceOf(Error);
  const details = getPostgresError(error);
  expect(details, `not a Postgres error: ${String(error)}`).toBeDefined();
  return details ?? { code: '', constraint: undefined };
}

async function createPurchasable(priceCents = 1_500) {
  const organization = await createTestOrganization(testDb.db);
  const item = await createTestContent(testDb.db, { organizationId: organization.id, priceCents });
  return { organization, item };
}

function purchaseValues(
  item: { id: string; organizationId: string; priceCents: number },
  overrides: Partial<NewContentPurchase> = {},
): NewContentPurchase {
  return {
    customerId: createTestUser(),
    contentId: item.id,
    organizationId: item.organizationId,
    pricePaidCents: item.priceCents,
    currency: 'usd',
    ...overrides,
  };
}

describe('one active purchase per customer and content', () => {
  it('refuses a second pending purchase for the same customer and content', async () => {
    const { item } = await createPurchasable();
    const first = purchaseValues(item);
    await testDb.db.insert(contentPurchases).values(first);

    const refusal = await expectRefused(testDb.db.insert(contentPurchases).values({ ...first }));
    expect(refusal).toEqual({
      code: PostgresErrorCode.uniqueViolation,
      constraint: 'content_purchases_one_active_per_customer_content',
    });
  });

  it('refuses a pending purchase next to a completed one', async () => {
    const { item } = await createPurchasable();
    const completed = purchaseValues(item, { status: 'completed', purchasedAt: new Date() });
    await testDb.db.insert(contentPurchases).values(completed);

    const refusal = await expectRefused(
      testDb.db
        .insert(contentPurchases)
        .values({ ...completed, status: 'pending', purchasedAt: null }),
    );
    expect(refusal.code).toBe(PostgresErrorCode.uniqueViolation);
  });

  it('lets failed attempts pile up and a new pending purchase follow them', async () => {
    const { item } = await createPurchasable();
    const customerId = createTestUser();
    await testDb.db
      .insert(contentPurchases)
      .values([
        purchaseValues(item, { customerId, status: 'failed' }),
        purchaseValues(item, { customerId, status: 'failed' }),
        purchaseValues(item, { customerId, status: 'pending' }),
      ]);
    const rows = await testDb.db
      .select({ status: contentPurchases.status })
      .from(contentPurchases)
      .where(eq(contentPurchases.customerId, customerId));
    expect(rows.map((row) => row.status).sort()).toEqual(['failed', 'failed', 'pending']);
  });

  it('gives the slot back after a full refund or a lost dispute, not while a dispute is open', async () => {
    const { item } = await createPurchasable();
    const customerId = createTestUser();
    const completed = { customerId, status: 'completed' as const, purchasedAt: new Date() };
    await testDb.db
      .insert(contentPurchases)
      .values([
        purchaseValues(item, { ...completed, refundedAt: new Date(), amountRefundedCents: 500 }),
        purchaseValues(item, { ...completed, disputeStatus: 'lost' }),
        purchaseValues(item, { ...completed, disputeStatus: 'open' }),
      ]);

    const refusal = await expectRefused(
      testDb.db.insert(contentPurchases).values(purchaseValues(item, { customerId })),
    );
    expect(refusal.constraint).toBe('content_purchases_one_active_per_customer_content');
  });

  it('refuses a refund status Stripe does not have', async () => {
    const { item } = await createPurchasable();
    const [purchase] = await testDb.db
      .insert(contentPurchases)
      .values(purchaseValues(item))
      .returning({ id: contentPurchases.id });
    const refusal = await expectRefused(
      testDb.db.insert(stripeRefunds).values({
        id: `re_${createTestUser()}`,
        purchaseId: purchase?.id ?? '',
        amountCents: 100,
        status: 'refunded' as 'succeeded',
      }),
    );
    expect(refusal).toEqual({
      code: PostgresErrorCode.checkViolation,
      constraint: 'stripe_refunds_status_valid',
    });
  });

  it('does not stop another customer buying the same content', async () => {
    const { item } = await createPurchasable();
    await testDb.db.insert(contentPurchases).values([purchaseValues(item), purchaseValues(item)]);
    const [row] = await testDb.db
      .select({ count: sql<number>`count(*)::int` })
      .from(contentPurchases)
      .where(eq(contentPurchases.contentId, item.id));
    expect(row?.count).toBe(2);
  });
});

describe('Stripe ids belong to one purchase', () => {
  it('refuses a checkout session id used twice', async () => {
    const { item } = await createPurchasable();
    await testDb.db
      .insert(contentPurchases)
      .values(purchaseValues(item, { stripeCheckoutSessionId: 'cs_test_dup_1' }));
    const refusal = await expectRefused(
      testDb.db
        .insert(contentPurchases)
        .values(purchaseValues(item, { stripeCheckoutSessionId: 'cs_test_dup_1' })),
    );
    expect(refusal).toEqual({
      code: PostgresErrorCode.uniqueViolation,
      constraint: 'content_purchases_stripe_checkout_session_id_unique',
    });
  });

  it('refuses a payment intent id used twice', async () => {
    const { item } = await createPurchasable();
    await testDb.db
      .insert(contentPurchases)
      .values(purchaseValues(item, { status: 'failed', stripePaymentIntentId: 'pi_dup_1' }));
    const refusal = await expectRefused(
      testDb.db
        .insert(contentPurchases)
        .values(purchaseValues(item, { status: 'failed', stripePaymentIntentId: 'pi_dup_1' })),
    );
    expect(refusal).toEqual({
      code: PostgresErrorCode.uniqueViolation,
      constraint: 'content_purchases_stripe_payment_intent_id_unique',
    });
  });

  it('allows any number of purchases that have no Stripe ids yet', async () => {
    const { item } = await createPurchasable();
    await testDb.db
      .insert(contentPurchases)
      .values([purchaseValues(item), purchaseValues(item), purchaseValues(item)]);
  });
});

describe('amounts, currencies and statuses', () => {
  it('refuses content with a negative price', async () => {
    const organization = await createTestOrganization(testDb.db);
    const refusal = await expectRefused(
      createTestContent(testDb.db, { organizationId: organization.id, priceCents: -1 }),
    );
    expect(refusal).toEqual({
      code: PostgresErrorCode.checkViolation,
      constraint: 'content_price_cents_non_negative',
    });
  });

  it('refuses a purchase with a negative price paid', async () => {
    const { item } = await createPurchasable();
    const refusal = await expectRefused(
      testDb.db.insert(contentPurchases).values(purchaseValues(item, { pricePaidCents: -500 })),
    );
    expect(refusal).toEqual({
      code: PostgresErrorCode.checkViolation,
      constraint: 'content_purchases_price_paid_cents_non_negative',
    });
  });

  it('accepts free content and a zero-priced purchase', async () => {
    const { item } = await createPurchasable(0);
    await testDb.db
      .insert(contentPurchases)
      .values(purchaseValues(item, { status: 'completed', purchasedAt: new Date() }));
  });

  it.each(['USD', 'us', 'usdollar', '€€€'])('refuses the currency %j', async (currency) => {
    const organization = await createTestOrganization(testDb.db);
    const refusal = await expectRefused(
      createTestContent(testDb.db, { organizationId: organization.id, currency }),
    );
    expect(refusal).toEqual({
      code: PostgresErrorCode.checkViolation,
      constraint: 'content_currency_iso_4217_lower',
    });
  });

  it('defaults content to usd and draft', async () => {
    const organization = await createTestOrganization(testDb.db);
    const [row] = await testDb.db
      .insert(content)
      .values({ organizationId: organization.id, title: 'Defaults', priceCents: 100 })
      .returning();
    expect(row).toMatchObject({ currency: 'usd', status: 'draft' });
  });

  it('refuses an unknown content or purchase status', async () => {
    const { organization, item } = await createPurchasable();
    const contentRefusal = await expectRefused(
      testDb.db.execute(
        sql`INSERT INTO content (organization_id, title, price_cents, status) VALUES (${organization.id}, 'x', 1, 'deleted')`,
      ),
    );
    expect(contentRefusal.constraint).toBe('content_status_valid');
    const purchaseRefusal = await expectRefused(
      testDb.db.execute(
        sql`INSERT INTO content_purchases (customer_id, content_id, organization_id, price_paid_cents, currency, status)
            VALUES (${createTestUser()}, ${item.id}, ${item.organizationId}, 1, 'usd', 'refunded')`,
      ),
    );
    expect(purchaseRefusal).toEqual({
      code: PostgresErrorCode.checkViolation,
      constraint: 'content_purchases_status_valid',
    });
  });

  it('refuses a completed purchase without a purchase time', async () => {
    const { item } = await createPurchasable();
    const refusal = await expectRefused(
      testDb.db.insert(contentPurchases).values(purchaseValues(item, { status: 'completed' })),
    );
    expect(refusal.constraint).toBe('content_purchases_completed_has_purchased_at');
  });

  it('refuses an empty customer id', async () => {
    const { item } = await createPurchasable();
    const refusal = await expectRefused(
      testDb.db.insert(contentPurchases).values(purchaseValues(item, { customerId: '' })),
    );
    expect(refusal.constraint).toBe('content_purchases_customer_id_length');
  });
});

describe('foreign keys', () => {
  it('refuses to delete content that has a purchase (ON DELETE RESTRICT)', async () => {
    const { item } = await createPurchasable();
    await testDb.db
      .insert(contentPurchases)
      .values(purchaseValues(item, { status: 'completed', purchasedAt: new Date() }));

    const refusal = await expectRefused(testDb.db.delete(content).where(eq(content.id, item.id)));
    expect([PostgresErrorCode.foreignKeyViolation, PostgresErrorCode.restrictViolation]).toContain(
      refusal.code,
    );
    expect(refusal.constraint).toMatch(/^content_purchases_content_/);

    const [still] = await testDb.db.select().from(content).where(eq(content.id, item.id));
    expect(still?.id).toBe(item.id);
  });

  it('deletes content that nobody bought', async () => {
    const { item } = await createPurchasable();
    const deleted = await testDb.db.delete(content).where(eq(content.id, item.id)).returning();
    expect(deleted).toHaveLength(1);
  });

  it('refuses a purchase whose organization is not its content’s organization', async () => {
    const { item } = await createPurchasable();
    const otherOrganization = await createTestOrganization(testDb.db);
    const refusal = await expectRefused(
      testDb.db
        .insert(contentPurchases)
        .values(purchaseValues(item, { organizationId: otherOrganization.id })),
    );
    expect(refusal).toEqual({
      code: PostgresErrorCode.foreignKeyViolation,
      constraint: 'content_purchases_content_organization_fk',
    });
  });

  it('refuses a purchase of content that does not exist', async () => {
    const organization = await createTestOrganization(testDb.db);
    const refusal = await expectRefused(
      testDb.db.insert(contentPurchases).values(
        purchaseValues({
          id: '00000000-0000-4000-8000-000000000000',
          organizationId: organization.id,
          priceCents: 100,
        }),
      ),
    );
    expect(refusal.code).toBe(PostgresErrorCode.foreignKeyViolation);
  });

  it('refuses content of an organization that does not exist', async () => {
    const refusal = await expectRefused(
      createTestContent(testDb.db, { organizationId: '00000000-0000-4000-8000-000000000001' }),
    );
    expect(refusal).toEqual({
      code: PostgresErrorCode.foreignKeyViolation,
      constraint: 'content_organization_id_organizations_id_fk',
    });
  });
});

describe('webhook inbox', () => {
  it('stores an event id once', async () => {
    await testDb.db
      .insert(stripeWebhookEvents)
      .values({ id: 'evt_once_1', type: 'checkout.session.completed' });
    const refusal = await expectRefused(
      testDb.db
        .insert(stripeWebhookEvents)
        .values({ id: 'evt_once_1', type: 'checkout.session.completed' }),
    );
    expect(refusal).toEqual({
      code: PostgresErrorCode.uniqueViolation,
      constraint: 'stripe_webhook_events_pkey',
    });
  });

  it('lets a duplicate delivery be detected without an error', async () => {
    const insert = () =>
      testDb.db
        .insert(stripeWebhookEvents)
        .values({ id: 'evt_once_2', type: 'charge.refunded' })
        .onConflictDoNothing()
        .returning({ id: stripeWebhookEvents.id });
    expect(await insert()).toEqual([{ id: 'evt_once_2' }]);
    expect(await insert()).toEqual([]);
  });
});

describe('the access check', () => {
  it('is one probe of the active-purchase index on (customer_id, content_id), not a table scan', async () => {
    const { item } = await createPurchasable();
    const customerId = createTestUser();
    await testDb.db
      .insert(contentPurchases)
      .values(purchaseValues(item, { customerId, status: 'completed', purchasedAt: new Date() }));
    // Thousands of other purchases, analysed: the planner weighs the indexes that could answer the
    // check (the slot index; the buyer-history and library indexes, which lead with customer_id
    // too) as it would in production, where on an empty table they all tie.
    await seedPurchaseVolume(testDb.db);
    // The same statement as the access check (`hasAccess` in @codex/purchases).
    const accessQuery = testDb.db
      .select({ id: contentPurchases.id })
      .from(contentPurchases)
      .where(
        and(
          eq(contentPurchases.customerId, customerId),
          eq(contentPurchases.contentId, item.id),
          grantsAccessSql(contentPurchases),
        ),
      )
      .limit(1);
    const plan = await explainPlan(testDb.db, accessQuery.getSQL());
    expect(plan).toMatch(
      /Index (Only )?Scan using content_purchases_one_active_per_customer_content/,
    );
    expect(plan).toMatch(/Index Cond: \(\(customer_id = .+\) AND \(content_id = .+\)\)/);
    expect(plan).not.toMatch(/Seq Scan|Bitmap/);
  });
});
