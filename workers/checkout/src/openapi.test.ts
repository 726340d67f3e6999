import { ApiError, apiErrorStatus, parseWith } from '@codex/security';
import { createTestUser } from '@codex/test-utils/factories';
import { renderApiErrorTable } from '@codex/validation';
import { describe, expect, it } from 'vitest';
import committedDocument from '../../../docs/openapi.json';
import readme from '../README.md?raw';
import { readErrorTableBlock, writeErrorTableBlock } from '../scripts/error-table-block';
import app from './index';
import { findDocumentProblems } from './openapi/find-document-problems';
import { contentAccessParamsSchema } from './routes/access/check-access';
import { checkoutSessionParamsSchema } from './routes/checkout/confirm-checkout-session';
import { authorizationFor, callWorker } from './testing/test-support';

const REGENERATE =
  'regenerate it with `pnpm --filter @codex/checkout-worker openapi` and commit docs/openapi.json';
const REGENERATE_README =
  'regenerate it with `pnpm --filter @codex/checkout-worker openapi` and commit workers/checkout/README.md';

/** Routes the app serves that are deliberately not in the document. */
const UNDOCUMENTED = [/^\/api\/bench\//, /^\/openapi\.json$/];

interface ErrorContent {
  schema: { properties: { error: { properties: { code: { enum: string[] } } } } };
  examples: Record<string, { value: { error: { code: string } } }>;
}

async function servedDocument(environment = 'test'): Promise<Response> {
  return callWorker('/openapi.json', {}, { ENVIRONMENT: environment });
}

function documentedOperations(): Array<[method: string, path: string, operation: unknown]> {
  return Object.entries(committedDocument.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]): [string, string, unknown] => [
      method.toUpperCase(),
      path,
      operation,
    ]),
  );
}

function validationMessage(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof ApiError) return error.message;
  }
  throw new Error('expected a validation error');
}

describe('GET /openapi.json', () => {
  it('serves exactly the committed docs/openapi.json, without a token', async () => {
    const response = await servedDocument();
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toContain('application/json');
    expect(
      await response.json(),
      `the served OpenAPI document differs from docs/openapi.json: ${REGENERATE}`,
    ).toEqual(committedDocument);
  });

  it.each(['development', 'staging'])('is served when ENVIRONMENT is %s', async (environment) => {
    expect((await servedDocument(environment)).status).toBe(200);
  });

  it.each([
    ['production', 'production'],
    ['no ENVIRONMENT', undefined],
    ['an unknown ENVIRONMENT', 'preview'],
  ])('is 404 NOT_FOUND, like any unknown route, for %s', async (_label, environment) => {
    const response = await callWorker('/openapi.json', {}, { ENVIRONMENT: environment });
    const unknownRoute = await callWorker('/no-such-route', {}, { ENVIRONMENT: environment });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { code: string; message: string } };
    const unknownBody = (await unknownRoute.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code: 'NOT_FOUND', message: unknownBody.error.message });
    expect(response.headers.get('Cache-Control')).toBe(unknownRoute.headers.get('Cache-Control'));
  });
});

describe('the OpenAPI document', () => {
  it('is structurally valid OpenAPI 3.1', () => {
    expect(committedDocument.openapi).toBe('3.1.0');
    expect(findDocumentProblems(committedDocument)).toEqual([]);
  });

  it('documents every route the app serves, and nothing it does not serve', () => {
    const served = new Set(
      app.routes
        .filter((route) => route.method !== 'ALL')
        .filter((route) => !UNDOCUMENTED.some((pattern) => pattern.test(route.path)))
        .map((route) => `${route.method} ${route.path.replaceAll(/:([^/]+)/g, '{$1}')}`),
    );
    const documented = new Set(documentedOperations().map(([method, path]) => `${method} ${path}`));
    expect(
      [...documented].sort(),
      'every public route must be registered with .openapi(createRoute(…)) on a router mounted on ' +
        `publicApi (workers/checkout/README.md, "Adding a route"); then ${REGENERATE}`,
    ).toEqual([...served].sort());
  });

  it('gives every error code the status of the one error table (apiErrors), with an example of each', () => {
    for (const [method, path, operation] of documentedOperations()) {
      const responses = (operation as { responses: Record<string, { content?: unknown }> })
        .responses;
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) < 400) continue;
        const content = (response.content as Record<string, ErrorContent>)['application/json'];
        const codes = content?.schema.properties.error.properties.code.enum ?? [];
        expect(codes.length, `${method} ${path} ${status} names no error code`).toBeGreaterThan(0);
        for (const code of codes) {
          expect(
            apiErrorStatus[code as keyof typeof apiErrorStatus],
            `${method} ${path}: ${code} is documented as ${status}`,
          ).toBe(Number(status));
        }
        const exampleCodes = Object.values(content?.examples ?? {}).map(
          (example) => example.value.error.code,
        );
        expect(exampleCodes.sort(), `${method} ${path} ${status} examples`).toEqual(
          [...codes].sort(),
        );
      }
    }
  });
});

describe("the README's error table", () => {
  it('is the one error table (apiErrors), rendered by renderApiErrorTable', () => {
    expect(
      readErrorTableBlock(readme),
      `workers/checkout/README.md's error table (between <!-- api-errors:start --> and <!-- api-errors:end -->) differs from apiErrors: ${REGENERATE_README}`,
    ).toBe(renderApiErrorTable());
  });

  it('is rewritten between its markers only, and refused a place without them', () => {
    const page = 'intro\n<!-- api-errors:start -->\nold\n<!-- api-errors:end -->\nrest\n';
    const written = writeErrorTableBlock(page, '| new |');
    expect(written).toBe(
      'intro\n<!-- api-errors:start -->\n| new |\n<!-- api-errors:end -->\nrest\n',
    );
    expect(writeErrorTableBlock(written, '| new |')).toBe(written);
    expect(readErrorTableBlock(written)).toBe('| new |');
    expect(readErrorTableBlock('no markers')).toBeUndefined();
    expect(() =>
      writeErrorTableBlock('<!-- api-errors:end --> <!-- api-errors:start -->', 'x'),
    ).toThrow(/api-errors:start/);
  });
});

describe('validation through the route definitions', () => {
  it("answers a malformed path parameter with parseWith's own 400 message", async () => {
    const headers = await authorizationFor(createTestUser());
    const cases = [
      [
        '/api/purchases/access/not-a-uuid',
        validationMessage(() => parseWith(contentAccessParamsSchema, { contentId: 'not-a-uuid' })),
      ],
      [
        '/api/checkout/sessions/not-a-session',
        validationMessage(() =>
          parseWith(checkoutSessionParamsSchema, { sessionId: 'not-a-session' }),
        ),
      ],
    ] as const;
    for (const [path, message] of cases) {
      const response = await callWorker(path, { headers });
      expect(response.status).toBe(400);
      expect(response.headers.get('Cache-Control')).toBe('no-store');
      const body = (await response.json()) as { error: Record<string, string> };
      expect(body.error).toEqual({
        code: 'VALIDATION_ERROR',
        message,
        requestId: response.headers.get('X-Request-Id'),
      });
    }
  });
});
