import { isError } from './is-error';
import { isSensitiveKey } from './is-sensitive-key';
import { placeholders } from './placeholders';
import { redactString } from './redact-string';
import { redactionMarkers } from './redaction-markers';
import type { SerializedError } from './serialize-error';

/** Options for {@link Sanitizer}; every field is optional. */
export interface SanitizerOptions {
  /** Include the (redacted) `stack` of errors. Default `false`: stacks are opt-in. */
  readonly includeErrorStacks?: boolean;
  /** Objects nested this deep or deeper become `[Truncated]`. Default 10. */
  readonly maxDepth?: number;
  /** Error `cause` chains longer than this end in `[Truncated]`. Default 5. */
  readonly maxCauseDepth?: number;
}

const DEFAULT_MAX_DEPTH = 10;
const DEFAULT_MAX_CAUSE_DEPTH = 5;

/** Numbers at least this large are checked for card numbers (no card has fewer than 13 digits). */
const MIN_CARD_NUMBER = 1e12;

type PropertyRead = { readonly ok: true; readonly value: unknown } | { readonly ok: false };

interface EntriesSource {
  entries(): Iterable<unknown>;
}

/** Reads a property, turning a throwing getter or proxy trap into `{ ok: false }`. */
function readProperty(target: object, key: PropertyKey): PropertyRead {
  try {
    return { ok: true, value: Reflect.get(target, key) };
  } catch {
    return { ok: false };
  }
}

function readString(target: object, key: PropertyKey): string | undefined {
  const read = readProperty(target, key);
  return read.ok && typeof read.value === 'string' ? read.value : undefined;
}

function toStringSafely(value: unknown): string {
  try {
    return String(value);
  } catch {
    return placeholders.unserializable;
  }
}

/** `Headers` (Workers, Node, browsers) keep their entries out of `Object.keys`. */
function isHeaders(value: object): value is EntriesSource {
  return (
    Object.prototype.toString.call(value) === '[object Headers]' &&
    'entries' in value &&
    typeof value.entries === 'function'
  );
}

/** A value stored under a sensitive key: hidden unless it cannot carry a secret. */
function hideSensitiveValue(value: unknown): unknown {
  if (value === null || value === undefined || value === '' || typeof value === 'boolean') {
    return value;
  }
  return redactionMarkers.sensitiveValue;
}

function sanitizeNumber(value: number): number | string {
  if (!Number.isFinite(value)) {
    return String(value);
  }
  if (Number.isInteger(value) && Math.abs(value) >= MIN_CARD_NUMBER) {
    const text = String(value);
    const redacted = redactString(text);
    if (redacted !== text) {
      return redacted;
    }
  }
  return value;
}

