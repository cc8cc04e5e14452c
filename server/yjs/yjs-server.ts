import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type pino from 'pino';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import * as Y from 'yjs';
import { CloseCodes } from '../../src/lib/protocol/close-codes.ts';
import type { Db } from '../db/db.ts';
import type { YjsBus } from './yjs-bus.ts';
import { YjsDocument, type YjsPeer } from './yjs-document.ts';
import { BadMessageError, decodeMessage, encodeSyncStep1, encodeSyncStep2 } from './yjs-messages.ts';

/**
 * What `authorize` decides for one upgrade request. A refusal still completes the websocket
 * upgrade and then closes with the matching code (4401, 4403, 4404), so the client sees why
 * (y-websocket stops reconnecting on 44xx).
 *
 * @example
 * const authorize = async (req, doc) => {
 *   const user = await sessions.fromCookie(req.headers.cookie);
 *   if (!user) return { ok: false, reason: 'unauthorised' };
 *   return { ok: true, access: 'edit', principal: { id: user.id, name: user.displayName } };
 * };
 */
export type YjsAuthResult =
  | { ok: true; access: 'edit' | 'read'; principal: { id: string; name: string }; guard?: YjsEditGuard }
  | { ok: false; reason: 'unauthorised' | 'forbidden' | 'notFound' };

/**
 * Parts of a document an editor's connection may not change (e.g. the rounds of a world-café
 * tablecloth that its host locked). Around each update from that connection, `snapshot` reads
 * what is protected before the update is applied and `restore` puts it back afterwards, in a
 * server transaction that every client receives and the log keeps. An update cannot simply be
 * dropped: the same client's later updates build on it, and would never apply.
 */
export interface YjsEditGuard {
  snapshot(doc: Y.Doc): unknown;
  /** Puts back what changed since `before`; answers whether anything had to be. */
  restore(doc: Y.Doc, before: unknown): boolean;
}

export interface YjsServerOptions {
  db: Db;
  logger: pino.Logger;
  /** Runs before anything else on the connection; may take its time. */
  authorize: (req: IncomingMessage, docName: string) => Promise<YjsAuthResult>;
  /** Relays updates and awareness to other instances serving the same documents. */
  bus?: YjsBus;
  /** Largest frame accepted; a larger one closes the connection with 4413. Default 1 MiB. */
  maxMessageBytes?: number;
  /** A document's log is compacted once it has more rows than this. Default 500. */
  compactAfterUpdates?: number;
  /** Longest time an update waits in memory before its write starts. Default 250 ms. */
  flushIntervalMs?: number;
  /** Keepalive: a connection that has not answered the previous ping is dropped. Default 30 s. */
  pingIntervalMs?: number;
}

export interface YjsServer {
  /** Call from the HTTP server's `upgrade` event for `/yjs/<docName>`. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, docName: string): void;
  /** Writes every pending update now (SIGTERM); rejects if any write failed. */
  flushAll(): Promise<void>;
  /** Closes every connection with 1001, flushes, drops the documents. Does not close the bus. */
  close(): Promise<void>;
  stats(): { docs: number; connections: number };
  /**
   * The whole current state of a document as one update (`Y.applyUpdate` it into a fresh
   * `Y.Doc`), read from memory when the document is open here, else from the log. With several
   * instances, edits another instance received in the last flush interval (250 ms) may be missing.
   */
  readDocument(docName: string): Promise<Uint8Array>;
  /**
   * Applies an edit made by the server (e.g. a generated draft): connected clients receive it
   * at once, other instances through the bus, and it is written to the log before this resolves.
   */
  applyServerUpdate(docName: string, update: Uint8Array): Promise<void>;
  /**
   * Closes this instance's connections to a document with 4509 (rights changed), so that each
   * client reconnects and is authorised again (e.g. read-only once a charter is adopted).
   * Returns how many were closed. Other instances are told by the caller (server/app.ts).
   */
  reauthorise(docName: string): number;
}

const MAX_DOC_NAME_LENGTH = 512;
/** Delay before trying again to evict a document whose final flush failed. */
const EVICT_RETRY_MS = 1_000;

type CloseCode = (typeof CloseCodes)[keyof typeof CloseCodes];

class Connection implements YjsPeer {
  joined = false;
  closing = false;
  alive = true;
  readonly awarenessIds = new Set<number>();
  /** Frames received while the document loads, handled in order once it has. */
  backlog: RawData[] = [];

