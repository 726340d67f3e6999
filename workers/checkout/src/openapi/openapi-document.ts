import { publicApi } from '../public-api';

/** An OpenAPI 3.1 document object. */
export type OpenAPIObject = ReturnType<typeof publicApi.getOpenAPI31Document>;

let document: OpenAPIObject | undefined;

/**
 * The OpenAPI 3.1 document of the buyer's public API, generated from the route definitions
 * (`createRoute`) and the zod schemas the routes validate with. The same object is served at
 * `GET /openapi.json` and written to `docs/openapi.json` by `pnpm --filter
 * @codex/checkout-worker openapi`. Built once per isolate.
 */
export function openApiDocument(): OpenAPIObject {
  document ??= publicApi.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Codex checkout API',
      version: '1.0.0',
      description:
        "The buyer's and the organization staff's API of the checkout worker: start a purchase, confirm it on the success page, ask for access, read one's purchases and library; read an organization's sales and refund them; onboard an organization for payouts and read its earnings. Every error has the body `{ error: { code, message, requestId } }`; each code always has the same status (the one error table, `apiErrors` in `packages/validation/src/api-errors.ts`). CORS admits only the web app's origin (`WEB_APP_URL`). Stripe's webhooks go to another worker (`workers/stripe-webhook-handler/README.md`).",
    },
    tags: [
      { name: 'checkout', description: 'Buying content.' },
      { name: 'access', description: "The player's access check." },
      { name: 'purchases', description: "The buyer's own purchases and library." },
      { name: 'organizations', description: "An organization's sales and refunds, for its staff." },
      {
        name: 'payouts',
        description:
          'How an organization gets paid (Stripe Connect): its onboarding, payout status and earnings, for its owner and admins.',
      },
      { name: 'operations', description: 'For monitoring.' },
    ],
  });
  return document;
}
