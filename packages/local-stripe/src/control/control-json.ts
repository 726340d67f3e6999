import type { StubResponse } from '../api/stripe-error';

/** The JSON value of a control request body, or undefined if it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A control endpoint's refusal: `{ error: { message } }` with `status`. */
export function controlError(status: number, message: string): StubResponse {
  return { status, body: { error: { message } } };
}
