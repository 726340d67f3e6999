import { describe, expect, it } from 'vitest';
import { readEmailSettings } from './email-config';

describe('readEmailSettings', () => {
  it('is enabled with a key and a sender, and keeps the API base', () => {
    expect(
      readEmailSettings({
        RESEND_API_KEY: 're_live_key_0123',
        EMAIL_FROM: 'Codex <receipts@codex.example>',
        RESEND_API_BASE: 'http://127.0.0.1:12112',
      }),
    ).toEqual({
      ok: true,
      config: {
        enabled: true,
        apiKey: 're_live_key_0123',
        apiBase: 'http://127.0.0.1:12112',
        from: 'Codex <receipts@codex.example>',
      },
    });
  });

  it('is disabled without a key (an empty one counts as unset), whatever the sender', () => {
    expect(readEmailSettings({})).toEqual({ ok: true, config: { enabled: false } });
    expect(readEmailSettings({ RESEND_API_KEY: '', EMAIL_FROM: 'a@b.example' })).toEqual({
      ok: true,
      config: { enabled: false },
    });
  });

  it('names what is wrong, never the value: a key without a sender, a placeholder, a bad key', () => {
    const noSender = readEmailSettings({ RESEND_API_KEY: 're_live_key_0123' });
    // Unset is reported as `missing` (readConfig's word for every unset variable).
    expect(noSender).toEqual({ ok: false, problems: ['EMAIL_FROM: missing'] });
    const placeholder = readEmailSettings({
      RESEND_API_KEY: 're_replace_me',
      EMAIL_FROM: 'a@b.example',
    });
    expect(placeholder.ok).toBe(false);
    expect(JSON.stringify(placeholder)).not.toContain('re_replace_me');
    const badKey = readEmailSettings({ RESEND_API_KEY: 'sk_test_123', EMAIL_FROM: 'a@b.example' });
    expect(badKey).toEqual({
      ok: false,
      problems: ['RESEND_API_KEY: must be a Resend API key (re_…)'],
    });
    const badSender = readEmailSettings({
      RESEND_API_KEY: 're_live_key_0123',
      EMAIL_FROM: 'Codex\r\nBcc: x@y.example',
    });
    expect(badSender.ok).toBe(false);
  });
});
