import { describe, expect, it } from 'vitest';
import { planSoak } from './plan-soak';

describe('planSoak', () => {
  it('gives the same plan for the same seed and size, another for another seed', () => {
    expect(planSoak(42, 30)).toEqual(planSoak(42, 30));
    expect(planSoak(43, 30)).not.toEqual(planSoak(42, 30));
  });

  it('plans every purchase, with fates to cycle through and a valid item', () => {
    const { purchases } = planSoak(7, 40);
    expect(purchases.map((purchase) => purchase.index)).toEqual([...Array(40).keys()]);
    for (const purchase of purchases) {
      expect(purchase.fates.length).toBeGreaterThan(0);
      expect(purchase.item).toBeGreaterThanOrEqual(0);
      expect([1, 2]).toContain(purchase.refundSubmits);
    }
    // Over 40 purchases every fate and both kinds of buyer turn up.
    const fates = new Set(purchases.flatMap((purchase) => purchase.fates));
    expect([...fates].sort()).toEqual(['concurrent', 'duplicate', 'in_order', 'lost']);
    expect(new Set(purchases.map((purchase) => purchase.hasEmail))).toEqual(new Set([true, false]));
    expect(new Set(purchases.map((purchase) => purchase.visitsSuccessPage))).toEqual(
      new Set([true, false]),
    );
  });

  it('sets off at least three of each fault, both kinds of outage, in the first 70 % of the run', () => {
    for (const size of [5, 50, 500]) {
      const { faults } = planSoak(size, size);
      const kinds = faults.map((scheduled) => scheduled.fault.kind);
      const outages = kinds.filter((kind) => kind !== 'stripe_fault');
      expect(outages.length).toBe(Math.max(3, Math.ceil(size / 15)));
      expect(kinds.filter((kind) => kind === 'stripe_fault')).toHaveLength(outages.length);
      expect(new Set(outages)).toEqual(new Set(['terminate_backends', 'cut_database_link']));
      for (const { atPurchase } of faults) {
        expect(atPurchase).toBeLessThan(Math.max(1, Math.floor(size * 0.7)));
      }
      const positions = faults.map((scheduled) => scheduled.atPurchase);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
  });
});
