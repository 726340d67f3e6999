import { handledStripeEventTypes } from '@codex/purchases';
import { demoCatalogue, demoIds, demoOrganizationName } from './demo-data';
import { ensureDevVars } from './dev-vars';
import {
  CONNECT_EVENT_TYPES,
  DEMO_BUYER_EMAIL,
  type DevEnvironment,
  defaultDevPorts,
  startDevEnvironment,
} from './start-dev-environment';
import { defaultPorts, LocalStackError, workerDirs } from './start-local-stack';

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

let dev: DevEnvironment;
try {
  dev = await startDevEnvironment({
    databaseUrl: process.env.DATABASE_URL || undefined,
    ports: {
      checkout: port('CHECKOUT_PORT', defaultPorts.checkout),
      webhooks: port('WEBHOOKS_PORT', defaultPorts.webhooks),
      bridge: port('DATABASE_BRIDGE_PORT', defaultPorts.bridge),
      database: port('PGLITE_PORT', defaultPorts.database),
      stripe: port('STRIPE_PORT', defaultDevPorts.stripe),
      webApp: port('WEB_APP_PORT', defaultDevPorts.webApp),
      mailbox: port('MAILBOX_PORT', defaultDevPorts.mailbox),
      mediaGate: port('MEDIA_GATE_PORT', defaultDevPorts.mediaGate),
    },
    playbackGrantPublicKeys: checkoutVars.vars.PLAYBACK_GRANT_PUBLIC_KEYS || undefined,
    resendApiKey: webhookVars.vars.RESEND_API_KEY || undefined,
    stripeSecretKey: checkoutVars.vars.STRIPE_SECRET_KEY,
    stripeApiBase: process.env.STRIPE_API_BASE || undefined,
    jwtSecret: checkoutVars.vars.AUTH_JWT_SECRET ?? '',
    environment: checkoutVars.vars.ENVIRONMENT ?? '',
    log: (line) => console.log(line),
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
    void dev.stop().then(() => process.exit(0));
  });
}

const { checkoutUrl, webhooksUrl } = dev.stack;
const paid = demoCatalogue[0];
const auth = `-H "Authorization: Bearer $TOKEN"`;
const staffAuth = `-H "Authorization: Bearer $STAFF_TOKEN"`;
const organizationApi = `${checkoutUrl}/api/organizations/${dev.staff.organizationId}`;
const stripeLines = {
  local: `
 local Stripe      ${dev.stripe?.url}   (no Stripe account needed; the dashboard is this page)

 Buy the paid item in a browser and watch access follow Stripe:
   1. open ${dev.webApp.url} and press Buy on "${paid.title}"
   2. on the local checkout page pay by card, or by a bank debit that settles in 10 s
      (succeeds or fails), or cancel, or let the session expire
   3. the success page confirms the purchase and the player unlocks: it plays the demo media
      (a generated tone) through the media gate with a playback grant it refreshes every 30 s
   4. in the local Stripe dashboard (${dev.stripe?.url}) refund it in full, in part, or with a
      refund that fails; open a dispute and close it won or lost: the player locks (at its next
      grant refresh, within 30 s) and unlocks
   5. or refund it from Codex, as the organization's staff: ${dev.webApp.url}/sales (tick
      "Keep access" and the buyer keeps the item); the dashboard marks it "issued from Codex"
   6. pay twice and resolve it from the review queue, ${dev.webApp.url}/review: the local
      Stripe's /__stub/actions make a double payment (tools/local-stack/README.md, "A flag to
      review"); the page suggests which payment to refund
   7. get paid as the organization: ${dev.webApp.url}/payouts, "Set up payouts", complete the
      local Stripe's onboarding; each sale is then transferred (less the platform fee) and a
      refund reverses its share; the dashboard's Connect section shows the transfers
 Every webhook delivery attempt prints one [stripe] line below.`,
  account: `
 Stripe            test mode (STRIPE_SECRET_KEY in workers/checkout/.dev.vars)
 Forward test-mode webhooks with the Stripe CLI, then put the whsec_… it prints into
 workers/stripe-webhook-handler/.dev.vars as STRIPE_WEBHOOK_SECRET_PAYMENT and (for payouts,
 connected accounts' events) STRIPE_WEBHOOK_SECRET_CONNECT, and restart:
stripe listen --forward-to ${webhooksUrl}/webhooks/stripe/payment \\
  --forward-connect-to ${webhooksUrl}/webhooks/stripe/connect \\
  --events ${[...handledStripeEventTypes, ...CONNECT_EVENT_TYPES].join(',')}${
    webhookVars.vars.STRIPE_SECRET_KEY
      ? ''
      : `
 Webhooks answer 500 (STRIPE_SECRET_KEY missing) until the same key is set in
 workers/stripe-webhook-handler/.dev.vars.`
  }`,
  external: `
 Stripe            ${process.env.STRIPE_API_BASE} (STRIPE_API_BASE)`,
}[dev.stripeMode];

