import type { z } from '@hono/zod-openapi';

/**
 * One success entry of a route's `responses`: a JSON body of `schema` with `headers`. The handler's
 * `c.json(body, status)` is type-checked against `schema`.
 */
export function jsonAnswer<Schema extends z.ZodType, Headers extends z.ZodObject>(
  description: string,
  schema: Schema,
  headers: Headers,
) {
  return { description, headers, content: { 'application/json': { schema } } };
}
