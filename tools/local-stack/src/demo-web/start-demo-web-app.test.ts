import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { type AddressInfo, connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startResendStub } from '@codex/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type DemoWebApp,
  type StartDemoWebAppOptions,
  startDemoWebApp,
} from './start-demo-web-app';

const CONTENT_ID = 'c0de0000-0000-4000-8000-000000000002';
const baseOptions: StartDemoWebAppOptions = {
  port: 0,
  apiBaseUrl: 'http://127.0.0.1:18787',
  buyerToken: 'header.payload.signature',
  customerId: 'user_demo',
  staff: {
    token: 'staff.header.signature',
    userId: 'demo-creator',
    organizationId: 'c0de0000-0000-4000-8000-000000000001',
    organizationName: 'Codex Demo Studio',
  },
  catalogue: [
    {
      id: CONTENT_ID,
      title: 'Mastering Sourdough (paid demo)',
      description: 'A four-hour course.',
      priceCents: 1_500,
      currency: 'usd',
    },
  ],
  stripeDashboardUrl: 'http://127.0.0.1:12111/dashboard',
  environment: 'development',
  log: () => undefined,
};

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function start(overrides: Partial<StartDemoWebAppOptions> = {}): Promise<DemoWebApp> {
  const app = await startDemoWebApp({ ...baseOptions, ...overrides });
  cleanups.push(() => app.close());
  return app;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with the path sent exactly as written (fetch would normalise `..` away). */
function rawRequest(
  port: number,
  path: string,
  init: { method?: string; host?: string; address?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: init.address ?? '127.0.0.1',
        port,
        path,
        method: init.method ?? 'GET',
        headers: init.host ? { host: init.host } : {},
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

async function isIpv6LoopbackAvailable(): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(0, '::1', () => probe.close(() => resolve(true)));
  });
}
const hasIpv6 = await isIpv6LoopbackAvailable();

const indexHtml = await readFile(new URL('../../demo-web/index.html', import.meta.url), 'utf8');

