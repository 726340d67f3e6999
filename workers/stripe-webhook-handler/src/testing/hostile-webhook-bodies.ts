import { handledStripeEventTypes } from '@codex/purchases';
import { STRIPE_API_VERSION } from '@codex/worker-runtime';
import { fc } from '@fast-check/vitest';

// Webhook bodies as a leaked signing secret (or a Stripe bug) could send them, each correctly
// signed by the fuzz test: NUL bytes escaped and raw, lone surrogates, nesting thousands deep,
// strings of hundreds of KiB, the wrong kind of value in every field, bytes that are not JSON or
// not UTF-8. Bodies stay under the worker's 256 KiB limit.

/** Ids the hostile events are bound to, so that handlers run on real purchases. */
export interface FuzzTargets {
  /** Sessions of pending purchases: checkout events are about them. */
  sessionIds: string[];
  /** The payment intent of a completed purchase: refunds and disputes are about it. */
  soldPaymentIntentId: string;
}

/** Personal data in every base object: no log line may ever contain it. */
export const PERSONAL_DATA = 'fuzz-buyer@example.com';

/** Stands for a nesting text that `JSON.stringify` cannot produce (it recurses): swapped in after. */
const DEEP_MARK = '\ue000deep\ue000';

/** Any UTF-16 code units: NUL, lone surrogates, private-use, everything. */
const codeUnits = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
  maxLength: 40,
});

const hostileText = fc.oneof(
  fc.constantFrom('\u0000', 'evt_\u0000', '\ud800', 'a\udfffb', '\ud83d', '\u0000\ud800', ''),
  codeUnits,
  // Hundreds of KiB, ending in a NUL.
  fc.integer({ min: 10_000, max: 200_000 }).map((length) => `${'x'.repeat(length - 1)}\u0000`),
);

const wrongKind = fc.oneof(
  fc.constantFrom<unknown>(null, -1, 1.5, 2 ** 31, 2 ** 53, 1e308, -0, true, [], {}, 'paid', 'x'),
  fc.jsonValue({ maxDepth: 3 }),
);

interface Nesting {
  shape: 'array' | 'object';
  depth: number;
}
const nesting: fc.Arbitrary<Nesting> = fc.oneof(
  fc.record({
    shape: fc.constant('array' as const),
    depth: fc.integer({ min: 1_000, max: 100_000 }),
  }),
  fc.record({
    shape: fc.constant('object' as const),
    depth: fc.integer({ min: 1_000, max: 30_000 }),
  }),
);

