import { type ListPage, paginate, readListRequest } from './list-params';
import { randomId } from './random-id';
import { type Params, readBoolean, readString, readStringArray } from './read-params';
import { invalidRequest, isStripeFailure, type StripeFailure } from './stripe-error';

/**
 * A Stripe event exactly as Stripe would POST it to a webhook endpoint. `data.object` is a deep
 * copy of the object taken when the event was emitted; the stub freezes every event it returns.
 */
export type StripeStubEvent = {
  id: string;
  object: 'event';
  type: string;
  created: number;
  api_version: string;
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  /**
   * The connected account (`acct_…`) the event happened on; absent for the platform's own
   * (https://docs.stripe.com/connect/webhooks: "each event for a connected account also contains a
   * top-level account property").
   */
  account?: string;
  /** `previous_attributes`: for `*.updated` events, the changed fields' earlier values. */
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
};

/** Where an event happened and what changed: see {@link StripeStubEvent}. */
export interface EventScope {
  account?: string | undefined;
  previousAttributes?: Record<string, unknown> | undefined;
}

/** The API request that caused an event; `{ id: null, idempotency_key: null }` for the others. */
export type StripeStubEventRequest = StripeStubEvent['request'];

/** Every event the stub emitted, with the stub-side delivery flag. */
export interface EventStore {
  /** Emits an event carrying a frozen deep copy of `object` as it is now; returns it. */
  record(
    type: string,
    object: object,
    request?: StripeStubEventRequest,
    scope?: EventScope,
  ): StripeStubEvent;
  /** Every emitted event, oldest first, exactly as emitted. */
  all(): StripeStubEvent[];
  /**
   * The event as `GET /v1/events/:id` shows it now (`pending_webhooks` 0 once delivered);
   * undefined once older than Stripe's 30 days, or when it happened on another account than
   * `account` (undefined: the platform's own events only).
   */
  retrieve(id: string, account?: string): StripeStubEvent | undefined;
  /** Marks an event delivered; false if the id is unknown. */
  markDelivered(id: string): boolean;
  /**
   * `GET /v1/events`: Stripe's filters and pagination, newest first, over the last 30 days (a
   * cursor naming an older event is refused as unknown, as Stripe no longer has it). Only the
   * events of `account` (a connected account's, read with its `Stripe-Account` header), or with
   * none the platform's own: Stripe lists a connected account's events to requests "as the
   * corresponding connected account" (https://docs.stripe.com/connect/webhooks).
   */
  list(params: Params, account?: string): ListPage<StripeStubEvent> | StripeFailure;
  reset(): void;
}

interface StoredEvent {
  event: StripeStubEvent;
  delivered: boolean;
}

const LIST_FILTERS = { delivery_success: readBoolean, type: readString, types: readStringArray };
const MAX_TYPES = 20;
// "List events, going back up to 30 days"; an event is retrieved "if it was created in the last
// 30 days" (https://docs.stripe.com/api/events/list, https://docs.stripe.com/api/events/retrieve).
// Older events are gone from the API: not listed, not retrieved, and unknown as a cursor.
const RETENTION_SECONDS = 30 * 24 * 60 * 60;
const NO_REQUEST: StripeStubEventRequest = { id: null, idempotency_key: null };

/**
 * The stub's event log. `nowSeconds` stamps `created` and ages events out of the API after 30
 * days; emission order breaks ties, so lists are deterministic even when many events share a
 * second. Every event names `apiVersion`.
 */
export function createEventStore(nowSeconds: () => number, apiVersion: string): EventStore {
  let stored: StoredEvent[] = [];
  const isRetained = ({ event }: StoredEvent) => event.created > nowSeconds() - RETENTION_SECONDS;

  function render({ event, delivered }: StoredEvent): StripeStubEvent {
    // Stripe counts down pending_webhooks as endpoints acknowledge an event.
    return delivered ? { ...event, pending_webhooks: 0 } : event;
  }

  return {
    record(type, object, request = NO_REQUEST, scope = {}) {
      const data: StripeStubEvent['data'] = {
        object: structuredClone(object) as Record<string, unknown>,
      };
      if (scope.previousAttributes)
        data.previous_attributes = structuredClone(scope.previousAttributes);
      const event: StripeStubEvent = deepFreeze({
        id: randomId('evt_', 24),
        object: 'event',
        ...(scope.account === undefined ? {} : { account: scope.account }),
        type,
        created: nowSeconds(),
        api_version: apiVersion,
        livemode: false,
        pending_webhooks: 1,
        request: { ...request },
        data,
      });
      stored.push({ event, delivered: false });
      return event;
    },
    all: () => stored.map(({ event }) => event),
    retrieve(id, account) {
      const found = stored.find(({ event }) => event.id === id);
      return found && isRetained(found) && found.event.account === account
        ? render(found)
        : undefined;
    },
    markDelivered(id) {
      const found = stored.find(({ event }) => event.id === id);
      if (found) found.delivered = true;
      return found !== undefined;
    },
    list(params, account) {
      const request = readListRequest(params, LIST_FILTERS);
      if (isStripeFailure(request)) return request;
      const { pagination, created } = request;
      const { delivery_success: delivered, type, types } = request.filters;
      const isWanted = typeFilter(type, types);
      if (isStripeFailure(isWanted)) return isWanted;
      // Newest first; among events of one second, the later emitted first (the sort is stable).
      const ordered = stored
        .filter((entry) => isRetained(entry) && entry.event.account === account)
        .reverse()
        .sort((a, b) => b.event.created - a.event.created);
      const page = paginate(
        ordered.map((entry) => ({ id: entry.event.id, entry })),
        ({ entry }) =>
          created(entry.event.created) &&
          (delivered === undefined || entry.delivered === delivered) &&
          isWanted(entry.event.type),
        pagination,
        'event',
      );
      if (isStripeFailure(page)) return page;
      return { data: page.data.map(({ entry }) => render(entry)), has_more: page.has_more };
    },
    reset() {
      stored = [];
    },
  };
}

/** `type` (with `*` wildcards, e.g. `charge.dispute.*`) or `types` (exact names), not both. */
function typeFilter(
  type: string | undefined,
  types: string[] | undefined,
): ((type: string) => boolean) | StripeFailure {
  if (type !== undefined && types !== undefined) {
    return invalidRequest('You may pass either `type` or `types`, but not both.', {
      param: 'types',
    });
  }
  if (types !== undefined) {
    if (types.length > MAX_TYPES) {
      return invalidRequest(`\`types\` may contain at most ${MAX_TYPES} event types.`, {
        param: 'types',
      });
    }
    return (candidate) => types.includes(candidate);
  }
  if (type === undefined) return () => true;
  const pattern = new RegExp(
    `^${type
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return (candidate) => pattern.test(candidate);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
