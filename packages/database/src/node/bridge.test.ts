import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { isLoopbackHost, startDatabaseBridge } from './bridge';

describe('isLoopbackHost', () => {
  it.each(['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]'])('accepts %s', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each([
    'example.com',
    'ep-cool-1.neon.tech',
    '0.0.0.0',
    '128.0.0.1',
    '::2',
    'localhost.evil.com',
  ])('refuses %s', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('startDatabaseBridge', () => {
  async function closeCodeFor(address: string | undefined) {
    const bridge = await startDatabaseBridge();
    try {
      const query = address === undefined ? '' : `?address=${encodeURIComponent(address)}`;
      const socket = new WebSocket(`ws://${bridge.webSocketProxy}${query}`);
      return await new Promise<number>((resolve, reject) => {
        socket.on('close', (code) => resolve(code));
        socket.on('error', reject);
      });
    } finally {
      await bridge.close();
    }
  }

  it('refuses to open a tunnel to a host that is not loopback', async () => {
    expect(await closeCodeFor('example.com:5432')).toBe(1008);
  });

  it.each([undefined, 'no-port', '127.0.0.1:0', '127.0.0.1:70000'])(
    'refuses a malformed target %s',
    async (address) => {
      expect(await closeCodeFor(address)).toBe(1008);
    },
  );

  it('tunnels bytes both ways to a loopback TCP server', async () => {
    const { createServer } = await import('node:net');
    const echo = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const address = echo.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const bridge = await startDatabaseBridge();
    try {
      const socket = new WebSocket(`ws://${bridge.webSocketProxy}?address=127.0.0.1:${port}`);
      const reply = await new Promise<string>((resolve, reject) => {
        socket.on('open', () => socket.send(Buffer.from('ping')));
        socket.on('message', (data: Buffer) => resolve(data.toString()));
        socket.on('error', reject);
      });
      expect(reply).toBe('ping');
      socket.close();
    } finally {
      await bridge.close();
      await new Promise<void>((resolve) => echo.close(() => resolve()));
    }
  });

  it('ends the tunnel after a Terminate, as Postgres does, even when the server would not', async () => {
    const { createServer } = await import('node:net');
    // Like PGlite's socket server: reads everything, answers nothing, never closes by itself.
    const received: Buffer[] = [];
    const silent = createServer((socket) => socket.on('data', (chunk) => received.push(chunk)));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const bridge = await startDatabaseBridge();
    try {
      const socket = new WebSocket(`ws://${bridge.webSocketProxy}?address=127.0.0.1:${port}`);
      const closed = new Promise<void>((resolve, reject) => {
        socket.on('close', () => resolve());
        socket.on('error', reject);
      });
      await new Promise<void>((resolve) => socket.on('open', () => resolve()));
      socket.send(Buffer.from('Q\0\0\0\x0dselect 1\0', 'latin1'));
      socket.send(Buffer.from([0x58, 0, 0, 0, 4]));
      const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('open'), 2_000));
      expect(await Promise.race([closed.then(() => 'closed'), timeout])).toBe('closed');
      // The Terminate itself still reached the server.
      expect(Buffer.concat(received).subarray(-5)).toEqual(Buffer.from([0x58, 0, 0, 0, 4]));
    } finally {
      await bridge.close();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
