import { describe, expect, it } from 'vitest';
import { createFreshPlaybackGrant } from './fresh-playback-grant';

describe('createFreshPlaybackGrant', () => {
  it('fetches once, hands out the same grant until it is older than maxAgeMs, then a new one', async () => {
    let clock = 0;
    let issued = 0;
    const grant = createFreshPlaybackGrant({
      issue: async () => `grant-${++issued}`,
      maxAgeMs: 30_000,
      now: () => clock,
    });
    expect(await grant()).toBe('grant-1');
    clock = 30_000;
    expect(await grant()).toBe('grant-1');
    clock = 30_001;
    expect(await grant()).toBe('grant-2');
    expect(await grant()).toBe('grant-2');
    expect(issued).toBe(2);
  });

  it('shares one fetch between concurrent calls', async () => {
    let issued = 0;
    const grant = createFreshPlaybackGrant({
      issue: async () => `grant-${++issued}`,
      maxAgeMs: 30_000,
    });
    expect(await Promise.all([grant(), grant(), grant()])).toEqual([
      'grant-1',
      'grant-1',
      'grant-1',
    ]);
    expect(issued).toBe(1);
  });

  it('rejects when the fetch fails, and fetches again on the next call', async () => {
    let issued = 0;
    const grant = createFreshPlaybackGrant({
      issue: async () => {
        issued += 1;
        if (issued === 1) throw new Error('grant route down');
        return `grant-${issued}`;
      },
      maxAgeMs: 30_000,
    });
    await expect(grant()).rejects.toThrow('grant route down');
    expect(await grant()).toBe('grant-2');
  });
});
