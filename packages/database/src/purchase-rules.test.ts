import {
  createTestContent,
  createTestDatabase,
  createTestOrganization,
  createTestUser,
  type TestDatabase,
} from '@codex/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inArray, sql } from './index';
import {
  amountCharged,
  amountChargedSql,
  buyerStatus,
  buyerStatusSql,
  grantsAccess,
  grantsAccessSql,
  holdsPurchaseSlot,
  holdsPurchaseSlotSql,
  isAccessRevokingRefund,
  isAccessRevokingRefundSql,
  isChargeablePrice,
  isChargeablePriceSql,
  isChargeback,
  isChargebackSql,
  MINIMUM_CHARGE_CENTS,
  refundEndsAccess,
  refundEndsAccessSql,
  THREE_DECIMAL_CURRENCIES,
  toBuyerPurchaseStatus,
} from './purchase-rules';
import {
  contentPurchases,
  disputeStatuses,
  purchaseStatuses,
  stripeDisputeStatuses,
} from './schema';

let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await createTestDatabase();
});

afterAll(async () => {
  await testDb?.close();
});

const PRICE_CENTS = 500;

/** Every combination of the columns the rules read. */
const combinations = purchaseStatuses.flatMap((status) =>
  [null, new Date('2026-03-01T00:00:00Z')].flatMap((refundedAt) =>
    [null, ...disputeStatuses].flatMap((disputeStatus) =>
      [0, 200, PRICE_CENTS].flatMap((amountRefundedCents) =>
        [false, true].flatMap((refundKeepsAccess) =>
          [null, 450, 550].map((amountTotalCents) => ({
            status,
            refundedAt,
            refundKeepsAccess,
            disputeStatus,
            amountRefundedCents,
            amountTotalCents,
          })),
        ),
      ),
    ),
  ),
);

describe('each purchase rule, in SQL and in TypeScript, evaluated by Postgres on real rows', () => {
  it('agrees with itself on every combination of the columns it reads', async () => {
    const organization = await createTestOrganization(testDb.db);
    const item = await createTestContent(testDb.db, {
      organizationId: organization.id,
      priceCents: PRICE_CENTS,
    });
    // One customer per row: rows of one customer and item would compete for the purchase slot.
    const inserted = await testDb.db
      .insert(contentPurchases)
      .values(
        combinations.map((combination) => ({
          ...combination,
          customerId: createTestUser(),
          contentId: item.id,
          organizationId: organization.id,
          pricePaidCents: PRICE_CENTS,
          currency: 'usd',
          purchasedAt: combination.status === 'completed' ? new Date('2026-02-01T00:00:00Z') : null,
        })),
      )
      .returning({ id: contentPurchases.id });
    expect(inserted).toHaveLength(3 * 2 * 4 * 3 * 2 * 3);

    const evaluated = await testDb.db
      .select({
        status: contentPurchases.status,
        refundedAt: contentPurchases.refundedAt,
        refundKeepsAccess: contentPurchases.refundKeepsAccess,
        disputeStatus: contentPurchases.disputeStatus,
        amountRefundedCents: contentPurchases.amountRefundedCents,
        amountTotalCents: contentPurchases.amountTotalCents,
        pricePaidCents: contentPurchases.pricePaidCents,
        grantsAccess: sql<boolean>`${grantsAccessSql(contentPurchases)}`,
        holdsPurchaseSlot: sql<boolean>`${holdsPurchaseSlotSql(contentPurchases)}`,
        refundEndsAccess: sql<boolean>`${refundEndsAccessSql(contentPurchases)}`,
        buyerStatus: buyerStatusSql(contentPurchases),
        amountCharged: amountChargedSql(contentPurchases),
        revokesAtPrice: sql<boolean>`${isAccessRevokingRefundSql(contentPurchases.amountRefundedCents, PRICE_CENTS)}`,
      })
      .from(contentPurchases)
      .where(
        inArray(
          contentPurchases.id,
          inserted.map((row) => row.id),
        ),
      );

    expect(evaluated).toHaveLength(combinations.length);
    for (const row of evaluated) {
      const label = JSON.stringify(row);
      expect(row.grantsAccess, label).toBe(grantsAccess(row));
      expect(row.holdsPurchaseSlot, label).toBe(holdsPurchaseSlot(row));
      expect(row.refundEndsAccess, label).toBe(refundEndsAccess(row));
      expect(toBuyerPurchaseStatus(row.buyerStatus), label).toBe(buyerStatus(row));
      expect(Number(row.amountCharged), label).toBe(amountCharged(row));
      expect(row.revokesAtPrice, label).toBe(
        isAccessRevokingRefund(row.amountRefundedCents, PRICE_CENTS),
      );
      // The access rule implies the slot rule: the slot's unique index answers the access check.
      if (row.grantsAccess) expect(row.holdsPurchaseSlot, label).toBe(true);
      // What the buyer is told agrees with what the player allows; a purchase refunded in full by
      // refunds issued to keep access says `refunded` (the money went back) and still plays.
      expect(
        ['completed', 'partially_refunded'].includes(row.buyerStatus) ||
          (row.buyerStatus === 'refunded' && row.refundKeepsAccess),
        label,
      ).toBe(row.grantsAccess);
    }
  });
});

