import { refundReasons } from '@codex/database';
import type { IssuedRefundAnswer } from '@codex/purchases';
import type { ErrorBody } from '@codex/security';
import {
  createTestContent,
  createTestOrganization,
  createTestUser,
} from '@codex/test-utils/factories';
import { formatValidationIssues } from '@codex/validation';
import { describe, expect, it } from 'vitest';
import {
  addMember,
  addOperator,
  authorizationFor,
  callWorker,
  removeMember,
  stripeRequests,
  testEnv,
  withTestDatabase,
} from '../../testing/test-support';
import {
  createRefundSchema,
  idempotencyKeySchema,
  organizationPurchaseParamsSchema,
} from './issue-refund';

// Refunds issued by an organization's staff through the worker: who may (a row of
// organization_members or platform_operators, read in the refund's first statement), the Idempotency-Key, the answers and the errors. What the service records and how access
// follows the webhooks is proven in @codex/purchases (src/refunds/, the money-model property test).

const PRICE = 1_500;
const STAFF = 'auth0|staff-refunds';

/**
 * A purchase of a new organization's item, paid at the Stripe stand-in and confirmed by the
 * success page; {@link STAFF} is the organization's owner.
 */
async function paidPurchase() {
  const item = await withTestDatabase(async (db) => {
    const organization = await createTestOrganization(db);
    return createTestContent(db, { organizationId: organization.id, priceCents: PRICE });
  });
  await addMember(item.organizationId, STAFF, 'owner');
  const customerId = createTestUser();
  const started = await callWorker('/api/checkout', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(await authorizationFor(customerId)) },
    body: JSON.stringify({ contentId: item.id }),
  });
  const { data } = (await started.json()) as { data: { sessionId: string; purchaseId: string } };
  const paid = await fetch(
    new URL('/__stub/actions/pay-checkout-session', testEnv.STRIPE_API_BASE),
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sessionId: data.sessionId }),
    },
  );
  expect(paid.status).toBe(200);
  const confirmed = await callWorker(`/api/checkout/sessions/${data.sessionId}`, {
    headers: await authorizationFor(customerId),
  });
  expect(((await confirmed.json()) as { data: { status: string } }).data.status).toBe('completed');
  return {
    organizationId: item.organizationId,
    purchaseId: data.purchaseId,
    sessionId: data.sessionId,
    customerId,
    contentId: item.id,
  };
}

async function refund(
  purchase: { organizationId: string; purchaseId: string },
  options: {
    /** Who refunds (their staff token); default {@link STAFF}. */
    as?: string;
    key?: string | null;
    body?: unknown;
    contentType?: string;
  } = {},
) {
  const key = options.key === undefined ? crypto.randomUUID() : options.key;
  return callWorker(
    `/api/organizations/${purchase.organizationId}/purchases/${purchase.purchaseId}/refunds`,
    {
      method: 'POST',
      headers: {
        'Content-Type': options.contentType ?? 'application/json',
        ...(key === null ? {} : { 'Idempotency-Key': key }),
        ...(await authorizationFor(options.as ?? STAFF, { staff: true })),
      },
      body: JSON.stringify(options.body ?? { amountCents: 100, reason: 'requested_by_customer' }),
    },
  );
}

async function errorOf(response: Response) {
  return { status: response.status, code: ((await response.json()) as ErrorBody).error.code };
}

/** The 202 body, as JSON carries the service's answer. */
type Issued = { data: IssuedRefundAnswer };

/** Refunds Stripe created for the purchase (replayed answers to a repeated key not counted). */
async function stripeRefundsOf(purchaseId: string) {
  const requests = await stripeRequests('/v1/refunds', { 'metadata[purchaseId]': purchaseId });
  return requests.filter((request) => !request.replayed);
}

