import { and, eq, organizationMembers, platformOperators, sql } from '@codex/database';
import { addTestMember, addTestOperator, createTestUser } from '@codex/test-utils';
import { describe, expect, it } from 'vitest';
import { moneyPurchases } from '../testing/money-purchases';
import { codeOf } from '../testing/refusal-code';
import { useTestWorld } from '../testing/test-world';
import { queryAsStaff } from './query-as-staff';

// Staff power lives in the database (decision 024): each staff statement reads the caller's role
// itself. These tests change the tables between two calls of the same service, as an
// administrator would between two requests of a member whose token is still valid.
const world = useTestWorld();
const { paidPurchase } = moneyPurchases(world, 1_000);

function refundOf(purchase: { organizationId: string; purchaseId: string }, requestedBy: string) {
  return {
    organizationId: purchase.organizationId,
    purchaseId: purchase.purchaseId,
    requestedBy,
    idempotencyKey: crypto.randomUUID(),
    amountCents: 100,
    reason: 'requested_by_customer' as const,
    revokeAccess: true,
  };
}

async function removeMember(organizationId: string, userId: string) {
  await world()
    .db.delete(organizationMembers)
    .where(
      and(
        eq(organizationMembers.organizationId, organizationId),
        eq(organizationMembers.userId, userId),
      ),
    );
}

describe('staff roles read in the statement', () => {
  it('a member removed from the table is refused (NOT_FOUND) on the next call', async () => {
    const { organizationId } = await world().newItem(500);
    const user = createTestUser();
    await addTestMember(world().db, organizationId, user, 'member');
    const caller = { organizationId, userId: user };

    await expect(world().sales().listSales(caller)).resolves.toMatchObject({ items: [] });
    await removeMember(organizationId, user);

    expect(await codeOf(world().sales().listSales(caller))).toBe('NOT_FOUND');
    expect(await codeOf(world().sales().summarizeSales(caller))).toBe('NOT_FOUND');
    expect(await codeOf(world().sales().exportSalesPage(caller))).toBe('NOT_FOUND');
  });

  it('an admin removed from the table can no longer refund; put back as member, FORBIDDEN', async () => {
    const purchase = await paidPurchase();
    const user = createTestUser();
    await addTestMember(world().db, purchase.organizationId, user, 'admin');
    await expect(world().refunds().issueRefund(refundOf(purchase, user))).resolves.toMatchObject({
      amountCents: 100,
    });

    await removeMember(purchase.organizationId, user);
    expect(await codeOf(world().refunds().issueRefund(refundOf(purchase, user)))).toBe('NOT_FOUND');

    await addTestMember(world().db, purchase.organizationId, user, 'member');
    expect(await codeOf(world().refunds().issueRefund(refundOf(purchase, user)))).toBe('FORBIDDEN');
    // A member still reads the sales.
    const { items } = await world().sales().listSales({
      organizationId: purchase.organizationId,
      userId: user,
    });
    expect(items.map((sale) => sale.purchaseId)).toEqual([purchase.purchaseId]);
  });

  it('a refusal writes nothing: no refund request is recorded for a member', async () => {
    const purchase = await paidPurchase();
    const user = createTestUser();
    await addTestMember(world().db, purchase.organizationId, user, 'member');
    expect(await codeOf(world().refunds().issueRefund(refundOf(purchase, user)))).toBe('FORBIDDEN');
    const { rows } = await world().db.execute(
      sql`SELECT 1 FROM refund_requests WHERE requested_by = ${user}`,
    );
    expect(rows).toHaveLength(0);
  });

  it('a member of another organization is NOT_FOUND here, as for an organization that does not exist', async () => {
    const mine = await world().newItem(500);
    const theirs = await world().newItem(500);
    const user = createTestUser();
    await addTestMember(world().db, mine.organizationId, user, 'owner');
    const caller = (organizationId: string) => ({ organizationId, userId: user });

    expect(await codeOf(world().sales().listSales(caller(theirs.organizationId)))).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(world().sales().listSales(caller(crypto.randomUUID())))).toBe('NOT_FOUND');
  });

  it('a platform operator reads and refunds in any organization, until their row is removed', async () => {
    const purchase = await paidPurchase();
    const operator = createTestUser();
    await addTestOperator(world().db, operator);
    const caller = { organizationId: purchase.organizationId, userId: operator };

    const { items } = await world().sales().listSales(caller);
    expect(items.map((sale) => sale.purchaseId)).toEqual([purchase.purchaseId]);
    await expect(
      world().refunds().issueRefund(refundOf(purchase, operator)),
    ).resolves.toMatchObject({ replayed: false });

    await world().db.delete(platformOperators).where(eq(platformOperators.userId, operator));
    expect(await codeOf(world().sales().listSales(caller))).toBe('NOT_FOUND');
  });
});

describe('queryAsStaff', () => {
  it('returns the statement rows in their order, without its own columns', async () => {
    const { organizationId } = await world().newItem(500);
    const user = createTestUser();
    await addTestMember(world().db, organizationId, user, 'owner');
    const answer = await queryAsStaff<{ n: number }>(
      world().db,
      { organizationId, userId: user },
      'review',
      sql`SELECT n FROM generate_series(1, 50) AS n ORDER BY n DESC`,
    );
    expect(answer.role).toBe('owner');
    expect(answer.rows.map((row) => Number(row.n))).toEqual(
      Array.from({ length: 50 }, (_, index) => 50 - index),
    );
    expect(Object.keys(answer.rows[0] ?? {})).toEqual(['n']);
  });

  it('runs nothing of the statement for a role that may not act (a LIMIT 0 gate), on every planner', async () => {
    const { organizationId } = await world().newItem(500);
    const user = createTestUser();
    await addTestMember(world().db, organizationId, user, 'member');
    // Would fail (division by zero) if it ran.
    const run = queryAsStaff(
      world().db,
      { organizationId, userId: user },
      'review',
      sql`SELECT 1 / (SELECT count(*) - count(*) FROM organizations) AS boom`,
    );
    expect(await codeOf(run)).toBe('FORBIDDEN');
  });
});
