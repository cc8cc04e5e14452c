import * as Y from 'yjs';

/**
 * A world-café table's "tablecloth": the co-edited Yjs document `tablecloth:<tableId>`
 * (tableId = `workshop_tables.id`). This module is the one reader/writer of its shape, used by
 * the phone view, the server and the harvest (issue 7, E2). CONTRACT — keep it stable:
 *
 * - `doc.getArray('notes')`: `Y.Array<Y.Map>`, one map per note, keys:
 *     - `id`         string (random, unique within the document)
 *     - `text`       string (short, at most NOTE_MAX_LENGTH characters)
 *     - `authorName` string | null (null when the facilitator chose anonymous notes)
 *     - `colour`     string, one of NOTE_COLOURS
 *     - `round`      number (1-based round during which the note was written)
 *     - `createdAt`  ISO-8601 string
 * - `doc.getMap('grid')`: `Y.Map<Y.Text>` keyed `"<row>|<column>"` (the row and column labels of
 *   the table's grid template `{rows: string[], columns: string[]}`), only when the table has one.
 * - `doc.getMap('summaries')`: `Y.Map<Y.Text>` keyed by round number as a string (`"1"`, `"2"`…),
 *   the host's summary of that round.
 *
 * Locking a round is NOT in the document: it is a row in Postgres (`workshop_round_locks`), read by
 * the server and the UI; a locked round's notes are shown read-only, and the Yjs server puts them
 * (and the round's summary) back if an editor changes them anyway (`restoreLockedRounds`).
 */
export const NOTE_COLOURS = ['yellow', 'blue', 'green', 'pink', 'orange'] as const;
export type NoteColour = (typeof NOTE_COLOURS)[number];
export const NOTE_MAX_LENGTH = 280;

export interface TableclothNote {
  id: string;
  text: string;
  authorName: string | null;
  colour: string;
  round: number;
  createdAt: string;
}

export interface GridTemplate {
  rows: string[];
  columns: string[];
}

export const tableclothDocName = (tableId: string): string => `tablecloth:${tableId}`;
export const gridKey = (row: string, column: string): string => `${row}|${column}`;

export function notesArray(doc: Y.Doc): Y.Array<Y.Map<unknown>> {
  return doc.getArray<Y.Map<unknown>>('notes');
}
export function gridMap(doc: Y.Doc): Y.Map<Y.Text> {
  return doc.getMap<Y.Text>('grid');
}
export function summariesMap(doc: Y.Doc): Y.Map<Y.Text> {
  return doc.getMap<Y.Text>('summaries');
}

function noteFromMap(m: Y.Map<unknown>): TableclothNote {
  const author = m.get('authorName');
  return {
    id: String(m.get('id') ?? ''),
    text: String(m.get('text') ?? ''),
    authorName: typeof author === 'string' ? author : null,
    colour: String(m.get('colour') ?? 'yellow'),
    round: Number(m.get('round') ?? 0),
    createdAt: String(m.get('createdAt') ?? '')
  };
}

/** All notes, in document order. */
export function readNotes(doc: Y.Doc): TableclothNote[] {
  return notesArray(doc).toArray().map(noteFromMap);
}

function randomId(): string {
  const c = globalThis.crypto;
  if (c && 'randomUUID' in c) return c.randomUUID();
  return Math.random().toString(36).slice(2) + Date.now().toString(36);
}

/** Appends a note; answers it. Text is trimmed and cut to NOTE_MAX_LENGTH. */
export function addNote(
  doc: Y.Doc,
  input: { text: string; authorName: string | null; colour?: string; round: number; now?: Date; id?: string }
): TableclothNote {
  const note: TableclothNote = {
    id: input.id ?? randomId(),
    text: input.text.trim().slice(0, NOTE_MAX_LENGTH),
    authorName: input.authorName,
    colour: (NOTE_COLOURS as readonly string[]).includes(input.colour ?? '') ? input.colour! : 'yellow',
    round: input.round,
    createdAt: (input.now ?? new Date()).toISOString()
  };
  doc.transact(() => {
    const m = new Y.Map<unknown>();
    for (const [k, v] of Object.entries(note)) m.set(k, v);
    notesArray(doc).push([m]);
  });
  return note;
}

/** Removes a note by id; answers whether it was there. */
export function removeNote(doc: Y.Doc, id: string): boolean {
  const arr = notesArray(doc);
  const i = arr.toArray().findIndex((m) => m.get('id') === id);
  if (i < 0) return false;
  arr.delete(i, 1);
  return true;
}

/** The Y.Text of one grid cell, created when missing. */
export function gridCell(doc: Y.Doc, row: string, column: string): Y.Text {
  const grid = gridMap(doc);
  const key = gridKey(row, column);
  let t = grid.get(key);
  if (!t) {
    t = new Y.Text();
    grid.set(key, t);
  }
  return t;
}

/** Plain values of the grid: `{ "<row>|<column>": text }`. */
export function readGrid(doc: Y.Doc): Record<string, string> {
  const out: Record<string, string> = {};
  gridMap(doc).forEach((t, k) => {
    out[k] = t.toString();
  });
  return out;
}

