import { Hono } from 'hono';
import type { CheckoutEnv } from '../context';
import { openApiDocument } from '../openapi/openapi-document';

/**
 * Where the document is served. An allowlist, so production, an environment added later, or a
 * deployment that names none (`wrangler deploy` without `--env`) does not serve it.
 */
const DOCUMENTED_ENVIRONMENTS: ReadonlySet<unknown> = new Set(['development', 'test', 'staging']);

/**
 * `GET /openapi.json`: the OpenAPI 3.1 document of the public API, outside production only (404
 * `NOT_FOUND` there, like any unknown route). Mounted outside `/api`: no token, no configuration
 * check; it documents only what the public routes already tell any client.
 */
export const openApiRoutes = new Hono<CheckoutEnv>().get('/openapi.json', (c) => {
  if (!DOCUMENTED_ENVIRONMENTS.has(c.env.ENVIRONMENT)) {
    return c.notFound();
  }
  c.header('Cache-Control', 'no-cache');
  return c.json(openApiDocument(), 200);
});
