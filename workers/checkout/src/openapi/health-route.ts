import { createRoute, z } from '@hono/zod-openapi';
import { requestIdHeader } from './response-headers';

/** `GET /health`'s answer. */
const healthAnswerSchema = z.object({ status: z.literal('ok') }).openapi('HealthAnswer');

/**
 * `GET /health`, as the document describes it. It is served by `createWorkerApp` (shared with the
 * webhook worker), so `src/public-api.ts` registers this definition in the document only; the
 * route test checks that the app serves it.
 */
export const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  operationId: 'health',
  tags: ['operations'],
  summary: 'Liveness',
  description: 'No authentication, no configuration, no database.',
  responses: {
    200: {
      description: 'The worker is running.',
      headers: z.object(requestIdHeader),
      content: { 'application/json': { schema: healthAnswerSchema } },
    },
  },
});
