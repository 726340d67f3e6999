import { handledStripeEventTypes } from '@codex/purchases';
import { signBuyerToken } from '@codex/security';
import { demoIds } from './demo-data';
import { ensureDevVars } from './dev-vars';
import { defaultPorts, LocalStackError, startLocalStack, workerDirs } from './start-local-stack';

// `pnpm dev`: the whole system on this machine. See the README's "Set up" section.
const port = (variable: string, fallback: number) => {
  const value = process.env[variable];
  return value ? Number(value) : fallback;
};

const checkoutVars = await ensureDevVars(workerDirs.checkout);
const webhookVars = await ensureDevVars(workerDirs.webhooks);
for (const [name, result] of [
  ['workers/checkout', checkoutVars],
  ['workers/stripe-webhook-handler', webhookVars],
] as const) {
  if (result.created)
    console.log(`created ${name}/.dev.vars from .dev.vars.example (generated secrets)`);
}

const stripeApiBase = process.env.STRIPE_API_BASE;
let stack: Awaited<ReturnType<typeof startLocalStack>>;
try {
  stack = await startLocalStack({
    databaseUrl: process.env.DATABASE_URL || undefined,
    ports: {
      checkout: port('CHECKOUT_PORT', defaultPorts.checkout),
      webhooks: port('WEBHOOKS_PORT', defaultPorts.webhooks),
      bridge: port('DATABASE_BRIDGE_PORT', defaultPorts.bridge),
      database: port('PGLITE_PORT', defaultPorts.database),
    },
    vars: stripeApiBase ? { STRIPE_API_BASE: stripeApiBase } : {},
  });
} catch (error) {
  if (error instanceof LocalStackError) {
    console.error(`\npnpm dev: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    void stack.stop().then(() => process.exit(0));
  });
}

const jwtSecret = checkoutVars.vars.AUTH_JWT_SECRET ?? '';
const token = await signBuyerToken({
  secret: jwtSecret,
  customerId: 'user_demo',
  expiresInSeconds: 24 * 60 * 60,
});
const hasStripeKey = Boolean(checkoutVars.vars.STRIPE_SECRET_KEY);
const webhooksHaveStripeKey = Boolean(webhookVars.vars.STRIPE_SECRET_KEY);
const { checkoutUrl, webhooksUrl } = stack;
const auth = `-H "Authorization: Bearer $TOKEN"`;
console.log(`
──────────────────────────────────────────────────────────────────────────────
 Codex commerce is running (Ctrl-C stops everything)

 checkout worker   ${checkoutUrl}
 webhook worker    ${webhooksUrl}/webhooks/stripe/payment
 database          ${stack.databaseMode === 'embedded' ? 'embedded PGlite (.data/pglite)' : 'DATABASE_URL'}

 demo content      paid  ${demoIds.paidContent}  ($15.00)
                   free  ${demoIds.freeContent}
                   draft ${demoIds.draftContent}
 demo customer     user_demo, token valid for 24 hours:

export TOKEN=${token}

 try it:
curl ${checkoutUrl}/health
curl -X POST ${checkoutUrl}/api/checkout ${auth} -H 'Content-Type: application/json' -d '{"contentId":"${demoIds.freeContent}"}'
curl ${checkoutUrl}/api/purchases/access/${demoIds.freeContent} ${auth}
curl -X POST ${checkoutUrl}/api/checkout ${auth} -H 'Content-Type: application/json' -d '{"contentId":"${demoIds.paidContent}"}'
curl ${checkoutUrl}/api/checkout/sessions/<sessionId from the answer above> ${auth}
curl ${webhooksUrl}/health
${
  hasStripeKey
    ? ''
    : `
 Paid checkout answers 503 PAYMENT_PROVIDER_NOT_CONFIGURED until you set STRIPE_SECRET_KEY
 (a test-mode sk_test_… key) in workers/checkout/.dev.vars and restart.`
}${
  webhooksHaveStripeKey
    ? ''
    : `
 Webhooks answer 500 (worker misconfigured: STRIPE_SECRET_KEY missing) until you set the same
 key in workers/stripe-webhook-handler/.dev.vars and restart.`
}
 real test-mode webhooks (Stripe CLI), then put the whsec_… it prints into
 workers/stripe-webhook-handler/.dev.vars as STRIPE_WEBHOOK_SECRET_PAYMENT and restart:
stripe listen --forward-to ${webhooksUrl}/webhooks/stripe/payment \\
  --events ${handledStripeEventTypes.join(',')}
──────────────────────────────────────────────────────────────────────────────`);
