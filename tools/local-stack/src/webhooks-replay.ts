import { createDatabaseClient, type WebSocketConstructor } from '@codex/database';
import { isLoopbackHost, startDatabaseBridge } from '@codex/database/node';
import { ObservabilityClient } from '@codex/observability';
import { FulfillmentService } from '@codex/purchases';
import { createStripeClient } from '@codex/worker-runtime';
import ws from 'ws';

// `pnpm webhooks:replay [evt_…]`: runs the correctly signed Stripe events that were kept because
// they did not fit our schemas (table rejected_stripe_events) through fulfillment again, after the
// fix that handles them is deployed. Needs DATABASE_URL and STRIPE_SECRET_KEY, as the webhook
// worker has them; a loopback database is reached through a bridge started here.
const connectionString = process.env.DATABASE_URL;
const secretKey = process.env.STRIPE_SECRET_KEY;
if (!connectionString || !secretKey) {
  console.error(
    'webhooks:replay: set DATABASE_URL and STRIPE_SECRET_KEY (as the webhook worker has them)',
  );
  process.exit(1);
}
const eventId = process.argv.slice(2).find((argument) => argument.startsWith('evt_'));

const bridge = isLoopbackHost(new URL(connectionString).hostname)
  ? await startDatabaseBridge()
  : undefined;
const database = createDatabaseClient({
  connectionString,
  webSocketConstructor: ws as unknown as WebSocketConstructor,
  ...(bridge ? { webSocketProxy: bridge.webSocketProxy } : {}),
});
const logger = new ObservabilityClient('webhooks-replay', process.env.ENVIRONMENT ?? 'production');
try {
  const fulfillment = new FulfillmentService({
    db: database.db,
    stripe: createStripeClient({ secretKey, apiBase: process.env.STRIPE_API_BASE }),
    logger,
  });
  const summary = await fulfillment.replayRejectedEvents(eventId ? { eventId } : {});
  console.log(
    `webhooks:replay: ${summary.replayed} replayed, ${summary.stillRejected} still do not fit (left for a later fix)`,
  );
} catch (error) {
  // Through the logger: a failed statement's message carries its parameters (the event payload),
  // which the logger redacts.
  logger.trackError(error, { operation: 'replay rejected stripe events' });
  console.error('webhooks:replay: failed; what was replayed before the failure stays marked');
  process.exitCode = 1;
} finally {
  await database.close();
  await bridge?.close();
}
