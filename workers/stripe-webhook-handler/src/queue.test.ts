import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { type EmailOutboxRow, emailOutbox, eq, purchaseContacts } from '@codex/database';
import type { EmailQueueMessage } from '@codex/purchases';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebhookBindings } from './env';
import worker from './index';
import {
  captureConsole,
  checkoutSession,
  deliver,
  seedPendingPurchase,
  stripeEvent,
  type TestPurchase,
  testEnv,
  withTestDatabase,
} from './testing/test-support';

afterEach(() => {
  vi.restoreAllMocks();
});

/** A queue producer binding that records what was sent (or refuses, with `fail`). */
function recordingQueue(options: { fail?: boolean } = {}) {
  const sent: EmailQueueMessage[] = [];
  const queue = {
    async send(body: EmailQueueMessage) {
      if (options.fail) throw new Error('Queue send failed');
      sent.push(body);
    },
    async sendBatch(messages: Iterable<MessageSendRequest<EmailQueueMessage>>) {
      if (options.fail) throw new Error('Queue sendBatch failed');
      for (const message of messages) sent.push(message.body);
    },
  } as unknown as Queue<EmailQueueMessage>;
  return { queue, sent };
}

/** A pending purchase whose buyer left an address (as a checkout with an `email` claim stores it). */
async function purchaseWithContact(): Promise<TestPurchase> {
  const purchase = await seedPendingPurchase({ priceCents: 1_900 });
  await withTestDatabase((db) =>
    db.insert(purchaseContacts).values({
      purchaseId: purchase.purchaseId,
      email: `buyer-${purchase.purchaseId}@codex.test`,
    }),
  );
  return purchase;
}

async function outboxRowsOf(purchaseId: string): Promise<EmailOutboxRow[]> {
  return withTestDatabase((db) =>
    db.select().from(emailOutbox).where(eq(emailOutbox.purchaseId, purchaseId)),
  );
}

/** Completes `purchase` through the webhook, with `queue` as the e-mail queue. */
async function completeThroughWebhook(
  purchase: TestPurchase,
  queue: Queue<EmailQueueMessage> | undefined,
): Promise<Response> {
  const event = stripeEvent('checkout.session.completed', checkoutSession(purchase));
  return deliver(event, { overrides: { EMAIL_QUEUE: queue } });
}

/**
 * Runs the consumer on one batch and answers what it did to each message, with the options of
 * each `retry()` (the pool's queue result does not keep `delaySeconds`).
 */
async function consume(bodies: unknown[], overrides: Partial<WebhookBindings> = {}) {
  const batch = createMessageBatch<unknown>(
    'codex-emails',
    bodies.map((body, index) => ({
      id: `message-${index}-${crypto.randomUUID()}`,
      timestamp: new Date(),
      attempts: 1,
      body,
    })),
  );
  const retryOptions = batch.messages.map((message) => vi.spyOn(message, 'retry'));
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...testEnv, ...overrides }, ctx);
  const result = await getQueueResult(batch, ctx);
  return {
    ...result,
    retryOptions: retryOptions.flatMap((spy) => spy.mock.calls.map((c) => c[0])),
  };
}

/** Messages the Resend stand-in accepted with this idempotency key (the outbox row id). */
async function stubMessagesFor(
  outboxId: string,
): Promise<Array<{ subject: string; to: string[] }>> {
  const url = new URL('/__stub/messages', testEnv.RESEND_API_BASE);
  url.searchParams.set('idempotencyKey', outboxId);
  const { data } = (await (await fetch(url)).json()) as {
    data: Array<{ subject: string; to: string[] }>;
  };
  return data;
}

/** The Resend stand-in answers `status` to the next `times` sends of this row. */
async function failSendsOf(outboxId: string, status: 500 | 422, times = 1): Promise<void> {
  const response = await fetch(new URL('/__stub/rules', testEnv.RESEND_API_BASE), {
    method: 'POST',
    body: JSON.stringify({ status, times, idempotencyKey: outboxId }),
  });
  expect(response.status).toBe(201);
}

/** A completed purchase with its confirmation row, and the id the webhook queued. */
async function queuedConfirmation(): Promise<{ purchase: TestPurchase; outboxId: string }> {
  const purchase = await purchaseWithContact();
  const { queue, sent } = recordingQueue();
  expect((await completeThroughWebhook(purchase, queue)).status).toBe(200);
  const [message] = sent;
  if (!message) throw new Error('queuedConfirmation: nothing was queued');
  return { purchase, outboxId: message.outboxId };
}

