import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type PlaybackGrantAnswer,
  startPlaybackGrantLoop,
} from '../../demo-web/playback-grant-loop.js';

// The demo player's refresh schedule on a fake clock; revocation-bound.e2e.test.ts drives the
// same loop against the real workers.
const answer = (grant: string, expiresInSeconds = 60): PlaybackGrantAnswer => ({
  grant,
  expiresAt: new Date(Date.now() + expiresInSeconds * 1_000).toISOString(),
  expiresInSeconds,
});
const refusal = Object.assign(new Error('NO_ACCESS'), { isTransient: false });
const outage = Object.assign(new Error('NETWORK_ERROR'), { isTransient: true });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('startPlaybackGrantLoop', () => {
  it('asks at once, then after half of each lifetime, until refused, then never again', async () => {
    const answers = [answer('a'), answer('b', 20), refusal];
    const requestGrant = vi.fn(async () => {
      const next = answers.shift();
      if (next instanceof Error) throw next;
      if (!next) throw new Error('asked too often');
      return next;
    });
    const grants: string[] = [];
    const onRefused = vi.fn();
    startPlaybackGrantLoop({ requestGrant, onGrant: (a) => grants.push(a.grant), onRefused });

    await vi.advanceTimersByTimeAsync(0);
    expect(grants).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(requestGrant).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(grants).toEqual(['a', 'b']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(onRefused).toHaveBeenCalledWith(refusal);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(requestGrant).toHaveBeenCalledTimes(3);
    expect(onRefused).toHaveBeenCalledTimes(1);
  });

  it('retries a transient failure every retryMs and carries on after it', async () => {
    const answers: Array<PlaybackGrantAnswer | Error> = [answer('a'), outage, outage, answer('b')];
    const requestGrant = vi.fn(async () => {
      const next = answers.shift() ?? answer('later');
      if (next instanceof Error) throw next;
      return next;
    });
    const grants: string[] = [];
    const onTransientError = vi.fn();
    const onRefused = vi.fn();
    startPlaybackGrantLoop({
      requestGrant,
      onGrant: (a) => grants.push(a.grant),
      onRefused,
      onTransientError,
      retryMs: 2_000,
    });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(onTransientError).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(grants).toEqual(['a', 'b']);
    expect(onTransientError).toHaveBeenCalledTimes(2);
    expect(onRefused).not.toHaveBeenCalled();
  });

  it('stops asking once stopped, even with an answer on its way', async () => {
    let release: (value: PlaybackGrantAnswer) => void = () => {};
    const requestGrant = vi.fn(
      () => new Promise<PlaybackGrantAnswer>((resolve) => (release = resolve)),
    );
    const onGrant = vi.fn();
    const loop = startPlaybackGrantLoop({ requestGrant, onGrant, onRefused: vi.fn() });
    loop.stop();
    release(answer('late'));
    await vi.advanceTimersByTimeAsync(600_000);
    expect(onGrant).not.toHaveBeenCalled();
    expect(requestGrant).toHaveBeenCalledTimes(1);
  });
});