describe('startDemoWebApp', () => {
  it.each(['production', 'staging', ''])('refuses environment %j', async (environment) => {
    await expect(startDemoWebApp({ ...baseOptions, environment })).rejects.toThrow(
      /only in development/,
    );
  });

  it('refuses an apiBaseUrl or stripeDashboardUrl that is not an http(s) URL', async () => {
    await expect(startDemoWebApp({ ...baseOptions, apiBaseUrl: 'not a url' })).rejects.toThrow(
      /apiBaseUrl/,
    );
    await expect(
      startDemoWebApp({ ...baseOptions, stripeDashboardUrl: 'javascript:alert(1)' }),
    ).rejects.toThrow(/stripeDashboardUrl/);
  });

  it('serves index.html for /, /library, /mailbox, /sales, /review, /payouts and /content/<id>', async () => {
    const app = await start();
    for (const path of [
      '/',
      '/library',
      '/mailbox',
      '/sales',
      '/review',
      '/review?state=resolved',
      '/payouts',
      '/payouts?onboarding=done',
      `/content/${CONTENT_ID}`,
      `/content/${CONTENT_ID}?purchase=success`,
    ]) {
      const response = await fetch(`${app.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await response.text()).toBe(indexHtml);
    }
  });

  it('serves /config.json with the given values and Cache-Control: no-store', async () => {
    const app = await start({ apiBaseUrl: 'http://127.0.0.1:18787/' });
    const response = await fetch(`${app.url}/config.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      apiBaseUrl: 'http://127.0.0.1:18787',
      token: baseOptions.buyerToken,
      customerId: 'user_demo',
      staff: baseOptions.staff,
      catalogue: baseOptions.catalogue,
      stripeDashboardUrl: baseOptions.stripeDashboardUrl,
    });
  });

  it('leaves staff out of /config.json when there is no staff token', async () => {
    const app = await start({ staff: undefined });
    const config = (await (await fetch(`${app.url}/config.json`)).json()) as object;
    expect(config).not.toHaveProperty('staff');
    expect(config).toHaveProperty('token', baseOptions.buyerToken);
  });

  it('serves /mailbox.json: the mailbox folder’s messages, newest first; empty without a folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'codex-mailbox-test-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const stub = await startResendStub({ mailboxDir: dir });
    cleanups.push(() => stub.close());
    for (const subject of ['First', 'Second']) {
      const sent = await fetch(`${stub.url}/emails`, {
        method: 'POST',
        headers: { Authorization: 'Bearer re_local', 'Content-Type': 'application/json' },
        body: JSON.stringify({
          from: 'Codex <receipts@codex.test>',
          to: ['buyer@demo.codex.test'],
          subject,
          text: `${subject} body`,
        }),
      });
      expect(sent.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await writeFile(join(dir, 'not-a-message.json'), '{');
    const app = await start({ mailboxDir: dir });
    const response = await fetch(`${app.url}/mailbox.json`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { data } = (await response.json()) as { data: Array<Record<string, unknown>> };
    expect(data).toEqual([
      expect.objectContaining({
        subject: 'Second',
        to: ['buyer@demo.codex.test'],
        text: 'Second body',
      }),
      expect.objectContaining({ subject: 'First', text: 'First body' }),
    ]);
    expect((await fetch(`${app.url}/mailbox`)).status).toBe(200);

    const without = await start();
    expect(await (await fetch(`${without.url}/mailbox.json`)).json()).toEqual({ data: [] });
  });

  it('leaves stripeDashboardUrl out of /config.json when there is none', async () => {
    const app = await start({ stripeDashboardUrl: undefined });
    const config = (await (await fetch(`${app.url}/config.json`)).json()) as object;
    expect(config).not.toHaveProperty('stripeDashboardUrl');
  });

  it('serves app.js as JavaScript and style.css as CSS', async () => {
    const app = await start();
    const script = await fetch(`${app.url}/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toContain('data-testid');
    const style = await fetch(`${app.url}/style.css`);
    expect(style.status).toBe(200);
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('answers 404 for any other path, and never serves a file outside its folder', async () => {
    const app = await start();
    for (const path of [
      '/index.html',
      '/favicon.ico',
      '/content',
      `/content/${CONTENT_ID}/more`,
      '/sales/more',
      '/payouts/more',
      '/start-demo-web-app.ts',
      '/../package.json',
      '/%2e%2e/package.json',
      '/..%2fpackage.json',
      '/%2e%2e%2f%2e%2e%2fpackage.json',
      '/demo-web/../../package.json',
    ]) {
      const response = await rawRequest(app.port, path);
      expect(response.status, path).toBe(404);
      expect(response.body, path).toBe('Not Found\n');
    }
  });

  it('answers 405 to methods other than GET and HEAD', async () => {
    const app = await start();
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const response = await fetch(`${app.url}/config.json`, { method });
      expect(response.status, method).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
    }
    const head = await rawRequest(app.port, '/config.json', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('sends a CSP allowing only its own scripts and styles and the API origin', async () => {
    const app = await start({ apiBaseUrl: 'http://127.0.0.1:18787/prefix' });
    const response = await fetch(app.url);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("connect-src 'self' http://127.0.0.1:18787;");
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain("style-src 'self';");
    expect(policy).toContain("default-src 'none'");
    expect(policy).not.toContain('unsafe');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('lets media come from the media gate only, and hands its origin to the page', async () => {
    const without = await start();
    expect((await fetch(without.url)).headers.get('content-security-policy')).not.toContain(
      'media-src',
    );
    expect(await (await fetch(`${without.url}/config.json`)).json()).not.toHaveProperty(
      'mediaGateUrl',
    );
    const app = await start({ mediaGateUrl: 'http://127.0.0.1:12113/ignored' });
    const policy = (await fetch(app.url)).headers.get('content-security-policy') ?? '';
    expect(policy).toContain('media-src http://127.0.0.1:12113;');
    const config = (await (await fetch(`${app.url}/config.json`)).json()) as Record<
      string,
      unknown
    >;
    expect(config.mediaGateUrl).toBe('http://127.0.0.1:12113');
    await expect(
      startDemoWebApp({ ...baseOptions, mediaGateUrl: 'file:///etc/passwd' }),
    ).rejects.toThrow();
  });

  it('refuses a Host other than its loopback names (DNS rebinding)', async () => {
    const app = await start();
    const rebound = await rawRequest(app.port, '/config.json', {
      host: `attacker.example:${app.port}`,
    });
    expect(rebound.status).toBe(403);
    expect(rebound.body).not.toContain(baseOptions.buyerToken);
    const local = await rawRequest(app.port, '/config.json', { host: `localhost:${app.port}` });
    expect(local.status).toBe(200);
  });

  it('answers at http://localhost:<port>', async () => {
    const app = await start();
    expect(app.url).toBe(`http://localhost:${app.port}`);
    const response = await fetch(`${app.url}/config.json`);
    expect(response.status).toBe(200);
  });

  it.skipIf(!hasIpv6)('answers on ::1 at the port it chose for 127.0.0.1', async () => {
    const app = await start();
    const response = await rawRequest(app.port, '/config.json', {
      address: '::1',
      host: `[::1]:${app.port}`,
    });
    expect(response.status).toBe(200);
  });

  it.skipIf(!hasIpv6)(
    'rejects, and frees 127.0.0.1, when a fixed port is taken on ::1',
    async () => {
      const blocker: Server = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '::1', resolve));
      cleanups.push(() => new Promise((resolve) => blocker.close(() => resolve())));
      const { port } = blocker.address() as AddressInfo;
      await expect(startDemoWebApp({ ...baseOptions, port })).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
      const probe = createServer();
      await new Promise<void>((resolve, reject) => {
        probe.once('error', reject);
        probe.listen(port, '127.0.0.1', resolve);
      });
      await new Promise((resolve) => probe.close(resolve));
    },
  );

  it('closes both listeners and open connections, and close() twice is fine', async () => {
    const app = await startDemoWebApp(baseOptions);
    // Neither a kept-alive connection nor a client stalled mid-request may hold close() up.
    await fetch(`${app.url}/config.json`);
    const stalled = connect(app.port, '127.0.0.1');
    await new Promise((resolve) => stalled.once('connect', resolve));
    stalled.write('GET /config.json HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    stalled.on('error', () => undefined); // reset by the server: expected
    const ended = new Promise((resolve) => stalled.once('close', resolve));
    await app.close();
    await ended;
    await app.close();
    await expect(rawRequest(app.port, '/')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    if (hasIpv6) {
      await expect(rawRequest(app.port, '/', { address: '::1' })).rejects.toMatchObject({
        code: 'ECONNREFUSED',
      });
    }
  });
});
