import { describe, expect, it } from 'vitest';
import { salesExportQuerySchema, salesQuerySchema, salesSummaryQuerySchema } from './sales-queries';

describe('salesQuerySchema', () => {
  it('reads the filters: a buyer status, a content id, ISO dates or date-times', () => {
    const parsed = salesQuerySchema.parse({
      status: 'partially_refunded',
      contentId: '6F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9',
      from: '2026-01-01',
      to: '2026-02-01T10:00:00+02:00',
      limit: '50',
    });
    expect(parsed).toEqual({
      status: 'partially_refunded',
      contentId: '6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9',
      from: new Date('2026-01-01T00:00:00Z'),
      to: new Date('2026-02-01T08:00:00Z'),
      limit: 50,
    });
  });

  it.each([
    [{ status: 'shipped' }, 'status'],
    [{ from: '2026-13-01' }, 'from'],
    [{ to: 'yesterday' }, 'to'],
    [{ from: '2026-01-01T10:00:00' }, 'from'],
    [{ from: '2026-02-01', to: '2026-01-01' }, 'from'],
    [{ contentId: 'nope' }, 'contentId'],
  ])('refuses %j (issue on %s)', (query, path) => {
    const result = salesQuerySchema.safeParse(query);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });

  it('the export and the summary refuse `from` after `to` too', () => {
    const reversed = { from: '2026-02-01', to: '2026-01-01' };
    expect(salesExportQuerySchema.safeParse(reversed).success).toBe(false);
    expect(salesSummaryQuerySchema.safeParse(reversed).success).toBe(false);
    expect(
      salesSummaryQuerySchema.safeParse({ from: '2026-01-01', to: '2026-01-01' }).success,
    ).toBe(true);
  });
});