  constructor(
    readonly ws: WebSocket,
    readonly doc: YjsDocument,
    readonly access: 'edit' | 'read',
    readonly log: pino.Logger,
    readonly guard: YjsEditGuard | undefined
  ) {}

  send(message: Uint8Array): void {
    if (this.closing || this.ws.readyState !== WebSocket.OPEN) return;
    // No callback: a closure per frame to every peer showed in profiles (bench/yjs.ts); a write
    // that fails surfaces as the socket's 'error' (logged below) and 'close'.
    this.ws.send(message);
  }

  close(code: CloseCode): void {
    if (this.closing) return;
    this.closing = true;
    this.ws.close(code.code, code.reason);
  }
}

/**
 * Our Yjs websocket server: the y-websocket protocol (a stock `WebsocketProvider` connects
 * unchanged), documents loaded whole from the `yjs_updates` log before any answer, editors'
 * updates appended to the log, read-only connections refused writes, presence relayed but never
 * stored, and an optional bus for several instances.
 *
 * @example
 * const yjs = createYjsServer({ db, logger, authorize });
 * httpServer.on('upgrade', (req, socket, head) => {
 *   const path = new URL(req.url!, 'http://x').pathname;
 *   if (path.startsWith('/yjs/')) yjs.handleUpgrade(req, socket, head, decodeURIComponent(path.slice(5)));
 * });
 * process.on('SIGTERM', async () => { await yjs.close(); process.exit(0); });
 */
