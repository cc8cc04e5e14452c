import { io as connectSocketIo, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/lib/protocol/events.ts';

export type ConcertoSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A real Socket.IO client as a browser would open it, with the browser's cookie (or any other
 * header) on the handshake. Not connected until `.connect()`, so a test can listen first.
 *
 * @example
 * const socket = socketClient(server.url, { cookie: admin.cookie });
 * socket.connect();
 */
export function socketClient(baseUrl: string, headers: Record<string, string> = {}): ConcertoSocket {
  return connectSocketIo(baseUrl, {
    path: '/socket.io/',
    transports: ['websocket'],
    extraHeaders: headers,
    reconnection: false,
    forceNew: true,
    autoConnect: false
  });
}

/** Resolves once connected; rejects with the connect_error the server sent. */
export function connected(socket: ConcertoSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
    socket.connect();
  });
}

/**
 * y-websocket constructs its socket as `new WebSocket(url, protocols)`; in Node the browser's
 * cookie has to be put on the upgrade request by the class itself.
 */
export type ClientWebSocketClass = new (address: string | URL, protocols?: string | string[]) => WebSocket;

export function webSocketWithHeaders(headers: Record<string, string>): ClientWebSocketClass {
  return class HeaderWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  };
}

export interface YjsClient {
  ydoc: Y.Doc;
  provider: WebsocketProvider;
  /** The terminal close y-websocket reported (44xx), once it happens. */
  closed: Promise<{ code: number; reason: string }>;
}

/**
 * A stock y-websocket provider on `/yjs/<docName>` of the server, with the given headers
 * (cookie, Authorization) on the upgrade.
 */
export function yjsClient(baseUrl: string, docName: string, headers: Record<string, string> = {}): YjsClient {
  const ydoc = new Y.Doc();
  const provider = new WebsocketProvider(`${baseUrl.replace(/^http/, 'ws')}/yjs`, docName, ydoc, {
    WebSocketPolyfill: webSocketWithHeaders(headers) as unknown as typeof globalThis.WebSocket,
    // Same-process providers would otherwise sync through BroadcastChannel, bypassing the server.
    disableBc: true
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    provider.on('closed', (event) => resolve(event));
  });
  return { ydoc, provider, closed };
}
