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
 *   (`POST /api/organizations/:orgId/purchases/:purchaseId/refunds`);
 * - `/review`: the demo organization's review queue (`GET /api/organizations/:orgId/review-queue`),
 *   open or resolved flags, each with its allowed actions
 *   (`POST /api/organizations/:orgId/review-queue/:anomalyId/actions`);
 * - `/payouts`: the demo organization's payouts (`GET /api/organizations/:orgId/payouts`, the
 *   earnings, their summary and CSV export), and the button to Stripe's hosted onboarding
 *   (`POST /api/organizations/:orgId/payouts/onboarding`), which sends the browser back to
 *   `/payouts?onboarding=done`.
 * `app.js` lists the `data-testid` hooks that browser tests rely on.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { listenOnLoopback } from './listen-on-loopback';
import { readDemoWebFile } from './read-demo-web-file';
import { readMailbox } from './read-mailbox';

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
  /**
   * A staff token for `userId`, who has a role in `organizationId` in `organization_members`
   * (`owner` or `admin` to refund).
   */
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
  /**
   * The media gate (`startMediaGate`), e.g. `http://127.0.0.1:12113`: the player plays the media
   * through it with playback grants. Without it the player only shows whether access is held.
   */
  mediaGateUrl?: string;
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

function contentSecurityPolicy(apiOrigin: string, mediaOrigin: string | undefined): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self' ${apiOrigin}`,
    ...(mediaOrigin ? [`media-src ${mediaOrigin}`] : []),
    // The page's only image is its empty `data:` favicon (it spares a 404 per load).
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Starts the demo web app on `localhost`: it listens on 127.0.0.1 and on ::1 (the same port, so
 * `http://localhost:<port>` works whichever loopback address the browser picks; ::1 is skipped
 * where IPv6 is unavailable). Serves `GET`/`HEAD` of `/`, `/library`, `/mailbox`, `/sales`,
 * `/review`, `/payouts` and `/content/<id>` (the page), its ES modules (`/app.js` and those it imports) and
 * `/style.css` (see {@link readDemoWebFile}), `/config.json` (the options the page needs, tokens
 * included, `Cache-Control: no-store`) and `/mailbox.json` (the local mailbox, see {@link readMailbox});
 * anything else is 404, other methods 405. Requests whose `Host` is not this server's loopback
 * address are refused (403): a DNS-rebinding page could otherwise read the tokens.
 *
 * Development only: the real web app is a separate deployable, while this server hands a buyer
 * token, and the staff token when given one, to any visitor. It therefore rejects unless
 * `environment` is `development`, and also when `apiBaseUrl`, `stripeDashboardUrl` or `mediaGateUrl`
 * is not an http(s) URL, or the port is taken.
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
  const mediaOrigin =
    options.mediaGateUrl === undefined
      ? undefined
      : parseHttpUrl(options.mediaGateUrl, 'mediaGateUrl').origin;
  const log = options.log ?? ((line: string) => console.error(line));

  const config = JSON.stringify({
    apiBaseUrl: options.apiBaseUrl.replace(/\/+$/, ''),
    token: options.buyerToken,
    customerId: options.customerId,
    ...(options.staff ? { staff: options.staff } : {}),
    catalogue: options.catalogue,
    ...(options.stripeDashboardUrl ? { stripeDashboardUrl: options.stripeDashboardUrl } : {}),
    ...(mediaOrigin ? { mediaGateUrl: mediaOrigin } : {}),
  });
  const securityHeaders: OutgoingHttpHeaders = {
    'Content-Security-Policy': contentSecurityPolicy(apiOrigin, mediaOrigin),
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
    const file = await readDemoWebFile(path);
    if (file) {
      return send(response, 200, file.contentType, file.body, { 'Cache-Control': 'no-cache' });
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

  const { port, close } = await listenOnLoopback({ port: options.port, onRequest, log });
  allowedHosts = new Set([`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]);
  return { url: `http://localhost:${port}`, port, close };
}
