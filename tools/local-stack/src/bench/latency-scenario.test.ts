import { describe, expect, it } from 'vitest';
import { hasJson } from './latency-scenario';

describe('hasJson', () => {
  it('matches the members of `data`, or of the body itself without one', () => {
    expect(hasJson({ hasAccess: true })('{"data":{"hasAccess":true,"contentId":"c"}}')).toBe(true);
    expect(hasJson({ ok: true })('{"ok":true}')).toBe(true);
  });

  it('refuses another value, a missing member and a body that is not JSON', () => {
    expect(hasJson({ hasAccess: true })('{"data":{"hasAccess":false}}')).toBe(false);
    expect(hasJson({ outcome: 'duplicate' })('{"data":{}}')).toBe(false);
    expect(hasJson({ ok: true })('<html>')).toBe(false);
  });
});