describe('who may refund an organization’s purchase', () => {
  it('owner, admin and operator refund; member is 403; removed from the table, the same token is 404 on the next request; nothing reaches Stripe for the refused', async () => {
    const purchase = await paidPurchase();
    const other = await paidPurchase();
    const user = `auth0|refunder-${crypto.randomUUID()}`;

    for (const role of ['owner', 'admin'] as const) {
      await addMember(purchase.organizationId, user, role);
      const response = await refund(purchase, { as: user });
      expect(response.status, role).toBe(202);
      expect(response.headers.get('Cache-Control')).toBe('no-store');
    }
    await addMember(purchase.organizationId, user, 'member');
    expect(await errorOf(await refund(purchase, { as: user }))).toEqual({
      status: 403,
      code: 'FORBIDDEN',
    });
    await removeMember(purchase.organizationId, user);
    expect(await errorOf(await refund(purchase, { as: user }))).toEqual({
      status: 404,
      code: 'NOT_FOUND',
    });
    // Staff of another organization (its owner), and a token whose orgs claim says owner: 404.
    await addMember(other.organizationId, user, 'owner');
    const claimed = `auth0|claims-${crypto.randomUUID()}`;
    for (const [as, extraClaims] of [
      [user, {}],
      [claimed, { orgs: { [purchase.organizationId]: 'owner' } }],
    ] as const) {
      const response = await callWorker(
        `/api/organizations/${purchase.organizationId}/purchases/${purchase.purchaseId}/refunds`,
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'Idempotency-Key': crypto.randomUUID(),
            ...(await authorizationFor(as, { staff: true, extraClaims })),
          },
          body: JSON.stringify({ amountCents: 100, reason: 'requested_by_customer' }),
        },
      );
      const body = ((await response.json()) as ErrorBody).error;
      expect({ status: response.status, code: body.code, message: body.message }, as).toEqual({
        status: 404,
        code: 'NOT_FOUND',
        message: 'Organization not found',
      });
    }
    // The organization's owner, naming another organization's purchase under its own id: 404.
    const crossed = await refund(
      { organizationId: purchase.organizationId, purchaseId: other.purchaseId },
      { body: { reason: 'requested_by_customer' } },
    );
    expect(await errorOf(crossed)).toEqual({ status: 404, code: 'NOT_FOUND' });

    // A platform operator refunds in any organization, without a membership row.
    const operator = `auth0|operator-${crypto.randomUUID()}`;
    await addOperator(operator);
    expect((await refund(other, { as: operator })).status).toBe(202);

    expect(await stripeRefundsOf(purchase.purchaseId)).toHaveLength(2);
    expect(await stripeRefundsOf(other.purchaseId)).toHaveLength(1);
  });

  it('without a token is 401', async () => {
    const purchase = await paidPurchase();
    const response = await callWorker(
      `/api/organizations/${purchase.organizationId}/purchases/${purchase.purchaseId}/refunds`,
      { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' },
    );
    expect(await errorOf(response)).toEqual({ status: 401, code: 'UNAUTHORIZED' });
  });
});

