import type { StripeStub, StripeStubEvent } from '@codex/local-stripe';
import { signed } from '../scratch-stack/start-scratch-stack';
import type { DeliveryFate } from './plan-soak';

/** One attempt to deliver an event, as the soak's log of the purchase keeps it. */
export interface DeliveryRecord {
  eventId: string;
  type: string;
  fate: DeliveryFate;
  /** The status of each attempt (0: no answer), or none when the event was lost. */
  answers: number[];
  /** Acknowledged with 2xx (then marked delivered at Stripe). */
  acknowledged: boolean;
}

/** Counts over every delivery of the run. */
export interface DeliveryStats {
  deliveries: number;
  attempts: number;
  lost: number;
  duplicated: number;
  concurrent: number;
  /** Deliveries every attempt of which failed: left undelivered at Stripe, as Stripe gives up. */
  givenUp: number;
  /** Answers other than 2xx, by status (0: no answer). */
  failedAnswers: Record<string, number>;
}

/** Stats of a run that has delivered nothing yet. */
export const emptyDeliveryStats = (): DeliveryStats => ({
  deliveries: 0,
  attempts: 0,
  lost: 0,
  duplicated: 0,
  concurrent: 0,
  givenUp: 0,
  failedAnswers: {},
});

// Stripe retries a failed delivery for three days; the soak, compressed: these attempts, the
// first retry after RETRY_BASE_MS, doubling. What is still not delivered then is reconciliation's.
const ATTEMPTS = 5;
const RETRY_BASE_MS = 250;
const ATTEMPT_TIMEOUT_MS = 15_000;

export interface EventDeliveryOptions {
  /** The webhook worker, e.g. `http://127.0.0.1:8788`. */
  webhooksUrl: string;
  stub: StripeStub;
  /** The fates of this purchase's deliveries, cycled. */
  fates: DeliveryFate[];
  stats: DeliveryStats;
  /** The first pause before a retry, doubling. Default 250 ms. */
  retryBaseMs?: number;
}

/** One purchase's deliveries: `deliver` for `performHistory`, `settle` before checking. */
export interface EventDelivery {
  deliver: (event: StripeStubEvent) => Promise<void>;
  /** Resolves once every delivery that did not wait (concurrent, duplicated) has ended. */
  settle: () => Promise<void>;
  records: DeliveryRecord[];
}

/**
 * Delivers Stripe events to the real webhook worker over HTTP, signed as Stripe signs them, each
 * with its fate: in order, racing the next ones, twice at once, or lost. A delivery answered
 * other than 2xx (or not at all) is retried with backoff, as Stripe does; an acknowledged one is
 * marked delivered at the stand-in, so reconciliation's sweep finds exactly the lost and given-up
 * ones.
 */
export function createEventDelivery(options: EventDeliveryOptions): EventDelivery {
  const { stats, stub } = options;
  const retryBaseMs = options.retryBaseMs ?? RETRY_BASE_MS;
  const records: DeliveryRecord[] = [];
  const inFlight: Array<Promise<void>> = [];
  let next = 0;

  const send = async (event: StripeStubEvent, record: DeliveryRecord): Promise<void> => {
    const payload = JSON.stringify(event);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (attempt > 0) {
        await new Promise((resolve) => setTimeout(resolve, retryBaseMs * 2 ** (attempt - 1)));
      }
      stats.attempts++;
      const status = await fetch(`${options.webhooksUrl}/webhooks/stripe/payment`, {
        method: 'POST',
        headers: signed(payload),
        body: payload,
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      }).then(
        async (response) => {
          await response.body?.cancel();
          return response.status;
        },
        () => 0,
      );
      record.answers.push(status);
      if (status >= 200 && status < 300) {
        record.acknowledged = true;
        stub.markEventDelivered(event.id);
        return;
      }
      stats.failedAnswers[status] = (stats.failedAnswers[status] ?? 0) + 1;
    }
    stats.givenUp++;
  };

  const deliver = async (event: StripeStubEvent): Promise<void> => {
    const fate = options.fates[next++ % options.fates.length] ?? 'in_order';
    const record = (): DeliveryRecord => {
      const created = {
        eventId: event.id,
        type: event.type,
        fate,
        answers: [],
        acknowledged: false,
      };
      records.push(created);
      stats.deliveries++;
      return created;
    };
    switch (fate) {
      case 'lost':
        record();
        stats.lost++;
        return;
      case 'duplicate':
        stats.duplicated++;
        await Promise.all([send(event, record()), send(event, record())]);
        return;
      case 'concurrent':
        stats.concurrent++;
        inFlight.push(send(event, record()));
        return;
      case 'in_order':
        await send(event, record());
    }
  };

  return {
    deliver,
    settle: async () => {
      await Promise.all(inFlight);
    },
    records,
  };
}
