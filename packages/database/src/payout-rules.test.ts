import { createTestDatabase, type TestDatabase } from '@codex/test-utils';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from './index';
import {
  isPayoutHeld,
  isPayoutHeldSql,
  type PayoutRuleRow,
  payoutDueCents,
  payoutDueCentsSql,
  payoutRuleColumnsOf,
  platformFeeCents,
  platformFeeCentsSql,
  saleShareCents,
  saleShareCentsSql,
} from './payout-rules';
import { disputeStatuses, purchaseStatuses } from './schema';

let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await createTestDatabase();
});

afterAll(async () => {
  await testDb?.close();
});

const rowArbitrary: fc.Arbitrary<PayoutRuleRow> = fc
  .record({
    status: fc.constantFrom(...purchaseStatuses),
    disputeStatus: fc.constantFrom(null, ...disputeStatuses),
    amountTotalCents: fc.oneof(
      fc.integer({ min: 0, max: 2_000 }),
      fc.integer({ min: 0, max: 2_000_000_000 }),
    ),
    taxShare: fc.double({ min: 0, max: 0.5, noNaN: true }),
    refundShare: fc.oneof(
      fc.constant(0),
      fc.constant(1),
      fc.double({ min: 0, max: 1, noNaN: true }),
    ),
    platformFeeBasisPoints: fc.oneof(
      fc.constantFrom(0, 1, 500, 1_000, 10_000),
      fc.integer({ min: 0, max: 10_000 }),
    ),
    platformFeeFixedCents: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5_000 })),
    taxNull: fc.boolean(),
  })
  .map(({ taxShare, refundShare, taxNull, ...row }) => ({
    ...row,
    amountTaxCents: taxNull ? null : Math.floor(row.amountTotalCents * taxShare),
    refundedCents: Math.floor(row.amountTotalCents * refundShare),
  }));

describe('payout rules: the SQL and TypeScript halves agree', () => {
  it('on fee, share, what is due and the hold, for every row', async () => {
    const rows = fc.sample(rowArbitrary, { numRuns: 400, seed: 26 });
    rows.push(
      // Half-cent boundaries: 5 % of 10 is 0.5 (rounds up), of 30 is 1.5.
      {
        status: 'completed',
        disputeStatus: null,
        amountTotalCents: 10,
        amountTaxCents: 0,
        refundedCents: 5,
        platformFeeBasisPoints: 500,
        platformFeeFixedCents: 0,
      },
      {
        status: 'completed',
        disputeStatus: 'won',
        amountTotalCents: 30,
        amountTaxCents: null,
        refundedCents: 15,
        platformFeeBasisPoints: 500,
        platformFeeFixedCents: 0,
      },
      // The fixed part larger than the base: the fee is the base, the share 0.
      {
        status: 'completed',
        disputeStatus: null,
        amountTotalCents: 100,
        amountTaxCents: 10,
        refundedCents: 0,
        platformFeeBasisPoints: 1_000,
        platformFeeFixedCents: 500,
      },
    );
    const values = sql.join(
      rows.map(
        (row) =>
          sql`(${row.status}::text, ${row.disputeStatus}::text, ${row.amountTotalCents}::int, ${row.amountTaxCents}::int, ${row.refundedCents}::int, ${row.platformFeeBasisPoints}::int, ${row.platformFeeFixedCents}::int)`,
      ),
      sql`, `,
    );
    const columns = { ...payoutRuleColumnsOf('r'), refundedCents: sql`r.refunded_cents` };
    const result = await testDb.db.execute<{
      fee: number;
      share: number;
      due: number;
      held: boolean;
    }>(sql`
      SELECT ${platformFeeCentsSql(columns)} AS fee, ${saleShareCentsSql(columns)} AS share,
             ${payoutDueCentsSql(columns)} AS due, ${isPayoutHeldSql(columns)} AS held
      FROM (VALUES ${values}) AS r (status, dispute_status, amount_total_cents, amount_tax_cents,
        refunded_cents, platform_fee_basis_points, platform_fee_fixed_cents)`);
    expect(result.rows).toHaveLength(rows.length);
    rows.forEach((row, index) => {
      const fromSql = result.rows[index];
      expect({ row, ...fromSql }).toEqual({
        row,
        fee: platformFeeCents(row),
        share: saleShareCents(row),
        due: payoutDueCents(row),
        held: isPayoutHeld(row),
      });
    });
  });

  it('owes the whole share with nothing refunded, nothing after a full refund or a lost dispute', () => {
    const sale: PayoutRuleRow = {
      status: 'completed',
      disputeStatus: null,
      amountTotalCents: 1_100,
      amountTaxCents: 100,
      refundedCents: 0,
      platformFeeBasisPoints: 1_000,
      platformFeeFixedCents: 30,
    };
    expect(platformFeeCents(sale)).toBe(130);
    expect(saleShareCents(sale)).toBe(870);
    expect(payoutDueCents(sale)).toBe(870);
    expect(payoutDueCents({ ...sale, refundedCents: 550 })).toBe(435);
    expect(payoutDueCents({ ...sale, refundedCents: 1_100 })).toBe(0);
    expect(payoutDueCents({ ...sale, disputeStatus: 'lost' })).toBe(0);
    expect(payoutDueCents({ ...sale, disputeStatus: 'won' })).toBe(870);
    expect(isPayoutHeld({ disputeStatus: 'open' })).toBe(true);
  });
});
