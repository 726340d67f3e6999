import { randomBytes } from 'node:crypto';
import { appendFile, copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

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
 * secrets with generated ones (a buyer-token secret, the payment and the Connect endpoints'
 * webhook signing secrets). An existing file
 * keeps every value; only `ENVIRONMENT=development` is appended when it has no ENVIRONMENT (files
 * made before wrangler.jsonc stopped defaulting it). Returns the file's values.
 */
export async function ensureDevVars(
  workerDir: string,
): Promise<{ vars: Record<string, string>; created: boolean }> {
  const path = join(workerDir, '.dev.vars');
  const existing = await readFile(path, 'utf8').catch(() => undefined);
  if (existing !== undefined) {
    if ((await readDevVars(path)).ENVIRONMENT === undefined) {
      const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
      await appendFile(path, `${separator}ENVIRONMENT=development\n`);
    }
    return { vars: await readDevVars(path), created: false };
  }
  await copyFile(join(workerDir, '.dev.vars.example'), path);
  const text = (await readFile(path, 'utf8'))
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
