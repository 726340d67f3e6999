import { and, eq, type OrganizationMemberRole, organizationMembers } from '@codex/database';
import { signBuyerToken } from '@codex/security';
import { addTestMember, addTestOperator } from '@codex/test-utils/factories';
import { createWorkerCaller, withTestDatabase, workerTestEnv } from '@codex/worker-runtime/testing';
import type { CheckoutBindings } from '../env';
import app from '../index';

export { withTestDatabase } from '@codex/worker-runtime/testing';

/** The bindings the test project runs with (see vitest.config.ts and the worker global setup). */
export const testEnv = workerTestEnv<
  Required<Pick<CheckoutBindings, 'AUTH_JWT_SECRET' | 'AUTH_STAFF_AUDIENCE' | 'WEB_APP_URL'>> &
    CheckoutBindings
>();

/** Sends a request through the worker with its real bindings, optionally overridden. */
export const callWorker = createWorkerCaller<CheckoutBindings>(app);

/**
 * `Authorization` header with a valid token for `customerId` (and an `email` claim if given).
 * `staff: true` makes it a staff token: it carries the staff audience the organization routes
 * require, as the staff app's token would; what the staff member may do there comes from
 * `organization_members` ({@link addMember}), never from the token. `audience` overrides the
 * `aud` claim (`null`: none); `extraClaims` adds claims the worker must ignore (an old `orgs`).
 */
export async function authorizationFor(
  customerId: string,
  claims: {
    email?: string;
    staff?: boolean;
    audience?: string | string[] | null;
    extraClaims?: Record<string, unknown>;
  } = {},
): Promise<{ Authorization: string }> {
  const { staff, audience, ...rest } = claims;
  const staffAudience = staff === true ? testEnv.AUTH_STAFF_AUDIENCE : undefined;
  const aud = audience === undefined ? staffAudience : (audience ?? undefined);
  const token = await signBuyerToken({
    secret: testEnv.AUTH_JWT_SECRET,
    customerId,
    ...rest,
    ...(aud === undefined ? {} : { audience: aud }),
  });
  return { Authorization: `Bearer ${token}` };
}

/**
 * Makes `userId` staff of the organization with `role` (a row of `organization_members`, replaced
 * if there was one): the only place staff power comes from (decision 024).
 */
export async function addMember(
  organizationId: string,
  userId: string,
  role: OrganizationMemberRole,
): Promise<void> {
  await withTestDatabase((db) => addTestMember(db, organizationId, userId, role));
}

/** Removes `userId` from the organization's staff (their token stays valid). */
export async function removeMember(organizationId: string, userId: string): Promise<void> {
  await withTestDatabase((db) =>
    db
      .delete(organizationMembers)
      .where(
        and(
          eq(organizationMembers.organizationId, organizationId),
          eq(organizationMembers.userId, userId),
        ),
      ),
  );
}

/** Makes `userId` a platform operator: the role `operator` in every organization. */
export async function addOperator(userId: string): Promise<void> {
  await withTestDatabase((db) => addTestOperator(db, userId));
}

/** A Stripe API request as the stand-in recorded it. */
export type RecordedRequest = { path: string; form: Record<string, string>; replayed: boolean };

/** Recorded Stripe requests to `path` (any, if undefined) whose flat form keys have these values. */
export async function stripeRequests(
  path: string | undefined,
  form: Record<string, string>,
): Promise<RecordedRequest[]> {
  const url = new URL('/__stub/requests', testEnv.STRIPE_API_BASE);
  if (path !== undefined) url.searchParams.set('path', path);
  for (const [key, value] of Object.entries(form)) url.searchParams.set(`form.${key}`, value);
  const response = await fetch(url);
  return ((await response.json()) as { data: RecordedRequest[] }).data;
}

/** Recorded Stripe requests that carried this content id in their metadata. */
export function stripeRequestsFor(contentId: string): Promise<RecordedRequest[]> {
  return stripeRequests(undefined, { 'metadata[contentId]': contentId });
}

/** Makes the Stripe stand-in answer matching requests with `status` until the returned function runs. */
export async function failStripeFor(
  contentId: string,
  status: number,
): Promise<() => Promise<void>> {
  const response = await fetch(new URL('/__stub/rules', testEnv.STRIPE_API_BASE), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      match: { path: '/v1/checkout/sessions', form: { 'metadata[contentId]': contentId } },
      respond: { status },
    }),
  });
  const { id } = (await response.json()) as { id: string };
  return async () => {
    await fetch(new URL(`/__stub/rules/${id}`, testEnv.STRIPE_API_BASE), { method: 'DELETE' });
  };
}
