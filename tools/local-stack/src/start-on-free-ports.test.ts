import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalStackError } from './start-local-stack';
import { freePort, startOnFreePorts } from './start-on-free-ports';

let occupied: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (occupied ? occupied.close(() => resolve()) : resolve()));
  occupied = undefined;
});

async function occupy(port: number): Promise<void> {
  occupied = createServer();
  await new Promise<void>((resolve) => occupied?.listen(port, '127.0.0.1', () => resolve()));
}

describe('startOnFreePorts', () => {
  it('retries with fresh ports when a port was taken in between, then succeeds', async () => {
    const taken = await freePort();
    await occupy(taken);
    const tried: number[] = [];
    const port = await startOnFreePorts(async () => {
      const chosen = tried.length === 0 ? taken : await freePort();
      tried.push(chosen);
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(chosen, '127.0.0.1', () => resolve());
      });
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return chosen;
    });
    expect(tried).toHaveLength(2);
    expect(port).toBe(tried[1]);
  });

  it('recognises a worker that exited after printing that its port is in use', async () => {
    const output: string[] = [];
    let calls = 0;
    const result = await startOnFreePorts(
      async () => {
        calls += 1;
        if (calls === 1) {
          output.push('[webhooks] ✘ [ERROR] Address already in use (127.0.0.1:8788)');
          throw new LocalStackError('The webhooks worker exited (code 1) before answering');
        }
        return 'started';
      },
      { output: () => output },
    );
    expect(result).toBe('started');
    expect(calls).toBe(2);
  });

  it('gives up after three attempts, and never retries another failure', async () => {
    let calls = 0;
    const inUse = () => {
      calls += 1;
      return Promise.reject(new LocalStackError('Port 1234 (bridge) is already in use.'));
    };
    await expect(startOnFreePorts(inUse)).rejects.toThrow('already in use');
    expect(calls).toBe(3);
    calls = 0;
    const broken = () => {
      calls += 1;
      return Promise.reject(new Error('migration failed'));
    };
    await expect(startOnFreePorts(broken)).rejects.toThrow('migration failed');
    expect(calls).toBe(1);
  });
});
