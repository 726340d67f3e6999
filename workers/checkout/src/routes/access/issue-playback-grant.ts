import { createPlaybackGrantSigner, type PlaybackGrantSigner } from '@codex/playback-grants';
import { ApiError } from '@codex/security';
import { createRoute, z } from '@hono/zod-openapi';
import type { CheckoutConfig } from '../../env';
import { buyerTokenSecurity, createApiRoutes } from '../../openapi/create-api-routes';
import { apiErrorResponses } from '../../openapi/error-responses';
import { jsonAnswer } from '../../openapi/json-answer';
import { privateNoStoreHeaders } from '../../openapi/response-headers';
import { contentAccessParamsSchema } from './check-access';

const playbackGrantAnswerSchema = z
  .object({
    data: z.object({
      grant: z.string().openapi({
        description:
          'A compact JWS (EdDSA, `typ: playback-grant+jwt`) bound to the customer (`sub`), the content (`cid`) and a short lifetime (decision 027). Verify it with `@codex/playback-grants` and the keys at `/.well-known/playback-grant-keys.json`; never store it.',
        example:
          'eyJhbGciOiJFZERTQSIsImtpZCI6ImdyYW50cy0yMDI2LTEyIiwidHlwIjoicGxheWJhY2stZ3JhbnQrand0In0.eyJzdWIiOiJhdXRoMHwxMjMiLCJjaWQiOiI2YzBhNGYzZS0yYjFkLTRlOGYtOWE3Yy01ZDNiMmUxZjBhOWIiLCJpYXQiOjE3OTYzNDYwMDAsImV4cCI6MTc5NjM0NjA2MCwianRpIjoiMSJ9.c2lnbmF0dXJl',
      }),
      expiresAt: z.iso.datetime().openapi({
        description:
          'When the grant stops verifying (verifiers allow a few seconds of skew). Ask for the next one before then: access ends at most one lifetime after a refund or a lost dispute.',
        example: '2026-12-04T10:01:00.000Z',
      }),
      expiresInSeconds: z.number().int().positive().openapi({
        description:
          "The grant's lifetime (`PLAYBACK_GRANT_LIFETIME_SECONDS`, default 60). A player refreshes after half of it, timed on its own clock, so a clock that disagrees with the server's changes nothing.",
        example: 60,
      }),
      contentId: z.uuid().openapi({ description: 'The content the grant opens.' }),
    }),
  })
  .openapi('PlaybackGrantAnswer');

const issuePlaybackGrantRoute = createRoute({
  method: 'post',
  path: '/access/{contentId}/grant',
  operationId: 'issuePlaybackGrant',
  tags: ['access'],
  summary: 'A short-lived signed grant to play this content',
  description:
    "The access check's question, answered with a grant a media server verifies with no I/O (issue 23): the same rule in the same one statement, one database round trip, no Stripe call; signed in the worker. The customer is the token's `sub`, never a parameter. Where the access check answers `hasAccess: false`, this answers 403 `NO_ACCESS`, one answer whatever the reason (no such content included).",
  security: buyerTokenSecurity,
  request: { params: contentAccessParamsSchema },
  responses: {
    200: jsonAnswer(
      'A grant for the customer and the content, and when it expires.',
      playbackGrantAnswerSchema,
      privateNoStoreHeaders,
    ),
    ...apiErrorResponses(['VALIDATION_ERROR', 'NO_ACCESS', 'PLAYBACK_GRANTS_NOT_CONFIGURED']),
  },
});

// One signer per key and lifetime for the isolate's life: the signer imports its private key into
// WebCrypto once, on its first grant, so later requests pay for the signature only.
const signers = new Map<string, PlaybackGrantSigner>();

/** The signer of the configured key and lifetime, or undefined when no signing key is set. */
function signerFor(config: CheckoutConfig): PlaybackGrantSigner | undefined {
  const privateJwk = config.PLAYBACK_GRANT_SIGNING_KEY;
  if (privateJwk === undefined) return undefined;
  const lifetimeSeconds = config.PLAYBACK_GRANT_LIFETIME_SECONDS;
  // Public members only: the private key is never part of a cache key (or anything printed).
  const cacheKey = `${privateJwk.kid}.${privateJwk.x}.${lifetimeSeconds}`;
  let signer = signers.get(cacheKey);
  if (signer === undefined) {
    signer = createPlaybackGrantSigner({ privateJwk, lifetimeSeconds });
    signers.set(cacheKey, signer);
  }
  return signer;
}

/**
 * `POST /api/purchases/access/:contentId/grant`: when the access rule holds, a playback grant for
 * the authenticated customer and this content, valid `PLAYBACK_GRANT_LIFETIME_SECONDS`. One
 * database round trip (the access check's statement), no Stripe call. 403 `NO_ACCESS` where the
 * access check says false; 503 `PLAYBACK_GRANTS_NOT_CONFIGURED` without a signing key.
 */
export const issuePlaybackGrant = createApiRoutes().openapi(issuePlaybackGrantRoute, async (c) => {
  const { contentId } = c.req.valid('param');
  const signer = signerFor(c.var.config);
  if (signer === undefined) {
    throw new ApiError(
      'PLAYBACK_GRANTS_NOT_CONFIGURED',
      'Playback grants are not available right now',
    );
  }
  const { customerId } = c.var;
  if (!(await c.var.access().hasAccess(customerId, contentId))) {
    throw new ApiError('NO_ACCESS', 'You do not have access to this content');
  }
  const { grant, expiresAt } = await signer.sign({ customerId, contentId, now: new Date() });
  c.header('Cache-Control', 'private, no-store');
  const expiresInSeconds = c.var.config.PLAYBACK_GRANT_LIFETIME_SECONDS;
  return c.json(
    { data: { grant, expiresAt: expiresAt.toISOString(), expiresInSeconds, contentId } },
    200,
  );
});
