import { invalidRequest, isStripeFailure, type StripeFailure } from './stripe-error';

/** A request's parameters as `parseForm` nests them. */
export type Params = Record<string, unknown>;

/**
 * Stripe's refusal of the first parameter not in `allowed` (`parameter_unknown`, e.g. "Received
 * unknown parameter: foo"), or undefined when all are known. `prefix` names the parent of nested
 * parameters, so `line_items[0]` and `foo` give `line_items[0][foo]`.
 */
export function rejectUnknownParams(
  params: Params,
  allowed: ReadonlyArray<string>,
  prefix?: string,
): StripeFailure | undefined {
  const unknown = Object.keys(params).find((name) => !allowed.includes(name));
  if (unknown === undefined) return undefined;
  const param = prefix === undefined ? unknown : `${prefix}[${unknown}]`;
  return invalidRequest(`Received unknown parameter: ${param}`, {
    param,
    code: 'parameter_unknown',
  });
}

/** An optional nested object parameter (`name[key]=…`); a string or list given for it is refused. */
export function readObject(params: Params, name: string): Params | undefined | StripeFailure {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Params;
  return invalidRequest(`Invalid object: ${name} must be an object.`, { param: name });
}

/** An optional list of objects (`name[0][key]=…`); `name=` (unset) reads as no entries. */
export function readObjectArray(
  params: Params,
  name: string,
): Params[] | undefined | StripeFailure {
  // An empty value unsets a parameter on Stripe: for a list, no entries.
  if (params[name] === '') return [];
  return readArray(
    params,
    name,
    (item): item is Params => typeof item === 'object' && item !== null,
    'objects',
  );
}

/** An optional string parameter that must be one of `values`, refused as Stripe refuses an enum. */
export function readEnum<T extends string>(
  params: Params,
  name: string,
  values: ReadonlyArray<T>,
  param = name,
): T | undefined | StripeFailure {
  const value = readString(params, name);
  if (typeof value !== 'string') return value;
  const known = values.find((candidate) => candidate === value);
  if (known !== undefined) return known;
  return invalidRequest(`Invalid ${param}: must be one of ${values.join(', ')}`, { param });
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
  return readArray(params, name, (item): item is string => typeof item === 'string', 'strings');
}

function readArray<T>(
  params: Params,
  name: string,
  isItem: (item: unknown) => item is T,
  items: string,
): T[] | undefined | StripeFailure {
  const value = params[name];
  if (value === undefined) return undefined;
  if (Array.isArray(value) && value.every(isItem)) return value;
  return invalidRequest(`Invalid array: ${name} must be an array of ${items}.`, { param: name });
}

/** Reads one parameter by name: its value, undefined when absent, or Stripe's refusal. */
export type ParamReader<T> = (params: Params, name: string) => T | undefined | StripeFailure;

/** What {@link readParams} gives for each reader: its value or undefined. */
export type ParamValues<R extends Record<string, ParamReader<unknown>>> = {
  [K in keyof R]: R[K] extends ParamReader<infer T> ? T | undefined : never;
};

/**
 * Every parameter `readers` names, each read by its reader, in order; the first refusal is the
 * answer (Stripe refuses the first bad parameter it meets).
 */
export function readParams<R extends Record<string, ParamReader<unknown>>>(
  params: Params,
  readers: R,
): ParamValues<R> | StripeFailure {
  const values: Record<string, unknown> = {};
  for (const [name, read] of Object.entries(readers)) {
    const value = read(params, name);
    if (isStripeFailure(value)) return value;
    values[name] = value;
  }
  return values as ParamValues<R>;
}

/** A {@link ParamReader} of an integer of at least `min`. */
export const integerAtLeast =
  (min: number): ParamReader<number> =>
  (params, name) =>
    readInteger(params, name, min);

/** A {@link ParamReader} of one of `values`. */
export const oneOf =
  <T extends string>(values: ReadonlyArray<T>): ParamReader<T> =>
  (params, name) =>
    readEnum(params, name, values);

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
