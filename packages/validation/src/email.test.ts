import { describe, expect, it } from 'vitest';
import { buyerEmailSchema } from './email';

describe('buyerEmailSchema', () => {
  it('accepts an address as given', () => {
    expect(buyerEmailSchema.parse('Reader.One+codex@example.com')).toBe(
      'Reader.One+codex@example.com',
    );
  });

  it.each([
    ['no at sign', 'reader.example.com'],
    ['no domain', 'reader@'],
    ['spaces', 'a reader@example.com'],
    ['not a string', 42],
    ['too long', `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com`],
  ])('refuses %s', (_case, value) => {
    expect(buyerEmailSchema.safeParse(value).success).toBe(false);
  });
});
