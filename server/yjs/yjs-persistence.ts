import * as Y from 'yjs';
import type { Db } from '../db/db.ts';

/**
 * The Yjs update log in `yjs_updates`: append-only, one row per flushed batch, compacted now
 * and then into one row holding the merged state. A document is the ordered replay of its rows.
 */

/** Replays every row of `doc`, in id order, into `ydoc`. Returns the number of rows read. */
export async function loadDocument(db: Db, doc: string, ydoc: Y.Doc, origin: unknown): Promise<number> {
  const rows = await db.query<{ update: Uint8Array }>(
    'select update from yjs_updates where doc = $1 order by id',
    [doc]
  );
  Y.transact(
    ydoc,
    () => {
      for (const row of rows) Y.applyUpdate(ydoc, row.update, origin);
    },
    origin
  );
  return rows.length;
}

export async function appendUpdate(db: Db, doc: string, update: Uint8Array): Promise<void> {
  await db.query('insert into yjs_updates (doc, update) values ($1, $2)', [doc, update]);
}

/**
 * Replaces the rows of `doc` with one row of their merged state, in one transaction, and
 * returns how many rows it merged (0 when there was nothing to gain).
 *
 * The merged state is rebuilt from the rows themselves, not from the in-memory document: memory
 * may hold updates that another instance owns and has not flushed yet, and the rows are exactly
 * what is being replaced. The delete names the merged ids instead of `id <= max`: a bigserial id
 * is taken at insert but becomes visible at commit, so a concurrent writer (another instance)
 * can commit a lower id after our select; `id <= max` would delete that row unmerged.
 */
export async function compactDocument(db: Db, doc: string): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ id: string; update: Uint8Array }>(
      'select id::text as id, update from yjs_updates where doc = $1 order by id',
      [doc]
    );
    if (rows.length <= 1) return 0;
    // A scratch doc (rather than Y.mergeUpdates) so deleted content is garbage-collected.
    const scratch = new Y.Doc();
    try {
      Y.transact(scratch, () => {
        for (const row of rows) Y.applyUpdate(scratch, row.update);
      });
      await tx.query('insert into yjs_updates (doc, update) values ($1, $2)', [doc, Y.encodeStateAsUpdate(scratch)]);
    } finally {
      scratch.destroy();
    }
    await tx.query('delete from yjs_updates where doc = $1 and id = any($2::bigint[])', [
      doc,
      rows.map((r) => r.id)
    ]);
    return rows.length;
  });
}
