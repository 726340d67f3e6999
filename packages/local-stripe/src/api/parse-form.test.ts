import { describe, expect, it } from 'vitest';
import { parseForm } from './parse-form';

describe('parseForm', () => {
  it('keeps flat keys and nests them into objects and indexed arrays', () => {
    const { form, body } = parseForm(
      'mode=payment&line_items[1][quantity]=1&line_items[0][price_data][unit_amount]=999&metadata[id]=a%20b',
    );

    expect(form).toEqual({
      mode: 'payment',
      'line_items[1][quantity]': '1',
      'line_items[0][price_data][unit_amount]': '999',
      'metadata[id]': 'a b',
    });
    expect(body).toEqual({
      mode: 'payment',
      line_items: [{ price_data: { unit_amount: '999' } }, { quantity: '1' }],
      metadata: { id: 'a b' },
    });
  });

  it('reads percent-encoded brackets and appends for empty brackets', () => {
    const { form, body } = parseForm('expand%5B%5D=line_items&expand[]=payment_intent');

    expect(form).toEqual({ 'expand[]': 'payment_intent' });
    expect(body).toEqual({ expand: ['line_items', 'payment_intent'] });
  });

  it('reads the indexed arrays and ranges the SDK sends on GET', () => {
    const { body } = parseForm(
      'expand[0]=payment_intent&types[0]=refund.created&types[1]=charge.refunded&created[gte]=1700000000&delivery_success=false',
    );

    expect(body).toEqual({
      expand: ['payment_intent'],
      types: ['refund.created', 'charge.refunded'],
      created: { gte: '1700000000' },
      delivery_success: 'false',
    });
  });

  it('cannot pollute prototypes', () => {
    const { body } = parseForm('__proto__[polluted]=yes&a[__proto__][polluted]=yes');

    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
  });

  it('keeps a malformed key whole', () => {
    expect(parseForm('a[b=1').body).toEqual({ 'a[b': '1' });
  });
});
