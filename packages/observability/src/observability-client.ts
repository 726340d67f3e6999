import { redactString } from './redact-string';
import { Sanitizer } from './sanitizer';
import { type SerializedError, serializeError } from './serialize-error';

/** Severity of a log line. */
export type LogLevel = 'info' | 'warn' | 'error';

/** Structured data attached to a log line. Redacted deeply before it is written. */
export type LogContext = Readonly<Record<string, unknown>>;

/** Receives each finished log line (one JSON object, no trailing newline) and its level. */
export type LogSink = (line: string, level: LogLevel) => void;

/** Options for {@link ObservabilityClient}. */
export interface ObservabilityClientOptions {
  /** Request id added to every line (omitted from lines when not set or empty). */
  readonly requestId?: string;
  /**
   * Where lines go. Default: `console.log` for info, `console.warn` for warn, `console.error` for
   * error, each called with the JSON line as its only argument (Workers Logs and Node both parse
   * one JSON object per call). A sink that throws is ignored.
   */
  readonly write?: LogSink;
  /** Clock for `timestamp`; defaults to `new Date()`. Inject a fixed clock in tests. */
  readonly now?: () => Date;
  /** Include error stacks. Default: `true` unless `environment` is `production` (any case). */
  readonly includeStacks?: boolean;
  /** Context merged into every line (keys given to a log call win). */
  readonly context?: LogContext;
}

/** What {@link ObservabilityClient.child} can bind on the new client. */
export interface ObservabilityClientBindings {
  /** Request id for the new client; the parent's is kept when omitted. */
  readonly requestId?: string;
  /** Merged over the parent's bound context. */
  readonly context?: LogContext;
}

/** The shape of every line written by {@link ObservabilityClient}, in key order. */
export interface LogEntry {
  /** ISO 8601 UTC, e.g. `2025-01-31T12:00:00.000Z`. */
  readonly timestamp: string;
  readonly level: LogLevel;
  readonly service: string;
  readonly environment: string;
  /** The redacted message. */
  readonly message: string;
  /** Present only when the client knows the request id. */
  readonly requestId?: string;
  /** The redacted context; `{}` when none was given. */
  readonly context: Readonly<Record<string, unknown>>;
  /** Only on lines written by {@link ObservabilityClient.trackError}. */
  readonly error?: SerializedError;
}

const DEFAULT_TRACKED_ERROR_MESSAGE = 'Unhandled error';
const FALLBACK_MESSAGE = 'Log entry could not be serialised';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isProduction(environment: string): boolean {
  return environment.trim().toLowerCase() === 'production';
}

function toStringSafely(value: unknown, fallback: string): string {
  try {
    return typeof value === 'string' ? value : String(value);
  } catch {
    return fallback;
  }
}

/** Default sink: one console call per line, with the JSON line as the only argument. */
function writeToConsole(line: string, level: LogLevel): void {
  if (level === 'error') {
    console.error(line);
  } else if (level === 'warn') {
    console.warn(line);
  } else {
    console.log(line);
  }
}

/**
 * Structured JSON logger for Workers and Node.
 *
 * Guarantees:
 * - each call writes exactly one line: a single JSON object with the keys `timestamp`, `level`,
 *   `service`, `environment`, `message`, `requestId` (only when known), `context` and, for
 *   {@link trackError} only, `error` (see {@link LogEntry});
 * - everything is redacted before it reaches the sink: the message, every string anywhere in the
 *   context, sensitive keys, the request id, serialised errors (see `redact`, `redactString`);
 * - error stacks appear only when the environment is not `production` (or per `includeStacks`);
 * - log calls never throw: cycles, `bigint`, throwing getters, a throwing clock or a throwing sink
 *   degrade to placeholders, a fallback line, or a dropped line — never an exception;
 * - instances are immutable; {@link withRequestId} and {@link child} return new clients, so a
 *   Worker can create one per request from a shared root.
 */
export class ObservabilityClient {
  /** Service name written on every line. */
  readonly service: string;
  /** Deployment environment written on every line (`production` hides stacks). */
  readonly environment: string;
  /** The (redacted) request id bound to this client, if any. */
  readonly requestId: string | undefined;

  readonly #options: ObservabilityClientOptions;
  readonly #includeStacks: boolean;
  readonly #sanitizer: Sanitizer;
  /**
   * Contexts bound by `options.context` and then by each `child` call, oldest first. They are kept
   * as given and only read (sanitised) when a line is written, so binding never runs user getters.
   */
  #boundContexts: readonly LogContext[];

