import { afterEach, describe, expect, it } from 'vitest';
import type { ResendStub } from './resend-stub-types';
import { startResendStub } from './start-resend-stub';

const message = { from: 'a@codex.test', to: ['b@codex.test'], subject: 's', text: 't' };
let stub: ResendStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/emails`, {
    method: 'POST',
    headers: { Authorization: 'Bearer re_test_1', 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('startResendStub', () => {
  it('refuses a request without a key (401) and answers Resend’s error body', async () => {
    stub = await startResendStub();
    const response = await fetch(`${stub.url}/emails`, {
      method: 'POST',
      body: JSON.stringify(message),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ statusCode: 401, name: 'missing_api_key' });
  });

  it('refuses an idempotency key longer than 256 characters (400)', async () => {
    stub = await startResendStub();
    const answer = await post(stub.url, message, { 'Idempotency-Key': 'k'.repeat(257) });
    expect(answer).toMatchObject({ status: 400, body: { name: 'invalid_idempotency_key' } });
  });

  it('forgets a key after 24 hours: the same key then sends again', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    stub = await startResendStub({ now: () => now });
    const first = await post(stub.url, message, { 'Idempotency-Key': 'day' });
    now += 23 * 60 * 60_000;
    expect(await post(stub.url, message, { 'Idempotency-Key': 'day' })).toEqual(first);
    now += 2 * 60 * 60_000;
    const later = await post(stub.url, message, { 'Idempotency-Key': 'day' });
    expect(later.body.id).not.toBe(first.body.id);
    expect(stub.messages()).toHaveLength(2);
  });

  it('rules answer errors without accepting, then the stand-in accepts again', async () => {
    stub = await startResendStub();
    stub.addRule({ status: 503, times: 2 });
    expect((await post(stub.url, message, { 'Idempotency-Key': 'r' })).status).toBe(503);
    expect((await post(stub.url, message, { 'Idempotency-Key': 'r' })).status).toBe(503);
    expect((await post(stub.url, message, { 'Idempotency-Key': 'r' })).status).toBe(200);
    expect(stub.messages()).toHaveLength(1);
  });

  it('is steered over HTTP: a rule for one idempotency key only, and the messages listed', async () => {
    stub = await startResendStub();
    const rule = await fetch(`${stub.url}/__stub/rules`, {
      method: 'POST',
      body: JSON.stringify({ status: 500, idempotencyKey: 'mine', times: 1 }),
    });
    expect(rule.status).toBe(201);
    expect((await post(stub.url, message, { 'Idempotency-Key': 'theirs' })).status).toBe(200);
    expect((await post(stub.url, message, { 'Idempotency-Key': 'mine' })).status).toBe(500);
    expect((await post(stub.url, message, { 'Idempotency-Key': 'mine' })).status).toBe(200);
    const listed = await fetch(`${stub.url}/__stub/messages?idempotencyKey=mine`);
    const { data } = (await listed.json()) as { data: Array<{ idempotencyKey: string }> };
    expect(data.map((m) => m.idempotencyKey)).toEqual(['mine']);
  });

  it('answers 404 for endpoints it does not serve', async () => {
    stub = await startResendStub();
    const response = await fetch(`${stub.url}/domains`);
    expect(response.status).toBe(404);
  });
});
