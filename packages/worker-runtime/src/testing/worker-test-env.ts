import { env } from 'cloudflare:test';

/** The bindings `defineWorkerProject` gives every test project, whatever the worker. */
export interface WorkerTestBindings {
  ENVIRONMENT: string;
  /** A migrated database of this project's own. */
  DATABASE_URL: string;
  /** The bridge in front of it; absent for a server reached directly. */
  DATABASE_WS_PROXY?: string;
  DATABASE_HTTP_ENDPOINT?: string;
  /** The Stripe stand-in, e.g. `http://127.0.0.1:41234`; its `/__stub/*` endpoints steer it. */
  STRIPE_API_BASE: string;
  /** The Resend stand-in; its `/__stub/*` endpoints steer it (`/__stub/rules`, `/__stub/messages`). */
  RESEND_API_BASE: string;
  /** An identity provider's JWKS stand-in: `PUT /__stub/jwks/<name>` publishes, `GET /jwks/<name>` serves. */
  JWKS_STAND_IN_BASE: string;
  /** `server` (a real Postgres) or `embedded` (PGlite, connections serialised). */
  DATABASE_MODE: 'server' | 'embedded';
}

/**
 * The bindings the test project runs with (`defineWorkerProject`'s `bindings` plus what the global
 * setup started), typed as the worker's own bindings `B`. Call it inside the Workers runtime only.
 */
export function workerTestEnv<B extends object>(): B & WorkerTestBindings {
  return env as unknown as B & WorkerTestBindings;
}
