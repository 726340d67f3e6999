import { describe, expect, it } from 'vitest';
import {
  renderAccessRestored,
  renderAccessRevoked,
  renderPurchaseConfirmation,
  renderRefundReceipt,
} from './render-email';

describe('renderPurchaseConfirmation', () => {
  it('names the item, the price in its currency and the date', () => {
    const email = renderPurchaseConfirmation({
      title: 'Intro to Codex',
      amount: 1999,
      currency: 'usd',
      purchasedAt: new Date('2026-01-02T03:04:05Z'),
    });
    expect(email.subject).toBe('Your purchase: Intro to Codex');
    expect(email.text).toContain('$19.99');
    expect(email.text).toContain('2026-01-02 03:04 UTC');
    expect(email.html).toContain('$19.99');
  });

  it('counts zero-decimal currencies in whole units, and free items as free', () => {
    const yen = renderPurchaseConfirmation({
      title: 't',
      amount: 500,
      currency: 'jpy',
      purchasedAt: new Date(0),
    });
    expect(yen.text).toContain('¥500');
    const free = renderPurchaseConfirmation({
      title: 't',
      amount: 0,
      currency: 'usd',
      purchasedAt: new Date(0),
    });
    expect(free.text).toContain('Price: free');
  });

  it('escapes the title in the HTML and keeps the subject on one line', () => {
    const email = renderPurchaseConfirmation({
      title: '<script>alert("x")</script>\r\nBcc: a@b.c',
      amount: 100,
      currency: 'eur',
      purchasedAt: new Date(0),
    });
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(email.subject).not.toMatch(/[\r\n]/);
  });
});

describe('renderAccessRevoked', () => {
  it('says why access ended, escaped', () => {
    const refund = renderAccessRevoked({
      title: 'A & B',
      reason: 'refund',
      revokedAt: new Date('2026-03-01T00:00:00Z'),
    });
    expect(refund.subject).toBe('Access ended: A & B');
    expect(refund.text).toContain('refunded');
    expect(refund.html).toContain('A &amp; B');
    const dispute = renderAccessRevoked({
      title: 'x',
      reason: 'dispute_lost',
      revokedAt: new Date(0),
    });
    expect(dispute.text).toContain('reversed by your bank');
  });
});

describe('renderAccessRestored', () => {
  it('says access is back, when, and escapes the title', () => {
    const email = renderAccessRestored({
      title: '<b>Codex</b>\nagain',
      restoredAt: new Date('2026-01-02T03:04:05Z'),
    });
    expect(email.subject).toBe('Access restored: <b>Codex</b> again');
    expect(email.text).toContain('2026-01-02 03:04 UTC');
    expect(email.html).not.toContain('<b>');
  });
});

describe('renderRefundReceipt', () => {
  it('says how much was refunded, in its currency, and whether access is kept, escaped', () => {
    const kept = renderRefundReceipt({
      title: 'Tom & <Jerry>\nPart 2',
      amount: 500,
      currency: 'jpy',
      refundedAt: new Date('2026-12-01T10:00:00Z'),
      keepsAccess: true,
    });
    expect(kept.subject).toBe('Refund: Tom & <Jerry> Part 2');
    expect(kept.text).toContain('We refunded ¥500 for');
    expect(kept.text).toContain('You keep access');
    expect(kept.html).toContain('Tom &amp; &lt;Jerry&gt;');
    const ended = renderRefundReceipt({
      title: 'Film',
      amount: 1_999,
      currency: 'EUR',
      refundedAt: new Date('2026-12-01T10:00:00Z'),
      keepsAccess: false,
    });
    expect(ended.text).toContain('We refunded €19.99 for "Film" on 2026-12-01 10:00 UTC.');
    expect(ended.text).toContain('Your access to it has ended');
  });
});

describe('renderPurchaseConfirmation with a receipt', () => {
  const base = {
    title: 'Film',
    amount: 1_500,
    currency: 'usd',
    purchasedAt: new Date('2026-12-01T10:00:00Z'),
  };

  it("links Stripe's receipt in both bodies, the URL escaped in the HTML", () => {
    const url = 'https://pay.stripe.com/receipts/payment/abc?x=1&y="2"';
    const rendered = renderPurchaseConfirmation({ ...base, receiptUrl: url });
    expect(rendered.text).toContain(`Receipt: ${url}`);
    expect(rendered.html).toContain(
      '<a href="https://pay.stripe.com/receipts/payment/abc?x=1&amp;y=&quot;2&quot;">View your receipt</a>',
    );
  });

  it('links nothing that is not an http(s) URL', () => {
    const rendered = renderPurchaseConfirmation({ ...base, receiptUrl: 'javascript:alert(1)' });
    expect(rendered.html).not.toContain('<a ');
    expect(rendered.text).not.toContain('Receipt:');
  });
});
