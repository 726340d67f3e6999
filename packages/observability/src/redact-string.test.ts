import { describe, expect, it } from 'vitest';
import { redactString } from './redact-string';

// Secret-shaped strings are assembled from pieces so repository secret scanners do not flag them.
const liveSecretKey = [
  'sk',
  'live',
  '51MzPqRKj3vT9xYb2nQ8wLc4Hd7Fg0AsZe1UiOp6Ry5Tk3Mn9Bv2Cx8',
].join('_');
const testSecretKey = ['sk', 'test', '4eC39HqLyjWDarjtT1zdp7dc'].join('_');
const restrictedTestKey = ['rk', 'test', '51MzPqRKj3vT9xYb2nQ8wLc4Hd7Fg0AsZe1UiOp6'].join('_');
const restrictedLiveKey = ['rk', 'live', '51MzPqRKj3vT9xYb2nQ8wLc4Hd7Fg0AsZe'].join('_');
const webhookSecret = ['whsec', '5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH'].join('_');
const jwt =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

describe('redactString', () => {
  describe('Stripe keys', () => {
    it.each([
      ['live secret', liveSecretKey],
      ['test secret', testSecretKey],
      ['live restricted', restrictedLiveKey],
      ['test restricted', restrictedTestKey],
    ])('replaces a %s key and keeps the surrounding text', (_, key) => {
      const result = redactString(`Stripe call failed with key ${key} (account acct_1Abc)`);
      expect(result).toBe('Stripe call failed with key [REDACTED:stripe_key] (account acct_1Abc)');
      expect(result).not.toContain(key.slice(8));
    });

    it('replaces a webhook signing secret', () => {
      const result = redactString(`STRIPE_WEBHOOK_SECRET=${webhookSecret} loaded`);
      expect(result).toBe('STRIPE_WEBHOOK_SECRET=[REDACTED:stripe_webhook_secret] loaded');
      expect(result).not.toContain('5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH');
    });

    it('keeps publishable keys and object ids', () => {
      const text =
        'pk_test_TYooMQauvdEDq54NiTphI7jx cs_test_a1B2c3 pi_3Nxyz evt_123 evt_1NG8Du2eZvKYlo2CUI79vXWy';
      expect(redactString(text)).toBe(text);
    });

    it('does not match a key prefix glued to other letters', () => {
      const text = `mask_live_${'x'.repeat(20)}`;
      expect(redactString(text)).toBe(text);
    });
  });

  describe('bearer tokens and authorization headers', () => {
    it('replaces the token after Bearer and keeps the header name', () => {
      const result = redactString('Authorization: Bearer abc123.DEF-456_ghi~789+/= from client');
      expect(result).toBe('Authorization: Bearer [REDACTED:bearer_token] from client');
    });

    it('is case-insensitive', () => {
      expect(redactString('authorization=bearer s3cr3tT0ken')).toBe(
        'authorization=bearer [REDACTED:bearer_token]',
      );
    });

    it('keeps the Bearer word and hides a JWT sent as bearer token', () => {
      const result = redactString(`Authorization: Bearer ${jwt}`);
      expect(result).toBe('Authorization: Bearer [REDACTED:jwt]');
      expect(result).not.toContain('eyJ');
    });

    it('replaces Basic credentials in an Authorization header', () => {
      const result = redactString('{"Authorization":"Basic YWxhZGRpbjpvcGVuc2VzYW1l"}');
      expect(result).toBe('{"Authorization":"Basic [REDACTED:basic_auth]"}');
    });

    it('keeps the word Basic in prose', () => {
      expect(redactString('Basic plan selected')).toBe('Basic plan selected');
    });
  });

  describe('JWTs', () => {
    it('replaces a JWT in free text', () => {
      const result = redactString(`session cookie=${jwt}; Path=/`);
      expect(result).toBe('session cookie=[REDACTED:jwt]; Path=/');
    });

    it('replaces an unsigned JWT with an empty signature', () => {
      expect(redactString('token eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0. end')).toBe(
        'token [REDACTED:jwt] end',
      );
    });
  });

  describe('connection strings', () => {
    it('keeps scheme, user, host and options but hides the password', () => {
      const url = 'postgres://app:s3cr3t-P%40ss@ep-cool-1.neon.tech/neondb?sslmode=require';
      const result = redactString(`connecting to ${url}`);
      expect(result).toBe(
        'connecting to postgres://app:[REDACTED:password]@ep-cool-1.neon.tech/neondb?sslmode=require',
      );
      expect(result).not.toContain('s3cr3t');
    });

    it.each([
      [
        'postgresql://neondb_owner:npg_Xy7kLm@ep-red-2.eu-central-1.aws.neon.tech/app',
        'postgresql://neondb_owner:[REDACTED:password]@ep-red-2.eu-central-1.aws.neon.tech/app',
      ],
      ['redis://:hunter2@cache:6379/0', 'redis://:[REDACTED:password]@cache:6379/0'],
      ['https://admin:p@ss:w0rd@example.com/x', 'https://admin:[REDACTED:password]@example.com/x'],
      ['amqps://user:pw@mq.internal', 'amqps://user:[REDACTED:password]@mq.internal'],
      [
        'jdbc:postgresql://app:pw@db.internal:5432/shop',
        'jdbc:postgresql://app:[REDACTED:password]@db.internal:5432/shop',
      ],
    ])('handles %s', (input, expected) => {
      expect(redactString(input)).toBe(expected);
    });

    it('leaves URLs without credentials alone', () => {
      const text =
        'https://example.com:8443/path?x=1 postgres://app@ep-cool-1.neon.tech/neondb https://shop.example.com/a@b';
      expect(redactString(text)).toBe(text);
    });
  });

  describe('query parameters', () => {
    it('hides values of sensitive parameters only', () => {
      expect(
        redactString('GET /callback?code=ok&access_token=ya29.a0Af&state=xyz&api_key=k-123 200'),
      ).toBe('GET /callback?code=ok&access_token=[REDACTED]&state=xyz&api_key=[REDACTED] 200');
    });
  });

  describe('e-mail addresses', () => {
    it('replaces the address and keeps the text around it', () => {
      const result = redactString('Receipt sent to jane.doe+shop@example.co.uk, order 1042.');
      expect(result).toBe('Receipt sent to [REDACTED:email], order 1042.');
      expect(result).not.toContain('jane');
      expect(result).not.toContain('example.co.uk');
    });

    it('replaces addresses inside URLs and JSON', () => {
      expect(redactString('/users/ops@example.com?x=1 {"email":"a_b@shop.io"}')).toBe(
        '/users/[REDACTED:email]?x=1 {"email":"[REDACTED:email]"}',
      );
    });
  });

  describe('card numbers', () => {
    it.each([
      ['Visa, spaced', '4242 4242 4242 4242'],
      ['Visa, dashed', '4242-4242-4242-4242'],
      ['Visa debit, contiguous', '4000056655665556'],
      ['Amex, contiguous', '378282246310005'],
      ['Amex, grouped 4-6-5', '3782 822463 10005'],
      ['Mastercard 2-series', '2223003122003222'],
      ['Discover', '6011111111111117'],
    ])('replaces a %s number', (_, card) => {
      const result = redactString(`Charge with card ${card} declined (code 51).`);
      expect(result).toBe('Charge with card [REDACTED:card_number] declined (code 51).');
    });

    it('finds a card inside a longer run of digit groups', () => {
      expect(redactString('pan 4242 4242 4242 4242 123')).toBe('pan [REDACTED:card_number] 123');
      expect(redactString('12 4242 4242 4242 4242')).toBe('12 [REDACTED:card_number]');
    });

    it('replaces a card number wrapped in JSON or punctuation', () => {
      expect(redactString('{"pan":"4242424242424242"}')).toBe('{"pan":"[REDACTED:card_number]"}');
      expect(redactString('(4242424242424242)')).toBe('([REDACTED:card_number])');
    });

    it.each([
      ['a 16-digit number that fails Luhn', 'id 4242424242424241 end'],
      ['a Luhn-valid 16-digit number starting with 1', 'id 1234567812345670 end'],
      ['a Luhn-valid millisecond timestamp', 'at 1738324800006 ms'],
      ['a 20-digit number', 'ref 42424242424242424242 end'],
      ['digits inside a hex string', 'sha a4242424242424242b end'],
      ['digits inside an identifier', 'evt_4242424242424242 ch_4242424242424242'],
      ['a decimal fraction', 'ratio 0.4242424242424242 and 4242424242424242.5'],
      ['a phone number', 'call +44 20 7946 0958 or 415-555-2671'],
      ['space-separated small numbers', 'ids 4 2 4 2 4 2 4 2 4 2 4 2 4 2 4 2'],
      ['an ISO timestamp', 'at 2025-01-31T12:00:00.000Z'],
    ])('keeps %s', (_, text) => {
      expect(redactString(text)).toBe(text);
    });

    it('never reads the digits of a UUID as a card number', () => {
      // The last two groups form 8123291417776317, which passes Luhn.
      const text = 'order 3f2b8c1e-9d4a-4e7b-8123-291417776317 paid';
      expect(redactString(text)).toBe(text);
      expect(redactString('8123291417776317')).toBe('[REDACTED:card_number]');
    });
  });

  it('hides the bound values of a failed SQL statement and keeps the statement', () => {
    const message =
      'Failed query: select "id" from "content_purchases" where "customer_id" = $1 limit $2\nparams: user_3a4c90c5-4105-491b-8b75-e38383a2fd1c,1';
    const redacted = redactString(message);
    expect(redacted).toBe(
      'Failed query: select "id" from "content_purchases" where "customer_id" = $1 limit $2\nparams: [REDACTED:query_params]',
    );
    expect(redacted).not.toContain('user_3a4c90c5');
  });

  it('hides bound values that span lines, in a message and in a stack before its first frame', () => {
    const message =
      'Failed query: update email_outbox set html_body = $1 where id = $2\nparams: <html>\n<p>Dear buyer-7@example.test</p>\n</html>,3f2b8c1e';
    expect(redactString(message)).toBe(
      'Failed query: update email_outbox set html_body = $1 where id = $2\nparams: [REDACTED:query_params]',
    );
    const stack = `Error: ${message}\n    at queryRows (file:///worker.js:1:2)\n    at async send (file:///worker.js:3:4)`;
    expect(redactString(stack)).toBe(
      'Error: Failed query: update email_outbox set html_body = $1 where id = $2\nparams: [REDACTED:query_params]\n    at queryRows (file:///worker.js:1:2)\n    at async send (file:///worker.js:3:4)',
    );
  });

  it('keeps ordinary log text untouched', () => {
    const text =
      'User 550e8400-e29b-41d4-a716-446655440000 paid 4999 cents at 2025-01-31T12:00:00.000Z via cs_test_a1B2c3 / pi_3Nxyz (evt_123)';
    expect(redactString(text)).toBe(text);
  });

  it('redacts several kinds of secret in one string', () => {
    const result = redactString(
      `key=${liveSecretKey} user=jane.doe+shop@example.co.uk card=4242-4242-4242-4242 auth=Bearer abcdefghij`,
    );
    expect(result).toBe(
      'key=[REDACTED:stripe_key] user=[REDACTED:email] card=[REDACTED:card_number] auth=Bearer [REDACTED:bearer_token]',
    );
  });

  it.each([
    ['spaced digits', `${'1 '.repeat(50_000)}x`],
    ['dotted scheme-like text', `${'a.'.repeat(50_000)}@`],
    [
      'whitespace after an Authorization header',
      `authorization:${' '.repeat(50_000)}"${' '.repeat(50_000)}`,
    ],
    ['repeated e-mail fragments', '@a'.repeat(50_000)],
  ])('runs in linear time on hostile input (%s)', (_, input) => {
    const started = performance.now();
    redactString(input);
    // Quadratic behaviour takes many seconds on 100k characters; linear takes milliseconds.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('is idempotent', () => {
    const once = redactString(
      `postgres://app:pw@h/db Bearer tok12345 ${jwt} ${testSecretKey} ${webhookSecret} a@b.io 4242424242424242 Authorization: Basic dXNlcjpwYXNz ?token=x`,
    );
    expect(redactString(once)).toBe(once);
  });

  it('converts non-string input instead of throwing', () => {
    expect(redactString(4242424242424242 as unknown as string)).toBe('[REDACTED:card_number]');
    const hostile = {
      toString(): string {
        throw new Error('nope');
      },
    };
    expect(redactString(hostile as unknown as string)).toBe('');
  });
});