describe('the webhook, after a completion commits', () => {
  it('queues the id of the purchase confirmation it wrote, once', async () => {
    const purchase = await purchaseWithContact();
    const { queue, sent } = recordingQueue();
    const response = await completeThroughWebhook(purchase, queue);
    expect(response.status).toBe(200);
    const rows = await outboxRowsOf(purchase.purchaseId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'purchase_confirmation', status: 'pending' });
    expect(sent).toEqual([{ outboxId: rows[0]?.id }]);
  });

  it('queues nothing for a purchase without an address (no row)', async () => {
    const purchase = await seedPendingPurchase();
    const { queue, sent } = recordingQueue();
    expect((await completeThroughWebhook(purchase, queue)).status).toBe(200);
    expect(await outboxRowsOf(purchase.purchaseId)).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('still answers 200 when the queue refuses: logged, the row left pending for the cron', async () => {
    const purchase = await purchaseWithContact();
    const warnings = captureConsole('warn');
    const { queue } = recordingQueue({ fail: true });
    expect((await completeThroughWebhook(purchase, queue)).status).toBe(200);
    expect(warnings.join('\n')).toContain('emails not queued; the cron will');
    const [row] = await outboxRowsOf(purchase.purchaseId);
    expect(row?.status).toBe('pending');
  });
});

describe('the e-mail queue consumer', () => {
  it('sends the row through Resend with its id as the idempotency key, marks it sent, acks', async () => {
    const { purchase, outboxId } = await queuedConfirmation();
    const result = await consume([{ outboxId }]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);
    const sent = await stubMessagesFor(outboxId);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.to).toEqual([`buyer-${purchase.purchaseId}@codex.test`]);
    expect(sent[0]?.subject).toMatch(/^Your purchase: /);
    const [row] = await outboxRowsOf(purchase.purchaseId);
    expect(row?.status).toBe('sent');

    // Redelivered: skipped and acked, no second e-mail.
    const again = await consume([{ outboxId }]);
    expect(again.explicitAcks).toHaveLength(1);
    expect(await stubMessagesFor(outboxId)).toHaveLength(1);
  });

  it("holds a purchase's later message back until the earlier one is sent, then queues it", async () => {
    const { purchase, outboxId } = await queuedConfirmation();
    // "Access ended" enqueued while the confirmation still waits, and delivered first.
    const [revocation] = await withTestDatabase((db) =>
      db
        .insert(emailOutbox)
        .values({
          purchaseId: purchase.purchaseId,
          kind: 'access_revoked',
          dedupeKey: `access_revoked:${purchase.purchaseId}:1`,
          createdAt: new Date(Date.now() + 1_000),
          nextAttemptAt: new Date(Date.now() - 1_000),
        })
        .returning({ id: emailOutbox.id }),
    );
    if (!revocation) throw new Error('no revocation row');
    expect((await consume([{ outboxId: revocation.id }])).explicitAcks).toHaveLength(1);
    expect(await stubMessagesFor(revocation.id)).toEqual([]);
    const { queue, sent } = recordingQueue();
    await consume([{ outboxId }], { EMAIL_QUEUE: queue });
    expect(await stubMessagesFor(outboxId)).toHaveLength(1);
    expect(sent).toEqual([{ outboxId: revocation.id }]);
    await consume([{ outboxId: revocation.id }]);
    expect(await stubMessagesFor(revocation.id)).toHaveLength(1);
  });

  it('retries a message when Resend answers 500, delayed until the row is due again', async () => {
    const { purchase, outboxId } = await queuedConfirmation();
    await failSendsOf(outboxId, 500);
    const result = await consume([{ outboxId }]);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toHaveLength(1);
    // First retry: 30 s backoff (a second may pass between the two clocks).
    const [options] = result.retryOptions;
    expect(options?.delaySeconds).toBeGreaterThanOrEqual(29);
    expect(options?.delaySeconds).toBeLessThanOrEqual(31);
    const [row] = await outboxRowsOf(purchase.purchaseId);
    expect(row).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'http_500:internal_server_error',
    });
    expect(await stubMessagesFor(outboxId)).toEqual([]);
  });

  it('acks a message whose row went dead (422), and the dead letter is logged without the address', async () => {
    const { purchase, outboxId } = await queuedConfirmation();
    await failSendsOf(outboxId, 422);
    const errors = captureConsole('error');
    const result = await consume([{ outboxId }]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);
    const [row] = await outboxRowsOf(purchase.purchaseId);
    expect(row?.status).toBe('dead');
    const line = errors.find((entry) => entry.includes('email dead-lettered'));
    expect(line).toContain(outboxId);
    expect(line).not.toContain('@codex.test');
  });

  it('retries every message when the database fails (the row is untouched)', async () => {
    const { purchase, outboxId } = await queuedConfirmation();
    const errors = captureConsole('error');
    // An SQL-over-HTTP endpoint that answers 404: every statement throws.
    const result = await consume([{ outboxId }], {
      DATABASE_HTTP_ENDPOINT: new URL('/no-sql-here', testEnv.RESEND_API_BASE).href,
    });
    expect(errors.join('\n')).toContain('deliver email');
    expect(result.retryMessages).toHaveLength(1);
    expect(result.explicitAcks).toEqual([]);
    const [row] = await outboxRowsOf(purchase.purchaseId);
    expect(row).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('acks a message it cannot read, logging it without its body', async () => {
    const errors = captureConsole('error');
    const result = await consume([{ secret: 'buyer@codex.test' }, 'text']);
    expect(result.explicitAcks).toHaveLength(2);
    expect(errors.filter((line) => line.includes('email queue message unreadable'))).toHaveLength(
      2,
    );
    expect(errors.join('\n')).not.toContain('buyer@codex.test');
  });

  it('with e-mail disabled (no RESEND_API_KEY), acks and leaves the row pending, with a warning', async () => {
    const { purchase, outboxId } = await queuedConfirmation();
    const warnings = captureConsole('warn');
    const result = await consume([{ outboxId }], { RESEND_API_KEY: undefined });
    expect(result.explicitAcks).toHaveLength(1);
    expect(warnings.join('\n')).toContain('email disabled');
    const [row] = await outboxRowsOf(purchase.purchaseId);
    expect(row).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await stubMessagesFor(outboxId)).toEqual([]);
  });
});

