import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPlaybackGrantSigner, createPlaybackGrantVerifier } from '@codex/playback-grants';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureDevVars } from './dev-vars';
import { workerDirs } from './start-local-stack';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'codex-dev-vars-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each(Object.keys(workerDirs) as Array<keyof typeof workerDirs>)(
  'ensureDevVars for the %s worker',
  (worker) => {
    beforeEach(async () => {
      const example = await readFile(join(workerDirs[worker], '.dev.vars.example'), 'utf8');
      await writeFile(join(dir, '.dev.vars.example'), example);
    });

    it('creates .dev.vars with ENVIRONMENT=development and no placeholder left', async () => {
      const { vars, created } = await ensureDevVars(dir);
      expect(created).toBe(true);
      expect(vars.ENVIRONMENT).toBe('development');
      for (const [name, value] of Object.entries(vars)) {
        expect(`${name}=${value}`).not.toMatch(/replace/i);
      }
    });

    it('adds ENVIRONMENT=development to an older .dev.vars without it, keeping everything else', async () => {
      const older = 'DATABASE_URL=postgres://postgres@127.0.0.1:5432/mine\nAUTH_JWT_SECRET=kept\n';
      await writeFile(join(dir, '.dev.vars'), older);

      const { vars, created } = await ensureDevVars(dir);

      expect(created).toBe(false);
      expect(vars).toMatchObject({
        ENVIRONMENT: 'development',
        DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/mine',
        AUTH_JWT_SECRET: 'kept',
      });
      expect(await readFile(join(dir, '.dev.vars'), 'utf8')).toMatch(
        /^DATABASE_URL=postgres:\/\/postgres@127\.0\.0\.1:5432\/mine\nAUTH_JWT_SECRET=kept\n/,
      );
    });

    it('leaves an ENVIRONMENT someone chose alone', async () => {
      await writeFile(join(dir, '.dev.vars'), 'ENVIRONMENT=test\nPLAYBACK_GRANT_SIGNING_KEY=\n');
      const { vars } = await ensureDevVars(dir);
      expect(vars.ENVIRONMENT).toBe('test');
      expect(await readFile(join(dir, '.dev.vars'), 'utf8')).toBe(
        'ENVIRONMENT=test\nPLAYBACK_GRANT_SIGNING_KEY=\n',
      );
    });
  },
);

describe('ensureDevVars for the webhooks worker’s two endpoints', () => {
  it('generates a signing secret for the payment endpoint and another for the Connect endpoint', async () => {
    const example = await readFile(join(workerDirs.webhooks, '.dev.vars.example'), 'utf8');
    await writeFile(join(dir, '.dev.vars.example'), example);

    const { vars } = await ensureDevVars(dir);

    expect(vars.STRIPE_WEBHOOK_SECRET_PAYMENT).toMatch(/^whsec_[0-9a-f]{48}$/);
    expect(vars.STRIPE_WEBHOOK_SECRET_CONNECT).toMatch(/^whsec_[0-9a-f]{48}$/);
    expect(vars.STRIPE_WEBHOOK_SECRET_CONNECT).not.toBe(vars.STRIPE_WEBHOOK_SECRET_PAYMENT);
  });
});

describe('ensureDevVars for the checkout worker’s playback grants', () => {
  beforeEach(async () => {
    const example = await readFile(join(workerDirs.checkout, '.dev.vars.example'), 'utf8');
    await writeFile(join(dir, '.dev.vars.example'), example);
  });

  /** Checks the pair the way the worker will: a grant signed with one verifies over the other. */
  async function expectWorkingPair(vars: Record<string, string>) {
    const privateJwk = JSON.parse(vars.PLAYBACK_GRANT_SIGNING_KEY ?? '');
    const jwks = JSON.parse(vars.PLAYBACK_GRANT_PUBLIC_KEYS ?? '');
    const { d: _secret, ...publicHalf } = privateJwk;
    expect(jwks.keys).toEqual([publicHalf]);
    const now = new Date();
    const { grant } = await createPlaybackGrantSigner({ privateJwk }).sign({
      customerId: 'user_demo',
      contentId: 'content',
      now,
    });
    const verifier = createPlaybackGrantVerifier({ jwks });
    expect(await verifier.verify(grant, { contentId: 'content', now })).toMatchObject({ ok: true });
  }

  it('generates a key pair on first run, a new one for each checkout', async () => {
    const { vars } = await ensureDevVars(dir);
    await expectWorkingPair(vars);
    const other = await mkdtemp(join(tmpdir(), 'codex-dev-vars-'));
    try {
      await writeFile(
        join(other, '.dev.vars.example'),
        await readFile(join(dir, '.dev.vars.example'), 'utf8'),
      );
      const second = await ensureDevVars(other);
      expect(second.vars.PLAYBACK_GRANT_SIGNING_KEY).not.toBe(vars.PLAYBACK_GRANT_SIGNING_KEY);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('adds a pair to an older .dev.vars without one, keeping everything else', async () => {
    await writeFile(join(dir, '.dev.vars'), 'ENVIRONMENT=development\nAUTH_JWT_SECRET=kept\n');
    const { vars, created } = await ensureDevVars(dir);
    expect(created).toBe(false);
    expect(vars.AUTH_JWT_SECRET).toBe('kept');
    await expectWorkingPair(vars);
    const again = await ensureDevVars(dir);
    expect(again.vars.PLAYBACK_GRANT_SIGNING_KEY).toBe(vars.PLAYBACK_GRANT_SIGNING_KEY);
  });
});
