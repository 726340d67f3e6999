import type { ErrorBody } from '@codex/security';
import { describe, expect, it } from 'vitest';
import { seedOrganization } from '../../testing/seed-organization-sales';
import { addMember, authorizationFor, callWorker } from '../../testing/test-support';
import { SUMMARY_DEFAULT_DAYS, SUMMARY_MAX_DAYS } from './summarize-sales';

// Issue 21: a summary without a range no longer scans the organization's whole history.

const DAY_MS = 86_400_000;

function daysAgo(days: number): string {
  return new Date(Date.now() - days * DAY_MS).toISOString();
}

async function summaryOf(organizationId: string, query = '') {
  const user = `user_staff_${crypto.randomUUID()}`;
  await addMember(organizationId, user, 'member');
  const headers = await authorizationFor(user, { staff: true });
  return callWorker(`/api/organizations/${organizationId}/sales/summary${query}`, { headers });
}

describe('GET /api/organizations/:orgId/sales/summary, its range', () => {
  it(`covers the ${SUMMARY_DEFAULT_DAYS} days before now without \`from\`, and says so`, async () => {
    const { organizationId } = await seedOrganization([
      { createdAt: daysAgo(SUMMARY_DEFAULT_DAYS - 1) },
      { createdAt: daysAgo(SUMMARY_DEFAULT_DAYS + 1) },
    ]);
    const before = Date.now();
    const response = await summaryOf(organizationId);
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as {
      data: { range: { from: string; to: string | null }; currencies: Array<{ count: number }> };
    };
    expect(data.currencies.map((totals) => totals.count)).toEqual([1]);
    expect(data.range.to).toBeNull();
    const from = Date.parse(data.range.from);
    expect(Math.abs(from - (before - SUMMARY_DEFAULT_DAYS * DAY_MS))).toBeLessThan(60_000);
  });

  it(`covers the ${SUMMARY_DEFAULT_DAYS} days before \`to\` when only \`to\` is given`, async () => {
    const { organizationId } = await seedOrganization([
      { createdAt: '2026-03-30T00:00:00Z' },
      { createdAt: '2026-01-01T00:00:00Z' },
    ]);
    const response = await summaryOf(organizationId, '?to=2026-04-01');
    const { data } = (await response.json()) as {
      data: { range: { from: string; to: string }; currencies: Array<{ count: number }> };
    };
    expect(data.range).toEqual({
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-04-01T00:00:00.000Z',
    });
    expect(data.currencies.map((totals) => totals.count)).toEqual([2]);
  });

  it(`refuses a range longer than ${SUMMARY_MAX_DAYS} days with VALIDATION_ERROR on \`from\``, async () => {
    const { organizationId } = await seedOrganization([]);
    for (const query of [
      '?from=2024-01-01&to=2026-01-01',
      `?from=${daysAgo(SUMMARY_MAX_DAYS + 2)}`,
    ]) {
      const response = await summaryOf(organizationId, query);
      expect(response.status, query).toBe(400);
      const body = (await response.json()) as ErrorBody;
      expect(body.error.code).toBe('VALIDATION_ERROR');
      expect(body.error.message).toContain('from');
    }
    expect((await summaryOf(organizationId, '?from=2025-01-01&to=2026-01-01')).status).toBe(200);
  });
});