export function createYjsServer(opts: YjsServerOptions): YjsServer {
  const log = opts.logger.child({ component: 'yjs' });
  const maxMessageBytes = opts.maxMessageBytes ?? 1024 * 1024;
  const docOptions = {
    db: opts.db,
    logger: log,
    bus: opts.bus,
    flushIntervalMs: opts.flushIntervalMs ?? 250,
    compactAfterUpdates: opts.compactAfterUpdates ?? 500
  };
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });
  const docs = new Map<string, YjsDocument>();
  const connections = new Set<Connection>();
  let closing = false;

  const keepalive = setInterval(() => {
    for (const conn of connections) {
      if (!conn.alive) {
        conn.log.info('no pong since the last ping; dropping the connection');
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      try {
        conn.ws.ping();
      } catch {
        conn.ws.terminate();
      }
    }
  }, opts.pingIntervalMs ?? 30_000);
  keepalive.unref();

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, docName: string): void {
    if (closing) {
      socket.destroy();
      return;
    }
    // Until ws owns the socket, a reset during a slow authorize must not become an uncaught error.
    const onEarlyError = (): void => {
      socket.destroy();
    };
    socket.on('error', onEarlyError);
    void (async () => {
      let auth: YjsAuthResult | null;
      try {
        auth =
          docName.length === 0 || docName.length > MAX_DOC_NAME_LENGTH
            ? { ok: false, reason: 'notFound' }
            : await opts.authorize(req, docName);
      } catch (err) {
        log.error({ err, doc: docName }, 'authorize failed');
        auth = null;
      }
      socket.off('error', onEarlyError);
      if (socket.destroyed) return;
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('error', (err) => log.debug({ err, doc: docName }, 'websocket error'));
        if (closing) return ws.close(CloseCodes.goingAway.code, CloseCodes.goingAway.reason);
        // 4500 is the "try again later" range y-websocket keeps reconnecting on.
        if (auth === null) return ws.close(CloseCodes.loadFailed.code, CloseCodes.loadFailed.reason);
        if (!auth.ok) {
          const code = CloseCodes[auth.reason];
          log.info({ doc: docName, reason: auth.reason }, 'refused a Yjs connection');
          return ws.close(code.code, code.reason);
        }
        accept(ws, docName, auth.access, auth.principal, auth.guard);
      });
    })().catch((err: unknown) => {
      log.error({ err, doc: docName }, 'Yjs upgrade failed');
      socket.destroy();
    });
  }

  /** The document in memory, created (its load started) when absent. */
  function openDocument(docName: string): YjsDocument {
    let doc = docs.get(docName);
    if (!doc) {
      doc = new YjsDocument(docName, docOptions);
      docs.set(docName, doc);
      const created = doc;
      created.load().catch(async (err: unknown) => {
        log.error({ err, doc: docName }, 'could not load the Yjs document; nothing was written');
        if (docs.get(docName) === created) docs.delete(docName);
        await created.destroy();
      });
    }
    return doc;
  }

  /** Runs `fn` on the loaded document, holding it in memory meanwhile; evicts it after if nobody is connected. */
  async function withDocument<T>(docName: string, fn: (doc: YjsDocument) => Promise<T> | T): Promise<T> {
    if (closing) throw new Error('the Yjs server is closing');
    if (docName.length === 0 || docName.length > MAX_DOC_NAME_LENGTH) throw new Error(`bad document name: ${docName}`);
    const doc = openDocument(docName);
    doc.holds++;
    try {
      await doc.load();
      return await fn(doc);
    } finally {
      doc.holds--;
      if (doc.connections.size === 0 && doc.holds === 0 && !doc.destroyed) void evictWhenIdle(doc);
    }
  }

  function accept(ws: WebSocket, docName: string, access: 'edit' | 'read', principal: { id: string; name: string }, guard?: YjsEditGuard): void {
    const doc = openDocument(docName);
    const conn = new Connection(ws, doc, access, log.child({ doc: docName, principal: principal.id, access }), guard);
    connections.add(conn);
    doc.connections.add(conn);
    reportOversizeAsTooLarge(ws);

    ws.on('message', (data, isBinary) => {
      if (!isBinary) return onBadFrame(conn, new BadMessageError('text frame'));
      if (conn.joined) handleFrame(conn, data);
      else conn.backlog.push(data);
    });
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('close', () => onClose(conn));

    doc.load().then(
      () => join(conn),
      () => conn.close(CloseCodes.loadFailed)
    );
  }

  function join(conn: Connection): void {
    if (conn.closing || conn.ws.readyState !== WebSocket.OPEN) return;
    const { doc } = conn;
    conn.joined = true;
    // A reader's state is never taken, so it is not asked for it.
    if (conn.access === 'edit') conn.send(encodeSyncStep1(Y.encodeStateVector(doc.ydoc)));
    const presence = doc.awarenessSnapshot();
    if (presence) conn.send(presence);
    const backlog = conn.backlog;
    conn.backlog = [];
    for (const frame of backlog) handleFrame(conn, frame);
  }

  function handleFrame(conn: Connection, data: RawData): void {
    if (conn.closing) return;
    const { doc } = conn;
    try {
      const message = decodeMessage(toBytes(data));
      switch (message.kind) {
        case 'sync-step1':
          conn.send(encodeSyncStep2(Y.encodeStateAsUpdate(doc.ydoc, message.stateVector)));
          break;
        case 'sync-step2':
        case 'update':
          if (conn.access !== 'edit') {
            // Step 2 is the client's answer to a sync; an update is a deliberate edit.
            const level = message.kind === 'update' ? 'warn' : 'debug';
            conn.log[level]({ kind: message.kind }, 'ignored a write from a read-only connection');
            break;
          }
          if (conn.guard) {
            const { guard } = conn;
            if (!buildsOnlyOn(doc.ydoc, message.update)) {
              // Yjs would keep it aside until its missing part came, by any path (another
              // instance's relay included), and then apply it with no guard around it.
              onBadFrame(conn, new BadMessageError('an update that builds on edits this server does not have'));
              break;
            }
            const before = guard.snapshot(doc.ydoc);
            doc.applyClientUpdate(message.update, conn);
            if (doc.serverEdit((ydoc) => guard.restore(ydoc, before))) conn.log.warn({ kind: message.kind }, 'put back what a write changed in a protected part');
          } else {
            doc.applyClientUpdate(message.update, conn);
          }
          break;
        case 'awareness':
          doc.applyClientAwareness(message.update, conn);
          break;
        case 'query-awareness': {
          const presence = doc.awarenessSnapshot();
          if (presence) conn.send(presence);
          break;
        }
      }
    } catch (err) {
      onBadFrame(conn, err);
    }
  }

  function onBadFrame(conn: Connection, err: unknown): void {
    conn.log.warn({ err }, 'closing a Yjs connection after a bad message');
    conn.close(CloseCodes.badMessage);
  }

  function onClose(conn: Connection): void {
    conn.closing = true;
    connections.delete(conn);
    const { doc } = conn;
    if (doc.destroyed) return;
    doc.removeConnection(conn);
    if (doc.connections.size === 0) void evictWhenIdle(doc);
  }

  /**
   * Drops a document nobody is connected to, once its writes are flushed; a connection arriving
   * meanwhile keeps it (y-websocket#100: servers that never evict grow without bound).
   */
  async function evictWhenIdle(doc: YjsDocument): Promise<void> {
    if (doc.evicting || doc.destroyed) return;
    doc.evicting = true;
    try {
      await doc.load();
      while (doc.connections.size === 0 && doc.holds === 0 && doc.hasPendingWrites() && !doc.destroyed) await doc.flush();
    } catch (err) {
      doc.evicting = false;
      if (docs.get(doc.name) !== doc || doc.destroyed) return; // load failed: already dropped
      log.warn({ err, doc: doc.name }, 'could not flush before eviction; will retry');
      setTimeout(() => {
        if (doc.connections.size === 0) void evictWhenIdle(doc);
      }, EVICT_RETRY_MS).unref();
      return;
    }
    doc.evicting = false;
    if (doc.connections.size > 0 || doc.holds > 0 || doc.destroyed) return;
    if (docs.get(doc.name) === doc) docs.delete(doc.name);
    await doc.destroy();
    log.debug({ doc: doc.name }, 'evicted an idle document');
  }

  async function flushAll(): Promise<void> {
    const results = await Promise.allSettled([...docs.values()].map((doc) => doc.flush()));
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (errors.length > 0) throw new AggregateError(errors, `could not flush ${errors.length} Yjs document(s)`);
  }

  async function close(): Promise<void> {
    closing = true;
    clearInterval(keepalive);
    for (const conn of connections) conn.close(CloseCodes.goingAway);
    let failure: unknown = null;
    try {
      await flushAll();
    } catch (err) {
      failure = err;
    }
    await Promise.all([...docs.values()].map((doc) => doc.destroy()));
    docs.clear();
    wss.close();
    if (failure) throw failure;
  }

  return {
    handleUpgrade,
    flushAll,
    close,
    stats: () => ({ docs: docs.size, connections: connections.size }),
    reauthorise(docName) {
      const doc = docs.get(docName);
      if (!doc) return 0;
      let closed = 0;
      for (const conn of connections) {
        if (conn.doc !== doc) continue;
        conn.close(CloseCodes.rightsChanged);
        closed++;
      }
      if (closed) log.info({ doc: docName, closed }, 'closed connections so their rights are checked again');
      return closed;
    },
    readDocument: (docName) => withDocument(docName, (doc) => Y.encodeStateAsUpdate(doc.ydoc)),
    applyServerUpdate: (docName, update) =>
      withDocument(docName, async (doc) => {
        doc.applyServerUpdate(update);
        await doc.flush();
      })
  };
}

