import { createHash, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type {
  RecordedResendRequest,
  ResendStub,
  ResendStubMessage,
  ResendStubRule,
  StartResendStubOptions,
} from './resend-stub-types';

interface IdempotencyRecord {
  fingerprint: string;
  expiresAt: number;
  /** Undefined while the first request with the key is still being processed. */
  response?: { status: number; body: unknown };
}

// Resend keeps an idempotency key for 24 hours.
const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
const MAX_IDEMPOTENCY_KEY_LENGTH = 256;
const MAX_RECIPIENTS = 50;

/**
 * Starts a local stand-in for Resend's `POST /emails` on node:http, speaking what the official
 * `resend` SDK sends (`new Resend(key, { baseUrl: stub.url })`) and what `createResendSender`
 * sends. As Resend: a bearer key is required (401 `missing_api_key`); `from`, `to` (≤ 50),
 * `subject` and `html` or `text` are validated (422 `validation_error` /
 * `missing_required_field`); an accepted message answers 200 `{ id }`. `Idempotency-Key` (≤ 256
 * characters, else 400 `invalid_idempotency_key`) is kept 24 hours: the same key and body answer
 * the first response again and accept nothing; another body, 409 `invalid_idempotent_request`; a
 * key whose first request is still in progress, 409 `concurrent_idempotent_requests`. Error bodies
 * are `{ statusCode, name, message }`. Rejects if the port cannot be bound.
 */
export async function startResendStub(options: StartResendStubOptions = {}): Promise<ResendStub> {
  const now = options.now ?? Date.now;
  const messages: ResendStubMessage[] = [];
  const requests: RecordedResendRequest[] = [];
  const rules: Array<{ rule: ResendStubRule; remaining: number }> = [];
  const idempotency = new Map<string, IdempotencyRecord>();
  const hanging = new Set<ServerResponse>();
  if (options.mailboxDir) await mkdir(options.mailboxDir, { recursive: true });

  async function accept(body: Record<string, unknown>, key: string | undefined) {
    const message: ResendStubMessage = {
      id: randomUUID(),
      from: String(body.from),
      to: recipients(body.to) ?? [],
      subject: String(body.subject),
      html: typeof body.html === 'string' ? body.html : undefined,
      text: typeof body.text === 'string' ? body.text : undefined,
      idempotencyKey: key,
      receivedAt: new Date(now()).toISOString(),
    };
    messages.push(message);
    if (options.mailboxDir) {
      const name = `${message.receivedAt.replace(/[:.]/g, '-')}-${message.id}.json`;
      await writeFile(join(options.mailboxDir, name), `${JSON.stringify(message, null, 2)}\n`);
    }
    return message;
  }

  async function answer(
    headers: IncomingHttpHeaders,
    raw: string,
    res: ServerResponse,
  ): Promise<{ status: number; body: unknown } | 'hung'> {
    const key = header(headers, 'idempotency-key');
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return error(422, 'validation_error', 'The request body is not valid JSON.');
    }
    requests.push({
      method: 'POST',
      path: '/emails',
      idempotencyKey: key,
      contentType: header(headers, 'content-type'),
      hasBearerKey: /^Bearer \S+$/.test(header(headers, 'authorization') ?? ''),
      body,
    });
    if (!/^Bearer \S+$/.test(header(headers, 'authorization') ?? '')) {
      return error(401, 'missing_api_key', 'Missing API key in the authorization header.');
    }
    if (key !== undefined && (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH)) {
      return error(400, 'invalid_idempotency_key', 'The key must be 1-256 characters.');
    }
    const fingerprint = createHash('sha256').update(raw).digest('hex');
    if (key !== undefined) {
      const seen = idempotency.get(key);
      if (seen && seen.expiresAt > now()) {
        // As Resend documents (https://resend.com/docs/dashboard/emails/idempotency-keys): a key
        // already used on a request with a different payload is refused with 409
        // `invalid_idempotent_request`, and retrying it is useless; nothing is sent. The body is
        // compared byte for byte, so a sender must send the same bytes on every attempt.
        if (seen.fingerprint !== fingerprint) {
          return error(409, 'invalid_idempotent_request', 'Same key used with a different body.');
        }
        if (!seen.response) {
          return error(409, 'concurrent_idempotent_requests', 'The original is in progress.');
        }
        return seen.response;
      }
    }
    const invalid = validate(body);
    if (invalid) return invalid;
    const rule = takeRule(key);
    if (rule && rule.status !== 'accept_then_hang') {
      const name = rule.name ?? defaultErrorName(rule.status);
      return error(rule.status, name, `Stand-in rule: ${rule.status}.`);
    }
    const record: IdempotencyRecord = { fingerprint, expiresAt: now() + IDEMPOTENCY_WINDOW_MS };
    if (key !== undefined) idempotency.set(key, record);
    try {
      const message = await accept(body as Record<string, unknown>, key);
      record.response = { status: 200, body: { id: message.id } };
    } catch (cause) {
      idempotency.delete(key ?? '');
      throw cause;
    }
    if (rule?.status === 'accept_then_hang') {
      hanging.add(res);
      if (rule.hangMs !== undefined) {
        setTimeout(() => {
          hanging.delete(res);
          res.destroy();
        }, rule.hangMs).unref();
      }
      return 'hung';
    }
    return record.response;
  }

  function takeRule(key: string | undefined): ResendStubRule | undefined {
    const index = rules.findIndex(
      ({ rule }) => rule.idempotencyKey === undefined || rule.idempotencyKey === key,
    );
    const active = rules[index];
    if (!active) return undefined;
    active.remaining -= 1;
    if (active.remaining <= 0) rules.splice(index, 1);
    return active.rule;
  }

  /**
   * The control endpoints, for tests that cannot hold the stub object (worker tests run inside
   * workerd): `POST /__stub/rules` adds a rule (the JSON body), `GET /__stub/messages` lists the
   * accepted messages, `?idempotencyKey=` only those with that key.
   */
  function control(method: string, url: URL, raw: string): { status: number; body: unknown } {
    if (method === 'POST' && url.pathname === '/__stub/rules') {
      rules.push({ rule: JSON.parse(raw) as ResendStubRule, remaining: 1 });
      const added = rules[rules.length - 1];
      if (added) added.remaining = added.rule.times ?? 1;
      return { status: 201, body: { ok: true } };
    }
    if (method === 'GET' && url.pathname === '/__stub/messages') {
      const key = url.searchParams.get('idempotencyKey');
      const data = key === null ? messages : messages.filter((m) => m.idempotencyKey === key);
      return { status: 200, body: { data } };
    }
    return error(404, 'not_found', 'The requested endpoint does not exist.');
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      const path = url.pathname;
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (path.startsWith('/__stub/')) {
        try {
          const answered = control(
            req.method ?? 'GET',
            url,
            Buffer.concat(chunks).toString('utf8'),
          );
          reply(answered.status, answered.body);
        } catch {
          const invalid = error(400, 'validation_error', 'The control request is not valid JSON.');
          reply(invalid.status, invalid.body);
        }
        return;
      }
      if (req.method !== 'POST' || path !== '/emails') {
        const notFound = error(404, 'not_found', 'The requested endpoint does not exist.');
        reply(notFound.status, notFound.body);
        return;
      }
      answer(req.headers, Buffer.concat(chunks).toString('utf8'), res).then(
        (outcome) => {
          if (outcome !== 'hung') reply(outcome.status, outcome.body);
        },
        () => {
          const failed = error(500, 'internal_server_error', 'The stand-in failed.');
          reply(failed.status, failed.body);
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://${address.address}:${address.port}`,
    messages: () => [...messages],
    requests: () => [...requests],
    addRule(rule) {
      rules.push({ rule, remaining: rule.times ?? 1 });
    },
    async close() {
      for (const res of hanging) res.destroy();
      hanging.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function error(status: number, name: string, message: string) {
  return { status, body: { statusCode: status, name, message } };
}

function defaultErrorName(status: number): string {
  if (status === 429) return 'rate_limit_exceeded';
  if (status === 422) return 'validation_error';
  return 'internal_server_error';
}

function recipients(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  return undefined;
}

// Resend's address check is looser than RFC 5322 and stricter than "contains @"; this is close.
const ADDRESS = /^(?:[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+|[^<>]*<[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+>)$/;

function validate(body: unknown): { status: number; body: unknown } | undefined {
  if (typeof body !== 'object' || body === null) {
    return error(422, 'validation_error', 'The request body must be an object.');
  }
  const fields = body as Record<string, unknown>;
  for (const field of ['from', 'to', 'subject']) {
    if (fields[field] === undefined || fields[field] === '') {
      return error(422, 'missing_required_field', `Missing \`${field}\` field.`);
    }
  }
  if (typeof fields.from !== 'string' || !ADDRESS.test(fields.from)) {
    return error(422, 'validation_error', 'Invalid `from` field.');
  }
  const to = recipients(fields.to);
  if (!to || to.length === 0 || to.length > MAX_RECIPIENTS || !to.every((a) => ADDRESS.test(a))) {
    return error(422, 'validation_error', 'Invalid `to` field.');
  }
  if (typeof fields.subject !== 'string') {
    return error(422, 'validation_error', 'Invalid `subject` field.');
  }
  if (typeof fields.html !== 'string' && typeof fields.text !== 'string') {
    return error(422, 'validation_error', 'Missing `html` or `text` field.');
  }
  return undefined;
}
