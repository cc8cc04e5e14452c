import { once } from 'node:events';
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { Db } from '../../server/db/db.ts';
import { createYjsServer, type YjsAuthResult, type YjsServer, type YjsServerOptions } from '../../server/yjs/yjs-server.ts';
import { waitFor } from './wait-for.ts';

/**
 * Our Yjs server on a bare http server (no app, no sessions), as tests/server/yjs-server.test.ts
 * runs it: `?as=editor` and `?as=reader` stand in for a session, anything else is refused.
 */
export async function fakeAuthorize(req: IncomingMessage): Promise<YjsAuthResult> {
  const as = new URL(req.url ?? '/', 'http://x').searchParams.get('as');
  if (as === 'editor') return { ok: true, access: 'edit', principal: { id: 'editor-1', name: 'Éditrice' } };
  if (as === 'reader') return { ok: true, access: 'read', principal: { id: 'reader-1', name: 'Lecteur' } };
  return { ok: false, reason: 'unauthorised' };
}

export interface YjsHarness {
  yjs: YjsServer;
  /** `ws://127.0.0.1:<port>/yjs`, the base URL a WebsocketProvider takes. */
  url: string;
  close(): Promise<void>;
}

/**
 * @example
 * const h = await startYjsHarness({ db, logger: pino({ level: 'silent' }) });
 * const c = await connectStock(h.url, 'doc:1', 'editor');
 * await h.close();
 */
export async function startYjsHarness(options: Partial<YjsServerOptions> & Pick<YjsServerOptions, 'db'>): Promise<YjsHarness> {
  const yjs = createYjsServer({ logger: pino({ level: 'silent' }), authorize: fakeAuthorize, ...options });
  const server = http.createServer();
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req, socket, head) =>
    yjs.handleUpgrade(req, socket, head, decodeURIComponent(new URL(req.url!, 'http://x').pathname.slice('/yjs/'.length)))
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    yjs,
    url: `ws://127.0.0.1:${port}/yjs`,
    async close() {
      await yjs.close();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  };
}

export interface StockClient {
  ydoc: Y.Doc;
  provider: WebsocketProvider;
}

/** A stock y-websocket client in Node (`ws` as the WebSocket, no BroadcastChannel), synced. */
export async function connectStock(baseUrl: string, doc: string, as: 'editor' | 'reader', { timeoutMs = 10_000 } = {}): Promise<StockClient> {
  const ydoc = new Y.Doc();
  const provider = new WebsocketProvider(baseUrl, doc, ydoc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: { as },
    disableBc: true
  });
  await waitFor(() => provider.synced, { timeoutMs });
  return { ydoc, provider };
}

/**
 * The garbage collector, even when node was started without `--expose-gc` (vitest's workers
 * are): V8 lets the flag be set at run time, and a new context then has `gc`.
 */
export function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
