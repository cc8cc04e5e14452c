import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addNote, gridCell, readGrid, readNotes, readSummaries, removeNote, setText, summaryText } from './tablecloth.ts';

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
});
