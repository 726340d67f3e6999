import { content, contentPurchases, eq, organizations, sql } from '@codex/database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './create-test-database';
import { createTestContent, createTestOrganization, createTestUser } from './factories';

let first: TestDatabase;
let second: TestDatabase;

beforeAll(async () => {
  [first, second] = await Promise.all([createTestDatabase(), createTestDatabase()]);
});

afterAll(async () => {
  await Promise.all([first?.close(), second?.close()]);
});

describe('createTestDatabase', () => {
  it('gives each caller its own migrated database', async () => {
    expect(first.connectionString).not.toBe(second.connectionString);
    await createTestOrganization(first.db, { name: 'Only in the first' });
    const inSecond = await second.db
      .select()
      .from(organizations)
      .where(eq(organizations.name, 'Only in the first'));
    expect(inSecond).toEqual([]);
  });

  it('runs on the production driver against the mode the run was configured for', async () => {
    const { rows } = await first.db.execute<{ version: string }>(sql`SELECT version() AS version`);
    expect(rows[0]?.version).toMatch(/^PostgreSQL/);
    const expected =
      process.env.TEST_DATABASE_URL || process.env.DATABASE_URL ? 'server' : 'embedded';
    expect(first.mode).toBe(expected);
  });

  it('drops the database on close', async () => {
    const scratch = await createTestDatabase();
    await scratch.close();
    await expect(scratch.db.execute(sql`SELECT 1`)).rejects.toThrow();
    if (scratch.mode === 'server') {
      const name = new URL(scratch.connectionString).pathname.slice(1);
      const { rows } = await first.db.execute(
        sql`SELECT 1 FROM pg_database WHERE datname = ${name}`,
      );
      expect(rows).toEqual([]);
    }
  });
});

describe('factories', () => {
  it('write real rows with purchasable defaults', async () => {
    const organization = await createTestOrganization(first.db);
    const item = await createTestContent(first.db, { organizationId: organization.id });
    const [stored] = await first.db.select().from(content).where(eq(content.id, item.id));
    expect(stored).toMatchObject({
      organizationId: organization.id,
      priceCents: 999,
      currency: 'usd',
      status: 'published',
    });
  });

  it('honour the given price, status and currency', async () => {
    const organization = await createTestOrganization(first.db, { name: 'Named' });
    expect(organization.name).toBe('Named');
    const item = await createTestContent(first.db, {
      organizationId: organization.id,
      priceCents: 0,
      status: 'archived',
      currency: 'eur',
      title: 'Free archive',
    });
    expect(item).toMatchObject({
      priceCents: 0,
      status: 'archived',
      currency: 'eur',
      title: 'Free archive',
    });
  });

  it('create distinct customer ids that purchases accept', async () => {
    const customers = new Set(Array.from({ length: 100 }, () => createTestUser()));
    expect(customers.size).toBe(100);
    const organization = await createTestOrganization(first.db);
    const item = await createTestContent(first.db, { organizationId: organization.id });
    const [customerId] = customers;
    await first.db.insert(contentPurchases).values({
      customerId: customerId ?? '',
      contentId: item.id,
      organizationId: organization.id,
      pricePaidCents: item.priceCents,
      currency: item.currency,
    });
  });
});
