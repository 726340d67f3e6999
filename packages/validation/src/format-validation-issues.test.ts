import { describe, expect, it } from 'vitest';
import { z } from 'zod';
// Through the package's public entry, as consumers import it.
import { contentIdSchema, formatValidationIssues } from './index';

const CONTENT_ID = '6c0a4f3e-2b1d-4e8f-9a7c-5d3b2e1f0a9b';

/** A sample body: a content id, nested once, and nothing else. */
const sampleSchema = z.strictObject({
  contentId: contentIdSchema,
  items: z.array(z.strictObject({ contentId: contentIdSchema })).optional(),
});

function issuesOf(value: unknown) {
  const result = sampleSchema.safeParse(value);
  expect(result.success).toBe(false);
  return result.error ? formatValidationIssues(result.error) : [];
}

describe('formatValidationIssues', () => {
  it('joins nested paths with dots and never echoes the input value', () => {
    const secretLookingInput = 'sk_live_should_not_be_echoed';
    const issues = issuesOf({ contentId: CONTENT_ID, items: [{ contentId: secretLookingInput }] });
    expect(issues).toEqual([{ path: 'items.0.contentId', message: 'must be a UUID' }]);
    expect(JSON.stringify(issues)).not.toContain(secretLookingInput);
  });

  it('answers unknown keys with one fixed message on the object, never naming them', () => {
    const hostileKey = '<img src=x onerror=alert(1)>';
    const issues = issuesOf({ contentId: CONTENT_ID, priceCents: 1, [hostileKey]: 1 });
    expect(issues).toEqual([{ path: '', message: 'unknown fields are not allowed' }]);
    expect(JSON.stringify(issues)).not.toMatch(/img|priceCents/);
  });

  it('lists every issue, with an empty path for the whole value', () => {
    expect(issuesOf(null)).toEqual([{ path: '', message: expect.any(String) }]);
    expect(issuesOf({ priceCents: 1 })).toEqual([
      { path: 'contentId', message: 'must be a string' },
      { path: '', message: 'unknown fields are not allowed' },
    ]);
  });
});
