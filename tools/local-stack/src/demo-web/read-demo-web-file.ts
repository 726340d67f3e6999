import { readFile } from 'node:fs/promises';

/** A file of `tools/local-stack/demo-web/` as it is sent. */
export interface DemoWebFile {
  contentType: string;
  body: Buffer;
}

const JAVASCRIPT = 'text/javascript; charset=utf-8';
/** The page's ES modules: `app.js` and what it imports. A module missing here is a 404. */
const MODULES = [
  'app.js',
  'buy-button.js',
  'call-api.js',
  'content-path.js',
  'dom.js',
  'download-earnings.js',
  'earnings-tables.js',
  'format-price.js',
  'load-config.js',
  'media-player.js',
  'payout-status.js',
  'playback-grant-loop.js',
  'refund-form.js',
  'review-actions.js',
  'review-item.js',
  'show-catalogue.js',
  'show-content.js',
  'show-error.js',
  'show-library.js',
  'show-mailbox.js',
  'show-payouts.js',
  'show-review.js',
  'show-sales.js',
];

/** The served files: a fixed list, so no request path is ever joined to a file system path. */
const STATIC_FILES: ReadonlyMap<string, { file: string; contentType: string }> = new Map([
  ...MODULES.map((file) => [`/${file}`, { file, contentType: JAVASCRIPT }] as const),
  ['/style.css', { file: 'style.css', contentType: 'text/css; charset=utf-8' }],
]);
const INDEX_FILE = 'index.html';
const STATIC_DIR = new URL('../../demo-web/', import.meta.url);

function isPagePath(path: string): boolean {
  return (
    path === '/' ||
    path === '/library' ||
    path === '/mailbox' ||
    path === '/sales' ||
    path === '/review' ||
    path === '/payouts' ||
    /^\/content\/[^/]+$/.test(path)
  );
}

/**
 * The demo web app's file for a request path: a module (`/app.js`, … as JavaScript, which a
 * module script needs), `/style.css`, or `index.html` for a page the browser routes (`/`,
 * `/library`, `/mailbox`, `/sales`, `/review`, `/payouts`, `/content/<id>`); undefined for any other path. Read on every
 * call, so edits to the demo's files show on reload without a restart.
 */
export async function readDemoWebFile(path: string): Promise<DemoWebFile | undefined> {
  const served = STATIC_FILES.get(path);
  if (served) {
    return {
      contentType: served.contentType,
      body: await readFile(new URL(served.file, STATIC_DIR)),
    };
  }
  if (isPagePath(path)) {
    return {
      contentType: 'text/html; charset=utf-8',
      body: await readFile(new URL(INDEX_FILE, STATIC_DIR)),
    };
  }
  return undefined;
}
