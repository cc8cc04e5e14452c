import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Db } from '../../server/db/db.ts';
import { openTestDb } from '../helpers/test-db.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { connectStock, exposeGc, startYjsHarness, type StockClient, type YjsHarness } from '../helpers/yjs-harness.ts';

// Our Yjs server on a bare http server with in-memory PGlite, and stock y-websocket clients in
// this process: convergence of many clients, and memory once they have all gone.

let db: Db;
let h: YjsHarness;
let docCounter = 0;
const freshDoc = () => `memoire:${process.pid}:${++docCounter}`;

beforeAll(async () => {
  db = await openTestDb();
  h = await startYjsHarness({ db, flushIntervalMs: 50 });
});

afterAll(async () => {
  await h?.close();
  await db?.close();
});

function expectIdentical(docs: Y.Doc[]): void {
  const [ref, ...rest] = docs;
  for (const doc of rest) {
    expect(Buffer.from(Y.encodeStateVector(doc))).toEqual(Buffer.from(Y.encodeStateVector(ref)));
    expect(Y.equalSnapshots(Y.snapshot(doc), Y.snapshot(ref))).toBe(true);
    expect(doc.getText('t').toString()).toBe(ref.getText('t').toString());
  }
}

/** The document as the next server would load it from the log. */
async function persisted(doc: string): Promise<Y.Doc> {
  const rows = await db.query<{ update: Uint8Array }>('select update from yjs_updates where doc = $1 order by id', [doc]);
  const ydoc = new Y.Doc();
  for (const row of rows) Y.applyUpdate(ydoc, row.update);
  return ydoc;
}

/** `n` clients connect, each makes `edits` concurrent edits of `size` characters or so, all converge and the log has it all. */
async function session(doc: string, n: number, edits: number, size = 200): Promise<StockClient[]> {
  const filler = 'compte rendu de séance, '.repeat(Math.ceil(size / 24)).slice(0, size);
  const clients = await Promise.all(Array.from({ length: n }, () => connectStock(h.url, doc, 'editor')));
  for (let e = 0; e < edits; e++) {
    clients.forEach((c, i) => {
      const text = c.ydoc.getText('t');
      text.insert(Math.floor(text.length / 2), `${e}.${i} ${filler}\n`);
      if (e % 4 === 3) text.delete(0, 10);
    });
    await nextTurn();
  }
  await waitFor(() => expectIdentical(clients.map((c) => c.ydoc)), { timeoutMs: 20_000 });
  await waitFor(async () => expectIdentical([clients[0].ydoc, await persisted(doc)]), { timeoutMs: 10_000 });
  return clients;
}

/**
 * A client leaving for good. The provider does not own the document, and the awareness it made
 * keeps a timer (hence the document) alive until the document is destroyed: a client that only
 * destroyed its provider would be the leak, in this process, not the server's.
 */
function leave(c: StockClient): void {
  c.provider.destroy();
  c.ydoc.destroy();
}

describe('Yjs server with many stock clients', () => {
  it('makes five stock clients converge after concurrent edits, and stores exactly the converged document', async () => {
    const doc = freshDoc();
    const clients = await session(doc, 5, 6);
    expect(clients[0].ydoc.getText('t').length).toBeGreaterThan(5 * 6 * 150);
    const late = await connectStock(h.url, doc, 'reader');
    expectIdentical([clients[0].ydoc, late.ydoc]);
    for (const c of [...clients, late]) leave(c);
    await waitFor(() => expect(h.yjs.stats()).toEqual({ docs: 0, connections: 0 }));
  });

  it('returns to its memory baseline after 20 clients connect, edit and leave, cycle after cycle', async () => {
    const gc = exposeGc();
    const heapAfterGc = async () => {
      for (let i = 0; i < 4; i++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return process.memoryUsage().heapUsed;
    };

    const cycle = async () => {
      const doc = freshDoc();
      const clients = await session(doc, 20, 8, 1_000);
      expect(h.yjs.stats()).toEqual({ docs: 1, connections: 20 });
      for (const c of clients) leave(c);
      // Every connection closed, the document flushed and dropped from memory.
      await waitFor(() => expect(h.yjs.stats()).toEqual({ docs: 0, connections: 0 }), { timeoutMs: 10_000 });
      return heapAfterGc();
    };
    // Two cycles before the baseline, so that code paths, JIT and the database's caches are warm.
    const baseline = Math.min(await cycle(), await cycle());

    // From here on, every Y.Doc that gets an 'update' listener is watched: the server's copy of
    // each document (YjsDocument listens to its ydoc) and the clients' (the provider listens).
    const watched: WeakRef<Y.Doc>[] = [];
    const on = Y.Doc.prototype.on;
    Y.Doc.prototype.on = function (this: Y.Doc, name: string, f: (...args: any[]) => void) {
      if (name === 'update') watched.push(new WeakRef(this));
      return on.call(this, name as 'update', f);
    } as typeof on;
    const CYCLES = 8;
    const heaps: number[] = [];
    try {
      for (let i = 0; i < CYCLES; i++) heaps.push(await cycle());
    } finally {
      Y.Doc.prototype.on = on;
    }
    // Every document of every cycle, the server's included, is collected. The last cycle's may
    // still be held for a moment by timers the clients cleared (a loaded machine runs them
    // late), so the collector is run again until none is left, within a bound.
    const docsSeen = new Set(watched).size;
    expect(docsSeen).toBeGreaterThanOrEqual(CYCLES * 21);
    const alive = () => watched.filter((ref) => ref.deref() !== undefined).length;
    await waitFor(
      async () => {
        await heapAfterGc();
        return alive() === 0;
      },
      { timeoutMs: 15_000 }
    ).catch(() => undefined);
    expect(alive()).toBe(0);

    // And the heap as a whole is back near its baseline. One cycle's documents hold some 3 to 4 MB
    // (21 copies of 160 edits of 1 000 characters) at their peak; what a GC leaves moves by a
    // few MB from one measure to the next (a heap's new pages), upwards mostly, so the lowest of
    // the last three is compared, with that much tolerance. The check above is the sharp one.
    const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    const growth = heaps.map((x) => mb(x - baseline)).join(', ');
    expect(mb(Math.min(...heaps.slice(-3)) - baseline), `heap growth after each cycle (MB): ${growth}`).toBeLessThan(6);
  });
});
