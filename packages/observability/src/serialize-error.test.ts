import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { serializeError } from './serialize-error';

class PostgresError extends Error {
  override name = 'PostgresError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

describe('serializeError', () => {
  it('keeps name, message and code, and omits the stack by default', () => {
    const error = new PostgresError('duplicate key value violates unique constraint', '23505');
    expect(serializeError(error)).toEqual({
      name: 'PostgresError',
      message: 'duplicate key value violates unique constraint',
      code: '23505',
    });
  });

  it('keeps numeric codes and omits missing ones', () => {
    const withNumber = Object.assign(new Error('rate limited'), { code: 429 });
    expect(serializeError(withNumber)).toEqual({
      name: 'Error',
      message: 'rate limited',
      code: 429,
    });
    const withNull = Object.assign(new Error('x'), { code: null });
    expect(serializeError(withNull)).not.toHaveProperty('code');
  });

  it('includes a redacted stack only when asked', () => {
    const error = new Error('login failed for jane.doe+shop@example.co.uk');
    const serialized = serializeError(error, { includeStack: true });
    expect(serialized.stack).toContain('Error: login failed for [REDACTED:email]');
    expect(serialized.stack).toContain('serialize-error.test.ts');
    expect(serialized.stack).not.toContain('jane.doe');
    expect(serializeError(error)).not.toHaveProperty('stack');
  });

  it('omits a stack that is not a string even when asked', () => {
    const error = new Error('no stack');
    Object.defineProperty(error, 'stack', { value: undefined });
    expect(serializeError(error, { includeStack: true })).toEqual({
      name: 'Error',
      message: 'no stack',
    });
  });

  it('redacts secrets in message and code', () => {
    const error = Object.assign(
      new Error('connect failed: postgres://app:s3cr3t-P%40ss@ep-cool-1.neon.tech/neondb'),
      { code: { reason: 'ops@example.com' } },
    );
    expect(serializeError(error)).toEqual({
      name: 'Error',
      message: 'connect failed: postgres://app:[REDACTED:password]@ep-cool-1.neon.tech/neondb',
      code: '[object Object]',
    });
  });

  it('serialises the cause chain recursively, with stacks on every level when asked', () => {
    const root = new PostgresError('relation "orders" does not exist', '42P01');
    const middle = new Error('query failed', { cause: root });
    const top = new Error('could not load order', { cause: middle });
    expect(serializeError(top)).toEqual({
      name: 'Error',
      message: 'could not load order',
      cause: {
        name: 'Error',
        message: 'query failed',
        cause: {
          name: 'PostgresError',
          message: 'relation "orders" does not exist',
          code: '42P01',
        },
      },
    });
    const withStacks = serializeError(top, { includeStack: true });
    expect(withStacks.cause).toMatchObject({
      stack: expect.stringContaining('query failed'),
      cause: { stack: expect.stringContaining('relation "orders"') },
    });
  });

  it('limits the depth of the cause chain', () => {
    let error = new Error('level 0');
    for (let level = 1; level <= 10; level++) {
      error = new Error(`level ${level}`, { cause: error });
    }
    expect(JSON.stringify(serializeError(error, { maxCauseDepth: 2 }))).toBe(
      JSON.stringify({
        name: 'Error',
        message: 'level 10',
        cause: {
          name: 'Error',
          message: 'level 9',
          cause: { name: 'Error', message: 'level 8', cause: '[Truncated]' },
        },
      }),
    );
    // The default limit still terminates a long chain.
    expect(JSON.stringify(serializeError(error))).toContain('[Truncated]');
  });

  it('replaces a cyclic cause with [Circular]', () => {
    const first = new Error('first');
    const second = new Error('second', { cause: first });
    Object.assign(first, { cause: second });
    expect(serializeError(first)).toEqual({
      name: 'Error',
      message: 'first',
      cause: { name: 'Error', message: 'second', cause: '[Circular]' },
    });
  });

  it('serialises a non-Error cause as redacted data', () => {
    const error = new Error('Stripe request failed', {
      cause: { status: 401, headers: { authorization: 'Bearer abc' }, email: 'ops@example.com' },
    });
    expect(serializeError(error).cause).toEqual({
      status: 401,
      headers: { authorization: '[REDACTED]' },
      email: '[REDACTED:email]',
    });
  });

  it('recognises errors from another realm', () => {
    const foreign: unknown = runInNewContext('new TypeError("foreign failure")');
    expect(foreign instanceof Error).toBe(false);
    expect(serializeError(foreign)).toEqual({ name: 'TypeError', message: 'foreign failure' });
  });

  it('survives errors whose properties throw or have odd types', () => {
    const error = new Error('original');
    Object.defineProperty(error, 'name', {
      get(): never {
        throw new Error('name getter');
      },
    });
    Object.defineProperty(error, 'message', { value: 42 });
    Object.defineProperty(error, 'cause', {
      get(): never {
        throw new Error('cause getter');
      },
    });
    expect(serializeError(error)).toEqual({ name: 'Error', message: '' });
  });

  describe('non-Error values', () => {
    it('uses a thrown string as the message, redacted', () => {
      expect(serializeError('payment failed for ops@example.com')).toEqual({
        name: 'NonError',
        message: 'payment failed for [REDACTED:email]',
      });
    });

    it('keeps a thrown object as redacted data', () => {
      expect(serializeError({ message: 'Not found', status: 404, token: 'abc' })).toEqual({
        name: 'NonError',
        message: 'Not found',
        value: { message: 'Not found', status: 404, token: '[REDACTED]' },
      });
      expect(serializeError({ status: 500 })).toEqual({
        name: 'NonError',
        message: '',
        value: { status: 500 },
      });
    });

    it('describes other primitives and functions', () => {
      expect(serializeError(undefined)).toEqual({ name: 'NonError', message: 'undefined' });
      expect(serializeError(null)).toEqual({ name: 'NonError', message: 'null' });
      expect(serializeError(42)).toEqual({ name: 'NonError', message: '42' });
      expect(serializeError(4242424242424242n)).toEqual({
        name: 'NonError',
        message: '[REDACTED:card_number]',
      });
      expect(serializeError(function boom() {})).toEqual({
        name: 'NonError',
        message: '[Function: boom]',
      });
    });

    it('handles a revoked proxy without throwing', () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      expect(serializeError(proxy)).toEqual({
        name: 'NonError',
        message: '',
        value: '[Unserializable]',
      });
    });
  });
});