const mailboxLines = dev.mailbox
  ? ` mailbox           ${dev.webApp.url}/mailbox   (e-mails to ${DEMO_BUYER_EMAIL}, also as files in
                   .data/mailbox/; the local Resend on ${dev.mailbox.url})
 cron              the webhook worker's cron fires every 30 s (wrangler dev never does):
                   reconciliation, and e-mails queued from the checkout worker`
  : ` e-mail            Resend (RESEND_API_KEY in workers/stripe-webhook-handler/.dev.vars)
 cron              the webhook worker's cron fires every 30 s (wrangler dev never does)`;

const mediaLines = dev.mediaGate
  ? ` media gate        ${dev.mediaGate.url}/media/<contentId>?grant=…   (the demo media, a generated
                   WAV in the local R2 bucket, served only with a valid playback grant; the
                   player refreshes its grant every half lifetime and stops when refused)`
  : ` media gate        not started: no PLAYBACK_GRANT_PUBLIC_KEYS in workers/checkout/.dev.vars`;

console.log(`
──────────────────────────────────────────────────────────────────────────────
 Codex commerce is running (Ctrl-C stops everything)

 demo web app      ${dev.webApp.url}
 checkout worker   ${checkoutUrl}
 webhook worker    ${webhooksUrl}/webhooks/stripe/payment
                   ${webhooksUrl}/webhooks/stripe/connect   (connected accounts' events)
 database          ${dev.stack.databaseMode === 'embedded' ? 'embedded PGlite (.data/pglite)' : 'DATABASE_URL'}
${stripeLines}
${mailboxLines}
${mediaLines}

 demo content      paid  ${demoIds.paidContent}  ($15.00)
                   free  ${demoIds.freeContent}
                   draft ${demoIds.draftContent}
 demo customer     ${dev.customerId}, token valid for 24 hours:

export TOKEN=${dev.token}

 demo staff        ${dev.staff.userId}, owner of ${demoOrganizationName}
                   (organization ${dev.staff.organizationId}), token valid for 24 hours:

export STAFF_TOKEN=${dev.staff.token}

 the same from a terminal:
curl ${checkoutUrl}/health
curl -X POST ${checkoutUrl}/api/checkout ${auth} -H 'Content-Type: application/json' -d '{"contentId":"${demoIds.freeContent}"}'
curl ${checkoutUrl}/api/purchases/access/${demoIds.freeContent} ${auth}
curl -X POST ${checkoutUrl}/api/purchases/access/${demoIds.freeContent}/grant ${auth}
curl ${checkoutUrl}/.well-known/playback-grant-keys.json
curl -sI -r 0-99 "${dev.mediaGate?.url ?? '<media gate>'}/media/${demoIds.freeContent}?grant=<grant from the answer above>"
curl -X POST ${checkoutUrl}/api/checkout ${auth} -H 'Content-Type: application/json' -d '{"contentId":"${demoIds.paidContent}"}'
curl ${checkoutUrl}/api/checkout/sessions/<sessionId from the answer above> ${auth}
curl ${organizationApi}/sales ${staffAuth}
curl -X POST ${organizationApi}/purchases/<purchaseId from the sales>/refunds ${staffAuth} -H 'Content-Type: application/json' -H "Idempotency-Key: refund-$(date +%s)" -d '{"reason":"requested_by_customer"}'
curl ${organizationApi}/review-queue ${staffAuth}
curl -X POST ${organizationApi}/payouts/onboarding ${staffAuth}
curl ${organizationApi}/earnings/summary ${staffAuth}
curl ${webhooksUrl}/health
──────────────────────────────────────────────────────────────────────────────`);
