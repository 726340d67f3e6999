import { contentPurchases } from '@codex/database';
import { createTestContent, createTestOrganization, createTestUser } from '@codex/test-utils';
import { describe, expect, it } from 'vitest';
import { completed, insertPurchases } from '../testing/insert-purchases';
import { useTestWorld } from '../testing/test-world';

const world = useTestWorld();

async function createItem() {
  const organization = await createTestOrganization(world().db);
  return createTestContent(world().db, { organizationId: organization.id });
}

describe('hasAccess', () => {
  it('is true only for a completed purchase of that content by that customer, not fully refunded, without an open or lost dispute', async () => {
    const item = await createItem();
    const otherItem = await createItem();
    const [buyer, pendingBuyer, failedBuyer, refundedBuyer] = Array.from({ length: 4 }, () =>
      createTestUser(),
    ) as [string, string, string, string];
    const [partlyRefunded, disputeOpen, disputeWon, disputeLost] = Array.from({ length: 4 }, () =>
      createTestUser(),
    ) as [string, string, string, string];
    const base = {
      contentId: item.id,
      organizationId: item.organizationId,
      pricePaidCents: item.priceCents,
      currency: item.currency,
    };
    const completed = { ...base, status: 'completed' as const, purchasedAt: new Date() };
    await world()
      .db.insert(contentPurchases)
      .values([
        { ...base, customerId: buyer, status: 'completed', purchasedAt: new Date() },
        { ...base, customerId: pendingBuyer, status: 'pending' },
        { ...base, customerId: failedBuyer, status: 'failed' },
        {
          ...base,
          customerId: refundedBuyer,
          status: 'completed',
          purchasedAt: new Date(),
          refundedAt: new Date(),
        },
        { ...completed, customerId: partlyRefunded, amountRefundedCents: 100 },
        { ...completed, customerId: disputeOpen, disputeStatus: 'open' },
        { ...completed, customerId: disputeWon, disputeStatus: 'won' },
        { ...completed, customerId: disputeLost, disputeStatus: 'lost' },
      ]);
    const service = world().access();

    expect(await service.hasAccess(buyer, item.id)).toBe(true);
    expect(await service.hasAccess(buyer, otherItem.id)).toBe(false);
    expect(await service.hasAccess(pendingBuyer, item.id)).toBe(false);
    expect(await service.hasAccess(failedBuyer, item.id)).toBe(false);
    expect(await service.hasAccess(refundedBuyer, item.id)).toBe(false);
    expect(await service.hasAccess(createTestUser(), item.id)).toBe(false);
    expect(await service.hasAccess(partlyRefunded, item.id)).toBe(true);
    expect(await service.hasAccess(disputeOpen, item.id)).toBe(false);
    expect(await service.hasAccess(disputeWon, item.id)).toBe(true);
    expect(await service.hasAccess(disputeLost, item.id)).toBe(false);
  });
});

describe('checkAccessMany', () => {
  it('answers every id asked, as hasAccess would, collapsing duplicates', async () => {
    const customerId = createTestUser();
    const [granted, refunded, pending] = await insertPurchases(world(), customerId, [
      completed(),
      { ...completed(), amountRefundedCents: 800, refundedAt: new Date() },
      { status: 'pending' },
    ]);
    const [othersPurchase] = await insertPurchases(world(), createTestUser(), [completed()]);
    const unknown = crypto.randomUUID();
    const ids = [
      granted?.contentId ?? '',
      refunded?.contentId ?? '',
      pending?.contentId ?? '',
      othersPurchase?.contentId ?? '',
      unknown,
      granted?.contentId ?? '',
    ];
    const answer = await world().access().checkAccessMany(customerId, ids);
    expect(answer).toEqual({
      [granted?.contentId ?? '']: true,
      [refunded?.contentId ?? '']: false,
      [pending?.contentId ?? '']: false,
      [othersPurchase?.contentId ?? '']: false,
      [unknown]: false,
    });
    expect(Object.keys(answer)).toHaveLength(5);
  });

  it('keys each id as asked, matches it in any case, and answers false for a non-UUID', async () => {
    const customerId = createTestUser();
    const [row] = await insertPurchases(world(), customerId, [completed()]);
    const upper = (row?.contentId ?? '').toUpperCase();
    const answer = await world()
      .access()
      .checkAccessMany(customerId, [upper, '__proto__', "x' OR 1=1"]);
    // An own key `__proto__`, not a prototype: fromEntries builds the expected object the same way.
    expect(answer).toEqual(
      Object.fromEntries([
        [upper, true],
        ['__proto__', false],
        ["x' OR 1=1", false],
      ]),
    );
    expect(Object.getPrototypeOf(answer)).toBe(Object.prototype);
    expect(await world().access().checkAccessMany(customerId, [])).toEqual({});
  });
});
