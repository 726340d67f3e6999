import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RecordedResendRequest, type ResendStub, startResendStub } from '@codex/test-utils';
import { Resend } from 'resend';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createResendSender } from './resend-sender';

// The stand-in is held to what the official SDK sends and reads; the adapter is held to the same
// request as the SDK. Both run over real HTTP against the stand-in.
const message = {
  from: 'Codex <receipts@codex.test>',
  to: 'reader@codex.test',
  subject: 'Your purchase: Intro',
  html: '<p>Thank you</p>',
  text: 'Thank you',
};

let stub: ResendStub;
beforeEach(async () => {
  stub = await startResendStub();
});
afterEach(async () => {
  await stub.close();
});

const sdk = () => new Resend('re_test_contract', { baseUrl: stub.url });
const adapter = (timeoutMs?: number) =>
  createResendSender({
    apiKey: 're_test_contract',
    apiBase: stub.url,
    ...(timeoutMs ? { timeoutMs } : {}),
  });

/** A request without the SDK's `undefined` fields (JSON drops them), `to` as a list. */
function shapeOf(request: RecordedResendRequest | undefined) {
  const body = request?.body as Record<string, unknown>;
  const to = typeof body.to === 'string' ? [body.to] : body.to;
  return { ...request, body: { ...body, to } };
}

describe('the Resend stand-in, as the official SDK meets it', () => {
  it('accepts a message and answers its id', async () => {
    const { data, error } = await sdk().emails.send(message, { idempotencyKey: 'k-1' });
    expect(error).toBeNull();
    expect(stub.messages()).toEqual([
      expect.objectContaining({ id: data?.id, to: [message.to], subject: message.subject }),
    ]);
  });

  it('same idempotency key and body: the first answer again, one message', async () => {
    const first = await sdk().emails.send(message, { idempotencyKey: 'k-2' });
    const second = await sdk().emails.send(message, { idempotencyKey: 'k-2' });
    expect(second.data?.id).toBe(first.data?.id);
    expect(stub.messages()).toHaveLength(1);
  });

  it('same key, another body: 409 invalid_idempotent_request, nothing accepted', async () => {
    await sdk().emails.send(message, { idempotencyKey: 'k-3' });
    const other = await sdk().emails.send(
      { ...message, subject: 'other' },
      { idempotencyKey: 'k-3' },
    );
    expect(other.error).toMatchObject({ name: 'invalid_idempotent_request', statusCode: 409 });
    expect(stub.messages()).toHaveLength(1);
  });

  it('refuses a message without a subject or with a bad address (422), as Resend does', async () => {
    const missing = await sdk().emails.send({ ...message, subject: '' });
    expect(missing.error).toMatchObject({ name: 'missing_required_field', statusCode: 422 });
    const invalid = await sdk().emails.send({ ...message, to: 'not-an-address' });
    expect(invalid.error).toMatchObject({ name: 'validation_error', statusCode: 422 });
    expect(stub.messages()).toHaveLength(0);
  });

  it('reads RESEND_BASE_URL when no baseUrl is given (how the SDK finds a stand-in)', async () => {
    const previous = process.env.RESEND_BASE_URL;
    process.env.RESEND_BASE_URL = stub.url;
    try {
      const { error } = await new Resend('re_test_env').emails.send(message);
      expect(error).toBeNull();
      expect(stub.messages()).toHaveLength(1);
    } finally {
      if (previous === undefined) delete process.env.RESEND_BASE_URL;
      else process.env.RESEND_BASE_URL = previous;
    }
  });

  it('writes each accepted message to the mailbox folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mailbox-'));
    const mailbox = await startResendStub({ mailboxDir: dir });
    try {
      await new Resend('re_test_mailbox', { baseUrl: mailbox.url }).emails.send(message);
      const files = await readdir(dir);
      expect(files).toHaveLength(1);
      const stored = JSON.parse(await readFile(join(dir, files[0] ?? ''), 'utf8'));
      expect(stored).toMatchObject({ subject: message.subject, text: message.text });
    } finally {
      await mailbox.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('createResendSender', () => {
  it('sends the request the SDK sends (path, headers, body)', async () => {
    await sdk().emails.send(message, { idempotencyKey: 'same-key' });
    const sent = await adapter().send(message, { idempotencyKey: 'same-key-2' });
    expect(sent.status).toBe('sent');
    const [fromSdk, fromAdapter] = stub.requests();
    expect(shapeOf(fromAdapter)).toEqual({
      ...shapeOf(fromSdk),
      idempotencyKey: 'same-key-2',
    });
  });

  it('answers the provider message id; a retry with the same key is the same message', async () => {
    const first = await adapter().send(message, { idempotencyKey: 'row-1' });
    const again = await adapter().send(message, { idempotencyKey: 'row-1' });
    expect(first).toEqual({ status: 'sent', providerMessageId: stub.messages()[0]?.id });
    expect(again).toEqual(first);
    expect(stub.messages()).toHaveLength(1);
  });

  it('classifies 500 and 429 as retryable, 422 and key reuse as permanent', async () => {
    stub.addRule({ status: 500 });
    expect(await adapter().send(message, { idempotencyKey: 'a' })).toEqual({
      status: 'failed',
      retryable: true,
      code: 'http_500:internal_server_error',
    });
    stub.addRule({ status: 429 });
    expect(await adapter().send(message, { idempotencyKey: 'a' })).toMatchObject({
      retryable: true,
      code: 'http_429:rate_limit_exceeded',
    });
    expect(
      await adapter().send({ ...message, to: 'nobody' }, { idempotencyKey: 'b' }),
    ).toMatchObject({
      retryable: false,
      code: 'http_422:validation_error',
    });
    await adapter().send(message, { idempotencyKey: 'c' });
    expect(
      await adapter().send({ ...message, subject: 'changed' }, { idempotencyKey: 'c' }),
    ).toMatchObject({ retryable: false, code: 'http_409:invalid_idempotent_request' });
  });

  it('a provider that accepts then never answers: timeout (retryable), and the retry is the same message', async () => {
    stub.addRule({ status: 'accept_then_hang' });
    const first = await adapter(200).send(message, { idempotencyKey: 'hang-1' });
    expect(first).toEqual({ status: 'failed', retryable: true, code: 'timeout' });
    const retry = await adapter(200).send(message, { idempotencyKey: 'hang-1' });
    expect(retry).toEqual({ status: 'sent', providerMessageId: stub.messages()[0]?.id });
    expect(stub.messages()).toHaveLength(1);
  });

  it('an unreachable provider is a retryable network error', async () => {
    const url = stub.url;
    await stub.close();
    const sender = createResendSender({ apiKey: 're_test_x', apiBase: url });
    expect(await sender.send(message, { idempotencyKey: 'n' })).toEqual({
      status: 'failed',
      retryable: true,
      code: 'network_error',
    });
    stub = await startResendStub();
  });

  it('refuses to be built without an API key', () => {
    expect(() => createResendSender({ apiKey: '' })).toThrow(/RESEND_API_KEY/);
  });
});