function defineEntry(target: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty (not assignment) so a `__proto__` key stays a plain own property.
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * Turns any value into a JSON-safe, redacted copy. Shared by `redact`, `serializeError` and
 * `ObservabilityClient`.
 *
 * Guarantees for {@link Sanitizer.sanitize} and {@link Sanitizer.serializeError}:
 * - never throw and never mutate their input;
 * - the result is plain data (`JSON.stringify` cannot throw on it): no cycles (a reference to an
 *   object still being copied becomes `[Circular]`), no `bigint`, no functions, no symbols;
 * - every string (values, object keys, error names, messages, stacks, codes) has passed through
 *   `redactString`, and values of sensitive keys (see `isSensitiveKey`) are `[REDACTED]`;
 * - a getter that throws yields `[Unreadable]`, a value that cannot be copied at all
 *   `[Unserializable]`, nesting beyond `maxDepth` `[Truncated]`.
 */
export class Sanitizer {
  readonly #includeErrorStacks: boolean;
  readonly #maxDepth: number;
  readonly #maxCauseDepth: number;

  constructor(options: SanitizerOptions = {}) {
    this.#includeErrorStacks = options.includeErrorStacks ?? false;
    this.#maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.#maxCauseDepth = options.maxCauseDepth ?? DEFAULT_MAX_CAUSE_DEPTH;
  }

  /**
   * Redacted JSON-safe copy of `value`. Errors become {@link SerializedError}; `Date` an ISO
   * string; `Map` and `Headers` plain objects; `Set` an array; typed arrays and `ArrayBuffer` a
   * size summary (their bytes are never copied); objects with `toJSON` (e.g. `URL`) the result
   * of `toJSON`; non-finite numbers and `bigint` strings; functions `[Function: name]`.
   */
  sanitize(value: unknown): unknown {
    return this.#walk(value, 0, new Set());
  }

  /** Serialises an `Error`: redacted `name`, `message`, `code`, optional `stack` and `cause`. */
  serializeError(error: Error): SerializedError {
    return this.#error(error, 0, 0, new Set([error]));
  }

  #walk(value: unknown, depth: number, ancestors: Set<object>): unknown {
    try {
      switch (typeof value) {
        case 'string':
          return redactString(value);
        case 'number':
          return sanitizeNumber(value);
        case 'bigint':
        case 'symbol':
          return redactString(value.toString());
        case 'function':
          return value.name ? `[Function: ${redactString(value.name)}]` : '[Function]';
        case 'object':
          break;
        default:
          return value;
      }
      if (value === null) {
        return null;
      }
      if (ancestors.has(value)) {
        return placeholders.circular;
      }
      if (depth >= this.#maxDepth) {
        return placeholders.truncated;
      }
      ancestors.add(value);
      try {
        return this.#object(value, depth, ancestors);
      } finally {
        ancestors.delete(value);
      }
    } catch {
      return placeholders.unserializable;
    }
  }

  #object(value: object, depth: number, ancestors: Set<object>): unknown {
    if (isError(value)) {
      return this.#error(value, depth, 0, ancestors);
    }
    if (value instanceof Date) {
      return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    }
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
      const tag = Object.prototype.toString.call(value).slice(8, -1);
      return `[${tag} byteLength=${value.byteLength}]`;
    }
    if (Array.isArray(value)) {
      const items: unknown[] = [];
      for (let index = 0; index < value.length; index++) {
        const read = readProperty(value, index);
        items.push(
          read.ok ? this.#walk(read.value, depth + 1, ancestors) : placeholders.unreadable,
        );
      }
      return items;
    }
    if (value instanceof Set) {
      return Array.from(value, (item) => this.#walk(item, depth + 1, ancestors));
    }
    if (value instanceof Map || isHeaders(value)) {
      return this.#entries(value.entries(), depth, ancestors);
    }
    if (value instanceof RegExp) {
      return redactString(String(value));
    }
    const toJSON = readProperty(value, 'toJSON');
    if (toJSON.ok && typeof toJSON.value === 'function') {
      const json: unknown = toJSON.value.call(value);
      return this.#walk(json, depth + 1, ancestors);
    }
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const read = readProperty(value, key);
      this.#property(result, key, read, depth, ancestors);
    }
    return result;
  }

  #entries(entries: Iterable<unknown>, depth: number, ancestors: Set<object>): unknown {
    const result: Record<string, unknown> = {};
    for (const entry of entries) {
      if (Array.isArray(entry)) {
        const key: unknown = entry[0];
        const value: unknown = entry[1];
        const name = typeof key === 'string' ? key : toStringSafely(key);
        this.#property(result, name, { ok: true, value }, depth, ancestors);
      }
    }
    return result;
  }

  #property(
    target: Record<string, unknown>,
    key: string,
    read: PropertyRead,
    depth: number,
    ancestors: Set<object>,
  ): void {
    let value: unknown = placeholders.unreadable;
    if (read.ok) {
      value = isSensitiveKey(key)
        ? hideSensitiveValue(read.value)
        : this.#walk(read.value, depth + 1, ancestors);
    }
    defineEntry(target, redactString(key), value);
  }

  #error(error: Error, depth: number, causeDepth: number, ancestors: Set<object>): SerializedError {
    const result: SerializedError = {
      name: redactString(readString(error, 'name') ?? 'Error'),
      message: redactString(readString(error, 'message') ?? ''),
    };
    const code = readProperty(error, 'code');
    if (code.ok && code.value !== undefined && code.value !== null) {
      result.code =
        typeof code.value === 'number' ? code.value : redactString(toStringSafely(code.value));
    }
    if (this.#includeErrorStacks) {
      const stack = readString(error, 'stack');
      if (stack !== undefined) {
        result.stack = redactString(stack);
      }
    }
    const cause = readProperty(error, 'cause');
    if (cause.ok && cause.value !== undefined) {
      result.cause = this.#cause(cause.value, depth, causeDepth, ancestors);
    }
    return result;
  }

  #cause(cause: unknown, depth: number, causeDepth: number, ancestors: Set<object>): unknown {
    if (!isError(cause)) {
      return this.#walk(cause, depth + 1, ancestors);
    }
    if (ancestors.has(cause)) {
      return placeholders.circular;
    }
    if (causeDepth >= this.#maxCauseDepth || depth + 1 >= this.#maxDepth) {
      return placeholders.truncated;
    }
    ancestors.add(cause);
    try {
      return this.#error(cause, depth + 1, causeDepth + 1, ancestors);
    } finally {
      ancestors.delete(cause);
    }
  }
}
