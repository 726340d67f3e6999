import ws from 'ws';
import {
  createDatabaseClient,
  type DatabaseClient,
  type DatabaseClientOptions,
  type WebSocketConstructor,
} from '../client';
import { isLoopbackHost, startDatabaseBridge } from './bridge';

export interface NodeDatabaseClient extends DatabaseClient {
  /** The bridge's `webSocketProxy` when one was started for a loopback server, else undefined. */
  webSocketProxy: string | undefined;
}

/**
 * For Node scripts (migrations, seeding): a database client for any connection string. A loopback
 * server gets its own WebSocket bridge, started here and stopped by `close()`; any other host (Neon)
 * is reached directly over TLS.
 */
export async function connectFromNode(
  connectionString: string,
  options: Omit<DatabaseClientOptions, 'connectionString' | 'webSocketProxy'> = {},
): Promise<NodeDatabaseClient> {
  const { hostname } = new URL(connectionString);
  const bridge = isLoopbackHost(hostname) ? await startDatabaseBridge() : undefined;
  const client = createDatabaseClient({
    webSocketConstructor: ws as unknown as WebSocketConstructor,
    ...options,
    connectionString,
    ...(bridge ? { webSocketProxy: bridge.webSocketProxy } : {}),
  });
  return {
    db: client.db,
    webSocketProxy: bridge?.webSocketProxy,
    close: async () => {
      await client.close();
      await bridge?.close();
    },
  };
}
