import type { WebSocketConstructor } from '@codex/database';
import ws from 'ws';

/** The `ws` package's class, typed for `DatabaseClientOptions.webSocketConstructor` (Node 20 has no global WebSocket). */
export const nodeWebSocket = ws as unknown as WebSocketConstructor;
