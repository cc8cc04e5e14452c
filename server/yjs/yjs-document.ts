import type pino from 'pino';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Db } from '../db/db.ts';
import type { YjsBus } from './yjs-bus.ts';
import {
  decodeMessage,
  encodeAwareness,
  encodeQueryAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate
} from './yjs-messages.ts';
import { appendUpdate, compactDocument, loadDocument } from './yjs-persistence.ts';

/** A client connection as the document sees it. */
export interface YjsPeer {
  /** False while the document loads: such a peer gets no broadcasts yet. */
  readonly joined: boolean;
  /** Awareness client ids this connection announced; removed for everyone when it closes. */
  readonly awarenessIds: Set<number>;
  send(message: Uint8Array): void;
}

export interface YjsDocumentOptions {
  db: Db;
  logger: pino.Logger;
  bus: YjsBus | undefined;
  flushIntervalMs: number;
  compactAfterUpdates: number;
}

// Transaction origins that are not a client: they decide what is persisted and relayed.
const LOAD_ORIGIN = Symbol('yjs-load');
const BUS_ORIGIN = Symbol('yjs-bus');
const CLOSE_ORIGIN = Symbol('yjs-connection-closed');
/** Edits made by the server itself (a generated minutes draft, a restored version): persisted and relayed like a client's. */
const SERVER_ORIGIN = Symbol('yjs-server-edit');

/** Upper bound between retries of a failed write, so a database outage is not hammered. */
const MAX_RETRY_DELAY_MS = 5_000;

/**
 * One shared document in memory: the Y.Doc, its awareness, the connections on it, and the
 * writer that appends its updates to the log.
 *
 * Durability: an update from an editor is queued when applied, and the first update queued
 * arms a timer of `flushIntervalMs` (250 ms by default); when it fires, everything queued is
 * merged into one row and inserted. Writes of a document are chained, so a write never waits
 * for more than the one in flight before it, and with a healthy database every update is
 * committed well within one second of arrival. A failed write keeps its batch at the head of
 * the queue and is retried with a growing delay (at most 5 s); `flush()` (SIGTERM, eviction)
 * writes immediately without waiting for the timer.
 */
