import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mergeInGroups } from './yjs-document.ts';

/** Updates of several clients editing one text concurrently, with deletions, in arrival order. */
function concurrentUpdates(clients: number, editsEach: number): { updates: Uint8Array[]; reference: Y.Doc } {
  const reference = new Y.Doc();
  const updates: Uint8Array[] = [];
  reference.on('update', (u: Uint8Array) => updates.push(u));
  const docs = Array.from({ length: clients }, () => new Y.Doc());
  for (let k = 0; k < editsEach; k++) {
    docs.forEach((d, i) => {
      const t = d.getText('t');
      t.insert(Math.floor(t.length / 2), `${i}.${k} `);
      if (k % 5 === 4) t.delete(0, 2);
      const u = Y.encodeStateAsUpdate(d, Y.encodeStateVector(reference));
      Y.applyUpdate(reference, u);
    });
    // each client sees the others now and then, so later edits depend on other clients' items
    if (k % 3 === 2) for (const d of docs) Y.applyUpdate(d, Y.encodeStateAsUpdate(reference, Y.encodeStateVector(d)));
  }
  return { updates, reference };
}

describe('mergeInGroups', () => {
  it('gives the same document as applying every update, and as one flat Y.mergeUpdates', () => {
    const { updates, reference } = concurrentUpdates(7, 40);
    expect(updates.length).toBeGreaterThan(200);
    for (const fanIn of [2, 3, 16, 1000]) {
      const merged = mergeInGroups(updates, fanIn);
      const doc = new Y.Doc();
      Y.applyUpdate(doc, merged);
      expect(doc.getText('t').toString()).toBe(reference.getText('t').toString());
      expect(Y.equalSnapshots(Y.snapshot(doc), Y.snapshot(reference))).toBe(true);
      const flat = new Y.Doc();
      Y.applyUpdate(flat, Y.mergeUpdates(updates));
      expect(Buffer.from(Y.encodeStateVector(doc))).toEqual(Buffer.from(Y.encodeStateVector(flat)));
    }
  });

  it('returns a single update as it is', () => {
    const { updates } = concurrentUpdates(1, 1);
    expect(mergeInGroups([updates[0]])).toBe(updates[0]);
  });
});
