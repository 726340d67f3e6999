import { readdir } from 'node:fs/promises';
import { createTestDatabase, nodeWebSocket, type TestDatabase } from '@codex/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../index';
import { migrateDatabase, migrationsFolder } from './migrate';

let empty: TestDatabase;

beforeAll(async () => {
  empty = await createTestDatabase({ migrate: false });
});

afterAll(async () => {
  await empty?.close();
});

async function tableNames(): Promise<string[]> {
  const { rows } = await empty.db.execute<{ table_name: string }>(
    sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
  );
  return rows.map((row) => row.table_name);
}

async function appliedMigrations(): Promise<number> {
  const { rows } = await empty.db.execute<{ count: number }>(
    sql`SELECT count(*)::int AS count FROM drizzle.__drizzle_migrations`,
  );
  return rows[0]?.count ?? -1;
}

describe('migrateDatabase', () => {
  it('creates the schema on an empty database, and a second and concurrent runs change nothing', async () => {
    expect(await tableNames()).toEqual([]);
    const options = {
      connectionString: empty.connectionString,
      webSocketConstructor: nodeWebSocket,
      ...(empty.webSocketProxy ? { webSocketProxy: empty.webSocketProxy } : {}),
    };

    await migrateDatabase(options);
    expect(await tableNames()).toEqual([
      'content',
      'content_purchases',
      'email_outbox',
      'fulfillment_anomalies',
      'organization_members',
      'organizations',
      'payment_events',
      'payout_accounts',
      'payout_reversals',
      'platform_operators',
      'purchase_contacts',
      'reconciliation_cursors',
      'refund_requests',
      'rejected_stripe_events',
      'review_actions',
      'sale_payouts',
      'stripe_customers',
      'stripe_disputes',
      'stripe_refunds',
      'stripe_webhook_events',
    ]);
    const committed = (await readdir(migrationsFolder)).filter((file) => file.endsWith('.sql'));
    expect(await appliedMigrations()).toBe(committed.length);

    await migrateDatabase(options);
    // Two deploys at once: the advisory lock serialises them, the second finds nothing to do.
    await Promise.all([migrateDatabase(options), migrateDatabase(options)]);
    expect(await appliedMigrations()).toBe(committed.length);
  });
});