describe('POST /api/organizations/:orgId/purchases/:purchaseId/refunds', () => {
  it('answers 202 with Stripe’s refund; the request names the organization and revokeAccess, the note stays with us', async () => {
    const purchase = await paidPurchase();
    const response = await refund(purchase, {
      body: { reason: 'requested_by_customer', note: 'asked by e-mail' },
    });

    expect(response.status).toBe(202);
    const { data } = (await response.json()) as Issued;
    expect(data).toMatchObject({
      purchaseId: purchase.purchaseId,
      amountCents: PRICE,
      currency: 'usd',
      status: 'succeeded',
      revokeAccess: true,
      replayed: false,
    });
    expect(data.refundId).toMatch(/^re_/);
    const [sent] = await stripeRefundsOf(purchase.purchaseId);
    expect(sent?.form).toMatchObject({
      reason: 'requested_by_customer',
      'metadata[organizationId]': purchase.organizationId,
      'metadata[revokeAccess]': 'true',
    });
    expect(JSON.stringify(sent?.form)).not.toContain('asked by e-mail');
  });

  it('a double-submitted request (one key, at once and again later) makes one Stripe refund and answers it each time', async () => {
    const purchase = await paidPurchase();
    const key = crypto.randomUUID();
    const body = { amountCents: 500, reason: 'duplicate', revokeAccess: false };

    const answers = await Promise.all([
      refund(purchase, { key, body }),
      refund(purchase, { key, body }),
    ]);
    const later = await refund(purchase, { key, body });

    const issued = await Promise.all(
      [...answers, later].map(async (r) => (await r.json()) as Issued),
    );
    expect([...answers, later].map((r) => r.status)).toEqual([202, 202, 202]);
    expect(new Set(issued.map((answer) => answer.data.refundId)).size).toBe(1);
    expect(issued[2]?.data.replayed).toBe(true);
    expect(await stripeRefundsOf(purchase.purchaseId)).toHaveLength(1);

    const reused = await refund(purchase, { key, body: { ...body, amountCents: 501 } });
    expect(await errorOf(reused)).toEqual({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('refuses a missing or malformed Idempotency-Key, a bad body and a non-JSON body, before Stripe', async () => {
    const purchase = await paidPurchase();
    for (const key of [null, '', 'has space', 'k'.repeat(256)]) {
      const response = await refund(purchase, { key });
      const body = (await response.json()) as ErrorBody;
      expect(response.status, String(key)).toBe(400);
      expect(body.error.code).toBe('VALIDATION_ERROR');
      expect(body.error.message).toContain('idempotency-key');
    }
    for (const body of [
      {},
      { reason: 'because' },
      { reason: 'other', amountCents: 0 },
      { reason: 'other', customerId: 'x' },
    ]) {
      expect(await errorOf(await refund(purchase, { body })), JSON.stringify(body)).toEqual({
        status: 400,
        code: 'VALIDATION_ERROR',
      });
    }
    expect(await errorOf(await refund(purchase, { contentType: 'text/plain' }))).toEqual({
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
    expect(await stripeRefundsOf(purchase.purchaseId)).toHaveLength(0);
  });

  it('refuses more than is left, then a purchase not completed, with 409 codes', async () => {
    const purchase = await paidPurchase();
    const tooMuch = await refund(purchase, { body: { reason: 'other', amountCents: PRICE + 1 } });
    expect(await errorOf(tooMuch)).toEqual({ status: 409, code: 'REFUND_EXCEEDS_REMAINING' });

    const item = await withTestDatabase(async (db) => {
      const organization = await createTestOrganization(db);
      return createTestContent(db, { organizationId: organization.id, priceCents: PRICE });
    });
    await addMember(item.organizationId, STAFF, 'owner');
    const started = await callWorker('/api/checkout', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(await authorizationFor(createTestUser())),
      },
      body: JSON.stringify({ contentId: item.id }),
    });
    const { data } = (await started.json()) as { data: { purchaseId: string } };
    const pending = await refund({
      organizationId: item.organizationId,
      purchaseId: data.purchaseId,
    });
    expect(await errorOf(pending)).toEqual({ status: 409, code: 'PURCHASE_NOT_COMPLETED' });
  });
});

const refundIssuesOf = (value: unknown) => {
  const result = createRefundSchema.safeParse(value);
  return result.success ? [] : formatValidationIssues(result.error);
};

describe('createRefundSchema', () => {
  it('accepts exactly the reasons the database keeps', () => {
    for (const reason of refundReasons) {
      expect(createRefundSchema.safeParse({ reason }).success, reason).toBe(true);
    }
    expect(createRefundSchema.shape.reason.options).toEqual([...refundReasons]);
  });

  it('needs only a reason, and revokes access unless told otherwise', () => {
    expect(createRefundSchema.parse({ reason: 'requested_by_customer' })).toEqual({
      reason: 'requested_by_customer',
      revokeAccess: true,
    });
    expect(
      createRefundSchema.parse({
        reason: 'other',
        amountCents: 250,
        note: '  goodwill  ',
        revokeAccess: false,
      }),
    ).toEqual({ reason: 'other', amountCents: 250, note: 'goodwill', revokeAccess: false });
  });

  it('refuses a missing or unknown reason, a non-positive or fractional amount, a long or blank note, unknown fields', () => {
    expect(refundIssuesOf({})).toEqual([
      {
        path: 'reason',
        message: 'must be one of requested_by_customer, duplicate, fraudulent, other',
      },
    ]);
    expect(refundIssuesOf({ reason: 'because' })[0]?.path).toBe('reason');
    expect(refundIssuesOf({ reason: 'duplicate', amountCents: 0 })).toEqual([
      { path: 'amountCents', message: 'must be at least 1' },
    ]);
    expect(refundIssuesOf({ reason: 'duplicate', amountCents: 1.5 })[0]?.path).toBe('amountCents');
    expect(refundIssuesOf({ reason: 'duplicate', amountCents: '100' })[0]?.path).toBe(
      'amountCents',
    );
    expect(refundIssuesOf({ reason: 'duplicate', note: 'x'.repeat(501) })[0]?.path).toBe('note');
    expect(refundIssuesOf({ reason: 'duplicate', note: '   ' })[0]?.path).toBe('note');
    expect(refundIssuesOf({ reason: 'duplicate', revokeAccess: 'false' })[0]?.path).toBe(
      'revokeAccess',
    );
    expect(refundIssuesOf({ reason: 'duplicate', customerId: 'x' })).toEqual([
      { path: '', message: 'unknown fields are not allowed' },
    ]);
  });
});

describe('idempotencyKeySchema', () => {
  it('takes 1 to 255 visible ASCII characters', () => {
    expect(idempotencyKeySchema.safeParse(crypto.randomUUID()).success).toBe(true);
    expect(idempotencyKeySchema.safeParse('k'.repeat(255)).success).toBe(true);
    for (const bad of ['', 'k'.repeat(256), 'has space', 'naïve', undefined]) {
      expect(idempotencyKeySchema.safeParse(bad).success, String(bad)).toBe(false);
    }
  });
});

describe('organizationPurchaseParamsSchema', () => {
  it('lower-cases both ids and refuses a non-UUID', () => {
    const upper = '6C0A4F3E-2B1D-4E8F-9A7C-5D3B2E1F0A9B';
    expect(organizationPurchaseParamsSchema.parse({ orgId: upper, purchaseId: upper })).toEqual({
      orgId: upper.toLowerCase(),
      purchaseId: upper.toLowerCase(),
    });
    expect(
      organizationPurchaseParamsSchema.safeParse({ orgId: upper, purchaseId: 'nope' }).success,
    ).toBe(false);
  });
});
