import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type LogEntry,
  type LogLevel,
  ObservabilityClient,
  type ObservabilityClientOptions,
} from './observability-client';

const NOW = '2025-01-31T12:00:00.000Z';

interface Written {
  readonly line: string;
  readonly level: LogLevel;
}

function setup(environment = 'development', options: ObservabilityClientOptions = {}) {
  const written: Written[] = [];
  const client = new ObservabilityClient('storefront-api', environment, {
    write: (line, level) => {
      written.push({ line, level });
    },
    now: () => new Date(NOW),
    ...options,
  });
  const entries = (): LogEntry[] => written.map(({ line }) => JSON.parse(line));
  const only = (): LogEntry => {
    expect(written).toHaveLength(1);
    const [entry] = entries();
    if (entry === undefined) {
      throw new Error('no line written');
    }
    return entry;
  };
  return { client, written, entries, only };
}

// Secret-shaped strings are assembled from pieces so repository secret scanners do not flag them.
const secrets = {
  stripeLive: ['sk', 'live', '51MzPqRKj3vT9xYb2nQ8wLc4Hd7Fg0AsZe1UiOp6Ry5Tk3Mn9Bv2Cx8'].join('_'),
  stripeRestricted: ['rk', 'test', '51MzPqRKj3vT9xYb2nQ8wLc4Hd7Fg0AsZe1UiOp6'].join('_'),
  webhook: ['whsec', '5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH'].join('_'),
  jwt: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  bearer: 'mF_9.B5f-4.1JqM',
  password: 's3cr3t-P%40ss',
  email: 'jane.doe+shop@example.co.uk',
  visaSpaced: '4242 4242 4242 4242',
  visaDashed: '4242-4242-4242-4242',
  visaDebit: '4000056655665556',
  amex: '378282246310005',
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('ObservabilityClient', () => {
  describe('line shape', () => {
    it('writes one JSON object per call with exactly the documented keys', () => {
      const { client, written, only } = setup();
      client.info('order created', { orderId: 'ord_1' });
      expect(written[0]?.line).not.toContain('\n');
      const entry = only();
      expect(Object.keys(entry)).toEqual([
        'timestamp',
        'level',
        'service',
        'environment',
        'message',
        'context',
      ]);
      expect(entry).toEqual({
        timestamp: NOW,
        level: 'info',
        service: 'storefront-api',
        environment: 'development',
        message: 'order created',
        context: { orderId: 'ord_1' },
      });
    });

    it('writes an empty context when none is given', () => {
      const { client, only } = setup();
      client.warn('slow response');
      expect(only().context).toEqual({});
    });

    it.each(['info', 'warn', 'error'] as const)('passes level %s to the sink', (level) => {
      const { client, written, only } = setup();
      client[level]('message');
      expect(written[0]?.level).toBe(level);
      expect(only().level).toBe(level);
    });

    it('uses the real clock by default', () => {
      const lines: string[] = [];
      const client = new ObservabilityClient('svc', 'test', { write: (line) => lines.push(line) });
      const before = Date.now();
      client.info('tick');
      const entry: LogEntry = JSON.parse(lines[0] ?? '{}');
      expect(entry.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(Date.parse(entry.timestamp)).toBeGreaterThanOrEqual(before);
    });
  });

  describe('default console sink', () => {
    it('sends each level to its console method with the JSON line as the only argument', () => {
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const error = vi.spyOn(console, 'error').mockImplementation(() => {});
      const client = new ObservabilityClient('svc', 'production');

      client.info('one');
      expect(log).toHaveBeenCalledTimes(1);
      expect(log.mock.calls[0]).toHaveLength(1);
      expect(JSON.parse(String(log.mock.calls[0]?.[0]))).toMatchObject({
        level: 'info',
        message: 'one',
      });

      client.warn('two');
      expect(warn).toHaveBeenCalledTimes(1);
      expect(JSON.parse(String(warn.mock.calls[0]?.[0]))).toMatchObject({ level: 'warn' });

      client.error('three');
      expect(error).toHaveBeenCalledTimes(1);
      expect(JSON.parse(String(error.mock.calls[0]?.[0]))).toMatchObject({ level: 'error' });

      expect(log).toHaveBeenCalledTimes(1);
      expect(warn).toHaveBeenCalledTimes(1);
    });
  });

  describe('request ids', () => {
    it('includes requestId only when known', () => {
      const withId = setup('development', { requestId: 'req_8f2a' });
      withId.client.info('hello');
      expect(withId.only()).toMatchObject({ requestId: 'req_8f2a' });
      expect(Object.keys(withId.only())).toEqual([
        'timestamp',
        'level',
        'service',
        'environment',
        'message',
        'requestId',
        'context',
      ]);

      const withEmptyId = setup('development', { requestId: '' });
      withEmptyId.client.info('hello');
      expect(withEmptyId.only()).not.toHaveProperty('requestId');
    });

    it('withRequestId returns a bound client and leaves the original untouched', () => {
      const { client, entries } = setup();
      const perRequest = client.withRequestId('cf-ray-8c1f2e3d4a5b6c7d');
      perRequest.info('inside request');
      client.info('outside request');
      const [inside, outside] = entries();
      expect(inside?.requestId).toBe('cf-ray-8c1f2e3d4a5b6c7d');
      expect(outside).not.toHaveProperty('requestId');
      expect(perRequest).not.toBe(client);
      expect(perRequest.requestId).toBe('cf-ray-8c1f2e3d4a5b6c7d');
      expect(client.requestId).toBeUndefined();
    });

    it('redacts a request id that carries personal data', () => {
      const { client, only } = setup();
      client.withRequestId(`req/${secrets.email}`).info('x');
      expect(only().requestId).toBe('req/[REDACTED:email]');
    });

    it('child binds context and keeps the request id unless replaced', () => {
      const { client, entries } = setup('development', { context: { region: 'eu' } });
      const scoped = client.child({ requestId: 'req_1', context: { route: '/checkout' } });
      const nested = scoped.child({ context: { route: '/checkout/confirm', step: 2 } });
      const renamed = nested.child({ requestId: 'req_2' });
      scoped.info('a', { extra: true });
      nested.info('b', { step: 3 });
      renamed.info('c');
      const [a, b, c] = entries();
      expect(a).toMatchObject({
        requestId: 'req_1',
        context: { region: 'eu', route: '/checkout', extra: true },
      });
      expect(b).toMatchObject({
        requestId: 'req_1',
        context: { region: 'eu', route: '/checkout/confirm', step: 3 },
      });
      expect(c).toMatchObject({
        requestId: 'req_2',
        context: { region: 'eu', route: '/checkout/confirm', step: 2 },
      });
    });

    it('child without bindings keeps everything', () => {
      const { client, only } = setup('development', { requestId: 'req_1' });
      client.child({}).info('same');
      expect(only()).toMatchObject({ requestId: 'req_1', context: {} });
    });
  });

  describe('redaction', () => {
    it.each([
      ['Stripe live secret key', secrets.stripeLive, secrets.stripeLive],
      ['Stripe restricted key', secrets.stripeRestricted, secrets.stripeRestricted],
      ['Stripe webhook secret', secrets.webhook, secrets.webhook],
      ['JWT', secrets.jwt, secrets.jwt],
      ['bearer token', `Authorization: Bearer ${secrets.bearer}`, secrets.bearer],
      [
        'database password',
        `postgres://app:${secrets.password}@ep-cool-1.neon.tech/neondb?sslmode=require`,
        secrets.password,
      ],
      ['e-mail address', secrets.email, secrets.email],
      ['spaced Visa number', secrets.visaSpaced, secrets.visaSpaced],
      ['dashed Visa number', secrets.visaDashed, secrets.visaDashed],
      ['Visa debit number', secrets.visaDebit, secrets.visaDebit],
      ['Amex number', secrets.amex, secrets.amex],
    ])('never writes a %s, in the message or the context', (_, text, secret) => {
      const { client, written } = setup();
      client.error(`before ${text} after`, { detail: `x ${text} y`, list: [{ deep: text }] });
      const line = written[0]?.line ?? '';
      expect(line).not.toContain(secret);
      const entry: LogEntry = JSON.parse(line);
      expect(entry.message).toMatch(/^before .*\[REDACTED:[a-z_]+\].* after$/);
      expect(entry.context).toMatchObject({
        detail: expect.stringMatching(/^x .*\[REDACTED:[a-z_]+\].* y$/),
        list: [{ deep: expect.stringContaining('[REDACTED:') }],
      });
    });

    it('writes the documented markers and keeps the useful text around them', () => {
      const { client, only } = setup();
      client.info(
        `Stripe key ${secrets.stripeLive} rejected; webhook ${secrets.webhook}; Authorization: Bearer ${secrets.bearer}; db postgres://app:${secrets.password}@ep-cool-1.neon.tech/neondb?sslmode=require; mail ${secrets.email}; card ${secrets.visaSpaced}`,
      );
      expect(only().message).toBe(
        'Stripe key [REDACTED:stripe_key] rejected; webhook [REDACTED:stripe_webhook_secret]; Authorization: Bearer [REDACTED:bearer_token]; db postgres://app:[REDACTED:password]@ep-cool-1.neon.tech/neondb?sslmode=require; mail [REDACTED:email]; card [REDACTED:card_number]',
      );
    });

    it('hides sensitive keys in nested context', () => {
      const { client, written, only } = setup();
      client.info('incoming webhook', {
        request: {
          method: 'POST',
          headers: { 'Stripe-Signature': 't=1,v1=abc', Cookie: 'sid=1', 'X-Api-Key': 'k' },
          body: { customer: { password: 'hunter2', api_key: 'k2' } },
        },
      });
      expect(only().context).toEqual({
        request: {
          method: 'POST',
          headers: {
            'Stripe-Signature': '[REDACTED]',
            Cookie: '[REDACTED]',
            'X-Api-Key': '[REDACTED]',
          },
          body: { customer: { password: '[REDACTED]', api_key: '[REDACTED]' } },
        },
      });
      expect(written[0]?.line).not.toContain('hunter2');
    });

    it('does not mangle ids, UUIDs, timestamps and ordinary numbers', () => {
      const { client, only } = setup();
      const context = {
        uuid: '550e8400-e29b-41d4-a716-446655440000',
        at: '2025-01-31T12:00:00.000Z',
        session: 'cs_test_a1B2c3',
        intent: 'pi_3Nxyz',
        event: 'evt_123',
        reference: '4242424242424241',
        epochMs: 1738324800006,
        amount: 4999,
      };
      client.info(
        `${context.uuid} ${context.at} ${context.session} ${context.intent} ${context.event} ${context.reference}`,
        context,
      );
      const entry = only();
      expect(entry.message).toBe(
        '550e8400-e29b-41d4-a716-446655440000 2025-01-31T12:00:00.000Z cs_test_a1B2c3 pi_3Nxyz evt_123 4242424242424241',
      );
      expect(entry.context).toEqual(context);
    });
  });

  describe('errors', () => {
    it('trackError logs at error level with the serialised error under a top-level error key', () => {
      const { client, written, only } = setup('development', { requestId: 'req_1' });
      const cause = Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
      client.trackError(new Error('checkout failed', { cause }), { orderId: 'ord_1' });
      expect(written[0]?.level).toBe('error');
      const entry = only();
      expect(Object.keys(entry)).toEqual([
        'timestamp',
        'level',
        'service',
        'environment',
        'message',
        'requestId',
        'context',
        'error',
      ]);
      expect(entry).toMatchObject({
        level: 'error',
        message: 'checkout failed',
        context: { orderId: 'ord_1' },
        error: {
          name: 'Error',
          message: 'checkout failed',
          cause: { name: 'Error', message: 'connection refused', code: 'ECONNREFUSED' },
        },
      });
    });

    it('includes stacks outside production', () => {
      const { client, only } = setup('staging');
      client.trackError(new Error('boom', { cause: new Error('root cause') }));
      const error = only().error;
      expect(error?.stack).toContain('Error: boom');
      expect(error?.stack).toContain('observability-client.test.ts');
      expect(error?.cause).toMatchObject({ stack: expect.stringContaining('root cause') });
    });

    it.each(['production', 'Production', ' PRODUCTION '])(
      'omits stacks when environment is %j',
      (environment) => {
        const { client, written, entries } = setup(environment);
        client.trackError(new Error('boom', { cause: new Error('root cause') }));
        client.error('failed', { error: new Error('in context') });
        expect(written).toHaveLength(2);
        expect(written.map(({ line }) => line).join('\n')).not.toContain('"stack"');
        expect(entries()[0]?.error).toEqual({
          name: 'Error',
          message: 'boom',
          cause: { name: 'Error', message: 'root cause' },
        });
      },
    );

    it('lets includeStacks override the environment default', () => {
      const forced = setup('production', { includeStacks: true });
      forced.client.trackError(new Error('boom'));
      expect(forced.only().error).toHaveProperty('stack');

      const hidden = setup('development', { includeStacks: false });
      hidden.client.trackError(new Error('boom'));
      hidden.client.error('x', { error: new Error('ctx') });
      expect(hidden.written.map(({ line }) => line).join('')).not.toContain('"stack"');
    });

    it('serialises errors passed in the context of error()', () => {
      const { client, only } = setup();
      client.error('payment failed', {
        error: Object.assign(new Error(`bad key ${secrets.stripeLive}`), {
          code: 'api_key_invalid',
        }),
      });
      expect(only().context).toMatchObject({
        error: {
          name: 'Error',
          message: 'bad key [REDACTED:stripe_key]',
          code: 'api_key_invalid',
          stack: expect.stringContaining('[REDACTED:stripe_key]'),
        },
      });
    });

    it('redacts the tracked error message and stack', () => {
      const { client, written, only } = setup();
      client.trackError(new Error(`login failed for ${secrets.email} with ${secrets.jwt}`));
      expect(written[0]?.line).not.toContain(secrets.email);
      expect(written[0]?.line).not.toContain('eyJ');
      expect(only().message).toBe('login failed for [REDACTED:email] with [REDACTED:jwt]');
    });

    it('handles thrown non-Error values', () => {
      const { client, entries } = setup();
      client.trackError('plain string failure');
      client.trackError({ status: 502, token: 'abc' });
      client.trackError(new Error(''));
      client.trackError(undefined);
      const [fromString, fromObject, fromEmpty, fromUndefined] = entries();
      expect(fromString).toMatchObject({
        message: 'plain string failure',
        error: { name: 'NonError', message: 'plain string failure' },
      });
      expect(fromObject).toMatchObject({
        message: 'Unhandled error',
        error: { name: 'NonError', value: { status: 502, token: '[REDACTED]' } },
      });
      expect(fromEmpty?.message).toBe('Unhandled error');
      expect(fromUndefined).toMatchObject({ message: 'undefined', error: { name: 'NonError' } });
    });
  });

  describe('never throws', () => {
    it('survives cycles and BigInt in the context', () => {
      const { client, only } = setup();
      const order: Record<string, unknown> = { id: 'ord_1', total: 4999n };
      order.self = order;
      expect(() => client.info('cyclic', { order })).not.toThrow();
      expect(only().context).toEqual({ order: { id: 'ord_1', total: '4999', self: '[Circular]' } });
    });

    it('survives getters that throw', () => {
      const { client, only } = setup();
      const context = {
        fine: 1,
        get broken(): string {
          throw new Error('getter exploded');
        },
      };
      expect(() => client.warn('odd context', context)).not.toThrow();
      expect(only().context).toEqual({ fine: 1, broken: '[Unreadable]' });
    });

    it('survives a sink that throws', () => {
      const client = new ObservabilityClient('svc', 'production', {
        write: () => {
          throw new Error('sink down');
        },
      });
      expect(() => client.info('x')).not.toThrow();
      expect(() => client.trackError(new Error('y'))).not.toThrow();
    });

    it('survives the default console sink throwing', () => {
      vi.spyOn(console, 'error').mockImplementation(() => {
        throw new Error('console broken');
      });
      expect(() => new ObservabilityClient('svc', 'production').error('x')).not.toThrow();
    });

    it('falls back to the real clock when the injected one fails', () => {
      const throwing = setup('development', {
        now: () => {
          throw new Error('clock broken');
        },
      });
      throwing.client.info('x');
      expect(Number.isNaN(Date.parse(throwing.only().timestamp))).toBe(false);

      const invalid = setup('development', { now: () => new Date(Number.NaN) });
      invalid.client.info('x');
      expect(Number.isNaN(Date.parse(invalid.only().timestamp))).toBe(false);
    });

    it('survives a message whose toString throws', () => {
      const { client, only } = setup();
      const message = {
        toString(): string {
          throw new Error('no string');
        },
      };
      expect(() => client.info(message as unknown as string)).not.toThrow();
      expect(only().message).toBe('Log entry could not be serialised');
    });

    it('binds contexts with throwing getters lazily and never throws', () => {
      const { client, only } = setup();
      const hostile = {
        get user(): string {
          throw new Error('getter exploded');
        },
      };
      const bound = client.child({ context: hostile });
      expect(() => bound.info('x')).not.toThrow();
      expect(only().context).toEqual({ user: '[Unreadable]' });
    });

    it('copies a __proto__ context key as data', () => {
      const { client, written, only } = setup();
      client.info('x', JSON.parse('{"__proto__":{"isAdmin":true},"ok":1}'));
      expect(written[0]?.line).toContain('"context":{"__proto__":{"isAdmin":true},"ok":1}');
      const entry = only();
      expect(Object.keys(entry.context)).toEqual(['__proto__', 'ok']);
      expect(Object.getPrototypeOf(entry.context)).toBe(Object.prototype);
    });

    it('wraps a context that is not a plain object', () => {
      const { client, only } = setup();
      client.info('array context', [1, 'ops@example.com'] as unknown as Record<string, unknown>);
      expect(only().context).toEqual({ value: [1, '[REDACTED:email]'] });
    });

    it('writes a minimal fallback line when serialisation fails', () => {
      const { client, only } = setup('development', { requestId: 'req_1' });
      vi.spyOn(JSON, 'stringify').mockImplementationOnce(() => {
        throw new Error('stringify failed');
      });
      expect(() => client.info(`secret ${secrets.email}`, { any: 'thing' })).not.toThrow();
      expect(only()).toEqual({
        timestamp: NOW,
        level: 'info',
        service: 'storefront-api',
        environment: 'development',
        message: 'Log entry could not be serialised',
        requestId: 'req_1',
        context: {},
      });

      const anonymous = setup('production');
      vi.spyOn(JSON, 'stringify').mockImplementationOnce(() => {
        throw new Error('stringify failed');
      });
      anonymous.client.warn('x');
      expect(anonymous.only()).toEqual({
        timestamp: NOW,
        level: 'warn',
        service: 'storefront-api',
        environment: 'production',
        message: 'Log entry could not be serialised',
        context: {},
      });
    });

    it('survives constructor arguments that cannot be stringified', () => {
      const hostile = {
        toString(): string {
          throw new Error('no string');
        },
      };
      const lines: string[] = [];
      const client = new ObservabilityClient(
        hostile as unknown as string,
        hostile as unknown as string,
        { requestId: hostile as unknown as string, write: (line) => lines.push(line) },
      );
      client.info('still works');
      expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
        service: 'unknown',
        environment: 'unknown',
        message: 'still works',
      });
      expect(JSON.parse(lines[0] ?? '{}')).not.toHaveProperty('requestId');
    });
  });
});
