import { once } from 'node:events';
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CloseCodes } from '../../src/lib/protocol/close-codes.ts';
import type { Db } from '../../server/db/db.ts';
import { encodeAwareness, encodeSyncStep1, encodeUpdate } from '../../server/yjs/yjs-messages.ts';
import { createYjsServer, type YjsAuthResult, type YjsServer, type YjsServerOptions } from '../../server/yjs/yjs-server.ts';
import { openTestDb } from '../helpers/test-db.ts';
import { waitFor } from '../helpers/wait-for.ts';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

// `?as=` stands in for a session: editor and reader are let in, the rest refused.
async function authorize(req: IncomingMessage): Promise<YjsAuthResult> {
  const as = new URL(req.url ?? '/', 'http://x').searchParams.get('as');
  switch (as) {
    case 'editor':
      return { ok: true, access: 'edit', principal: { id: 'editor-1', name: 'Éditrice' } };
    case 'reader':
      return { ok: true, access: 'read', principal: { id: 'reader-1', name: 'Lecteur' } };
    case 'guarded':
      // An editor who may not change the map 'sealed' (as a tablecloth's locked rounds).
      return {
        ok: true,
        access: 'edit',
        principal: { id: 'guarded-1', name: 'Surveillé' },
        guard: {
          snapshot: (doc) => doc.getMap('sealed').toJSON(),
          restore: (doc, before) => {
            const sealed = doc.getMap('sealed');
            const was = before as Record<string, unknown>;
            let changed = false;
            for (const [k, v] of Object.entries(was)) if (sealed.get(k) !== v) (sealed.set(k, v), (changed = true));
            for (const k of [...sealed.keys()]) if (!Object.hasOwn(was, k)) (sealed.delete(k), (changed = true));
            return changed;
          }
        }
      };
    case 'stranger':
      return { ok: false, reason: 'forbidden' };
    case 'lost':
      return { ok: false, reason: 'notFound' };
    default:
      return { ok: false, reason: 'unauthorised' };
  }
}

interface Harness {
  yjs: YjsServer;
  url: string;
  close(): Promise<void>;
}

let db: Db;
const harnesses: Harness[] = [];
const providers: WebsocketProvider[] = [];
const rawSockets: WebSocket[] = [];
let docCounter = 0;

beforeAll(async () => {
  db = await openTestDb();
});

