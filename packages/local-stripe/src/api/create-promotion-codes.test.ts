import { describe, expect, it } from 'vitest';
import { rejectionOf, sessionParams, thrownBy, useStripeStub } from '../testing/stub-test-support';

const { stub, stripe } = useStripeStub();

const base = sessionParams({}, { unit_amount: 2000 });

describe('promotion codes through the API', () => {
  it('creates a coupon and a code on it, in this API version’s shape, and reads them back', async () => {
    const coupon = await stripe().coupons.create({
      percent_off: 25,
      duration: 'once',
      name: '25 %',
    });
    const code = await stripe().promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      code: 'LAUNCH25',
      metadata: { organizationId: 'org-1' },
    });
    expect(code).toMatchObject({
      id: expect.stringMatching(/^promo_/),
      object: 'promotion_code',
      code: 'LAUNCH25',
      active: true,
      promotion: { type: 'coupon', coupon: coupon.id },
      metadata: { organizationId: 'org-1' },
      livemode: false,
    });
    await expect(stripe().promotionCodes.retrieve(code.id)).resolves.toEqual(code);
    await expect(stripe().coupons.retrieve(coupon.id)).resolves.toMatchObject({ percent_off: 25 });
  });

  it('lists by code (case-insensitive) and active, newest first, with pagination', async () => {
    const a = stub().createPromotionCode({ code: 'SPRING', percentOff: 10 });
    const b = stub().createPromotionCode({ code: 'SUMMER', amountOff: 500, currency: 'usd' });
    const off = stub().createPromotionCode({ code: 'SPRING', percentOff: 50, active: false });

    const spring = await stripe().promotionCodes.list({ code: 'spring' });
    expect(spring.data.map((code) => code.id)).toEqual([off.id, a.id]);
    const active = await stripe().promotionCodes.list({ code: 'SPRING', active: true, limit: 1 });
    expect(active.data.map((code) => code.id)).toEqual([a.id]);
    const page = await stripe().promotionCodes.list({ limit: 1, starting_after: off.id });
    expect(page).toMatchObject({ object: 'list', url: '/v1/promotion_codes', has_more: true });
    expect(page.data.map((code) => code.id)).toEqual([b.id]);
    await expect(
      rejectionOf(stripe().promotionCodes.list({ starting_after: 'promo_unknown' })),
    ).resolves.toMatchObject({ code: 'resource_missing', param: 'starting_after' });
  });

  it('deactivates a code and merges its metadata', async () => {
    const code = stub().createPromotionCode({ code: 'FALL', percentOff: 20, metadata: { a: '1' } });
    const updated = await stripe().promotionCodes.update(code.id, {
      active: false,
      metadata: { b: '2' },
    });
    expect(updated).toMatchObject({ active: false, metadata: { a: '1', b: '2' } });
    expect(stub().getPromotionCode(code.id)).toMatchObject({ active: false });
  });

  it('refuses a second active code of the same name, and bad definitions', () => {
    stub().createPromotionCode({ code: 'ONCE', percentOff: 10 });
    expect(
      thrownBy(() => stub().createPromotionCode({ code: 'once', percentOff: 5 })),
    ).toMatchObject({
      status: 400,
    });
    expect(thrownBy(() => stub().createPromotionCode({ code: 'X', percentOff: 0 }))).toMatchObject({
      status: 400,
    });
  });

  it('refuses an unknown code or coupon with Stripe’s 404 and resource_missing', async () => {
    await expect(
      rejectionOf(stripe().promotionCodes.retrieve('promo_nope')),
    ).resolves.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    });
    await expect(
      rejectionOf(
        stripe().promotionCodes.create({ promotion: { type: 'coupon', coupon: 'nope' } }),
      ),
    ).resolves.toMatchObject({ code: 'resource_missing', param: 'promotion[coupon]' });
  });
});