  /**
   * @param service - name of the Worker or service, e.g. `storefront-api`.
   * @param environment - e.g. `production`, `staging`, `development`, `test`.
   * @param options - request id, sink, clock, stack policy and bound context.
   */
  constructor(service: string, environment: string, options: ObservabilityClientOptions = {}) {
    this.service = toStringSafely(service, 'unknown');
    this.environment = toStringSafely(environment, 'unknown');
    const requestId = toStringSafely(options.requestId ?? '', '');
    this.requestId = requestId === '' ? undefined : redactString(requestId);
    this.#options = options;
    this.#includeStacks = options.includeStacks ?? !isProduction(this.environment);
    this.#sanitizer = new Sanitizer({ includeErrorStacks: this.#includeStacks });
    this.#boundContexts = options.context === undefined ? [] : [options.context];
  }

  /** Writes an `info` line. Never throws. */
  info(message: string, context?: LogContext): void {
    this.#log('info', message, context, undefined);
  }

  /** Writes a `warn` line. Never throws. */
  warn(message: string, context?: LogContext): void {
    this.#log('warn', message, context, undefined);
  }

  /**
   * Writes an `error` line. Errors inside `context` are serialised like those of
   * {@link trackError} (stacks per environment). Never throws.
   */
  error(message: string, context?: LogContext): void {
    this.#log('error', message, context, undefined);
  }

  /**
   * Writes an `error` line for a thrown value: the serialised, redacted error goes under the
   * top-level `error` key; the message is the error's message, or `Unhandled error` when it has
   * none. Accepts anything that can be thrown. Never throws.
   */
  trackError(error: unknown, context?: LogContext): void {
    const serialized = serializeError(error, { includeStack: this.#includeStacks });
    const message =
      serialized.message.trim() === '' ? DEFAULT_TRACKED_ERROR_MESSAGE : serialized.message;
    this.#log('error', message, context, serialized);
  }

  /** A new client identical to this one but bound to `requestId`. */
  withRequestId(requestId: string): ObservabilityClient {
    return this.child({ requestId });
  }

  /** A new client with the given request id and/or extra bound context; this one is unchanged. */
  child(bindings: ObservabilityClientBindings): ObservabilityClient {
    const { context, ...options } = this.#options;
    const client = new ObservabilityClient(this.service, this.environment, {
      ...options,
      requestId: bindings.requestId ?? this.requestId,
    });
    client.#boundContexts =
      bindings.context === undefined
        ? this.#boundContexts
        : [...this.#boundContexts, bindings.context];
    return client;
  }

  #log(
    level: LogLevel,
    message: string,
    context: LogContext | undefined,
    error: SerializedError | undefined,
  ): void {
    let line: string;
    try {
      line = this.#format(level, message, context, error);
    } catch {
      line = this.#fallback(level);
    }
    try {
      (this.#options.write ?? writeToConsole)(line, level);
    } catch {
      // A failing sink must not break the request that is being logged.
    }
  }

  #format(
    level: LogLevel,
    message: string,
    context: LogContext | undefined,
    error: SerializedError | undefined,
  ): string {
    const entry: LogEntry = {
      timestamp: this.#timestamp(),
      level,
      service: this.service,
      environment: this.environment,
      message: redactString(toStringSafely(message, FALLBACK_MESSAGE)),
      ...(this.requestId === undefined ? {} : { requestId: this.requestId }),
      context: this.#context(context),
      ...(error === undefined ? {} : { error }),
    };
    return JSON.stringify(entry);
  }

  /** A minimal line with no caller-supplied data, for when formatting failed. */
  #fallback(level: LogLevel): string {
    const entry: LogEntry = {
      timestamp: this.#timestamp(),
      level,
      service: this.service,
      environment: this.environment,
      message: FALLBACK_MESSAGE,
      ...(this.requestId === undefined ? {} : { requestId: this.requestId }),
      context: {},
    };
    return JSON.stringify(entry);
  }

  #timestamp(): string {
    try {
      return (this.#options.now?.() ?? new Date()).toISOString();
    } catch {
      return new Date().toISOString();
    }
  }

  /** Bound contexts then the call's context, sanitised; later keys win. */
  #context(context: LogContext | undefined): Record<string, unknown> {
    let merged: Record<string, unknown> = {};
    for (const layer of [...this.#boundContexts, context]) {
      // Spread (not Object.assign) so a `__proto__` key is copied as data.
      merged = { ...merged, ...this.#record(layer) };
    }
    return merged;
  }

  #record(context: unknown): Record<string, unknown> {
    if (context === undefined) {
      return {};
    }
    const sanitized = this.#sanitizer.sanitize(context);
    return isRecord(sanitized) ? sanitized : { value: sanitized };
  }
}
