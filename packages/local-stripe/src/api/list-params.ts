import {
  integerAtLeast,
  type ParamReader,
  type Params,
  type ParamValues,
  readCreatedFilter,
  readParams,
  readString,
  rejectUnknownParams,
} from './read-params';
import { invalidRequest, isStripeFailure, type StripeFailure } from './stripe-error';

/** Stripe's cursor pagination parameters, validated. */
export interface ListParams {
  /** 1 to 100, default 10. */
  limit: number;
  startingAfter: string | undefined;
  endingBefore: string | undefined;
}

/** One page of a list, as Stripe's `{ object: 'list', data, has_more }` carries it. */
export interface ListPage<T> {
  data: T[];
  has_more: boolean;
}

const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 100;

/** The pagination parameters of a list request, or Stripe's refusal of them. */
export function parseListParams(params: Params): ListParams | StripeFailure {
  const read = readParams(params, {
    limit: integerAtLeast(1),
    starting_after: readString,
    ending_before: readString,
  });
  if (isStripeFailure(read)) return read;
  const { limit, starting_after: startingAfter, ending_before: endingBefore } = read;
  if (limit !== undefined && limit > MAX_LIMIT) {
    return invalidRequest(`This value must be less than or equal to ${MAX_LIMIT}.`, {
      param: 'limit',
    });
  }
  if (startingAfter !== undefined && endingBefore !== undefined) {
    return invalidRequest(
      'You may only specify one of these parameters: starting_after, ending_before.',
    );
  }
  return { limit: limit ?? DEFAULT_LIMIT, startingAfter, endingBefore };
}

/** A list request read: its pagination, its `created` filter and the filters of its kind. */
export interface ListRequest<R extends Record<string, ParamReader<unknown>>> {
  pagination: ListParams;
  created: (created: number) => boolean;
  filters: ParamValues<R>;
}

/**
 * A `GET` list request: parameters other than pagination, `created`, `expand` and the `filters`
 * of its kind refused as unknown, then each read (the first refusal is the answer).
 */
export function readListRequest<R extends Record<string, ParamReader<unknown>>>(
  params: Params,
  filters: R,
): ListRequest<R> | StripeFailure {
  const known = ['created', 'ending_before', 'expand', 'limit', 'starting_after'];
  const refused = rejectUnknownParams(params, [...known, ...Object.keys(filters)]);
  if (refused) return refused;
  const pagination = parseListParams(params);
  if (isStripeFailure(pagination)) return pagination;
  const created = readCreatedFilter(params);
  if (isStripeFailure(created)) return created;
  const read = readParams(params, filters);
  if (isStripeFailure(read)) return read;
  return { pagination, created, filters: read };
}

/**
 * The page of `ordered` (every object of its kind, newest first, unfiltered) that `params` asks
 * for among the objects that `matches` keeps. As on Stripe, a cursor names any object of the kind
 * (it need not pass the filter); `ending_before` returns the `limit` matching objects just newer
 * than the cursor, still newest first, and `has_more` then says whether even newer ones exist.
 * An unknown cursor is refused (`resource_missing`).
 */
export function paginate<T extends { id: string }>(
  ordered: ReadonlyArray<T>,
  matches: (item: T) => boolean,
  params: ListParams,
  objectName: string,
): ListPage<T> | StripeFailure {
  const { limit, startingAfter, endingBefore } = params;
  const cursor = startingAfter ?? endingBefore;
  let candidates = ordered;
  if (cursor !== undefined) {
    const index = ordered.findIndex((item) => item.id === cursor);
    if (index === -1) {
      return invalidRequest(`No such ${objectName}: '${cursor}'`, {
        code: 'resource_missing',
        param: startingAfter === undefined ? 'ending_before' : 'starting_after',
      });
    }
    candidates = startingAfter === undefined ? ordered.slice(0, index) : ordered.slice(index + 1);
  }
  const matching = candidates.filter(matches);
  return {
    data: endingBefore === undefined ? matching.slice(0, limit) : matching.slice(-limit),
    has_more: matching.length > limit,
  };
}