function nestingText({ shape, depth }: Nesting): string {
  return shape === 'array'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`;
}

/** One hostile value: text, the wrong kind, or nesting. */
type Hostile = { kind: 'value'; value: unknown } | { kind: 'nesting'; nesting: Nesting };
const hostileValue: fc.Arbitrary<Hostile> = fc.oneof(
  hostileText.map((value) => ({ kind: 'value' as const, value })),
  wrongKind.map((value) => ({ kind: 'value' as const, value })),
  nesting.map((value) => ({ kind: 'nesting' as const, nesting: value })),
);

const METADATA_KEYS = ['purchaseId', 'customerId', 'contentId', 'refundRequestId', 'revokeAccess'];

/** Where the hostile value goes: an envelope field, a field of the object, a metadata value or key. */
type Place =
  | { at: 'envelope'; field: 'id' | 'type' | 'api_version' | 'data' | 'object' }
  | { at: 'field'; field: string }
  | { at: 'metadata'; key: string }
  | { at: 'metadata-key' };
const place: fc.Arbitrary<Place> = fc.oneof(
  fc.record({
    at: fc.constant('envelope' as const),
    field: fc.constantFrom(
      'id' as const,
      'type' as const,
      'api_version' as const,
      'data' as const,
      'object' as const,
    ),
  }),
  fc.record({
    at: fc.constant('field' as const),
    field: fc.constantFrom(
      'id',
      'status',
      'payment_status',
      'amount',
      'amount_total',
      'amount_refunded',
      'currency',
      'client_reference_id',
      'payment_intent',
      'charge',
      'metadata',
      'total_details',
    ),
  }),
  fc.record({
    at: fc.constant('metadata' as const),
    key: fc.constantFrom(...METADATA_KEYS, 'note'),
  }),
  fc.constant({ at: 'metadata-key' as const }),
);

function baseObject(type: string, targets: FuzzTargets, session: number): Record<string, unknown> {
  const metadata: Record<string, unknown> = { note: PERSONAL_DATA };
  if (type.startsWith('checkout.')) {
    return {
      id: targets.sessionIds[session % targets.sessionIds.length],
      object: 'checkout.session',
      status: 'complete',
      payment_status: 'paid',
      amount_total: 999,
      amount_subtotal: 999,
      total_details: { amount_discount: 0, amount_tax: 0 },
      currency: 'usd',
      client_reference_id: null,
      customer_details: { email: PERSONAL_DATA },
      metadata,
      payment_intent: `pi_fuzz_${session}`,
    };
  }
  return {
    id: `${type.startsWith('charge.dispute.') ? 'dp' : type === 'charge.refunded' ? 'ch' : 're'}_fuzz_${session}`,
    amount: 100,
    amount_refunded: 100,
    status: type.startsWith('charge.dispute.') ? 'needs_response' : 'succeeded',
    payment_intent: targets.soldPaymentIntentId,
    charge: 'ch_fuzz',
    billing_details: { email: PERSONAL_DATA },
    metadata,
  };
}

function render(type: string, object: Record<string, unknown>, where: Place, hostile: Hostile) {
  const value = hostile.kind === 'value' ? hostile.value : DEEP_MARK;
  const event: Record<string, unknown> = {
    id: `evt_fuzz_${crypto.randomUUID().replaceAll('-', '')}`,
    object: 'event',
    api_version: STRIPE_API_VERSION,
    type,
    data: { object },
  };
  const metadata = object.metadata as Record<string, unknown>;
  if (where.at === 'envelope' && where.field === 'object') event.data = { object: value };
  else if (where.at === 'envelope') event[where.field] = value;
  else if (where.at === 'field') object[where.field] = value;
  else if (where.at === 'metadata') metadata[where.key] = value;
  else metadata[typeof value === 'string' ? value : JSON.stringify(value)] = 'x';
  const text = JSON.stringify(event);
  return hostile.kind === 'nesting'
    ? text.replace(JSON.stringify(DEEP_MARK), nestingText(hostile.nesting))
    : text;
}

/** What may happen to the bytes after rendering: a raw NUL, a byte never valid in UTF-8, … */
type Mutation =
  | { kind: 'none' }
  | { kind: 'bytes'; bytes: readonly number[]; at: number }
  | { kind: 'cut'; at: number };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'none' as const }), weight: 4 },
  fc.record({
    kind: fc.constant('bytes' as const),
    // a raw NUL; 0xff; a UTF-16 surrogate encoded as UTF-8 (CESU); an overlong '/'; a stray continuation
    bytes: fc.constantFrom([0x00], [0xff], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0x80]),
    at: fc.nat(),
  }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
);

function mutate(text: string, change: Mutation): string | Uint8Array {
  if (change.kind === 'none') return text;
  const bytes = new TextEncoder().encode(text);
  const at = change.at % (bytes.length + 1);
  if (change.kind === 'cut') return bytes.slice(0, at);
  const changed = new Uint8Array(bytes.length + change.bytes.length);
  changed.set(bytes.subarray(0, at));
  changed.set(change.bytes, at);
  changed.set(bytes.subarray(at), at + change.bytes.length);
  return changed;
}

/**
 * Bodies a signed webhook could carry: mostly a handled (or unhandled) event bound to the targets
 * with one hostile value somewhere, sometimes with its bytes damaged afterwards, and sometimes
 * bytes that were never JSON.
 */
export function hostileBodies(targets: FuzzTargets): fc.Arbitrary<string | Uint8Array> {
  const event = fc
    .record({
      type: fc.constantFrom(...handledStripeEventTypes, 'customer.created'),
      session: fc.nat(),
      where: place,
      hostile: hostileValue,
      change: mutation,
    })
    .map(({ type, session, where, hostile, change }) =>
      mutate(render(type, baseObject(type, targets, session), where, hostile), change),
    );
  return fc.oneof(
    { arbitrary: event, weight: 9 },
    { arbitrary: fc.uint8Array({ maxLength: 4_096 }), weight: 1 },
  );
}
