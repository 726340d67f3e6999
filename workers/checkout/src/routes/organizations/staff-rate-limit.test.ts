import type { ErrorBody } from '@codex/security';
import { createMemoryRateLimiter } from '@codex/security';
import { createTestOrganization } from '@codex/test-utils/factories';
import { describe, expect, it } from 'vitest';
import {
  addMember,
  authorizationFor,
  callWorker,
  withTestDatabase,
} from '../../testing/test-support';

// Issue 21: the organization routes are limited per staff member (STAFF_RATE_LIMITER, 120 a
// minute in wrangler.jsonc), whichever organization and route; a tight limiter is bound here.

describe('the organization routes, per staff member', () => {
  it('answer 429 RATE_LIMITED with Retry-After past the limit, on reads and refunds alike; another member is not affected', async () => {
    const organizationId = await withTestDatabase(
      async (db) => (await createTestOrganization(db)).id,
    );
    const staffToken = async () => {
      const user = `user_staff_${crypto.randomUUID()}`;
      await addMember(organizationId, user, 'owner');
      return authorizationFor(user, { staff: true });
    };
    const limiter = {
      STAFF_RATE_LIMITER: createMemoryRateLimiter({ limit: 3, periodSeconds: 60 }),
    };
    const member = await staffToken();
    const sales = `/api/organizations/${organizationId}/sales`;

    const statuses: number[] = [];
    for (const path of [sales, `${sales}/summary`, sales]) {
      statuses.push((await callWorker(path, { headers: member }, limiter)).status);
    }
    expect(statuses).toEqual([200, 200, 200]);

    const refused = await callWorker(
      `/api/organizations/${organizationId}/purchases/${crypto.randomUUID()}/refunds`,
      {
        method: 'POST',
        headers: {
          ...member,
          'Content-Type': 'application/json',
          'Idempotency-Key': crypto.randomUUID(),
        },
        body: JSON.stringify({ amountCents: 100, reason: 'requested_by_customer' }),
      },
      limiter,
    );
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toBe('60');
    expect(((await refused.json()) as ErrorBody).error.code).toBe('RATE_LIMITED');

    const other = await staffToken();
    expect((await callWorker(sales, { headers: other }, limiter)).status).toBe(200);
  });
});
