import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildsOnlyOn } from './yjs-server.ts';

/** The updates a doc emits, one per transaction. */
function recorder(doc: Y.Doc): Uint8Array[] {
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  return updates;
}

describe('buildsOnlyOn (what a guarded Yjs connection may send)', () => {
  it('accepts an editor’s updates in order, and refuses one whose earlier part the server lacks', () => {
    const server = new Y.Doc();
    server.getArray('notes').push(['avant']);
    const editor = new Y.Doc();
    Y.applyUpdate(editor, Y.encodeStateAsUpdate(server));
    const sent = recorder(editor);
    editor.getArray('notes').push(['un']);
    editor.getArray('notes').push(['deux']);
    expect(buildsOnlyOn(server, sent[1])).toBe(false); // the first is missing: a gap
    expect(buildsOnlyOn(server, sent[0])).toBe(true);
    Y.applyUpdate(server, sent[0]);
    expect(buildsOnlyOn(server, sent[1])).toBe(true);
    // A whole state sent again (sync step 2) overlaps what the server has: fine.
    expect(buildsOnlyOn(server, Y.encodeStateAsUpdate(editor))).toBe(true);
  });

  it('refuses deletions of edits the server has never seen, and accepts those of edits it has', () => {
    const server = new Y.Doc();
    const editor = new Y.Doc();
    const sent = recorder(editor);
    editor.getArray('notes').push(['un', 'deux']);
    editor.getArray('notes').delete(0, 1);
    expect(buildsOnlyOn(server, sent[1])).toBe(false);
    Y.applyUpdate(server, sent[0]);
    expect(buildsOnlyOn(server, sent[1])).toBe(true);
    // Both at once, merged: the deletion names an edit in the same update.
    expect(buildsOnlyOn(new Y.Doc(), Y.mergeUpdates(sent))).toBe(true);
  });
});
