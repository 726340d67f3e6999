import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readConfig } from './read-config';
import { workerConfigSchema } from './worker-config-schema';

const VALID = {
  DATABASE_URL: 'postgres://app:hunter2-secret@db.example.test/codex',
  STRIPE_SECRET_KEY: 'sk_test_read_config_0123456789',
  ENVIRONMENT: 'production',
};

/** A schema that counts how often it parses. */
function countingSchema() {
  let parses = 0;
  const schema = z.object({ NAME: z.string() }).transform((value) => {
    parses++;
    return value;
  });
  return { schema, parses: () => parses };
}

describe('readConfig', () => {
  it('parses a bindings object once per schema, however many requests read it', () => {
    const { schema, parses } = countingSchema();
    const env = { NAME: 'a' };

    const first = readConfig(schema, env);
    const second = readConfig(schema, env);

    expect(first).toEqual({ ok: true, config: { NAME: 'a' } });
    expect(second).toBe(first);
    expect(parses()).toBe(1);
  });

  it('parses another bindings object, and the same object under another schema, again', () => {
    const { schema, parses } = countingSchema();
    const other = countingSchema();
    const env = { NAME: 'a' };

    readConfig(schema, env);
    readConfig(schema, { NAME: 'a' });
    readConfig(other.schema, env);

    expect(parses()).toBe(2);
    expect(other.parses()).toBe(1);
  });

  it('caches a failure too, so a misconfigured isolate does not re-parse on every request', () => {
    const env = {};
    const first = readConfig(workerConfigSchema, env);
    expect(first.ok).toBe(false);
    expect(readConfig(workerConfigSchema, env)).toBe(first);
  });

  it('gives the parsed configuration, transforms applied, unknown bindings dropped', () => {
    const result = readConfig(workerConfigSchema, { ...VALID, SOMETHING_ELSE: 'x' });
    expect(result).toEqual({ ok: true, config: VALID });
  });

  it('names each missing variable as missing', () => {
    const result = readConfig(workerConfigSchema, {});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.sort()).toEqual([
      'DATABASE_URL: missing',
      'ENVIRONMENT: missing',
      'STRIPE_SECRET_KEY: missing',
    ]);
  });

  it('counts an empty value as missing (an unfilled line of a .dev.vars file)', () => {
    const result = readConfig(workerConfigSchema, { ...VALID, STRIPE_SECRET_KEY: '' });
    expect(result).toEqual({ ok: false, problems: ['STRIPE_SECRET_KEY: missing'] });
  });

  it("names each malformed variable with the schema's reason and never its value", () => {
    const result = readConfig(workerConfigSchema, {
      DATABASE_URL: 'mysql://app:hunter2@db/codex',
      STRIPE_SECRET_KEY: 'whsec_pasted_into_the_wrong_binding',
      STRIPE_API_BASE: 'ftp://stripe.invalid',
      ENVIRONMENT: 'prod-eu',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = result.problems.join('\n');
    expect(text).toContain('DATABASE_URL: must be a postgres:// connection string');
    expect(text).toContain('STRIPE_SECRET_KEY: must be a Stripe secret or restricted key');
    expect(text).toMatch(/^STRIPE_API_BASE: /m);
    expect(text).toMatch(/^ENVIRONMENT: /m);
    expect(text).not.toMatch(/hunter2|pasted_into|ftp:|stripe\.invalid|prod-eu/);
  });

  it.each([
    ['DATABASE_URL', 'postgres://app:replace_me@db.example.test/codex'],
    ['STRIPE_SECRET_KEY', 'sk_test_replace_me'],
    ['STRIPE_SECRET_KEY', 'sk_live_REPLACE_WITH_YOUR_KEY'],
    ['STRIPE_SECRET_KEY', 'sk_test_changeme'],
    ['STRIPE_SECRET_KEY', 'sk_test_placeholder'],
  ])(
    'refuses an obvious placeholder in %s, naming the variable, never the value',
    (name, value) => {
      const result = readConfig(workerConfigSchema, { ...VALID, [name]: value });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.problems).toEqual([`${name}: is a placeholder; set the real value`]);
      expect(result.problems.join('\n')).not.toContain(value);
    },
  );

  it('answers for bindings that are not an object without caching or throwing', () => {
    expect(readConfig(workerConfigSchema, undefined)).toMatchObject({ ok: false });
  });
});
