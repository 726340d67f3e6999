/**
 * The demo web app of `pnpm dev`: a few static files (`tools/local-stack/demo-web/`) that play the
 * real web app's role in a browser, using only the checkout worker's public API (cross-origin,
 * through CORS, with a bearer token). Pages, routed in the browser by `location.pathname`:
 * - `/`: the catalogue, one card per item with Buy / Get it free, or Owned and Play;
 * - `/library`: what the buyer may play now (`GET /api/library`);
 * - `/content/<id>`: Stripe's success and cancel page (purchase status, polled while pending) and a
 *   player that unlocks while the buyer has access (re-checked every 2 s);
 * - `/mailbox`: the e-mails the local mailbox received (`GET /mailbox.json`), newest first;
 * - `/sales`: the demo organization's sales as its staff sees them (`GET /api/organizations/:orgId/sales`
 *   with the staff token), each completed one with a refund form
 *   (`POST /api/organizations/:orgId/purchases/:purchaseId/refunds`).
 * `app.js` lists the `data-testid` hooks that browser tests rely on.
 */
import { readdir, readFile } from 'node:fs/promises';
import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** One item of the catalogue the demo shows (the seeded demo content, as the API knows it). */
export interface DemoCatalogueItem {
  id: string;
  title: string;
  description?: string;
  /** In the currency's smallest unit, as Stripe and the database count it. */
  priceCents: number;
  /** ISO 4217 code, any case (`usd`). */
  currency: string;
}

/** A member of an organization's staff, whose token the `/sales` page uses. */
export interface DemoStaff {
  /** A token whose `orgs` claim gives a role in `organizationId` (`owner` or `admin` to refund). */
  token: string;
  /** The staff member the token names (its `sub`), shown on the page. */
  userId: string;
  organizationId: string;
  /** The organization's name, shown on the page. */
  organizationName: string;
}

/** Options for {@link startDemoWebApp}. */
export interface StartDemoWebAppOptions {
  /** Port on the loopback addresses; 0 lets the OS choose one. */
  port: number;
  /** The checkout worker as the browser calls it, e.g. `http://127.0.0.1:8787`. */
  apiBaseUrl: string;
  /** A buyer token for `Authorization: Bearer`, handed to every visitor through `/config.json`. */
  buyerToken: string;
  /** The buyer the token names, shown in the header. */
  customerId: string;
  /**
   * A staff token and its organization, handed to every visitor through `/config.json` like the
   * buyer token, for the `/sales` page. Without it that page says there is none.
   */
  staff?: DemoStaff;
  catalogue: DemoCatalogueItem[];
  /** An `http(s)` link shown in the header (a local Stripe stand-in's dashboard), if any. */
  stripeDashboardUrl?: string;
  /** Must be `development`: anything else is refused. */
  environment: string;
  /**
   * The local mailbox folder (the Resend stand-in's `mailboxDir`): `/mailbox.json` lists its
   * messages. Without it the list is empty.
   */
  mailboxDir?: string;
  /** Gets problems worth a person's attention (no IPv6 loopback). Default `console.error`. */
  log?: (line: string) => void;
}

/** A running demo web app. */
export interface DemoWebApp {
  /** `http://localhost:<port>`, the address to open in a browser (and the API's allowed origin). */
  url: string;
  port: number;
  /** Stops both listeners and ends open connections. Safe to call twice. */
  close: () => Promise<void>;
}

/** The served files: a fixed list, so no request path is ever joined to a file system path. */
const STATIC_FILES = {
  '/app.js': { file: 'app.js', contentType: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', contentType: 'text/css; charset=utf-8' },
} as const;
const INDEX_FILE = 'index.html';
const STATIC_DIR = new URL('../../demo-web/', import.meta.url);

// Attempts when port 0 was asked for and the port the OS gave 127.0.0.1 is taken on ::1.
const PORT_ATTEMPTS = 5;
// Without IPv6 (containers, some CI), listening on ::1 fails with one of these: 127.0.0.1 suffices.
const IPV6_UNAVAILABLE = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT']);

type StaticPath = keyof typeof STATIC_FILES;

function isStaticPath(path: string): path is StaticPath {
  return Object.hasOwn(STATIC_FILES, path);
}

function isPagePath(path: string): boolean {
  return (
    path === '/' ||
    path === '/library' ||
    path === '/mailbox' ||
    path === '/sales' ||
    /^\/content\/[^/]+$/.test(path)
  );
}

/** One message of the local mailbox, as `/mailbox.json` lists it. */
export interface MailboxMessage {
  id: string;
  to: string[];
  subject: string;
  text: string;
  receivedAt: string;
}

// The page shows the latest messages; the folder keeps them all.
const MAILBOX_LIMIT = 50;

/**
 * The messages in `dir` (one JSON file each, as the Resend stand-in writes them), newest first,
 * at most {@link MAILBOX_LIMIT}. A missing folder is an empty mailbox; an unreadable file is skipped.
 */
export async function readMailbox(dir: string | undefined): Promise<MailboxMessage[]> {
  if (!dir) return [];
  const names = await readdir(dir).catch(() => [] as string[]);
  const messages: MailboxMessage[] = [];
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    try {
      const raw = JSON.parse(await readFile(join(dir, name), 'utf8')) as Record<string, unknown>;
      messages.push({
        id: String(raw.id),
        to: Array.isArray(raw.to) ? raw.to.map(String) : [],
        subject: String(raw.subject ?? ''),
        text: typeof raw.text === 'string' ? raw.text : '',
        receivedAt: String(raw.receivedAt ?? ''),
      });
    } catch {
      // A file being written, or not a message: left out.
    }
  }
  messages.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
  return messages.slice(0, MAILBOX_LIMIT);
}

function parseHttpUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`startDemoWebApp: ${what} is not a URL: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`startDemoWebApp: ${what} must be an http(s) URL: ${value}`);
  }
  return url;
}

function contentSecurityPolicy(apiOrigin: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self' ${apiOrigin}`,
    // The page's only image is its empty `data:` favicon (it spares a 404 per load).
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen({ port, host }, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    // close() ends idle keep-alive connections itself; this also ends a client stalled mid-request.
    server.closeAllConnections();
  });
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

/**
 * Starts the demo web app on `localhost`: it listens on 127.0.0.1 and on ::1 (the same port, so
 * `http://localhost:<port>` works whichever loopback address the browser picks; ::1 is skipped
 * where IPv6 is unavailable). Serves `GET`/`HEAD` of `/`, `/library`, `/mailbox`, `/sales` and
 * `/content/<id>` (the page), `/app.js`, `/style.css`, `/config.json` (the options the page
 * needs, tokens included, `Cache-Control: no-store`) and
 * `/mailbox.json` (the local mailbox, see {@link readMailbox}); anything
 * else is 404, other methods 405. Requests whose `Host` is not this server's loopback address are
 * refused (403): a DNS-rebinding page could otherwise read the tokens.
 *
 * Development only: the real web app is a separate deployable, while this server hands a buyer
 * token, and the staff token when given one, to any visitor. It therefore rejects unless `environment` is `development`, and also when
 * `apiBaseUrl` or `stripeDashboardUrl` is not an http(s) URL, or the port is taken.
 */
export async function startDemoWebApp(options: StartDemoWebAppOptions): Promise<DemoWebApp> {
  if (options.environment !== 'development') {
    throw new Error(
      `startDemoWebApp: refused in environment "${options.environment}": the demo web app ` +
        'hands its tokens to every visitor and runs only in development',
    );
  }
  const apiOrigin = parseHttpUrl(options.apiBaseUrl, 'apiBaseUrl').origin;
  if (options.stripeDashboardUrl !== undefined) {
    parseHttpUrl(options.stripeDashboardUrl, 'stripeDashboardUrl');
  }
  const log = options.log ?? ((line: string) => console.error(line));

  const config = JSON.stringify({
    apiBaseUrl: options.apiBaseUrl.replace(/\/+$/, ''),
    token: options.buyerToken,
    customerId: options.customerId,
    ...(options.staff ? { staff: options.staff } : {}),
    catalogue: options.catalogue,
    ...(options.stripeDashboardUrl ? { stripeDashboardUrl: options.stripeDashboardUrl } : {}),
  });
  const securityHeaders: OutgoingHttpHeaders = {
    'Content-Security-Policy': contentSecurityPolicy(apiOrigin),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
  let allowedHosts = new Set<string>();

  const send = (
    response: ServerResponse,
    status: number,
    contentType: string,
    body: string | Buffer,
    headers: OutgoingHttpHeaders = {},
  ) => {
    response.writeHead(status, {
      ...securityHeaders,
      ...headers,
      'Content-Type': contentType,
      'Content-Length': Buffer.byteLength(body),
    });
    // Node leaves the body out of HEAD responses by itself.
    response.end(body);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (!allowedHosts.has(request.headers.host ?? '')) {
      return send(response, 403, 'text/plain; charset=utf-8', 'Forbidden: unexpected Host\n');
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return send(response, 405, 'text/plain; charset=utf-8', 'Method Not Allowed\n', {
        Allow: 'GET, HEAD',
      });
    }
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/mailbox.json') {
      const body = JSON.stringify({ data: await readMailbox(options.mailboxDir) });
      return send(response, 200, 'application/json; charset=utf-8', body, {
        'Cache-Control': 'no-store',
      });
    }
    if (path === '/config.json') {
      return send(response, 200, 'application/json; charset=utf-8', config, {
        'Cache-Control': 'no-store',
      });
    }
    // Read on every request, so edits to the demo's files show on reload without a restart.
    if (isStaticPath(path)) {
      const { file, contentType } = STATIC_FILES[path];
      return send(response, 200, contentType, await readFile(new URL(file, STATIC_DIR)), {
        'Cache-Control': 'no-cache',
      });
    }
    if (isPagePath(path)) {
      const page = await readFile(new URL(INDEX_FILE, STATIC_DIR));
      return send(response, 200, 'text/html; charset=utf-8', page, { 'Cache-Control': 'no-cache' });
    }
    return send(response, 404, 'text/plain; charset=utf-8', 'Not Found\n');
  };
  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    handle(request, response).catch((error: unknown) => {
      log(`demo web app: ${request.method} ${request.url} failed: ${String(error)}`);
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'Error\n');
      else response.destroy();
    });
  };

  for (let attempt = 1; ; attempt += 1) {
    const ipv4 = createServer(onRequest);
    const ipv6 = createServer(onRequest);
    const port = await listen(ipv4, options.port, '127.0.0.1');
    try {
      await listen(ipv6, port, '::1');
    } catch (error) {
      const code = errorCode(error);
      if (code === 'EADDRINUSE' && options.port === 0 && attempt < PORT_ATTEMPTS) {
        await closeServer(ipv4);
        continue;
      }
      if (!IPV6_UNAVAILABLE.has(code ?? '')) {
        await closeServer(ipv4);
        throw error;
      }
      log(`demo web app: IPv6 loopback unavailable (${code}); listening on 127.0.0.1 only`);
    }
    allowedHosts = new Set([`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]);
    let closing: Promise<void> | undefined;
    return {
      url: `http://localhost:${port}`,
      port,
      close: () => {
        closing ??= Promise.all([closeServer(ipv4), closeServer(ipv6)]).then(() => undefined);
        return closing;
      },
    };
  }
}
