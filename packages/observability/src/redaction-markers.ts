/**
 * The exact strings that replace secrets and personal data in redacted output.
 *
 * Guarantees: every marker is a fixed ASCII string that contains no digits and none of the
 * patterns it replaces, so redacting already-redacted text is a no-op and markers are never
 * themselves mistaken for secrets. Other packages may compare against these values in tests.
 */
export const redactionMarkers = {
  /** Whole value of a key whose name is sensitive (`password`, `token`, `cookie`, ...). */
  sensitiveValue: '[REDACTED]',
  /** Stripe secret or restricted API key (`sk_live_`, `sk_test_`, `rk_live_`, `rk_test_`). */
  stripeKey: '[REDACTED:stripe_key]',
  /** Stripe webhook signing secret (`whsec_`). */
  stripeWebhookSecret: '[REDACTED:stripe_webhook_secret]',
  /** The credential after `Bearer ` (the word `Bearer` itself is kept). */
  bearerToken: '[REDACTED:bearer_token]',
  /** The credential after `Authorization: Basic ` (the header text is kept). */
  basicAuth: '[REDACTED:basic_auth]',
  /** A JSON Web Token (`eyJ....`). */
  jwt: '[REDACTED:jwt]',
  /** The password in `scheme://user:password@host` (scheme, user and host are kept). */
  password: '[REDACTED:password]',
  /** An e-mail address. */
  email: '[REDACTED:email]',
  /** A payment-card number (13–19 digits that pass the Luhn check). */
  cardNumber: '[REDACTED:card_number]',
  /** The bound values of a failed SQL statement (`params: …` in Drizzle's `Failed query` errors). */
  queryParameters: '[REDACTED:query_params]',
} as const;

/** One of the values of {@link redactionMarkers}. */
export type RedactionMarker = (typeof redactionMarkers)[keyof typeof redactionMarkers];
