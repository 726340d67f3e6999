import { defineWorkerProject } from '@codex/worker-runtime/vitest';

export default defineWorkerProject({
  name: 'stripe-webhook-handler',
  // Where every test starts from. The checkout worker's bindings are included (repeated: a
  // worker's config is not part of its package's API) so the full-loop test can run the checkout
  // app on the same database and Stripe stand-in.
  bindings: {
    STRIPE_SECRET_KEY: 'sk_test_checkout_worker_0123456789',
    STRIPE_WEBHOOK_SECRET_PAYMENT: 'whsec_test_payment_webhook_0123456789abcdef',
    STRIPE_WEBHOOK_SECRET_CONNECT: 'whsec_test_connect_webhook_0123456789abcdef',
    WEB_APP_URL: 'https://app.codex.test',
    AUTH_JWT_SECRET: 'test-only-buyer-token-secret-0123456789abcdef',
    // Staff tokens carry it (authorizationFor with `staff: true`); buyer tokens do not.
    AUTH_STAFF_AUDIENCE: 'https://staff.codex.test',
    // E-mail through the Resend stand-in (RESEND_API_BASE comes from the global setup).
    RESEND_API_KEY: 're_test_webhook_worker',
    EMAIL_FROM: 'Codex <receipts@codex.test>',
    // src/routes/payment-webhook/webhook-fuzz.test.ts: `CODEX_FUZZ_REQUESTS=10000 npx vitest run
    // --project stripe-webhook-handler webhook-fuzz` by hand.
    CODEX_FUZZ_REQUESTS: process.env.CODEX_FUZZ_REQUESTS ?? '',
  },
});
