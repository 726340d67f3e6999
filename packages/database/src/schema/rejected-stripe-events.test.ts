import { createTestDatabase, type TestDatabase } from '@codex/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, getPostgresError, PostgresErrorCode, queryRows, sql } from '../index';
import { rejectedStripeEvents } from './index';

let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await createTestDatabase();
});

afterAll(async () => {
  await testDb?.close();
});

describe('rejected_stripe_events.raw_payload', () => {
  it('keeps any bytes exactly: NUL, bytes that are not UTF-8, every byte value', async () => {
    const payload = Uint8Array.from({ length: 1_024 }, (_, index) => (index * 7) % 256);

    const [row] = await testDb.db
      .insert(rejectedStripeEvents)
      .values({ rawPayload: payload, problems: ['(payload): not UTF-8'] })
      .returning({ id: rejectedStripeEvents.id });
    const [kept] = await testDb.db
      .select({ rawPayload: rejectedStripeEvents.rawPayload })
      .from(rejectedStripeEvents)
      .where(eq(rejectedStripeEvents.id, row?.id ?? ''));

    expect(kept?.rawPayload).toEqual(payload);
    const [length] = await queryRows<{ n: number }>(
      testDb.db,
      sql`SELECT octet_length(raw_payload) AS n FROM rejected_stripe_events WHERE id = ${row?.id}`,
    );
    expect(Number(length?.n)).toBe(1_024);
  });

  it('reads the hex text a driver might leave unparsed', () => {
    expect(rejectedStripeEvents.rawPayload.mapFromDriverValue('\\x00ff7b')).toEqual(
      Uint8Array.of(0, 255, 123),
    );
  });

  it('refuses a row that keeps neither the bytes nor the parsed event', async () => {
    const error = await testDb.db
      .insert(rejectedStripeEvents)
      .values({ problems: ['nothing kept'] })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(getPostgresError(error)).toMatchObject({
      code: PostgresErrorCode.checkViolation,
      constraint: 'rejected_stripe_events_payload_kept',
    });
  });
});
