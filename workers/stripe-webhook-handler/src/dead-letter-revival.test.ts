import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { emailOutbox, eq, purchaseContacts } from '@codex/database';
import type { EmailQueueMessage } from '@codex/purchases';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebhookBindings } from './env';
import worker from './index';
import {
  captureConsole,
  seedPendingPurchase,
  testEnv,
  withTestDatabase,
} from './testing/test-support';

// A provider outage longer than a message's attempts (8 over about an hour) dead-letters it; the
// cron gives such a message another round once the outage had time to end, bounded, and never a
// message the provider refused for good.
afterEach(() => {
  vi.restoreAllMocks();
});

const HOUR = 60 * 60_000;

function recordingQueue() {
  const sent: EmailQueueMessage[] = [];
  const queue = {
    async send(body: EmailQueueMessage) {
      sent.push(body);
    },
    async sendBatch(messages: Iterable<MessageSendRequest<EmailQueueMessage>>) {
      for (const message of messages) sent.push(message.body);
    },
  } as unknown as Queue<EmailQueueMessage>;
  return { queue, sent };
}

async function runCron(overrides: Partial<WebhookBindings>): Promise<void> {
  const controller = createScheduledController({ scheduledTime: new Date(), cron: '*/10 * * * *' });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, { ...testEnv, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
}

/** A confirmation that went dead `deadHoursAgo` with `lastError`, written `ageHours` ago. */
async function deadLetter(lastError: string, deadHoursAgo: number, ageHours = 3, revivals = 0) {
  const purchase = await seedPendingPurchase({ priceCents: 1_900 });
  const address = `buyer-${purchase.purchaseId}@codex.test`;
  const [row] = await withTestDatabase(async (db) => {
    await db.insert(purchaseContacts).values({ purchaseId: purchase.purchaseId, email: address });
    return db
      .insert(emailOutbox)
      .values({
        purchaseId: purchase.purchaseId,
        kind: 'purchase_confirmation',
        dedupeKey: `purchase_confirmation:${purchase.purchaseId}`,
        status: 'dead',
        attempts: 8,
        lastError,
        revivals,
        createdAt: new Date(Date.now() - ageHours * HOUR),
        deadAt: new Date(Date.now() - deadHoursAgo * HOUR),
      })
      .returning();
  });
  if (!row) throw new Error('no row');
  return { id: row.id, address };
}

async function statusOf(id: string) {
  const [row] = await withTestDatabase((db) =>
    db.select().from(emailOutbox).where(eq(emailOutbox.id, id)),
  );
  return row;
}

describe('the cron revives dead letters of a provider outage', () => {
  it('a message dead after 5xx, timeouts or 429 for over an hour is queued again, logged without the address', async () => {
    const outage = await Promise.all([
      deadLetter('http_503:internal_server_error', 1.5),
      deadLetter('timeout', 2),
      deadLetter('http_429:rate_limit_exceeded', 1.2),
    ]);
    const lines = captureConsole('warn');
    const { queue, sent } = recordingQueue();
    await runCron({ EMAIL_QUEUE: queue });
    for (const message of outage) {
      expect(await statusOf(message.id)).toMatchObject({
        status: 'pending',
        attempts: 0,
        revivals: 1,
      });
      expect(sent).toContainEqual({ outboxId: message.id });
    }
    const logged = lines.join('\n');
    expect(logged).toContain('dead emails revived after a provider outage');
    for (const message of outage) expect(logged).not.toContain(message.address);
  });

  it('leaves a permanent refusal, a fresh dead letter, an old message and one revived enough alone', async () => {
    const untouched = await Promise.all([
      deadLetter('http_422:validation_error', 2),
      deadLetter('no_contact', 2),
      deadLetter('http_503:internal_server_error', 0.5),
      deadLetter('http_503:internal_server_error', 2, 21),
      deadLetter('http_503:internal_server_error', 2, 3, 6),
    ]);
    const { queue, sent } = recordingQueue();
    await runCron({ EMAIL_QUEUE: queue });
    for (const message of untouched) {
      expect(await statusOf(message.id)).toMatchObject({ status: 'dead' });
      expect(sent).not.toContainEqual({ outboxId: message.id });
    }
  });
});