describe('what can be charged', () => {
  it('refuses prices below Stripe’s minimum, and three-decimal prices that are not multiples of 10', () => {
    expect(isChargeablePrice(0, 'usd')).toBe(true);
    expect(isChargeablePrice(10, 'usd')).toBe(false);
    expect(isChargeablePrice(49, 'usd')).toBe(false);
    expect(isChargeablePrice(50, 'usd')).toBe(true);
    expect(isChargeablePrice(29, 'gbp')).toBe(false);
    expect(isChargeablePrice(30, 'gbp')).toBe(true);
    expect(isChargeablePrice(49, 'jpy')).toBe(false);
    expect(isChargeablePrice(17_499, 'huf')).toBe(false);
    expect(isChargeablePrice(1_005, 'kwd')).toBe(false);
    expect(isChargeablePrice(1_010, 'kwd')).toBe(true);
    // Not in Stripe's table: Stripe converts and decides.
    expect(isChargeablePrice(1, 'krw')).toBe(true);
  });

  it('agrees with its SQL half on every currency of the tables and around each minimum', async () => {
    const currencies = [...Object.keys(MINIMUM_CHARGE_CENTS), ...THREE_DECIMAL_CURRENCIES, 'krw'];
    const cases = currencies.flatMap((currency) => {
      const minimum = MINIMUM_CHARGE_CENTS[currency] ?? 10;
      return [0, 1, minimum - 1, minimum, minimum + 1, minimum + 5, minimum + 10].map((price) => ({
        price,
        currency,
      }));
    });
    const values = sql.join(
      cases.map(({ price, currency }) => sql`(${price}::int, ${currency}::text)`),
      sql`, `,
    );
    const { rows } = await testDb.db.execute<{ price: number; currency: string; ok: boolean }>(
      sql`SELECT price, currency, ${isChargeablePriceSql(sql`price`, sql`currency`)} AS ok
          FROM (VALUES ${values}) AS priced (price, currency)`,
    );
    expect(rows).toHaveLength(cases.length);
    for (const row of rows) {
      expect(row.ok, `${row.price} ${row.currency}`).toBe(
        isChargeablePrice(Number(row.price), row.currency),
      );
    }
  });
});

describe('the refund policy', () => {
  it('revokes only when refunds reach what was charged', () => {
    expect(isAccessRevokingRefund(0, 1_000)).toBe(false);
    expect(isAccessRevokingRefund(400, 1_000)).toBe(false);
    expect(isAccessRevokingRefund(999, 1_000)).toBe(false);
    expect(isAccessRevokingRefund(1_000, 1_000)).toBe(true);
    expect(isAccessRevokingRefund(1_200, 1_000)).toBe(true);
  });

  it('never revokes a free purchase that saw no refund', () => {
    expect(isAccessRevokingRefund(0, 0)).toBe(false);
  });

  it('agrees with its SQL half at the boundaries, charged amounts included', async () => {
    const cases = [0, 1, 449, 450, 451, 999, 1_000, 1_001].flatMap((refunded) =>
      [0, 450, 1_000].map((charged) => ({ refunded, charged })),
    );
    for (const { refunded, charged } of cases) {
      const [row] = await testDb.db
        .execute<{ revokes: boolean }>(
          sql`SELECT ${isAccessRevokingRefundSql(sql`${refunded}::int`, charged)} AS revokes`,
        )
        .then((result) => result.rows);
      expect(row?.revokes, `${refunded} of ${charged}`).toBe(
        isAccessRevokingRefund(refunded, charged),
      );
    }
  });
});

describe('which disputes decide access', () => {
  it('only chargebacks: an inquiry (warning_*) never does, escalated it does', () => {
    expect(stripeDisputeStatuses.filter((status) => !isChargeback(status))).toEqual([
      'warning_needs_response',
      'warning_under_review',
      'warning_closed',
    ]);
  });

  it('agrees with its SQL half on every Stripe status', async () => {
    for (const status of stripeDisputeStatuses) {
      const [row] = await testDb.db
        .execute<{ chargeback: boolean }>(
          sql`SELECT ${isChargebackSql(sql`${status}::text`)} AS chargeback`,
        )
        .then((result) => result.rows);
      expect(row?.chargeback, status).toBe(isChargeback(status));
    }
  });
});