export class YjsDocument {
  readonly ydoc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.ydoc);
  /** Every connection on this document, joined or still waiting for the load. */
  readonly connections = new Set<YjsPeer>();
  /** Set by the server while it flushes this document before dropping it. */
  evicting = false;
  /** Server-side readers and writers currently using the document: it is not evicted while any remain. */
  holds = 0;
  destroyed = false;

  private readonly log: pino.Logger;
  private pending: Uint8Array[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private writeChain: Promise<void> = Promise.resolve();
  private writesInFlight = 0;
  private failedWrites = 0;
  private rowCount = 0;
  private unsubscribeBus: (() => Promise<void>) | null = null;
  private loading: Promise<void> | null = null;

  constructor(
    readonly name: string,
    private readonly opts: YjsDocumentOptions
  ) {
    this.log = opts.logger.child({ doc: name });
    // The server is not a participant: no presence of its own.
    this.awareness.setLocalState(null);
    this.ydoc.on('update', this.onUpdate);
    this.awareness.on('update', this.onAwarenessUpdate);
  }

  /**
   * Loads the whole log before anyone is answered; every caller shares one load. The bus is
   * joined first so that nothing another instance relays during the load is missed (Yjs
   * applies updates in any order, so early ones simply merge).
   */
  load(): Promise<void> {
    this.loading ??= this.loadOnce();
    return this.loading;
  }

  private async loadOnce(): Promise<void> {
    const { bus, db } = this.opts;
    try {
      if (bus) this.unsubscribeBus = await bus.subscribe(this.name, this.onBusMessage);
      this.rowCount = await loadDocument(db, this.name, this.ydoc, LOAD_ORIGIN);
    } catch (err) {
      await this.leaveBus();
      throw err;
    }
    // The server closed while this was loading: nobody will join, and the bus is to be left.
    if (this.destroyed) return this.leaveBus();
    if (bus) {
      // Updates other instances hold but have not flushed yet are not in the log: ask for them.
      this.publish(encodeSyncStep1(Y.encodeStateVector(this.ydoc)));
      this.publish(encodeQueryAwareness());
    }
    if (this.rowCount > this.opts.compactAfterUpdates) void this.enqueueWrite(() => this.compact()).catch(() => undefined);
    this.log.debug({ rows: this.rowCount }, 'document loaded');
  }

  /** Applies an update from an editor; the update handler persists and relays it. */
  applyClientUpdate(update: Uint8Array, from: YjsPeer): void {
    Y.applyUpdate(this.ydoc, update, from);
  }

  /** Applies an edit made by the server; persisted and relayed to every connection and instance. */
  applyServerUpdate(update: Uint8Array): void {
    Y.applyUpdate(this.ydoc, update, SERVER_ORIGIN);
  }

  /** Runs `fn` as one server transaction: what it changes is persisted and relayed like `applyServerUpdate`. */
  serverEdit<T>(fn: (ydoc: Y.Doc) => T): T {
    let out!: T;
    this.ydoc.transact(() => {
      out = fn(this.ydoc);
    }, SERVER_ORIGIN);
    return out;
  }

  applyClientAwareness(update: Uint8Array, from: YjsPeer): void {
    awarenessProtocol.applyAwarenessUpdate(this.awareness, update, from);
  }

  /** The frame a joining client gets: every presence currently known. */
  awarenessSnapshot(): Uint8Array | null {
    const clients = [...this.awareness.getStates().keys()];
    if (clients.length === 0) return null;
    return encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients));
  }

  removeConnection(peer: YjsPeer): void {
    this.connections.delete(peer);
    if (peer.awarenessIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...peer.awarenessIds], CLOSE_ORIGIN);
    }
  }

  hasPendingWrites(): boolean {
    return this.pending.length > 0 || this.writesInFlight > 0;
  }

  /** Writes everything queued now, after any write in flight; rejects if the write fails. */
  flush(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    return this.enqueueWrite(() => this.writeBatch());
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.ydoc.off('update', this.onUpdate);
    this.awareness.off('update', this.onAwarenessUpdate);
    this.awareness.destroy();
    this.ydoc.destroy();
    await this.leaveBus();
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === LOAD_ORIGIN) return;
    const message = encodeUpdate(update);
    this.broadcast(message, origin);
    // Only the instance whose client (or own server code) made an update persists it; relayed copies are memory only.
    if (this.isPeer(origin) || origin === SERVER_ORIGIN) {
      this.queueWrite(update);
      this.publish(message);
    }
  };

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown
  ): void => {
    if (this.isPeer(origin)) {
      for (const id of added) origin.awarenessIds.add(id);
      for (const id of updated) origin.awarenessIds.add(id);
      for (const id of removed) origin.awarenessIds.delete(id);
    }
    const changed = [...added, ...updated, ...removed];
    const message = encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
    this.broadcast(message, origin);
    if (origin !== BUS_ORIGIN) this.publish(message);
  };

  /** Frames from other instances: never persisted, never published again. */
  private readonly onBusMessage = (data: Uint8Array): void => {
    if (this.destroyed) return;
    try {
      const message = decodeMessage(data);
      switch (message.kind) {
        case 'sync-step1': {
          const diff = Y.encodeStateAsUpdate(this.ydoc, message.stateVector);
          // Two bytes is the empty update: the asking instance already has everything.
          if (diff.length > 2) this.publish(encodeSyncStep2(diff));
          break;
        }
        case 'sync-step2':
        case 'update':
          Y.applyUpdate(this.ydoc, message.update, BUS_ORIGIN);
          break;
        case 'awareness':
          awarenessProtocol.applyAwarenessUpdate(this.awareness, message.update, BUS_ORIGIN);
          break;
        case 'query-awareness': {
          const own = [...this.connections].flatMap((peer) => [...peer.awarenessIds]);
          if (own.length > 0) {
            this.publish(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, own)));
          }
          break;
        }
      }
    } catch (err) {
      this.log.warn({ err }, 'ignored an undecodable message from the bus');
    }
  };

  private isPeer(origin: unknown): origin is YjsPeer {
    return this.connections.has(origin as YjsPeer);
  }

  private broadcast(message: Uint8Array, except: unknown): void {
    for (const peer of this.connections) {
      if (peer.joined && peer !== except) peer.send(message);
    }
  }

  private publish(message: Uint8Array): void {
    this.opts.bus?.publish(this.name, message).catch((err: unknown) => {
      this.log.warn({ err }, 'could not publish to the bus');
    });
  }

  private async leaveBus(): Promise<void> {
    const unsubscribe = this.unsubscribeBus;
    this.unsubscribeBus = null;
    if (!unsubscribe) return;
    try {
      await unsubscribe();
    } catch (err) {
      this.log.warn({ err }, 'could not leave the bus');
    }
  }

  private queueWrite(update: Uint8Array): void {
    this.pending.push(update);
    this.scheduleFlush(this.opts.flushIntervalMs);
  }

  private scheduleFlush(delayMs: number): void {
    if (this.flushTimer || this.destroyed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.flush().catch(() => undefined); // logged and rescheduled by writeBatch
    }, delayMs);
  }

  private enqueueWrite(write: () => Promise<void>): Promise<void> {
    this.writesInFlight++;
    const run = this.writeChain.then(write).finally(() => {
      this.writesInFlight--;
    });
    this.writeChain = run.catch(() => undefined);
    return run;
  }

  private async writeBatch(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const merged = mergeInGroups(batch);
    try {
      await appendUpdate(this.opts.db, this.name, merged);
    } catch (err) {
      this.pending = batch.concat(this.pending);
      this.failedWrites++;
      this.log.error({ err, pending: this.pending.length }, 'could not write Yjs updates; will retry');
      // Whoever asked (timer, flushAll, eviction), the batch must not wait for the next edit.
      this.scheduleFlush(Math.min(this.opts.flushIntervalMs * 2 ** this.failedWrites, MAX_RETRY_DELAY_MS));
      throw err;
    }
    this.failedWrites = 0;
    this.rowCount++;
    if (this.rowCount > this.opts.compactAfterUpdates) await this.compact();
  }

  /** Compaction failing loses nothing (the rows stay); it is retried after the next write. */
  private async compact(): Promise<void> {
    try {
      const merged = await compactDocument(this.opts.db, this.name);
      if (merged > 0) this.rowCount = Math.max(1, this.rowCount - merged + 1);
      this.log.debug({ merged }, 'compacted the update log');
    } catch (err) {
      this.log.warn({ err }, 'could not compact the update log');
    }
  }
}

/**
 * `Y.mergeUpdates` of many updates, in groups of `fanIn` and then the groups' results (merging is
 * associative). Y.mergeUpdates sorts all its inputs again for every struct it writes, so one flat
 * merge of n updates costs about n² log n: at saturation a batch holds a thousand updates or more,
 * and the flat merge took a fifth of the server's time (bench/yjs.ts, profiled).
 */
export function mergeInGroups(updates: Uint8Array[], fanIn = 16): Uint8Array {
  let level = updates;
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += fanIn) next.push(Y.mergeUpdates(level.slice(i, i + fanIn)));
    level = next;
  }
  return level[0];
}
