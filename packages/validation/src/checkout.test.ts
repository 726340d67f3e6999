import { describe, expect, it } from 'vitest';
// Through the package's public entry, as consumers import it.
import {
  checkoutSessionParamsSchema,
  contentAccessParamsSchema,
  createCheckoutSchema,
  formatValidationIssues,
} from './index';

const CONTENT_ID = '6c0a4f3e-2b1d-4e8f-9a7c-5d3b2e1f0a9b';

describe('createCheckoutSchema', () => {
  it('accepts a body with a content id', () => {
    expect(createCheckoutSchema.parse({ contentId: CONTENT_ID })).toEqual({
      contentId: CONTENT_ID,
    });
  });

  it('refuses a client-sent price or organization instead of ignoring it', () => {
    const result = createCheckoutSchema.safeParse({
      contentId: CONTENT_ID,
      priceCents: 1,
      organizationId: CONTENT_ID,
    });
    expect(result.success).toBe(false);
    expect(result.error && formatValidationIssues(result.error)).toEqual([
      { path: '', message: 'unknown fields are not allowed' },
    ]);
  });

  it('names no unknown field: the message is the same whatever keys the client sent', () => {
    const hostileKey = '<img src=x onerror=alert(1)>';
    const result = createCheckoutSchema.safeParse({ contentId: CONTENT_ID, [hostileKey]: 1 });
    const issues = result.error && formatValidationIssues(result.error);
    expect(issues).toEqual([{ path: '', message: 'unknown fields are not allowed' }]);
    expect(JSON.stringify(issues)).not.toContain('img');
  });

  it('reports a missing or malformed content id at its path', () => {
    const missing = createCheckoutSchema.safeParse({});
    expect(missing.error && formatValidationIssues(missing.error)).toEqual([
      { path: 'contentId', message: 'must be a string' },
    ]);
    const malformed = createCheckoutSchema.safeParse({ contentId: 'not-a-uuid' });
    expect(malformed.error && formatValidationIssues(malformed.error)).toEqual([
      { path: 'contentId', message: 'must be a UUID' },
    ]);
  });

  it('refuses a body that is not an object', () => {
    expect(createCheckoutSchema.safeParse([CONTENT_ID]).success).toBe(false);
    expect(createCheckoutSchema.safeParse(null).success).toBe(false);
  });
});

describe('route parameter schemas', () => {
  it('validate the access check content id', () => {
    expect(contentAccessParamsSchema.parse({ contentId: CONTENT_ID.toUpperCase() })).toEqual({
      contentId: CONTENT_ID,
    });
    expect(contentAccessParamsSchema.safeParse({ contentId: '42' }).success).toBe(false);
  });

  it('validate a checkout session id', () => {
    expect(checkoutSessionParamsSchema.parse({ sessionId: 'cs_test_abc' })).toEqual({
      sessionId: 'cs_test_abc',
    });
    expect(checkoutSessionParamsSchema.safeParse({ sessionId: 'evt_abc' }).success).toBe(false);
  });
});

describe('formatValidationIssues', () => {
  it('joins nested paths with dots and never echoes the input value', () => {
    const secretLookingInput = 'sk_live_should_not_be_echoed';
    const issues = formatValidationIssues(
      createCheckoutSchema.safeParse({ contentId: secretLookingInput }).error ??
        (undefined as never),
    );
    expect(JSON.stringify(issues)).not.toContain(secretLookingInput);
  });
});
