// `fatal`: bytes that are not UTF-8 are not an event, rather than an event with U+FFFD in it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const encoder = new TextEncoder();

/** What {@link readStripePayload} makes of a verified webhook body. */
export type ReadStripePayload =
  | { status: 'read'; value: unknown }
  /** Not UTF-8, or not JSON: kept for replay as it is. `problem` names which, never the bytes. */
  | { status: 'unreadable'; problem: string };

/**
 * Decodes and parses a verified webhook body. Never throws: bytes that are not UTF-8 or not JSON
 * are `unreadable`. Nesting of any depth parses (JSON.parse does not recurse).
 */
export function readStripePayload(payload: Uint8Array): ReadStripePayload {
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    return { status: 'unreadable', problem: '(payload): not UTF-8' };
  }
  try {
    return { status: 'read', value: JSON.parse(text) };
  } catch {
    return { status: 'unreadable', problem: '(payload): not JSON' };
  }
}

/**
 * The bytes kept for an event that arrived parsed (reconciliation's sweep reads events from the
 * API, not from a webhook): its JSON, as `readStripePayload` reads it back.
 */
export function encodeStripePayload(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value) ?? 'null');
}
