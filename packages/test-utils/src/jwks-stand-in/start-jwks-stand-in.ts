import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What one named JWKS answers, as a test set it with `PUT /__stub/jwks/<name>`. */
interface PublishedJwks {
  keys: unknown[];
  /** A `Cache-Control` header to answer with (the verifier's max age), if any. */
  cacheControl?: string;
  /** Answer this status with no body instead (a provider that is down). */
  status?: number;
}

/** A running JWKS stand-in. */
export interface JwksStandIn {
  /** `http://127.0.0.1:<port>`: `GET <url>/jwks/<name>` serves the JWKS published as `<name>`. */
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 256 * 1024;
const JWKS_PATH = /^\/jwks\/([A-Za-z0-9_-]{1,100})$/;
const STUB_PATH = /^\/__stub\/jwks\/([A-Za-z0-9_-]{1,100})(\/hits)?$/;

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) {
    body += String(chunk);
    if (body.length > MAX_BODY_BYTES) throw new Error('JWKS stand-in: body too large');
  }
  return body;
}

function answerJson(response: ServerResponse, status: number, body: unknown, headers = {}): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/**
 * Starts an identity provider's JWKS endpoint on loopback, steered over HTTP so tests inside the
 * Workers runtime (which cannot start a server) can rotate keys: `PUT /__stub/jwks/<name>` with
 * `{ keys, cacheControl?, status? }` publishes, `GET /jwks/<name>` serves (404 before any
 * publication), `GET /__stub/jwks/<name>/hits` counts the GETs served so far. Each test uses a
 * name of its own, so tests never see each other's keys.
 */
export async function startJwksStandIn(): Promise<JwksStandIn> {
  const published = new Map<string, PublishedJwks>();
  const hits = new Map<string, number>();
  const server = createServer((request, response) => {
    handle(request, response).catch(() => answerJson(response, 400, { error: 'bad request' }));
  });
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://stand-in').pathname;
    const served = JWKS_PATH.exec(path)?.[1];
    if (served !== undefined && request.method === 'GET') {
      hits.set(served, (hits.get(served) ?? 0) + 1);
      const jwks = published.get(served);
      if (jwks === undefined) return answerJson(response, 404, { error: 'unknown JWKS' });
      if (jwks.status !== undefined) return answerJson(response, jwks.status, {});
      const cacheHeaders =
        jwks.cacheControl === undefined ? {} : { 'Cache-Control': jwks.cacheControl };
      return answerJson(response, 200, { keys: jwks.keys }, cacheHeaders);
    }
    const [, name, isHits] = STUB_PATH.exec(path) ?? [];
    if (name !== undefined && isHits !== undefined && request.method === 'GET') {
      return answerJson(response, 200, { hits: hits.get(name) ?? 0 });
    }
    if (name !== undefined && isHits === undefined && request.method === 'PUT') {
      published.set(name, JSON.parse(await readBody(request)) as PublishedJwks);
      response.writeHead(204).end();
      return;
    }
    answerJson(response, 404, { error: 'not found' });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      ),
  };
}
