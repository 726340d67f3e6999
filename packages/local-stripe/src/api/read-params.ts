import { invalidRequest, type StripeFailure } from './stripe-error';

/** A request's parameters as `parseForm` nests them. */
export type Params = Record<string, unknown>;

/** Stripe's refusal of the first parameter not in `allowed`, or undefined when all are known. */
export function rejectUnknownParams(
  params: Params,
  allowed: ReadonlyArray<string>,
): StripeFailure | undefined {
  const unknown = Object.keys(params).find((name) => !allowed.includes(name));
  return unknown === undefined
    ? undefined
    : invalidRequest(`Received unknown parameter: ${unknown}`, { param: unknown });
}

/** An optional string parameter; an array or object given for it is refused as Stripe does. */
export function readString(params: Params, name: string): string | undefined | StripeFailure {
  const value = params[name];
  if (value === undefined || typeof value === 'string') return value;
  return invalidRequest(`Invalid string: ${name} must be a string.`, { param: name });
}

/** An optional integer parameter of at least `min`. */
export function readInteger(
  params: Params,
  name: string,
  min: number,
): number | undefined | StripeFailure {
  const value = readString(params, name);
  if (typeof value !== 'string') return value;
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    return invalidRequest(`Invalid integer: ${value}`, { param: name });
  }
  if (Number(value) < min) {
    return invalidRequest(`This value must be greater than or equal to ${min}.`, { param: name });
  }
  return Number(value);
}

/** An optional boolean parameter, sent as `true` or `false`. */
export function readBoolean(params: Params, name: string): boolean | undefined | StripeFailure {
  const value = readString(params, name);
  if (typeof value !== 'string') return value;
  if (value !== 'true' && value !== 'false') {
    return invalidRequest(`Invalid boolean: ${value}`, { param: name });
  }
  return value === 'true';
}

/** An optional array of strings (`name[0]=a&name[1]=b` or `name[]=a`). */
export function readStringArray(
  params: Params,
  name: string,
): string[] | undefined | StripeFailure {
  const value = params[name];
  if (value === undefined) return undefined;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  return invalidRequest(`Invalid array: ${name} must be an array of strings.`, { param: name });
}

/** An optional `name[key]=value` map of strings, e.g. `metadata`. */
export function readStringMap(
  params: Params,
  name: string,
): Record<string, string> | undefined | StripeFailure {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.every(([, item]) => typeof item === 'string')) {
      return Object.fromEntries(entries) as Record<string, string>;
    }
  }
  return invalidRequest(`Invalid object: ${name} must map keys to strings.`, { param: name });
}

const RANGE_OPERATORS = ['gt', 'gte', 'lt', 'lte'] as const;

/**
 * The `created` filter of a list request as a predicate on unix seconds: `created=<t>` matches
 * exactly, `created[gt|gte|lt|lte]=<t>` bound it. Absent: everything matches.
 */
export function readCreatedFilter(params: Params): ((created: number) => boolean) | StripeFailure {
  const created = params.created;
  if (created === undefined) return () => true;
  if (typeof created === 'string') {
    const exact = readInteger(params, 'created', 0);
    return typeof exact === 'number' ? (value) => value === exact : invalidCreated();
  }
  if (typeof created !== 'object' || created === null || Array.isArray(created)) {
    return invalidCreated();
  }
  const range = created as Params;
  const unknown = rejectUnknownParams(range, RANGE_OPERATORS);
  if (unknown) return invalidRequest(`Received unknown parameter: created[${unknown.error.param}]`);
  const bounds: Partial<Record<(typeof RANGE_OPERATORS)[number], number>> = {};
  for (const operator of RANGE_OPERATORS) {
    const bound = readInteger(range, operator, 0);
    if (typeof bound === 'object') return { ...bound, error: { ...bound.error, param: 'created' } };
    bounds[operator] = bound;
  }
  const { gt, gte, lt, lte } = bounds;
  return (value) =>
    (gt === undefined || value > gt) &&
    (gte === undefined || value >= gte) &&
    (lt === undefined || value < lt) &&
    (lte === undefined || value <= lte);
}

function invalidCreated(): StripeFailure {
  return invalidRequest(
    'Invalid created: pass a unix timestamp or an object with gt, gte, lt or lte.',
    { param: 'created' },
  );
}
