import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter } from './create-memory-rate-limiter';

function clock(startMs = 0) {
  let current = startMs;
  return {
    now: () => current,
    advance(ms: number) {
      current += ms;
    },
  };
}

async function outcomes(
  limiter: ReturnType<typeof createMemoryRateLimiter>,
  key: string,
  count: number,
) {
  const results: boolean[] = [];
  for (let i = 0; i < count; i += 1) {
    results.push((await limiter.limit({ key })).success);
  }
  return results;
}

describe('createMemoryRateLimiter', () => {
  it('allows `limit` requests per key in a window, then refuses', async () => {
    const limiter = createMemoryRateLimiter({ limit: 3, periodSeconds: 60, now: clock().now });

    expect(await outcomes(limiter, 'ip:1', 5)).toEqual([true, true, true, false, false]);
  });

  it('counts keys independently', async () => {
    const limiter = createMemoryRateLimiter({ limit: 2, periodSeconds: 60, now: clock().now });

    expect(await outcomes(limiter, 'a', 3)).toEqual([true, true, false]);
    expect(await outcomes(limiter, 'b', 3)).toEqual([true, true, false]);
  });

  it('resets when the window ends, not before', async () => {
    const time = clock();
    const limiter = createMemoryRateLimiter({ limit: 2, periodSeconds: 60, now: time.now });

    expect(await outcomes(limiter, 'a', 3)).toEqual([true, true, false]);
    time.advance(59_999);
    expect(await outcomes(limiter, 'a', 1)).toEqual([false]);
    time.advance(1);
    expect(await outcomes(limiter, 'a', 3)).toEqual([true, true, false]);
  });

  it('does not count refused requests against the next window', async () => {
    const time = clock();
    const limiter = createMemoryRateLimiter({ limit: 1, periodSeconds: 10, now: time.now });

    await outcomes(limiter, 'a', 50);
    time.advance(10_000);

    expect(await outcomes(limiter, 'a', 2)).toEqual([true, false]);
  });

  it('keeps at most maxKeys keys, forgetting the oldest first', async () => {
    const limiter = createMemoryRateLimiter({
      limit: 1,
      periodSeconds: 60,
      maxKeys: 2,
      now: clock().now,
    });

    await outcomes(limiter, 'a', 1);
    await outcomes(limiter, 'b', 1);
    await outcomes(limiter, 'c', 1); // evicts 'a'

    expect(await outcomes(limiter, 'b', 1)).toEqual([false]);
    expect(await outcomes(limiter, 'c', 1)).toEqual([false]);
    expect(await outcomes(limiter, 'a', 1)).toEqual([true]);
  });

  it.each([
    [{ limit: 0 }, /limit/],
    [{ limit: 1.5 }, /limit/],
    [{ periodSeconds: 0 }, /periodSeconds/],
    [{ periodSeconds: Number.NaN }, /periodSeconds/],
    [{ maxKeys: 0 }, /maxKeys/],
  ])('throws for invalid options %j', (override, message) => {
    expect(() => createMemoryRateLimiter({ limit: 1, periodSeconds: 1, ...override })).toThrow(
      message,
    );
  });
});
