import { validationError } from '@codex/security';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { CheckoutEnv } from '../context';

/** The name of the buyer-token security scheme in the OpenAPI document. */
export const BUYER_TOKEN_SCHEME = 'buyerToken';

/** `security` of every `/api` route: the buyer's bearer token (`buyerAuth` runs on `/api/*`). */
export const buyerTokenSecurity = [{ [BUYER_TOKEN_SCHEME]: [] }];

/**
 * A router for documented routes: register each with `.openapi(createRoute({...}), handler)`, and
 * its request schemas are both validated and written into the OpenAPI document. A failed
 * validation throws the same `ApiError('VALIDATION_ERROR')` as `parseWith` (same message, same
 * 400 body through the worker's `onError`), instead of zod-openapi's own 400 answer.
 */
export const createApiRoutes = () =>
  new OpenAPIHono<CheckoutEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error);
    },
  });
