/** Fragments that make a key sensitive wherever they appear in its normalised name. */
const SENSITIVE_FRAGMENTS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'authorization',
  'cookie',
  'apikey',
  'signature',
  'privatekey',
  'credential',
  'cardnumber',
] as const;

/** Short names that are sensitive only as the whole (normalised) key. */
const SENSITIVE_NAMES: ReadonlySet<string> = new Set([
  'pwd',
  'pass',
  'auth',
  'cvc',
  'cvc2',
  'cvv',
  'cvv2',
]);

/**
 * Whether a property, header or query-parameter name holds a secret whose value must be hidden
 * entirely.
 *
 * The name is compared case-insensitively with `-`, `_`, `.` and spaces ignored, so `apiKey`,
 * `api_key`, `X-Api-Key`, `Stripe-Signature`, `Set-Cookie`, `refresh_token` and `DB_PASSWORD` all
 * match. Matching errs on the side of hiding: `maxTokens` or `secretary` also match.
 *
 * Guarantees: pure, never throws (non-string input returns `false`).
 */
export function isSensitiveKey(key: string): boolean {
  if (typeof key !== 'string') {
    return false;
  }
  const normalised = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (SENSITIVE_NAMES.has(normalised)) {
    return true;
  }
  return SENSITIVE_FRAGMENTS.some((fragment) => normalised.includes(fragment));
}
