import { describe, expect, it } from 'vitest';
// Through the package's public entry, as consumers import it.
import {
  createRefundSchema,
  formatValidationIssues,
  idempotencyKeySchema,
  organizationPurchaseParamsSchema,
} from './index';

const issuesOf = (value: unknown) => {
  const result = createRefundSchema.safeParse(value);
  return result.success ? [] : formatValidationIssues(result.error);
};

describe('createRefundSchema', () => {
  it('needs only a reason, and revokes access unless told otherwise', () => {
    expect(createRefundSchema.parse({ reason: 'requested_by_customer' })).toEqual({
      reason: 'requested_by_customer',
      revokeAccess: true,
    });
    expect(
      createRefundSchema.parse({
        reason: 'other',
        amountCents: 250,
        note: '  goodwill  ',
        revokeAccess: false,
      }),
    ).toEqual({ reason: 'other', amountCents: 250, note: 'goodwill', revokeAccess: false });
  });

  it('refuses a missing or unknown reason, a non-positive or fractional amount, a long or blank note, unknown fields', () => {
    expect(issuesOf({})).toEqual([
      {
        path: 'reason',
        message: 'must be one of requested_by_customer, duplicate, fraudulent, other',
      },
    ]);
    expect(issuesOf({ reason: 'because' })[0]?.path).toBe('reason');
    expect(issuesOf({ reason: 'duplicate', amountCents: 0 })).toEqual([
      { path: 'amountCents', message: 'must be at least 1' },
    ]);
    expect(issuesOf({ reason: 'duplicate', amountCents: 1.5 })[0]?.path).toBe('amountCents');
    expect(issuesOf({ reason: 'duplicate', amountCents: '100' })[0]?.path).toBe('amountCents');
    expect(issuesOf({ reason: 'duplicate', note: 'x'.repeat(501) })[0]?.path).toBe('note');
    expect(issuesOf({ reason: 'duplicate', note: '   ' })[0]?.path).toBe('note');
    expect(issuesOf({ reason: 'duplicate', revokeAccess: 'false' })[0]?.path).toBe('revokeAccess');
    expect(issuesOf({ reason: 'duplicate', customerId: 'x' })).toEqual([
      { path: '', message: 'unknown fields are not allowed' },
    ]);
  });
});

describe('idempotencyKeySchema', () => {
  it('takes 1 to 255 visible ASCII characters', () => {
    expect(idempotencyKeySchema.safeParse(crypto.randomUUID()).success).toBe(true);
    expect(idempotencyKeySchema.safeParse('k'.repeat(255)).success).toBe(true);
    for (const bad of ['', 'k'.repeat(256), 'has space', 'naïve', undefined]) {
      expect(idempotencyKeySchema.safeParse(bad).success, String(bad)).toBe(false);
    }
  });
});

describe('organizationPurchaseParamsSchema', () => {
  it('lower-cases both ids and refuses a non-UUID', () => {
    const upper = '6C0A4F3E-2B1D-4E8F-9A7C-5D3B2E1F0A9B';
    expect(organizationPurchaseParamsSchema.parse({ orgId: upper, purchaseId: upper })).toEqual({
      orgId: upper.toLowerCase(),
      purchaseId: upper.toLowerCase(),
    });
    expect(
      organizationPurchaseParamsSchema.safeParse({ orgId: upper, purchaseId: 'nope' }).success,
    ).toBe(false);
  });
});
