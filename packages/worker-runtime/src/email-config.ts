import { z } from 'zod';
import { type ConfigResult, readConfig } from './read-config';
import { refusePlaceholders } from './refuse-placeholders';

/**
 * The e-mail provider's bindings, as Cloudflare hands them to a worker. (The `EMAIL_QUEUE` producer
 * binding is typed by each worker with `EmailQueue` from `@codex/purchases`, whose outbox it carries.)
 */
export interface EmailBindings {
  RESEND_API_KEY?: string;
  RESEND_API_BASE?: string;
  EMAIL_FROM?: string;
}

// A var set to nothing (`KEY=` in .dev.vars) counts as unset.
const optional = <S extends z.ZodType>(schema: S) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/**
 * `RESEND_API_KEY` (secret), `RESEND_API_BASE` (a Resend-compatible API; default Resend's own) and
 * `EMAIL_FROM` (`Name <address>` or an address). E-mail is enabled when the key is set, and then
 * `EMAIL_FROM` is required; without a key e-mail is disabled (outbox rows stay pending).
 */
export const emailConfigSchema = z
  .object({
    RESEND_API_KEY: optional(
      refusePlaceholders(
        z.string().regex(/^re_\w+$/, { error: 'must be a Resend API key (re_…)' }),
      ),
    ),
    RESEND_API_BASE: optional(z.url({ protocol: /^https?$/ })),
    EMAIL_FROM: optional(
      z.string().regex(/^([^<>\r\n]+ <[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/, {
        error: 'must be an address or `Name <address>`',
      }),
    ),
  })
  .refine((config) => !config.RESEND_API_KEY || config.EMAIL_FROM, {
    path: ['EMAIL_FROM'],
    error: 'required when RESEND_API_KEY is set',
  });

/** What the e-mail bindings say: send with these settings, or do not send at all. */
export type EmailSettings =
  | { enabled: true; apiKey: string; apiBase: string | undefined; from: string }
  | { enabled: false };

/**
 * Reads the e-mail bindings (once per bindings object, as `readConfig`). `ok: false` lists the
 * problems (names and reasons, never values); a caller treats that as disabled and logs it. Never
 * throws.
 */
export function readEmailSettings(env: EmailBindings): ConfigResult<EmailSettings> {
  const result = readConfig(emailConfigSchema, env);
  if (!result.ok) return result;
  const { RESEND_API_KEY, RESEND_API_BASE, EMAIL_FROM } = result.config;
  if (!RESEND_API_KEY || !EMAIL_FROM) return { ok: true, config: { enabled: false } };
  return {
    ok: true,
    config: { enabled: true, apiKey: RESEND_API_KEY, apiBase: RESEND_API_BASE, from: EMAIL_FROM },
  };
}
