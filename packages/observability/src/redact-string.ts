import { isSensitiveKey } from './is-sensitive-key';
import { passesLuhn } from './passes-luhn';
import { redactionMarkers } from './redaction-markers';

/**
 * `scheme://user:password@` — keeps scheme and user, replaces the password. The password may
 * contain `@` and `:` (it runs to the last `@` of the authority) but not `/`, `?`, `#` or
 * whitespace, so `https://host:8080/path?email=a@b.c` is not mistaken for credentials.
 */
const URL_PASSWORD = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/)([^\s:@/?#[\]]*):([^\s/?#]+)@/gi;

/** Three base64url segments, the first starting with `eyJ` (`{"` encoded). */
const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

/** `Authorization: Basic <credentials>` in free text, JSON or header dumps. */
const BASIC_AUTH = /\b(authorization["']?\s*[:=]\s*(?:["']\s*)?basic\s+)[A-Za-z0-9+/._~-]+=*/gi;

/** `Bearer <token>` anywhere (RFC 6750 token68 characters). */
const BEARER = /\b(bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi;

/** Stripe secret and restricted keys. Publishable keys (`pk_`) are public by design and kept. */
const STRIPE_KEY = /(?<![A-Za-z0-9])[sr]k_(?:live|test)_[A-Za-z0-9]+/g;

/** Stripe webhook signing secrets. */
const STRIPE_WEBHOOK_SECRET = /(?<![A-Za-z0-9])whsec_[A-Za-z0-9+/=]+/g;

/** `?name=value` / `&name=value` query parameters; the value is hidden when the name is sensitive. */
const QUERY_PARAMETER = /([?&])([^\s=&#?]+)=([^\s&#]+)/g;

/**
 * E-mail addresses. Not matched right after `://`, so a URL user (`postgres://app@host`) survives.
 */
const EMAIL = /(?<![A-Za-z0-9._%+-])(?<!:\/\/)[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}/g;

/**
 * The `params: …` Drizzle appends to a failed statement's message: bound values are user data
 * (customer ids, e-mails, amounts, a rendered e-mail), the SQL text before it is kept for
 * diagnosis. A value may span lines (an e-mail's HTML), so everything up to the end of the
 * message, or of a stack's message before its first frame, goes.
 */
const SQL_PARAMETERS = /(^|\n)(params: )[\s\S]*?(?=\n\s+at |$)/g;

/** UUIDs are protected from card-number detection. */
const UUID = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i;

/** Maximal runs of digit groups separated by a single space or dash. */
const DIGIT_RUN = /\d+(?:[ -]\d+)*/g;

/** Major card networks start with 2–6 (Mastercard, Amex/JCB/Diners, Visa, Discover/UnionPay) or 8. */
const CARD_FIRST_DIGIT = /^[2-68]/;

const MIN_CARD_DIGITS = 13;
const MAX_CARD_DIGITS = 19;
/** In a spaced or dashed number, every group but the last must have at least this many digits. */
const MIN_CARD_GROUP = 3;

function looksLikeCardNumber(digits: string): boolean {
  return (
    digits.length >= MIN_CARD_DIGITS &&
    digits.length <= MAX_CARD_DIGITS &&
    CARD_FIRST_DIGIT.test(digits) &&
    passesLuhn(digits)
  );
}

/** Index of the last group of the longest card-like window starting at group `start`, if any. */
function cardWindowEnd(groups: readonly string[], start: number): number | undefined {
  let digits = '';
  let end: number | undefined;
  let previous: string | undefined;
  // A window never spans more groups than a card has digits; the bound keeps this linear.
  for (const [offset, group] of groups.slice(start, start + MAX_CARD_DIGITS).entries()) {
    if (previous !== undefined && previous.length < MIN_CARD_GROUP) {
      break;
    }
    digits += group;
    if (digits.length > MAX_CARD_DIGITS) {
      break;
    }
    if (looksLikeCardNumber(digits)) {
      end = start + offset;
    }
    previous = group;
  }
  return end;
}

/** Replaces every card-like window of digit groups inside one digit run. */
function redactCardsInRun(run: string): string {
  // Even indexes are digit groups, odd indexes the single separator between two groups.
  const parts = run.split(/([ -])/);
  const groups = parts.filter((_, index) => index % 2 === 0);
  // First group of each card window -> its last group. Windows never overlap.
  const windows = new Map<number, number>();
  let group = 0;
  while (group < groups.length) {
    const end = cardWindowEnd(groups, group);
    if (end !== undefined) {
      windows.set(group, end);
    }
    group = (end ?? group) + 1;
  }
  let result = '';
  let hiddenThrough = -1;
  for (const [index, part] of parts.entries()) {
    if (index <= hiddenThrough) {
      continue;
    }
    const end = index % 2 === 0 ? windows.get(index / 2) : undefined;
    if (end === undefined) {
      result += part;
    } else {
      result += redactionMarkers.cardNumber;
      hiddenThrough = 2 * end;
    }
  }
  return result;
}

function redactCardNumbers(text: string): string {
  return text.replace(DIGIT_RUN, (run: string, offset: number, whole: string) => {
    if (run.length < MIN_CARD_DIGITS) {
      return run;
    }
    // Digits glued to letters/underscores (hex hashes, ids such as `evt_...`) or to a decimal
    // point (floats) are not card numbers.
    const before = whole.charAt(offset - 1);
    const after = whole.slice(offset + run.length, offset + run.length + 2);
    if (/[\w.]/.test(before) || /^(?:\w|\.\d)/.test(after)) {
      return run;
    }
    return redactCardsInRun(run);
  });
}

function toStringSafely(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '';
  }
}

/**
 * Removes secrets and personal data from free text, keeping the surrounding text readable.
 *
 * Replaced (markers in {@link redactionMarkers}):
 * - Stripe secret/restricted keys `sk_live_…`, `sk_test_…`, `rk_live_…`, `rk_test_…` →
 *   `[REDACTED:stripe_key]`; webhook secrets `whsec_…` → `[REDACTED:stripe_webhook_secret]`.
 *   Publishable keys (`pk_…`) and object ids (`cs_test_…`, `pi_…`, `evt_…`) are left alone.
 * - `Bearer <token>` → `Bearer [REDACTED:bearer_token]` (case-insensitive, in headers or prose;
 *   errs on the side of hiding, so "Bearer token missing" loses the word "token").
 * - `Authorization: Basic <credentials>` → `… Basic [REDACTED:basic_auth]`.
 * - JWTs (`eyJ….….…`) → `[REDACTED:jwt]`.
 * - The password of `scheme://user:password@host` → `scheme://user:[REDACTED:password]@host`.
 * - Values of sensitive query parameters (`?token=…`, `&password=…`) → `[REDACTED]`.
 * - E-mail addresses → `[REDACTED:email]`.
 * - Card numbers: 13–19 digits, optionally grouped with single spaces or dashes, starting with
 *   2–6 or 8 and passing the Luhn check → `[REDACTED:card_number]`. Ordinary ids, 13-digit
 *   millisecond timestamps (they start with 1), digits inside UUIDs, hex strings, identifiers and
 *   decimals are not touched.
 *
 * Guarantees: pure and idempotent (`redactString(redactString(s)) === redactString(s)`), linear
 * in the input length, never throws (non-string input is converted with `String`, or
 * becomes `''` if that throws).
 */
export function redactString(input: string): string {
  let text = typeof input === 'string' ? input : toStringSafely(input);
  text = text.replace(SQL_PARAMETERS, `$1$2${redactionMarkers.queryParameters}`);
  text = text.replace(URL_PASSWORD, `$1$2:${redactionMarkers.password}@`);
  text = text.replace(JWT, redactionMarkers.jwt);
  text = text.replace(BASIC_AUTH, `$1${redactionMarkers.basicAuth}`);
  text = text.replace(BEARER, `$1${redactionMarkers.bearerToken}`);
  text = text.replace(STRIPE_KEY, redactionMarkers.stripeKey);
  text = text.replace(STRIPE_WEBHOOK_SECRET, redactionMarkers.stripeWebhookSecret);
  text = text.replace(QUERY_PARAMETER, (parameter: string, separator: string, name: string) =>
    isSensitiveKey(name) ? `${separator}${name}=${redactionMarkers.sensitiveValue}` : parameter,
  );
  text = text.replace(EMAIL, redactionMarkers.email);
  // Split around UUIDs (kept at odd indexes by the capturing group) so their digits are never
  // read as part of a card number.
  return text
    .split(UUID)
    .map((part, index) => (index % 2 === 1 ? part : redactCardNumbers(part)))
    .join('');
}
