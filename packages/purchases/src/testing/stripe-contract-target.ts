import { randomUUID } from 'node:crypto';
import { startStripeStub } from '@codex/local-stripe';
import Stripe from 'stripe';
import { testStripeClient } from './test-stripe-client';

/** A Stripe the contract suite talks to through the real SDK: the stand-in, or Stripe's test mode. */
export interface ContractTarget {
  name: 'stand-in' | 'stripe';
  stripe: Stripe;
  /** Unique per target and run: idempotency keys and ids that must not meet an earlier run's. */
  runId: string;
  close(): Promise<void>;
}

/** One scenario run on a target: what each of its steps did. */
export interface ContractCase {
  name: string;
  /** What the stand-in's contract says each step does; Stripe must do the same. */
  expected: Record<string, Observation>;
  run(target: ContractTarget): Promise<Record<string, Observation>>;
}

/** What a request did, in the terms the two targets are compared by. */
export type Observation =
  | { outcome: 'ok'; fields: Record<string, string | number | boolean | null> }
  | {
      outcome: 'refused';
      status: number | null;
      type: string;
      code: string | null;
      param: string | null;
    };

/** The stand-in (a fresh one), through the client the tests use. */
export async function standInTarget(): Promise<ContractTarget> {
  const stub = await startStripeStub();
  return {
    name: 'stand-in',
    stripe: testStripeClient(stub.url),
    runId: randomUUID(),
    close: () => stub.close(),
  };
}

/**
 * Stripe's test mode with `secretKey`, through the SDK as the workers configure it (fetch client,
 * the SDK's pinned API version). Throws for anything but a test-mode secret key: the suite creates
 * and refunds payments.
 */
export function stripeTestModeTarget(secretKey: string): ContractTarget {
  if (!/^(sk|rk)_test_/.test(secretKey)) {
    throw new Error('STRIPE_CONTRACT_SECRET_KEY must be a test-mode key (sk_test_… or rk_test_…)');
  }
  const stripe = new Stripe(secretKey, {
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
  });
  return { name: 'stripe', stripe, runId: randomUUID(), close: async () => undefined };
}

/** How a field our code reads is observed: its JSON type, or (for enums and fixed values) its value. */
export type FieldRead = 'type' | 'value';

/**
 * The fields of `object` our code reads, each as its JSON type (`string`, `number`, `boolean`,
 * `object`, `array`, `null`, `absent`) or, where `reads` says `value`, the value itself. Paths are
 * dotted (`total_details.amount_tax`); an expanded object counts as `object`.
 */
export function shapeOf(object: unknown, reads: Record<string, FieldRead>): Observation {
  const fields: Record<string, string | number | boolean | null> = {};
  for (const [path, read] of Object.entries(reads)) {
    const value = path
      .split('.')
      .reduce<unknown>(
        (parent, key) =>
          typeof parent === 'object' && parent !== null
            ? (parent as Record<string, unknown>)[key]
            : undefined,
        object,
      );
    fields[path] =
      read === 'value' && (typeof value !== 'object' || value === null)
        ? (value as string)
        : typeOf(value);
  }
  return { outcome: 'ok', fields };
}

/**
 * The observation of one Stripe call: `shape` of its result, or the refusal's status, type, code
 * and param. Anything but a Stripe error (a network failure, a bug) is thrown.
 */
export async function observe<T>(
  request: Promise<T>,
  shape: (result: T) => Observation,
): Promise<Observation> {
  try {
    return shape(await request);
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeError)) throw error;
    return {
      outcome: 'refused',
      status: error.statusCode ?? null,
      type: error.rawType ?? error.type,
      code: error.code ?? null,
      param: error.param ?? null,
    };
  }
}

/** The refusal a case expects: a 400 `invalid_request_error` unless said otherwise. */
export function refused(
  code: string | null,
  param: string | null,
  { status = 400, type = 'invalid_request_error' }: { status?: number; type?: string } = {},
): Observation {
  return { outcome: 'refused', status, type, code, param };
}

function typeOf(value: unknown): string {
  if (value === undefined) return 'absent';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