/**
 * ws enforces `maxPayload` itself, before buffering the frame, but closes with 1009; our
 * clients expect 4413. Its receiver calls `websocket.close(1009)` on the instance, so swapping
 * the code there is the one place to do it without reading oversize frames ourselves.
 */
function reportOversizeAsTooLarge(ws: WebSocket): void {
  const close = ws.close.bind(ws);
  ws.close = (code?: number, reason?: string | Buffer) => {
    if (code === 1009) close(CloseCodes.tooLarge.code, CloseCodes.tooLarge.reason);
    else close(code, reason);
  };
}

/**
 * Whether an update builds only on what `doc` has: each client's new edits continue its history
 * with no gap, and its deletions name edits that exist (in `doc` or in the update). An editor's
 * own client never sends anything else: it only builds on what this server sent it.
 */
export function buildsOnlyOn(doc: Y.Doc, update: Uint8Array): boolean {
  const reach = new Map<number, number>();
  const clock = (client: number) => reach.get(client) ?? Y.getState(doc.store, client);
  const { structs, ds } = Y.decodeUpdate(update);
  for (const struct of structs) {
    const known = clock(struct.id.client);
    if (struct instanceof Y.Skip || struct.id.clock > known) return false;
    reach.set(struct.id.client, Math.max(known, struct.id.clock + struct.length));
  }
  for (const [client, deleted] of ds.clients) {
    const known = clock(client);
    if (deleted.some((d) => d.clock + d.len > known)) return false;
  }
  return true;
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
