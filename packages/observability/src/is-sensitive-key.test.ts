import { describe, expect, it } from 'vitest';
import { isSensitiveKey } from './is-sensitive-key';

describe('isSensitiveKey', () => {
  it.each([
    'password',
    'Password',
    'DB_PASSWORD',
    'passwd',
    'pwd',
    'secret',
    'clientSecret',
    'client_secret',
    'token',
    'accessToken',
    'refresh_token',
    'authorization',
    'Authorization',
    'proxy-authorization',
    'cookie',
    'Set-Cookie',
    'apiKey',
    'api_key',
    'X-Api-Key',
    'stripe-signature',
    'Stripe-Signature',
    'privateKey',
    'credentials',
    'cardNumber',
    'cvc',
    'CVV',
    'sessionToken',
  ])('treats %s as sensitive', (key) => {
    expect(isSensitiveKey(key)).toBe(true);
  });

  it.each([
    'email',
    'userId',
    'requestId',
    'status',
    'message',
    'url',
    'key',
    'idempotencyKey',
    'passengers',
    'publishableKey',
    'sessionId',
    'checkoutSession',
  ])('treats %s as not sensitive', (key) => {
    expect(isSensitiveKey(key)).toBe(false);
  });

  it('returns false for non-string input instead of throwing', () => {
    expect(isSensitiveKey(42 as unknown as string)).toBe(false);
    expect(isSensitiveKey(undefined as unknown as string)).toBe(false);
  });
});
