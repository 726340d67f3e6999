import type { Database, HttpDatabase } from '@codex/database';
import type { ObservabilityClient } from '@codex/observability';
import {
  createErrorHandler,
  type ErrorHandlerOptions,
  notFoundHandler,
  requestId,
  requestLogging,
  securityHeaders,
} from '@codex/security';
import { Hono } from 'hono';
import type Stripe from 'stripe';
import type { WorkerBindings } from './worker-config-schema';

/**
 * What this package's middleware put on the context of a worker built with
 * {@link createWorkerApp}: a worker's own `Variables` extend it with its configuration type and
 * whatever its own middleware adds.
 */
export interface WorkerVariables<Config> {
  /** Set by `requestId()` for every request. */
  requestId: string;
  /** Set by `requestLogging()` for every request; carries the request id. */
  logger: ObservabilityClient;
  /** Set by `requireConfig()`. */
  config: Config;
  /** Set by `requestDatabase()`: the WebSocket pool, for interactive transactions. */
  database: () => Database;
  /** Set by `requestDatabase()`: SQL over HTTP, one request per statement, for the hot paths. */
  httpDatabase: () => HttpDatabase;
  /** Set by `requestStripe()`. */
  stripe: () => Stripe | undefined;
}

/** The Hono environment of a worker: its bindings and its context variables. */
export interface WorkerEnv<Config = unknown> {
  Bindings: WorkerBindings;
  Variables: WorkerVariables<Config>;
}

/** Options for {@link createWorkerApp}. */
export interface CreateWorkerAppOptions {
  /** The `service` of every log line the worker writes, e.g. `checkout`. */
  service: string;
  /** Maps the worker's domain errors to an `ApiError`; see `createErrorHandler`. */
  mapError?: ErrorHandlerOptions['mapError'];
}

/**
 * The Hono app every worker starts from, before its own middleware and routes: a request id
 * (`X-Request-Id`), a request-scoped logger and one timing line per request (`ENVIRONMENT` read
 * from the bindings), API-strict security headers, `GET /health` (200 `{"status":"ok"}`, no
 * configuration, no database), and the one `notFound` and `onError` answering
 * `{ error: { code, message, requestId } }`.
 */
export function createWorkerApp<E extends WorkerEnv>(options: CreateWorkerAppOptions): Hono<E> {
  const app = new Hono<E>();
  app.use('*', requestId());
  app.use(
    '*',
    requestLogging({ service: options.service, environment: (c) => c.env?.ENVIRONMENT }),
  );
  app.use('*', securityHeaders());
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.notFound(notFoundHandler);
  app.onError(
    createErrorHandler({
      logger: (c) => c.var.logger,
      ...(options.mapError ? { mapError: options.mapError } : {}),
    }),
  );
  return app;
}