describe('a session created with discounts', () => {
  it('carries the promotion code and its coupon from creation, and applies it when paid', async () => {
    const code = stub().createPromotionCode({ code: 'HALF', percentOff: 50 });
    const session = await stripe().checkout.sessions.create({
      ...base,
      discounts: [{ promotion_code: code.id }],
    });
    const redeemed = { coupon: code.promotion.coupon, promotion_code: code.id };
    expect(session).toMatchObject({
      allow_promotion_codes: null,
      discounts: [redeemed],
      amount_subtotal: 2000,
      amount_total: 1000,
      total_details: { amount_discount: 1000 },
    });

    stub().payCheckoutSession(session.id);
    const paid = await stripe().checkout.sessions.retrieve(session.id, {
      expand: ['payment_intent'],
    });
    expect(paid).toMatchObject({
      status: 'complete',
      payment_status: 'paid',
      discounts: [redeemed],
      amount_total: 1000,
      total_details: { amount_discount: 1000 },
      payment_intent: { amount: 1000 },
    });
  });

  it('takes a coupon directly, naming no promotion code', async () => {
    const coupon = await stripe().coupons.create({ amount_off: 300, currency: 'usd' });
    const session = await stripe().checkout.sessions.create({
      ...base,
      discounts: [{ coupon: coupon.id }],
    });
    expect(session).toMatchObject({
      discounts: [{ coupon: coupon.id, promotion_code: null }],
      amount_total: 1700,
    });
  });

  it('refuses an unknown promotion code, naming the parameter', async () => {
    const error = await rejectionOf(
      stripe().checkout.sessions.create({ ...base, discounts: [{ promotion_code: 'promo_nope' }] }),
    );
    expect(error).toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
      param: 'discounts[0][promotion_code]',
      message: "No such promotion code: 'promo_nope'",
    });
  });

  it('refuses an inactive promotion code and an unknown coupon', async () => {
    const code = stub().createPromotionCode({ code: 'OLD', percentOff: 10, active: false });
    await expect(
      rejectionOf(
        stripe().checkout.sessions.create({ ...base, discounts: [{ promotion_code: code.id }] }),
      ),
    ).resolves.toMatchObject({ statusCode: 400, param: 'discounts[0][promotion_code]' });
    await expect(
      rejectionOf(stripe().checkout.sessions.create({ ...base, discounts: [{ coupon: 'nope' }] })),
    ).resolves.toMatchObject({ code: 'resource_missing', param: 'discounts[0][coupon]' });
  });

  it('refuses discounts with allow_promotion_codes, even false', async () => {
    const code = stub().createPromotionCode({ code: 'BOTH', percentOff: 10 });
    for (const allow of [true, false]) {
      const error = await rejectionOf(
        stripe().checkout.sessions.create({
          ...base,
          allow_promotion_codes: allow,
          discounts: [{ promotion_code: code.id }],
        }),
      );
      expect(error).toMatchObject({
        statusCode: 400,
        message: 'You may only specify one of these parameters: allow_promotion_codes, discounts.',
      });
    }
  });

  it('refuses more than one discount, and an entry naming both or neither', async () => {
    const code = stub().createPromotionCode({ code: 'ONE', percentOff: 10 });
    const coupon = code.promotion.coupon;
    for (const discounts of [
      [{ promotion_code: code.id }, { coupon }],
      [{ promotion_code: code.id, coupon }],
    ]) {
      await expect(
        rejectionOf(stripe().checkout.sessions.create({ ...base, discounts })),
      ).resolves.toMatchObject({ statusCode: 400 });
    }
  });

  it('refuses a code typed on the page on top of it (the page has no code field)', async () => {
    const code = stub().createPromotionCode({ code: 'SET', percentOff: 10 });
    const session = await stripe().checkout.sessions.create({
      ...base,
      discounts: [{ promotion_code: code.id }],
    });
    expect(
      thrownBy(() =>
        stub().payCheckoutSession(session.id, { promotionCode: { code: 'SET', percentOff: 10 } }),
      ),
    ).toMatchObject({ status: 400, message: 'This code is invalid.' });
  });
});

describe('a code typed on the checkout page', () => {
  it('redeems the promotion code defined under that name, with its own terms', async () => {
    const defined = stub().createPromotionCode({ code: 'PAGE', amountOff: 500, currency: 'usd' });
    const session = await stripe().checkout.sessions.create({
      ...base,
      allow_promotion_codes: true,
    });
    stub().payCheckoutSession(session.id, { promotionCode: { code: 'page', percentOff: 90 } });
    expect(stub().getSession(session.id)).toMatchObject({
      discounts: [{ promotion_code: defined.id, coupon: defined.promotion.coupon }],
      total_details: { amount_discount: 500 },
    });
  });
});
