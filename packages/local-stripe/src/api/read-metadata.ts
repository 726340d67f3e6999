import type { Params } from './read-params';
import { invalidRequest, type StripeFailure } from './stripe-error';

// Stripe's metadata limits (https://docs.stripe.com/api/metadata): up to 50 keys, key names up to
// 40 characters, values up to 500 characters. The messages are the ones Stripe answers (seen in
// its responses; the page gives the limits, not the wording). The `param` Stripe names is not
// documented: the stand-in names the metadata parameter itself.
const MAX_KEYS = 50;
const MAX_KEY_LENGTH = 40;
const MAX_VALUE_LENGTH = 500;

/**
 * The `metadata`-like map parameter `name` of `params` (`name[key]=value`), checked against
 * Stripe's limits; `param` is the full parameter name for refusals (e.g.
 * `payment_intent_data[metadata]`). Absent: undefined. `name=` (an empty string) is Stripe's way to
 * clear every key: it reads as `{}` with `isCleared` (callers that merge honour it).
 */
export function readMetadata(
  params: Params,
  name: string,
  param = name,
): { metadata: Record<string, string>; isCleared: boolean } | undefined | StripeFailure {
  const value = params[name];
  if (value === undefined) return undefined;
  if (value === '') return { metadata: {}, isCleared: true };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalidRequest(`Invalid object: ${param} must map keys to strings.`, { param });
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_KEYS) {
    return invalidRequest(
      `Metadata can have up to ${MAX_KEYS} keys, but you've set ${entries.length}. Email us at support+metadata@stripe.com for more information.`,
      { param },
    );
  }
  for (const [key, item] of entries) {
    if (typeof item !== 'string') {
      return invalidRequest(`Invalid string: ${param}[${key}] must be a string.`, {
        param: `${param}[${key}]`,
      });
    }
    if (key.length > MAX_KEY_LENGTH) {
      return invalidRequest(
        `Metadata keys can have up to ${MAX_KEY_LENGTH} characters, but you passed in a key that is ${key.length} characters. Invalid key: ${key}`,
        { param },
      );
    }
    if (item.length > MAX_VALUE_LENGTH) {
      return invalidRequest(
        `Metadata values can have up to ${MAX_VALUE_LENGTH} characters, but you passed in a value that is ${item.length} characters. Invalid value: ${item}`,
        { param },
      );
    }
  }
  return { metadata: Object.fromEntries(entries) as Record<string, string>, isCleared: false };
}

/**
 * Metadata merged into `existing` as an update does on Stripe: `''` deletes a key, a cleared map
 * (`metadata=`) drops every key first; refused when the result has more than 50 keys.
 */
export function mergeMetadata(
  existing: Record<string, string>,
  update: { metadata: Record<string, string>; isCleared: boolean },
  param = 'metadata',
): Record<string, string> | StripeFailure {
  const merged = { ...(update.isCleared ? {} : existing), ...update.metadata };
  const kept = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== ''));
  const count = Object.keys(kept).length;
  if (count > MAX_KEYS) {
    return invalidRequest(
      `Metadata can have up to ${MAX_KEYS} keys, but you've set ${count}. Email us at support+metadata@stripe.com for more information.`,
      { param },
    );
  }
  return kept;
}
