import { ApiError } from '@codex/security';
import { createRoute, z } from '@hono/zod-openapi';
import { createApiRoutes } from '../../openapi/create-api-routes';
import { errorResponses } from '../../openapi/error-responses';
import { jsonAnswer } from '../../openapi/json-answer';
import { requestIdHeader } from '../../openapi/response-headers';

/** Where the worker publishes the playback grant keys: a well-known path, outside `/api`. */
export const PLAYBACK_GRANT_KEYS_PATH = '/.well-known/playback-grant-keys.json';

/**
 * How long verifiers and caches may keep the key set. Rotation waits at least this long between
 * publishing a new key and signing with it (packages/playback-grants/README.md, Rotation).
 */
const KEYS_MAX_AGE_SECONDS = 300;

const playbackGrantKeySchema = z
  .object({
    kty: z.literal('OKP'),
    crv: z.literal('Ed25519'),
    x: z.string().openapi({ description: 'The public key, 32 bytes base64url.' }),
    kid: z.string().openapi({ description: "The key's id, as a grant's header names it." }),
    alg: z.literal('EdDSA'),
    use: z.literal('sig'),
  })
  .openapi('PlaybackGrantKey');

const playbackGrantKeySetSchema = z
  .object({
    keys: z.array(playbackGrantKeySchema).openapi({
      description:
        'The live keys: the current one, and during a rotation the next or the previous one.',
    }),
  })
  .openapi('PlaybackGrantKeySet');

const getPlaybackGrantKeysRoute = createRoute({
  method: 'get',
  path: PLAYBACK_GRANT_KEYS_PATH,
  operationId: 'getPlaybackGrantKeys',
  tags: ['access'],
  summary: 'The public keys that verify playback grants (JWKS)',
  description:
    'What a media server gives `createPlaybackGrantVerifier` (`@codex/playback-grants`): public keys only, from `PLAYBACK_GRANT_PUBLIC_KEYS`. No authentication, no database. 404 when the deployment publishes no keys.',
  security: [],
  responses: {
    200: jsonAnswer(
      'The JWKS of the live playback grant keys.',
      playbackGrantKeySetSchema,
      z.object({
        ...requestIdHeader,
        'Cache-Control': z.literal(`public, max-age=${KEYS_MAX_AGE_SECONDS}`),
      }),
    ),
    ...errorResponses(['NOT_FOUND', 'INTERNAL_ERROR'], {
      NOT_FOUND: 'No playback grant keys are published here',
    }),
  },
});

/**
 * `GET /.well-known/playback-grant-keys.json`: the JWKS of `PLAYBACK_GRANT_PUBLIC_KEYS` (checked
 * and reduced to public members at configuration time), cacheable for five minutes; 404
 * `NOT_FOUND` when the deployment sets none. Reads nothing but the configuration.
 */
export const getPlaybackGrantKeys = createApiRoutes().openapi(getPlaybackGrantKeysRoute, (c) => {
  const jwks = c.var.config.PLAYBACK_GRANT_PUBLIC_KEYS;
  if (jwks === undefined) {
    throw new ApiError('NOT_FOUND', 'No playback grant keys are published here');
  }
  c.header('Cache-Control', `public, max-age=${KEYS_MAX_AGE_SECONDS}`);
  return c.json(jwks, 200);
});