describe('the cron and the outbox', () => {
  async function runCron(overrides: Partial<WebhookBindings>): Promise<void> {
    const controller = createScheduledController({
      scheduledTime: new Date(),
      cron: '*/10 * * * *',
    });
    const ctx = createExecutionContext();
    await worker.scheduled(controller, { ...testEnv, ...overrides }, ctx);
    await waitOnExecutionContext(ctx);
  }

  it('queues a row that was committed but never queued (the worker died in between)', async () => {
    const purchase = await purchaseWithContact();
    // The webhook commits the row; its queue binding is missing, as if it died before sending.
    expect((await completeThroughWebhook(purchase, undefined)).status).toBe(200);
    const [row] = await outboxRowsOf(purchase.purchaseId);
    if (!row) throw new Error('no outbox row');
    const { queue, sent } = recordingQueue();
    await runCron({ EMAIL_QUEUE: queue });
    expect(sent).toContainEqual({ outboxId: row.id });
  });

  it('does not queue a row that is not due yet, nor one already sent', async () => {
    const { purchase, outboxId } = await queuedConfirmation();
    await consume([{ outboxId }]);
    const later = await purchaseWithContact();
    await completeThroughWebhook(later, undefined);
    await withTestDatabase((db) =>
      db
        .update(emailOutbox)
        .set({ nextAttemptAt: new Date(Date.now() + 60_000) })
        .where(eq(emailOutbox.purchaseId, later.purchaseId)),
    );
    const { queue, sent } = recordingQueue();
    await runCron({ EMAIL_QUEUE: queue });
    const queued = sent.map((message) => message.outboxId);
    expect(queued).not.toContain(outboxId);
    const [notDue] = await outboxRowsOf(later.purchaseId);
    expect(queued).not.toContain(notDue?.id);
    expect((await outboxRowsOf(purchase.purchaseId))[0]?.status).toBe('sent');
  });

  it('with e-mail disabled, queues nothing and warns', async () => {
    const purchase = await purchaseWithContact();
    await completeThroughWebhook(purchase, undefined);
    const warnings = captureConsole('warn');
    const { queue, sent } = recordingQueue();
    await runCron({ EMAIL_QUEUE: queue, RESEND_API_KEY: undefined });
    expect(sent).toEqual([]);
    expect(warnings.join('\n')).toContain('email disabled');
  });
});