afterEach(async () => {
  for (const p of providers.splice(0)) p.destroy();
  for (const ws of rawSockets.splice(0)) ws.terminate();
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

afterAll(async () => {
  await db?.close();
});

const freshDoc = (): string => `doc:${process.pid}:${++docCounter}`;

async function startServer(options: Partial<YjsServerOptions> = {}): Promise<Harness> {
  const yjs = createYjsServer({ db, logger, authorize, ...options });
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
  const harness: Harness = {
    yjs,
    url: `ws://127.0.0.1:${port}/yjs`,
    async close() {
      await yjs.close();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  };
  harnesses.push(harness);
  return harness;
}

interface Client {
  ydoc: Y.Doc;
  text: Y.Text;
  provider: WebsocketProvider;
}

/** A stock y-websocket client, as the browser uses it (trap 8: `ws` as the WebSocket). */
async function connect(h: Harness, doc: string, as: 'editor' | 'reader' | 'guarded'): Promise<Client> {
  const ydoc = new Y.Doc();
  const provider = new WebsocketProvider(h.url, doc, ydoc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: { as },
    // Same-process providers would otherwise sync through BroadcastChannel, bypassing the server.
    disableBc: true
  });
  providers.push(provider);
  await waitFor(() => provider.synced);
  return { ydoc, text: ydoc.getText('t'), provider };
}

/** A bare websocket, for what the stock client never does (bad frames, abrupt exits). */
async function openRaw(h: Harness, doc: string, as: string): Promise<WebSocket> {
  const ws = new WebSocket(`${h.url}/${encodeURIComponent(doc)}?as=${as}`);
  rawSockets.push(ws);
  ws.on('error', () => undefined);
  await once(ws, 'open');
  return ws;
}

async function closeCodeOf(ws: WebSocket): Promise<number> {
  const [code] = (await once(ws, 'close')) as [number, Buffer];
  return code;
}

async function rowCount(doc: string): Promise<number> {
  const [row] = await db.query<{ n: number }>('select count(*)::int as n from yjs_updates where doc = $1', [doc]);
  return row.n;
}

/** The document exactly as Postgres would give it to the next server. */
async function persistedText(doc: string): Promise<string> {
  const rows = await db.query<{ update: Uint8Array }>('select update from yjs_updates where doc = $1 order by id', [doc]);
  const ydoc = new Y.Doc();
  for (const row of rows) Y.applyUpdate(ydoc, row.update);
  return ydoc.getText('t').toString();
}

function updateWithText(text: string): Uint8Array {
  const scratch = new Y.Doc();
  scratch.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(scratch);
}

describe('Yjs server', () => {
  it('makes two editors converge on the same document', async () => {
    const h = await startServer();
    const doc = freshDoc();
    const [a, b] = await Promise.all([connect(h, doc, 'editor'), connect(h, doc, 'editor')]);

    a.text.insert(0, 'bonjour ');
    b.text.insert(0, 'à tous');

    await waitFor(() => {
      expect(a.text.toString()).toHaveLength('bonjour à tous'.length);
      expect(b.text.toString()).toBe(a.text.toString());
    });
    expect(h.yjs.stats()).toEqual({ docs: 1, connections: 2 });
  });

  it('writes an update to Postgres within one second of receiving it', async () => {
    const h = await startServer();
    const doc = freshDoc();
    const a = await connect(h, doc, 'editor');

    const sentAt = Date.now();
    a.text.insert(0, 'durable');
    await waitFor(async () => (await persistedText(doc)) === 'durable', { timeoutMs: 1_000 });
    expect(Date.now() - sentAt).toBeLessThan(1_000);
  });

  it('gives a new client the full content from Postgres after every client left and the document was evicted', async () => {
    const h = await startServer();
    const doc = freshDoc();
    const a = await connect(h, doc, 'editor');
    const b = await connect(h, doc, 'editor');
    a.text.insert(0, 'ordre du jour');
    b.ydoc.getMap('meta').set('title', 'Conseil du 12 mars');
    await waitFor(() => a.ydoc.getMap('meta').get('title') === 'Conseil du 12 mars' && b.text.length > 0);

    a.provider.destroy();
    b.provider.destroy();
    await waitFor(() => expect(h.yjs.stats()).toEqual({ docs: 0, connections: 0 }));

    const c = await connect(h, doc, 'reader');
    expect(c.text.toString()).toBe('ordre du jour');
    expect(c.ydoc.getMap('meta').get('title')).toBe('Conseil du 12 mars');
  });

  it('loads the whole log before answering, once for all connections that arrive while it loads', async () => {
    const doc = freshDoc();
    const source = new Y.Doc();
    const lines: string[] = [];
    source.on('update', (update: Uint8Array) => lines.push(Buffer.from(update).toString('base64')));
    for (let i = 0; i < 40; i++) source.getText('t').insert(source.getText('t').length, `${i};`);
    for (const line of lines) {
      await db.query('insert into yjs_updates (doc, update) values ($1, $2)', [doc, Buffer.from(line, 'base64')]);
    }

    // The real database behind a gate: the load waits until all three connections are in.
    let loads = 0;
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const gatedDb: Db = {
      ...db,
      async query<T>(sql: string, params?: unknown[]) {
        if (/^select update from yjs_updates/.test(sql)) {
          loads++;
          await gate;
        }
        return db.query<T>(sql, params);
      }
    };
    const h = await startServer({ db: gatedDb });
    const clients = Promise.all([connect(h, doc, 'editor'), connect(h, doc, 'reader'), connect(h, doc, 'editor')]);
    await waitFor(() => h.yjs.stats().connections === 3);
    openGate();

    const expected = source.getText('t').toString();
    for (const c of await clients) expect(c.text.toString()).toBe(expected); // at `synced`, not later
    expect(loads).toBe(1);
  });

  it('relays edits to a read-only client but neither broadcasts nor persists its own edits', async () => {
    const h = await startServer();
    const doc = freshDoc();
    const editor = await connect(h, doc, 'editor');
    const reader = await connect(h, doc, 'reader');

    editor.text.insert(0, 'texte de la charte');
    await waitFor(() => reader.text.toString() === 'texte de la charte');

    reader.text.insert(0, 'PIRATE ');
    reader.ydoc.getMap('meta').set('hacked', true);
    // Frames of one connection are handled in order: once the reader's later awareness change
    // reaches the editor, the server has already dealt with the edit sent before it.
    reader.provider.awareness.setLocalStateField('marker', 'after-edit');
    await waitFor(() => editor.provider.awareness.getStates().get(reader.ydoc.clientID)?.marker === 'after-edit');

    expect(editor.text.toString()).toBe('texte de la charte');
    expect(editor.ydoc.getMap('meta').has('hacked')).toBe(false);
    await h.yjs.flushAll();
    expect(await persistedText(doc)).toBe('texte de la charte');
  });

  it('puts back what a guarded editor changes in a protected part, for everyone and in the log, and keeps the rest of its edit', async () => {
    const h = await startServer();
    const doc = freshDoc();
    const editor = await connect(h, doc, 'editor');
    editor.ydoc.getMap('sealed').set('tour 1', 'verrouillé');
    const guarded = await connect(h, doc, 'guarded');
    await waitFor(() => expect(guarded.ydoc.getMap('sealed').get('tour 1')).toBe('verrouillé'));

    guarded.ydoc.transact(() => {
      guarded.ydoc.getMap('sealed').set('tour 1', 'réécrit');
      guarded.ydoc.getMap('sealed').set('ajout', 'non');
      guarded.text.insert(0, 'tour 2');
    });
    for (const client of [editor, guarded]) {
      await waitFor(() => {
        expect(client.ydoc.getMap('sealed').toJSON()).toEqual({ 'tour 1': 'verrouillé' });
        expect(client.text.toString()).toBe('tour 2');
      });
    }
    await h.yjs.flushAll();
    const stored = new Y.Doc();
    for (const row of await db.query<{ update: Uint8Array }>('select update from yjs_updates where doc = $1 order by id', [doc])) Y.applyUpdate(stored, row.update);
    expect(stored.getMap('sealed').toJSON()).toEqual({ 'tour 1': 'verrouillé' });
  });

  it('closes a guarded connection that sends an update building on edits the server lacks, so it cannot apply later unguarded', async () => {
    const h = await startServer();
    const doc = freshDoc();
    const editor = await connect(h, doc, 'editor');
    editor.ydoc.getMap('sealed').set('tour 1', 'verrouillé');
    await h.yjs.flushAll();
    // A tampering client: two edits, the second (which rewrites the sealed map) sent alone.
    const forger = new Y.Doc();
    Y.applyUpdate(forger, Y.encodeStateAsUpdate(editor.ydoc));
    const updates: Uint8Array[] = [];
    forger.on('update', (u: Uint8Array) => updates.push(u));
    forger.getText('t').insert(0, 'anodin');
    forger.getMap('sealed').set('tour 1', 'réécrit');
    const ws = await openRaw(h, doc, 'guarded');
    ws.send(encodeUpdate(updates[1]));
    expect(await closeCodeOf(ws)).toBe(CloseCodes.badMessage.code);
    // The missing first part arrives by another path (an unguarded editor here, another
    // instance's relay in production): the refused part was not kept aside, so nothing follows.
    Y.applyUpdate(editor.ydoc, updates[0]);
    await waitFor(() => expect(editor.text.toString()).toBe('anodin'));
    const fresh = await connect(h, doc, 'reader');
    await waitFor(() => expect(fresh.text.toString()).toBe('anodin'));
    expect(fresh.ydoc.getMap('sealed').toJSON()).toEqual({ 'tour 1': 'verrouillé' });
  });

  it('closes an unauthenticated connection with 4401, a forbidden one with 4403, an unknown document with 4404', async () => {
    const h = await startServer();
    const doc = freshDoc();

    expect(await closeCodeOf(await openRaw(h, doc, 'nobody'))).toBe(CloseCodes.unauthorised.code);
    expect(await closeCodeOf(await openRaw(h, doc, 'stranger'))).toBe(CloseCodes.forbidden.code);
    expect(await closeCodeOf(await openRaw(h, doc, 'lost'))).toBe(CloseCodes.notFound.code);
    expect(h.yjs.stats()).toEqual({ docs: 0, connections: 0 });
  });

  it('closes only the connection that sent a malformed message; the others keep working', async () => {
    const h = await startServer();
    const doc = freshDoc();
    const a = await connect(h, doc, 'editor');
    const b = await connect(h, doc, 'editor');

    const truncated = await openRaw(h, doc, 'editor');
    // A sync update announcing a payload far longer than the frame.
    truncated.send(new Uint8Array([0, 2, 0xff, 0xff, 0x03, 1, 2]));
    expect(await closeCodeOf(truncated)).toBe(CloseCodes.badMessage.code);

    const unknownType = await openRaw(h, doc, 'editor');
    unknownType.send(new Uint8Array([42]));
    expect(await closeCodeOf(unknownType)).toBe(CloseCodes.badMessage.code);

    const text = await openRaw(h, doc, 'editor');
    text.send('hello');
    expect(await closeCodeOf(text)).toBe(CloseCodes.badMessage.code);

    a.text.insert(0, 'toujours là');
    await waitFor(() => b.text.toString() === 'toujours là');
    expect(h.yjs.stats().connections).toBe(2);
  });

  it('closes a connection that sends a message over the size limit with 4413', async () => {
    const h = await startServer();
    const doc = freshDoc();
    const ws = await openRaw(h, doc, 'editor');
    ws.send(new Uint8Array(1024 * 1024 + 1));
    expect(await closeCodeOf(ws)).toBe(CloseCodes.tooLarge.code);
  });

  it('compacts the update log into fewer rows and keeps the content identical', async () => {
    const compactAfterUpdates = 4;
    const h = await startServer({ compactAfterUpdates, flushIntervalMs: 5 });
    const doc = freshDoc();
    const a = await connect(h, doc, 'editor');

    const edits = 12;
    for (let i = 0; i < edits; i++) {
      a.text.insert(a.text.length, `ligne ${i}\n`);
      if (i % 3 === 2) a.text.delete(0, 2); // deletions too, so compaction has garbage to collect
      const expected = a.text.toString();
      // Waiting for each edit to be durable makes every edit its own row before compaction.
      await waitFor(async () => (await persistedText(doc)) === expected);
    }

    const rows = await rowCount(doc);
    expect(rows).toBeLessThanOrEqual(compactAfterUpdates);
    expect(rows).toBeLessThan(edits);
    expect(await persistedText(doc)).toBe(a.text.toString());

    const contentBefore = a.text.toString();
    a.provider.destroy();
    await waitFor(() => h.yjs.stats().docs === 0);
    const b = await connect(h, doc, 'editor');
    expect(b.text.toString()).toBe(contentBefore);
  });

  it('writes pending updates when flushAll is called, without waiting for the timer', async () => {
    const h = await startServer({ flushIntervalMs: 60_000 });
    const doc = freshDoc();
    const a = await connect(h, doc, 'editor');
    const b = await connect(h, doc, 'editor');

    a.text.insert(0, 'avant SIGTERM');
    await waitFor(() => b.text.toString() === 'avant SIGTERM'); // the server has applied and queued it
    expect(await rowCount(doc)).toBe(0);

    await h.yjs.flushAll();
    expect(await persistedText(doc)).toBe('avant SIGTERM');
  });

  it('keeps an update whose write failed and writes it once the database is back', async () => {
    const failures: string[] = [];
    const watched = pino({ level: 'error' }, { write: (line: string) => void failures.push(line) });
    const h = await startServer({ flushIntervalMs: 20, logger: watched });
    const doc = freshDoc();
    const a = await connect(h, doc, 'editor');

    await db.query('alter table yjs_updates rename to yjs_updates_unavailable');
    try {
      a.text.insert(0, 'tenace');
      await waitFor(() => failures.some((line) => line.includes('could not write Yjs updates')));
    } finally {
      await db.query('alter table yjs_updates_unavailable rename to yjs_updates');
    }
    await waitFor(async () => (await persistedText(doc)) === 'tenace', { timeoutMs: 10_000 });
  });

  it('closes with 4500 and writes nothing when the document cannot be loaded', async () => {
    const h = await startServer({ flushIntervalMs: 5 });
    const doc = freshDoc();
    await db.query('alter table yjs_updates rename to yjs_updates_unavailable');
    try {
      const ws = await openRaw(h, doc, 'editor');
      const closed = closeCodeOf(ws);
      // Sent while the load is under way; must never reach the log.
      ws.send(encodeSyncStep1(Y.encodeStateVector(new Y.Doc())));
      ws.send(encodeUpdate(updateWithText('perdu')));
      expect(await closed).toBe(CloseCodes.loadFailed.code);
      await waitFor(() => h.yjs.stats().docs === 0);
    } finally {
      await db.query('alter table yjs_updates_unavailable rename to yjs_updates');
    }
    expect(await rowCount(doc)).toBe(0);

    // The failed load is not cached: the next connection loads again, and works.
    const a = await connect(h, doc, 'editor');
    expect(a.text.toString()).toBe('');
    a.text.insert(0, 'ok');
    await waitFor(async () => (await persistedText(doc)) === 'ok');
  });

  it('relays awareness to the other connections, never persists it, and removes it when its connection closes', async () => {
    const h = await startServer();
    const doc = freshDoc();
    const b = await connect(h, doc, 'editor');

    const alice = await openRaw(h, doc, 'editor');
    const aliceDoc = new Y.Doc();
    const aliceAwareness = new Awareness(aliceDoc);
    aliceAwareness.setLocalState({ user: { name: 'Alice' } });
    alice.send(encodeAwareness(encodeAwarenessUpdate(aliceAwareness, [aliceDoc.clientID])));
    await waitFor(() => b.provider.awareness.getStates().get(aliceDoc.clientID)?.user?.name === 'Alice');

    // A late joiner gets the presence already known.
    const c = await connect(h, doc, 'reader');
    await waitFor(() => c.provider.awareness.getStates().get(aliceDoc.clientID)?.user?.name === 'Alice');

    // An abrupt exit: the client sends no "I left", so the server must announce it.
    alice.terminate();
    await waitFor(() => {
      expect(b.provider.awareness.getStates().has(aliceDoc.clientID)).toBe(false);
      expect(c.provider.awareness.getStates().has(aliceDoc.clientID)).toBe(false);
    });
    aliceAwareness.destroy();

    await h.yjs.flushAll();
    expect(await rowCount(doc)).toBe(0);
  });

  it('terminates a connection that stops answering pings', async () => {
    const h = await startServer({ pingIntervalMs: 50 });
    const doc = freshDoc();
    const ws = new WebSocket(`${h.url}/${encodeURIComponent(doc)}?as=editor`, { autoPong: false });
    rawSockets.push(ws);
    ws.on('error', () => undefined);
    await once(ws, 'open');
    expect(await closeCodeOf(ws)).toBe(1006); // dropped without a closing handshake
    await waitFor(() => h.yjs.stats().connections === 0);
  });
});

describe('Server-side access to documents (DocumentStore)', () => {
  it('reads an open document from memory and a closed one from the log, without keeping it in memory', async () => {
    const h = await startServer();
    const doc = freshDoc();
    const a = await connect(h, doc, 'editor');
    a.text.insert(0, 'charte de bon voisinage');
    // Read while the editor is connected: the unflushed edit is there already.
    await waitFor(async () => {
      const scratch = new Y.Doc();
      Y.applyUpdate(scratch, await h.yjs.readDocument(doc));
      return scratch.getText('t').toString() === 'charte de bon voisinage';
    });
    a.provider.destroy();
    await waitFor(() => h.yjs.stats().docs === 0);

    const scratch = new Y.Doc();
    Y.applyUpdate(scratch, await h.yjs.readDocument(doc));
    expect(scratch.getText('t').toString()).toBe('charte de bon voisinage');
    expect(h.yjs.stats().docs).toBe(0); // read, then evicted again
  });

  it('sends a server edit to connected editors at once and writes it before resolving', async () => {
    const h = await startServer();
    const doc = freshDoc();
    const a = await connect(h, doc, 'editor');
    await h.yjs.applyServerUpdate(doc, updateWithText('Brouillon généré. '));
    expect(await persistedText(doc)).toBe('Brouillon généré. '); // durable when the promise resolves
    await waitFor(() => a.text.toString() === 'Brouillon généré. ');
    // and on a document nobody has open
    const closed = freshDoc();
    await h.yjs.applyServerUpdate(closed, updateWithText('hors ligne'));
    expect(await persistedText(closed)).toBe('hors ligne');
    await waitFor(() => h.yjs.stats().docs === 1);
  });
});
