import { z } from '@hono/zod-openapi';

/** Headers every answer carries. */
export const requestIdHeader = {
  'X-Request-Id': z.string().openapi({
    description:
      'The request id (a well-formed incoming `X-Request-Id` is kept); also in error bodies.',
    example: '7c1e4a52-0d39-4b8e-a6f3-2f5b9c81d047',
  }),
};

/** The headers of an answer no cache may keep (`Cache-Control: no-store`). */
export const noStoreHeaders = z.object({
  ...requestIdHeader,
  'Cache-Control': z.literal('no-store'),
});

/** The headers of an answer about one user that no cache may keep, shared or not. */
export const privateNoStoreHeaders = z.object({
  ...requestIdHeader,
  'Cache-Control': z.literal('private, no-store'),
});
