import { describe, expect, it } from 'vitest';
import {
  customerIdSchema,
  stripeCheckoutSessionIdSchema,
  stripeEventIdSchema,
  stripePaymentIntentIdSchema,
  uuidSchema,
} from './ids';

describe('uuidSchema', () => {
  it('accepts a v4 UUID and returns it unchanged', () => {
    expect(uuidSchema.parse('3f0e9d1c-7a4b-4c2e-9f61-0b8d2a5e7c19')).toBe(
      '3f0e9d1c-7a4b-4c2e-9f61-0b8d2a5e7c19',
    );
  });

  it('lower-cases an upper-case UUID so one id has one spelling', () => {
    expect(uuidSchema.parse('3F0E9D1C-7A4B-4C2E-9F61-0B8D2A5E7C19')).toBe(
      '3f0e9d1c-7a4b-4c2e-9f61-0b8d2a5e7c19',
    );
  });

  it.each([
    ['empty', ''],
    ['too short', '3f0e9d1c-7a4b-4c2e-9f61-0b8d2a5e7c1'],
    ['non-hex', '3f0e9d1c-7a4b-4c2e-9f61-0b8d2a5e7c1z'],
    ['no dashes', '3f0e9d1c7a4b4c2e9f610b8d2a5e7c19'],
    ['sql', "1' OR '1'='1"],
    ['padded', ' 3f0e9d1c-7a4b-4c2e-9f61-0b8d2a5e7c19'],
  ])('rejects %s input', (_label, input) => {
    const result = uuidSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('must be a UUID');
  });

  it('rejects a non-string with its own message', () => {
    expect(uuidSchema.safeParse(42).error?.issues[0]?.message).toBe('must be a string');
  });
});

describe('customerIdSchema', () => {
  it('accepts an identity-provider subject', () => {
    expect(customerIdSchema.parse('user_2aBcD3eF|auth0')).toBe('user_2aBcD3eF|auth0');
  });

  it.each([
    ['empty', '', 'must not be empty'],
    ['too long', 'a'.repeat(256), 'must be at most 255 characters'],
    ['with a space', 'user 1', 'must be printable ASCII without spaces'],
    ['with a control character', 'user\n1', 'must be printable ASCII without spaces'],
  ])('rejects %s', (_label, input, message) => {
    expect(customerIdSchema.safeParse(input).error?.issues[0]?.message).toBe(message);
  });

  it('accepts exactly 255 characters', () => {
    expect(customerIdSchema.safeParse('a'.repeat(255)).success).toBe(true);
  });

  it('rejects a non-string', () => {
    expect(customerIdSchema.safeParse(null).error?.issues[0]?.message).toBe('must be a string');
  });
});

describe('Stripe id schemas', () => {
  it('accept ids with their own prefix', () => {
    expect(stripeCheckoutSessionIdSchema.parse('cs_test_a1B2c3D4')).toBe('cs_test_a1B2c3D4');
    expect(stripeEventIdSchema.parse('evt_1NgXyZ2eZvKYlo2C')).toBe('evt_1NgXyZ2eZvKYlo2C');
    expect(stripePaymentIntentIdSchema.parse('pi_3NxYz')).toBe('pi_3NxYz');
  });

  it('reject another object type’s id', () => {
    expect(stripeCheckoutSessionIdSchema.safeParse('pi_3NxYz').error?.issues[0]?.message).toBe(
      'must be a Stripe id starting with cs_',
    );
  });

  it('reject path tricks and oversized ids', () => {
    expect(stripeCheckoutSessionIdSchema.safeParse('cs_test/../x').success).toBe(false);
    expect(
      stripeCheckoutSessionIdSchema.safeParse(`cs_${'a'.repeat(300)}`).error?.issues[0]?.message,
    ).toBe('must be at most 255 characters');
    expect(stripeEventIdSchema.safeParse(undefined).error?.issues[0]?.message).toBe(
      'must be a string',
    );
  });
});
