import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addNote, gridCell, lockedRoundsContent, notesArray, readGrid, readNotes, readSummaries, removeNote, restoreLockedRounds, setText, summariesMap, summaryText } from './tablecloth.ts';

describe('tablecloth document (contract shared with the harvest)', () => {
  it('stores notes as maps with id, text, author or null, colour, round and ISO date', () => {
    const doc = new Y.Doc();
    addNote(doc, { text: '  Des bancs dans la cour  ', authorName: 'Rose', colour: 'blue', round: 2, now: new Date('2026-03-01T10:00:00Z'), id: 'n1' });
    addNote(doc, { text: 'x'.repeat(400), authorName: null, colour: 'violet', round: 1 });
    const [a, b] = readNotes(doc);
    expect(a).toEqual({ id: 'n1', text: 'Des bancs dans la cour', authorName: 'Rose', colour: 'blue', round: 2, createdAt: '2026-03-01T10:00:00.000Z' });
    expect(b.text).toHaveLength(280);
    expect(b.authorName).toBeNull();
    expect(b.colour).toBe('yellow');
    expect(doc.getArray('notes').get(0)).toBeInstanceOf(Y.Map);
    expect(removeNote(doc, 'n1')).toBe(true);
    expect(readNotes(doc)).toHaveLength(1);
  });

  it('keeps grid cells under "<row>|<column>" and summaries under the round number, as Y.Text', () => {
    const doc = new Y.Doc();
    gridCell(doc, 'Accès', 'Bailleur').insert(0, 'Rampe');
    summaryText(doc, 1).insert(0, 'Synthèse');
    expect(readGrid(doc)).toEqual({ 'Accès|Bailleur': 'Rampe' });
    expect(doc.getMap('grid').get('Accès|Bailleur')).toBeInstanceOf(Y.Text);
    expect(readSummaries(doc)).toEqual({ 1: 'Synthèse' });
    expect(doc.getMap('summaries').get('1')).toBeInstanceOf(Y.Text);
  });

  it('setText keeps concurrent edits elsewhere in the text', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    setText(summaryText(a, 1), 'Accès et éclairage');
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    setText(summaryText(a, 1), 'Accès, éclairage');
    setText(summaryText(b, 1), 'Accès et éclairage des halls');
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(summaryText(a, 1).toString()).toBe('Accès, éclairage des halls');
    expect(summaryText(b, 1).toString()).toBe(summaryText(a, 1).toString());
  });

  it('puts locked rounds back after an edit that changed them, and leaves the other rounds alone', () => {
    const doc = new Y.Doc();
    const at = new Date('2026-03-01T10:00:00Z');
    addNote(doc, { text: 'Des rampes', authorName: 'Rose', colour: 'blue', round: 1, now: at, id: 'r1a' });
    addNote(doc, { text: 'Un ascenseur', authorName: null, round: 1, now: at, id: 'r1b' });
    addNote(doc, { text: 'Des bancs', authorName: 'Louis', round: 2, now: at, id: 'r2a' });
    summaryText(doc, 1).insert(0, 'Accès d’abord');
    const lockedRounds = [1];
    const before = lockedRoundsContent(doc, lockedRounds);
    const expected = { notes: readNotes(doc), summaries: readSummaries(doc) };

    // Nothing touched the locked round: nothing to put back.
    addNote(doc, { text: 'Une navette', authorName: 'Louis', round: 2, now: at, id: 'r2b' });
    expect(restoreLockedRounds(doc, lockedRounds, before)).toBe(false);
    expected.notes.push(readNotes(doc)[3]);

    // A tampering client edits a locked note, moves another out of its round, deletes one, adds a
    // note to the locked round, rewrites its summary and writes a summary for round 2.
    doc.transact(() => {
      notesArray(doc).get(0).set('text', 'Réécrit');
      notesArray(doc).get(0).set('extra', true);
      notesArray(doc).get(1).set('round', 2);
    });
    removeNote(doc, 'r1a');
    addNote(doc, { text: 'Ajouté après le verrou', authorName: 'Rose', round: 1, id: 'late' });
    setText(summaryText(doc, 1), 'Autre chose');
    summaryText(doc, 2).insert(0, 'Tour 2');
    notesArray(doc).get(1).set('text', 'Des bancs à l’ombre'); // round 2: allowed

    expect(restoreLockedRounds(doc, lockedRounds, before)).toBe(true);
    const byId = (notes: { id: string }[]) => [...notes].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(readNotes(doc))).toEqual(byId(expected.notes.map((n) => (n.id === 'r2a' ? { ...n, text: 'Des bancs à l’ombre' } : n))));
    expect(readSummaries(doc)).toEqual({ ...expected.summaries, 2: 'Tour 2' });
    expect(notesArray(doc).toArray().every((m) => !m.has('extra'))).toBe(true);

    // A summary of a locked round that did not exist goes again.
    const none = lockedRoundsContent(doc, [3]);
    summaryText(doc, 3).insert(0, 'Tour 3');
    expect(restoreLockedRounds(doc, [3], none)).toBe(true);
    expect(summariesMap(doc).has('3')).toBe(false);
  });

  it('puts locked rounds back whatever shape the tampering takes: summaries replaced by other types, odd keys, entries that are not notes, a note moved in from another round', () => {
    const doc = new Y.Doc();
    addNote(doc, { text: 'Des rampes', authorName: 'Rose', round: 1, id: 'r1' });
    addNote(doc, { text: 'Des bancs', authorName: 'Louis', round: 2, id: 'r2' });
    summaryText(doc, 1).insert(0, 'Accès');
    notesArray(doc).push(['pas une note' as unknown as Y.Map<unknown>]);
    const before = lockedRoundsContent(doc, [1]);
    const expected = readSummaries(doc);

    doc.transact(() => {
      summariesMap(doc).set('1', 'du texte' as unknown as Y.Text);
      notesArray(doc).get(0).set('constructor', 'x');
      notesArray(doc).get(1).set('round', 1); // round 2's note moved into the locked round
    });
    expect(restoreLockedRounds(doc, [1], before)).toBe(true);
    expect(readSummaries(doc)).toEqual(expected);
    expect(notesArray(doc).get(0).has('constructor')).toBe(false);
    expect(notesArray(doc).get(1).get('round')).toBe(2);
    expect(notesArray(doc).get(2)).toBe('pas une note');

    doc.transact(() => summariesMap(doc).set('1', new Y.Map() as unknown as Y.Text));
    expect(restoreLockedRounds(doc, [1], before)).toBe(true);
    expect(summariesMap(doc).get('1')).toBeInstanceOf(Y.Text);
    expect(readSummaries(doc)).toEqual(expected);
  });
});
