import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { isLoopbackHost } from '@codex/database/node';

export interface LatencyProxyOptions {
  /** Where every connection is forwarded: a loopback `host` and `port` (a Postgres server). */
  target: { host: string; port: number };
  /** How long each chunk is held, in each direction. One round trip costs twice this. */
  oneWayDelayMs: number;
  /** Port to listen on (always 127.0.0.1); 0, the default, lets the OS choose. */
  port?: number;
}

export interface LatencyProxy {
  port: number;
  /**
   * Changes the one-way delay for chunks that arrive from now on; chunks already held keep theirs
   * (and nothing ever overtakes an earlier chunk). Throws `RangeError` unless `ms` is a finite
   * number ≥ 0.
   */
  setDelay: (ms: number) => void;
  /**
   * Drops every open connection at once, held chunks included, as a lost link would (both ends see
   * their socket closed), and drops each connection that arrives in the next `refuseForMs` as soon
   * as it is accepted. Keeps listening: connections made after that are forwarded again.
   */
  cut: (refuseForMs?: number) => void;
  /** Stops listening and drops every open connection at once, held chunks included. */
  close: () => Promise<void>;
}

interface HeldChunk {
  /** `performance.now()` before which the chunk must not be written. */
  due: number;
  /** The bytes, or `null` for the end of the stream (forwarded as a half-close, in order). */
  chunk: Buffer | null;
}

// Node's timers have millisecond granularity and may fire up to a millisecond early; the last
// stretch is waited with setImmediate so a chunk is neither early nor needlessly late.
const TIMER_SLACK_MS = 1;

function assertDelay(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`latency proxy: the delay must be a finite number ≥ 0, not ${ms}`);
  }
  return ms;
}

/**
 * One direction of one connection: chunks from `source` reach `destination` in order, each no
 * earlier than its arrival plus the delay in force when it arrived.
 */
function forwardDelayed(source: Socket, destination: Socket, delayMs: () => number): () => void {
  const held: HeldChunk[] = [];
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;

  const flush = () => {
    timer = undefined;
    immediate = undefined;
    const now = performance.now();
    while (held[0] && held[0].due <= now) {
      const { chunk } = held.shift() as HeldChunk;
      if (destination.destroyed) return;
      if (chunk === null) destination.end();
      else destination.write(chunk);
    }
    schedule();
  };
  const schedule = () => {
    const head = held[0];
    if (!head || timer || immediate) return;
    const waitMs = head.due - performance.now();
    if (waitMs > TIMER_SLACK_MS) timer = setTimeout(flush, Math.floor(waitMs - TIMER_SLACK_MS));
    else immediate = setImmediate(flush);
  };
  const hold = (chunk: Buffer | null) => {
    const delay = delayMs();
    // At 0 ms with nothing held, pass straight through: even setImmediate would add latency.
    if (delay === 0 && held.length === 0) {
      if (destination.destroyed) return;
      if (chunk === null) destination.end();
      else destination.write(chunk);
      return;
    }
    held.push({ due: performance.now() + delay, chunk });
    schedule();
  };

  source.on('data', (chunk: Buffer) => hold(chunk));
  source.on('end', () => hold(null));
  return () => {
    held.length = 0;
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
  };
}

/**
 * Starts a TCP proxy on 127.0.0.1 that forwards every connection to `target`, holding each chunk
 * for `oneWayDelayMs` in each direction while keeping the order of each direction, so every round
 * trip through it costs 2 × the delay: a nearby Postgres made to look as far away as a real
 * database region. `setDelay` changes the delay without restarting anything. Rejects when the
 * target is not a loopback host, the delay is invalid (`RangeError`), or the port cannot be bound.
 * A connection whose target refuses it is dropped. For local measurements only.
 */
export async function startLatencyProxy(options: LatencyProxyOptions): Promise<LatencyProxy> {
  const { target } = options;
  if (!isLoopbackHost(target.host)) {
    throw new Error(`latency proxy: the target must be a loopback host, not ${target.host}`);
  }
  let delayMs = assertDelay(options.oneWayDelayMs);
  let refuseUntil = 0;
  const sockets = new Set<Socket>();
  const stops = new Set<() => void>();
  const dropAll = () => {
    for (const stop of stops) stop();
    stops.clear();
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };

  const server = createServer({ allowHalfOpen: true }, (client) => {
    if (performance.now() < refuseUntil) {
      client.destroy();
      return;
    }
    const upstream = connect({
      host: target.host.replace(/^\[|\]$/g, ''),
      port: target.port,
      allowHalfOpen: true,
    });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const stopForward = forwardDelayed(client, upstream, () => delayMs);
    const stopBackward = forwardDelayed(upstream, client, () => delayMs);
    const stop = () => {
      stopForward();
      stopBackward();
    };
    stops.add(stop);
    // An error or a reset on either side ends the whole connection at once, as a lost link would.
    const drop = () => {
      stop();
      stops.delete(stop);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', drop);
      socket.on('close', (hadError) => {
        sockets.delete(socket);
        if (hadError) drop();
        else if (client.destroyed && upstream.destroyed) stops.delete(stop);
      });
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    port,
    setDelay: (ms) => {
      delayMs = assertDelay(ms);
    },
    cut: (refuseForMs = 0) => {
      refuseUntil = performance.now() + assertDelay(refuseForMs);
      dropAll();
    },
    close: () =>
      new Promise<void>((resolve) => {
        dropAll();
        server.close(() => resolve());
      }),
  };
}
