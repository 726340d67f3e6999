import { describe, expect, it } from 'vitest';
import { redact } from './redact';

const jwt =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

describe('redact', () => {
  it('returns primitives that carry no secret unchanged', () => {
    expect(redact('plain text')).toBe('plain text');
    expect(redact(42)).toBe(42);
    expect(redact(1738324800006)).toBe(1738324800006);
    expect(redact(true)).toBe(true);
    expect(redact(null)).toBeNull();
    expect(redact(undefined)).toBeUndefined();
  });

  it('redacts strings everywhere in nested objects and arrays', () => {
    const input = {
      customer: { contact: ['jane.doe+shop@example.co.uk', { backup: 'ops@example.com' }] },
      note: 'paid with 4242 4242 4242 4242',
      orderId: '550e8400-e29b-41d4-a716-446655440000',
    };
    expect(redact(input)).toEqual({
      customer: { contact: ['[REDACTED:email]', { backup: '[REDACTED:email]' }] },
      note: 'paid with [REDACTED:card_number]',
      orderId: '550e8400-e29b-41d4-a716-446655440000',
    });
  });

  it('hides the whole value of sensitive keys at any depth', () => {
    const input = {
      request: {
        headers: {
          Authorization: `Bearer ${jwt}`,
          cookie: 'sid=abc',
          'stripe-signature':
            't=1,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd',
          'content-type': 'application/json',
        },
        body: [{ password: 'hunter2', apiKey: 12345, nested: { client_secret: { deep: 'x' } } }],
      },
    };
    expect(redact(input)).toEqual({
      request: {
        headers: {
          Authorization: '[REDACTED]',
          cookie: '[REDACTED]',
          'stripe-signature': '[REDACTED]',
          'content-type': 'application/json',
        },
        body: [
          { password: '[REDACTED]', apiKey: '[REDACTED]', nested: { client_secret: '[REDACTED]' } },
        ],
      },
    });
  });

  it('keeps empty, null, undefined and boolean values of sensitive keys', () => {
    expect(
      redact({ token: null, password: '', secret: undefined, hasToken: true, cookie: 'x' }),
    ).toEqual({
      token: null,
      password: '',
      secret: undefined,
      hasToken: true,
      cookie: '[REDACTED]',
    });
  });

  it('redacts secrets that appear in object keys', () => {
    expect(redact({ 'jane@example.com': 1 })).toEqual({ '[REDACTED:email]': 1 });
  });

  it('replaces cycles with [Circular] but repeats shared references', () => {
    const shared = { value: 'same' };
    const node: Record<string, unknown> = { name: 'root', shared, again: shared };
    node.self = node;
    const list: unknown[] = ['first'];
    list.push(list);
    node.list = list;
    const result = redact(node);
    expect(result).toEqual({
      name: 'root',
      shared: { value: 'same' },
      again: { value: 'same' },
      self: '[Circular]',
      list: ['first', '[Circular]'],
    });
    expect(() => JSON.stringify(result)).not.toThrow();
  });

  it('turns BigInt and non-finite numbers into strings, redacting card-like ones', () => {
    const result = redact({
      big: 12345678901234567890n,
      card: 4242424242424242n,
      cardNumber: 4242424242424242,
      pan: 4000056655665556,
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
    });
    expect(result).toEqual({
      big: '12345678901234567890',
      card: '[REDACTED:card_number]',
      cardNumber: '[REDACTED]',
      pan: '[REDACTED:card_number]',
      nan: 'NaN',
      inf: 'Infinity',
    });
    expect(() => JSON.stringify(result)).not.toThrow();
  });

  it('describes symbols and functions without their source', () => {
    function chargeCard(): string {
      return 'sk_secret_in_source';
    }
    expect(redact([Symbol('ops@example.com'), chargeCard, () => 1])).toEqual([
      'Symbol([REDACTED:email])',
      '[Function: chargeCard]',
      '[Function]',
    ]);
  });

  it('replaces a throwing getter with [Unreadable] and keeps the rest', () => {
    const input = {
      ok: 'fine',
      get broken(): string {
        throw new Error('getter exploded');
      },
    };
    expect(redact(input)).toEqual({ ok: 'fine', broken: '[Unreadable]' });
    const array = ['a'];
    Object.defineProperty(array, 1, {
      get(): never {
        throw new Error('nope');
      },
      enumerable: true,
    });
    expect(redact(array)).toEqual(['a', '[Unreadable]']);
  });

  it('replaces a value that cannot be inspected with [Unserializable]', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(redact({ proxy, after: 'kept' })).toEqual({ proxy: '[Unserializable]', after: 'kept' });
  });

  it('truncates nesting deeper than maxDepth', () => {
    expect(redact({ a: { b: { c: 'deep' } } }, { maxDepth: 2 })).toEqual({
      a: { b: '[Truncated]' },
    });
    let deep: Record<string, unknown> = { leaf: true };
    for (let index = 0; index < 50; index++) {
      deep = { next: deep };
    }
    expect(JSON.stringify(redact(deep))).toContain('[Truncated]');
  });

  it('copies Dates, Maps, Sets, Headers, URLs and RegExps into redacted plain data', () => {
    const result = redact({
      at: new Date('2025-01-31T12:00:00.000Z'),
      invalid: new Date(Number.NaN),
      map: new Map<unknown, unknown>([
        ['email', 'ops@example.com'],
        ['password', 'hunter2'],
        [7, 'seven'],
      ]),
      set: new Set(['a', 'ops@example.com']),
      headers: new Headers({ authorization: 'Bearer abc', 'x-request-id': 'req-1' }),
      url: new URL('postgres://app:s3cr3t@db.example.com/neondb'),
      pattern: /ops@example\.com/,
    });
    expect(result).toEqual({
      at: '2025-01-31T12:00:00.000Z',
      invalid: 'Invalid Date',
      map: { email: '[REDACTED:email]', password: '[REDACTED]', 7: 'seven' },
      set: ['a', '[REDACTED:email]'],
      headers: { authorization: '[REDACTED]', 'x-request-id': 'req-1' },
      url: 'postgres://app:[REDACTED:password]@db.example.com/neondb',
      pattern: '/ops@example\\.com/',
    });
  });

  it('survives Map keys and error codes that cannot be turned into strings', () => {
    const hostile = {
      toString(): string {
        throw new Error('no string');
      },
    };
    const error = Object.assign(new Error('x'), { code: hostile });
    expect(redact({ map: new Map([[hostile, 'value']]), error })).toEqual({
      map: { '[Unserializable]': 'value' },
      error: { name: 'Error', message: 'x', code: '[Unserializable]' },
    });
  });

  it('reads Headers-like objects by their entries and skips malformed entries', () => {
    const headersLike = {
      [Symbol.toStringTag]: 'Headers',
      entries: () =>
        [['x-api-key', 'k-1'], ['accept', 'text/html'], 'malformed'][Symbol.iterator](),
    };
    expect(redact(headersLike)).toEqual({ 'x-api-key': '[REDACTED]', accept: 'text/html' });
  });

  it('summarises binary data instead of copying bytes', () => {
    expect(
      redact({ bytes: new TextEncoder().encode('sk_live_secret'), buffer: new ArrayBuffer(8) }),
    ).toEqual({ bytes: '[Uint8Array byteLength=14]', buffer: '[ArrayBuffer byteLength=8]' });
  });

  it('uses toJSON when present and guards against toJSON returning itself', () => {
    const money = { toJSON: () => ({ amount: 4999, contact: 'ops@example.com' }) };
    const selfish = {
      toJSON(): unknown {
        return this;
      },
    };
    expect(redact({ money, selfish })).toEqual({
      money: { amount: 4999, contact: '[REDACTED:email]' },
      selfish: '[Circular]',
    });
  });

  it('serialises errors without stacks by default and with them on request', () => {
    const error = new Error('failed for ops@example.com');
    expect(redact({ error })).toEqual({
      error: { name: 'Error', message: 'failed for [REDACTED:email]' },
    });
    const withStack = redact({ error }, { includeErrorStacks: true });
    expect(withStack).toMatchObject({
      error: { stack: expect.stringContaining('[REDACTED:email]') },
    });
  });

  it('keeps a __proto__ key as data without touching prototypes', () => {
    const input: unknown = JSON.parse('{"__proto__":{"polluted":"yes"},"ok":1}');
    const result = redact(input);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.keys(result as object)).toEqual(['__proto__', 'ok']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not mutate its input', () => {
    const input = { password: 'hunter2', note: 'ops@example.com', list: ['4242424242424242'] };
    const copy = structuredClone(input);
    redact(input);
    expect(input).toEqual(copy);
  });
});
