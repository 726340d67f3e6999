import { randomBytes } from 'node:crypto';
import { appendFile, copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generatePlaybackGrantKey } from '@codex/playback-grants';

/** The playback grant key lines of a `.dev.vars` (the checkout worker's, whose example has them). */
const PLAYBACK_GRANT_SIGNING_LINE = /^PLAYBACK_GRANT_SIGNING_KEY=.*$/m;
const PLAYBACK_GRANT_PUBLIC_LINE = /^PLAYBACK_GRANT_PUBLIC_KEYS=.*$/m;

/**
 * A fresh playback grant key pair as the checkout worker's two vars: the private JWK that signs,
 * and a JWKS of its public half. One JSON line each, as a `.dev.vars` value takes it.
 */
export async function generatePlaybackGrantDevVars(): Promise<{
  PLAYBACK_GRANT_SIGNING_KEY: string;
  PLAYBACK_GRANT_PUBLIC_KEYS: string;
}> {
  const { privateJwk, publicJwk } = await generatePlaybackGrantKey(
    `dev-${randomBytes(4).toString('hex')}`,
  );
  return {
    PLAYBACK_GRANT_SIGNING_KEY: JSON.stringify(privateJwk),
    PLAYBACK_GRANT_PUBLIC_KEYS: JSON.stringify({ keys: [publicJwk] }),
  };
}

/** Reads a `.dev.vars` file (KEY=value lines, # comments). */
export async function readDevVars(path: string): Promise<Record<string, string>> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = line.match(/^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/);
    if (match?.[1]) vars[match[1]] = match[2] ?? '';
  }
  return vars;
}

/**
 * Creates `<workerDir>/.dev.vars` from `.dev.vars.example` on first run, replacing the placeholder
 * secrets with generated ones (a buyer-token secret, a playback grant key pair, the payment and
 * the Connect endpoints' webhook signing secrets). An existing file keeps every value; only
 * `ENVIRONMENT=development` is appended when it has no ENVIRONMENT (files made before
 * wrangler.jsonc stopped defaulting it), and a playback grant key pair when the example has one
 * and the file has none (files made before issue 23). Returns the file's values.
 */
export async function ensureDevVars(
  workerDir: string,
): Promise<{ vars: Record<string, string>; created: boolean }> {
  const path = join(workerDir, '.dev.vars');
  const existing = await readFile(path, 'utf8').catch(() => undefined);
  if (existing !== undefined) {
    const vars = await readDevVars(path);
    const missing: string[] = [];
    if (vars.ENVIRONMENT === undefined) missing.push('ENVIRONMENT=development');
    const example = await readFile(join(workerDir, '.dev.vars.example'), 'utf8').catch(() => '');
    if (
      PLAYBACK_GRANT_SIGNING_LINE.test(example) &&
      vars.PLAYBACK_GRANT_SIGNING_KEY === undefined
    ) {
      const keys = await generatePlaybackGrantDevVars();
      missing.push(
        `PLAYBACK_GRANT_SIGNING_KEY=${keys.PLAYBACK_GRANT_SIGNING_KEY}`,
        `PLAYBACK_GRANT_PUBLIC_KEYS=${keys.PLAYBACK_GRANT_PUBLIC_KEYS}`,
      );
    }
    if (missing.length > 0) {
      const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
      await appendFile(path, `${separator}${missing.join('\n')}\n`);
    }
    return { vars: await readDevVars(path), created: false };
  }
  await copyFile(join(workerDir, '.dev.vars.example'), path);
  const keys = await generatePlaybackGrantDevVars();
  const text = (await readFile(path, 'utf8'))
    // Functions, not strings: a replacement string would read `$` in the JSON as a pattern.
    .replace(
      PLAYBACK_GRANT_SIGNING_LINE,
      () => `PLAYBACK_GRANT_SIGNING_KEY=${keys.PLAYBACK_GRANT_SIGNING_KEY}`,
    )
    .replace(
      PLAYBACK_GRANT_PUBLIC_LINE,
      () => `PLAYBACK_GRANT_PUBLIC_KEYS=${keys.PLAYBACK_GRANT_PUBLIC_KEYS}`,
    )
    .replace(/^AUTH_JWT_SECRET=.*$/m, `AUTH_JWT_SECRET=${randomBytes(32).toString('hex')}`)
    .replace(
      /^STRIPE_WEBHOOK_SECRET_PAYMENT=.*$/m,
      `STRIPE_WEBHOOK_SECRET_PAYMENT=whsec_${randomBytes(24).toString('hex')}`,
    )
    .replace(
      /^STRIPE_WEBHOOK_SECRET_CONNECT=.*$/m,
      `STRIPE_WEBHOOK_SECRET_CONNECT=whsec_${randomBytes(24).toString('hex')}`,
    );
  await writeFile(path, text);
  return { vars: await readDevVars(path), created: true };
}
