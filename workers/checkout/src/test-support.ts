import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { createDatabaseClient, type Database } from '@codex/database';
import { signBuyerToken } from '@codex/security';
import type { CheckoutBindings } from './env';
import app from './index';

/** The bindings the test project runs with (see vitest.config.ts and the worker global setup). */
export const testEnv = env as unknown as Required<
  Pick<CheckoutBindings, 'DATABASE_URL' | 'STRIPE_API_BASE' | 'AUTH_JWT_SECRET' | 'WEB_APP_URL'>
> &
  CheckoutBindings & { DATABASE_MODE: 'server' | 'embedded' };

/** Sends a request through the worker with its real bindings, optionally overridden. */
export async function callWorker(
  path: string,
  init: RequestInit = {},
  overrides: Partial<CheckoutBindings> = {},
): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.request(path, init, { ...testEnv, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** Runs `work` with a database client on the test database, closed afterwards. */
export async function withTestDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const client = createDatabaseClient({
    connectionString: testEnv.DATABASE_URL,
    ...(testEnv.DATABASE_WS_PROXY ? { webSocketProxy: testEnv.DATABASE_WS_PROXY } : {}),
  });
  try {
    return await work(client.db);
  } finally {
    await client.close();
  }
}

/** `Authorization` header with a valid buyer token for `customerId`. */
export async function authorizationFor(customerId: string): Promise<{ Authorization: string }> {
  const token = await signBuyerToken({ secret: testEnv.AUTH_JWT_SECRET, customerId });
  return { Authorization: `Bearer ${token}` };
}

/** Recorded Stripe requests that carried this content id in their metadata. */
export async function stripeRequestsFor(
  contentId: string,
): Promise<Array<{ path: string; form: Record<string, string>; replayed: boolean }>> {
  const url = new URL('/__stub/requests', testEnv.STRIPE_API_BASE);
  url.searchParams.set('form.metadata[contentId]', contentId);
  const response = await fetch(url);
  const { data } = (await response.json()) as {
    data: Array<{ path: string; form: Record<string, string>; replayed: boolean }>;
  };
  return data;
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
