import type { FulfillmentContext } from './context';

/** Stripe's API versions: a date, then since 2024 a release name (`2026-10-28.endive`). */
const API_VERSION = /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/;

/** An event rendered in another API version than the one our Stripe client pins. */
export interface ApiVersionMismatch {
  /** The event's `api_version`, or `(unrecognised)` when it is not a version at all. */
  eventApiVersion: string;
  /** The version the Stripe client sends (`createStripeClient` pins it). */
  expectedApiVersion: string;
}

/**
 * Compares a verified event's `api_version` with the version of the Stripe client fulfillment was
 * given: the objects the handlers re-read from Stripe and the events' objects must have one
 * shape. Undefined when they agree, when the event names none (Stripe leaves it null on some
 * events), or without a Stripe client. Never throws.
 */
export function findApiVersionMismatch(
  ctx: FulfillmentContext,
  raw: unknown,
): ApiVersionMismatch | undefined {
  const expected: unknown = ctx.stripe?.getApiField('version');
  const version =
    typeof raw === 'object' && raw !== null ? (raw as { api_version?: unknown }).api_version : null;
  if (typeof expected !== 'string' || version === null || version === undefined) return undefined;
  if (version === expected) return undefined;
  return {
    // A value from the payload is named only when it is a version (it is logged and stored).
    eventApiVersion:
      typeof version === 'string' && API_VERSION.test(version) ? version : '(unrecognised)',
    expectedApiVersion: expected,
  };
}

/** The problem kept with an event that did not fit and was of another version. */
export function describeApiVersionMismatch(mismatch: ApiVersionMismatch): string {
  return `api_version: the event is ${mismatch.eventApiVersion}, our Stripe client pins ${mismatch.expectedApiVersion} (read the changelog between them before replaying)`;
}