/** The Y.Text of a round's summary, created when missing. */
export function summaryText(doc: Y.Doc, round: number): Y.Text {
  const map = summariesMap(doc);
  const key = String(round);
  let t = map.get(key);
  if (!t) {
    t = new Y.Text();
    map.set(key, t);
  }
  return t;
}

export function readSummaries(doc: Y.Doc): Record<number, string> {
  const out: Record<number, string> = {};
  summariesMap(doc).forEach((t, k) => {
    out[Number(k)] = t.toString();
  });
  return out;
}

/** Replaces a Y.Text's whole content (for plain textarea editing). */
export function setText(t: Y.Text, value: string): void {
  const doc = t.doc;
  const apply = () => {
    const cur = t.toString();
    if (cur === value) return;
    // Keep the common prefix and suffix, so concurrent edits elsewhere in the text survive.
    let start = 0;
    while (start < cur.length && start < value.length && cur[start] === value[start]) start++;
    let endCur = cur.length;
    let endNew = value.length;
    while (endCur > start && endNew > start && cur[endCur - 1] === value[endNew - 1]) {
      endCur--;
      endNew--;
    }
    if (endCur > start) t.delete(start, endCur - start);
    if (endNew > start) t.insert(start, value.slice(start, endNew));
  };
  if (doc) doc.transact(apply);
  else apply();
}

/** What the locked rounds of a tablecloth hold: their notes (fields by id) and the host's summaries. */
export interface LockedRoundsContent {
  notes: Map<string, Record<string, unknown>>;
  /** The round of every other note, so a note moved into a locked round goes back to its own. */
  otherRounds: Map<string, unknown>;
  /** Summary text per locked round; null when that round has none. */
  summaries: Map<string, string | null>;
}

/** The notes array's entries that are notes (a tampering client could put anything there). */
function noteMaps(doc: Y.Doc): Y.Map<unknown>[] {
  return notesArray(doc)
    .toArray()
    .filter((m): m is Y.Map<unknown> => m instanceof Y.Map);
}

/** Reads what `rounds` (locked) hold, to put it back with `restoreLockedRounds` if an edit changes it. */
export function lockedRoundsContent(doc: Y.Doc, rounds: readonly number[]): LockedRoundsContent {
  const locked = new Set(rounds);
  const notes = new Map<string, Record<string, unknown>>();
  const otherRounds = new Map<string, unknown>();
  for (const m of noteMaps(doc)) {
    const id = String(m.get('id'));
    if (locked.has(Number(m.get('round')))) notes.set(id, m.toJSON());
    else otherRounds.set(id, m.get('round'));
  }
  const summaries = new Map<string, string | null>();
  for (const r of locked) {
    const text = summariesMap(doc).get(String(r));
    summaries.set(String(r), text instanceof Y.Text ? text.toString() : null);
  }
  return { notes, otherRounds, summaries };
}

/**
 * Puts the locked rounds back as they were in `before` (the server runs it after each edit from a
 * connection to a tablecloth with locked rounds, as one server transaction everyone receives): a
 * note of such a round that was changed gets its fields back, one that was deleted comes back (at
 * the end), a note of another round moved into one goes back to its round, a note added to one
 * goes, and a summary gets its text back. Notes of other rounds, the grid and other summaries
 * are left alone. Answers whether anything had to be put back.
 */
export function restoreLockedRounds(doc: Y.Doc, rounds: readonly number[], before: LockedRoundsContent): boolean {
  const locked = new Set(rounds);
  let changed = false;
  doc.transact(() => {
    const notes = notesArray(doc);
    const seen = new Set<string>();
    for (let i = notes.length - 1; i >= 0; i--) {
      const m = notes.get(i);
      if (!(m instanceof Y.Map)) continue;
      const id = String(m.get('id'));
      const was = before.notes.get(id);
      if (!was) {
        if (!locked.has(Number(m.get('round')))) continue;
        // Into a locked round: back to its own round, or out if it is new.
        if (before.otherRounds.has(id)) m.set('round', before.otherRounds.get(id));
        else notes.delete(i, 1);
        changed = true;
        continue;
      }
      if (seen.has(id)) {
        notes.delete(i, 1);
        changed = true;
        continue;
      }
      seen.add(id);
      for (const [k, v] of Object.entries(was)) {
        if (m.get(k) !== v) {
          m.set(k, v);
          changed = true;
        }
      }
      for (const k of [...m.keys()]) {
        if (!Object.hasOwn(was, k)) {
          m.delete(k);
          changed = true;
        }
      }
    }
    for (const [id, was] of before.notes) {
      if (seen.has(id)) continue;
      const m = new Y.Map<unknown>();
      for (const [k, v] of Object.entries(was)) m.set(k, v);
      notes.push([m]);
      changed = true;
    }
    const summaries = summariesMap(doc);
    for (const [round, text] of before.summaries) {
      const now: unknown = summaries.get(round);
      if (text === null) {
        if (now !== undefined) {
          summaries.delete(round);
          changed = true;
        }
      } else if (!(now instanceof Y.Text)) {
        summaries.set(round, new Y.Text(text));
        changed = true;
      } else if (now.toString() !== text) {
        setText(now, text);
        changed = true;
      }
    }
  });
  return changed;
}
