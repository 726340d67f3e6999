import { describe, expect, it } from 'vitest';
import {
  apiErrorCodes,
  apiErrorStatus,
  apiErrors,
  domainErrorCodes,
  renderApiErrorTable,
} from './api-errors';

describe('the error table', () => {
  it('gives every code a status, a text and an example message', () => {
    for (const code of apiErrorCodes) {
      const { status, when, message } = apiErrors[code];
      expect(apiErrorStatus[code]).toBe(status);
      expect(when.length, code).toBeGreaterThan(10);
      expect(message.length, code).toBeGreaterThan(5);
    }
  });

  it('lists the codes by status, so the READMEs read in order', () => {
    const statuses = apiErrorCodes.map((code) => apiErrors[code].status);
    expect(statuses).toEqual([...statuses].sort((a, b) => a - b));
  });

  it('marks the refusals of the purchases package as domain codes', () => {
    expect(domainErrorCodes).toEqual([
      'INVALID_CURSOR',
      'FORBIDDEN',
      'NOT_FOUND',
      'CONTENT_NOT_FOUND',
      'ALREADY_PURCHASED',
      'PURCHASE_NOT_COMPLETED',
      'PURCHASE_DISPUTED',
      'REFUND_EXCEEDS_REMAINING',
      'REVIEW_ITEM_RESOLVED',
      'REVIEW_ACTION_IN_PROGRESS',
      'IDEMPOTENCY_KEY_REUSED',
      'REVIEW_ACTION_NOT_ALLOWED',
      'REFUND_REFUSED_BY_PROVIDER',
      'PROMOTION_CODE_INVALID',
      'PRICE_NOT_CHARGEABLE',
      'PAYMENT_PROVIDER_ERROR',
      'PAYMENT_PROVIDER_NOT_CONFIGURED',
    ]);
  });
});

describe('renderApiErrorTable', () => {
  it('renders one Markdown row per code, in the table order', () => {
    const lines = renderApiErrorTable().split('\n');
    expect(lines.slice(0, 2)).toEqual(['| status | code | when |', '|---|---|---|']);
    expect(lines).toHaveLength(apiErrorCodes.length + 2);
    expect(lines[2]).toBe(`| 400 | \`VALIDATION_ERROR\` | ${apiErrors.VALIDATION_ERROR.when} |`);
  });

  it('renders only the codes asked, in the table order whatever the order asked', () => {
    const lines = renderApiErrorTable(['RATE_LIMITED', 'UNAUTHORIZED']).split('\n');
    expect(lines.slice(2).map((line) => line.split(' | ')[1])).toEqual([
      '`UNAUTHORIZED`',
      '`RATE_LIMITED`',
    ]);
  });

  it('holds texts that keep a Markdown row whole (no pipe, no line break)', () => {
    for (const code of apiErrorCodes) {
      expect(apiErrors[code].when, code).not.toMatch(/[|\n]/);
    }
  });
});
