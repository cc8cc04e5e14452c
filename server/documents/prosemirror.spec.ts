import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { appendJSONToYDoc, checkDocument, jsonToYUpdate, plainText, pm, yDocToJSON, yUpdateToJSON, type PMNode } from './prosemirror.ts';

const sample: PMNode = pm.doc(
  pm.heading(1, 'Compte rendu — CCL du 6 juin 2024'),
  pm.paragraph('Texte ', pm.bold('gras'), ' et ', pm.italic('italique'), ', ', pm.link('un lien', 'https://example.org')),
  pm.bulletList([pm.paragraph('Mme Alice Martin')], [pm.paragraph('M. Bernard Dupuis'), pm.bulletList([pm.paragraph('imbriqué')])]),
  pm.orderedList([pm.paragraph('un')], [pm.paragraph('deux')]),
  pm.table(['Candidats', 'Note'], [['PRIMAGAZ', '94,00'], ['ANTARGAZ', '95,89']]),
  pm.paragraph('fin')
);

describe('document conversions', () => {
  it('round-trips JSON through a Yjs update unchanged (headings, marks, links, nested lists, tables)', () => {
    const back = yUpdateToJSON(jsonToYUpdate(sample));
    expect(back).toEqual(checkDocument(sample));
  });

  it('reads an empty Y.Doc as one empty paragraph', () => {
    expect(yDocToJSON(new Y.Doc())).toEqual({ type: 'doc', content: [{ type: 'paragraph' }] });
  });

  it('refuses a node the editor does not know, so nothing invalid reaches a shared document', () => {
    expect(() => jsonToYUpdate({ type: 'doc', content: [{ type: 'codeBlock', content: [{ type: 'text', text: 'x' }] }] })).toThrow();
    expect(() => jsonToYUpdate({ type: 'doc', content: [{ type: 'bulletList', content: [{ type: 'text', text: 'x' }] }] })).toThrow();
  });

  it('appends a section after existing content without touching it', () => {
    const ydoc = new Y.Doc();
    Y.applyUpdate(ydoc, jsonToYUpdate(pm.doc(pm.paragraph('écrit à la main'))));
    appendJSONToYDoc(ydoc, pm.doc(pm.heading(2, 'Nouvelle section'), pm.table(['a'], [['b']])));
    expect(plainText(yDocToJSON(ydoc))).toBe('écrit à la main\nNouvelle section\na\nb');
  });

  it('concurrent edits to a converted document merge', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    Y.applyUpdate(a, jsonToYUpdate(pm.doc(pm.paragraph('base'))));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    appendJSONToYDoc(a, pm.doc(pm.paragraph('de A')));
    appendJSONToYDoc(b, pm.doc(pm.paragraph('de B')));
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(yDocToJSON(a)).toEqual(yDocToJSON(b));
    expect(plainText(yDocToJSON(a)).split('\n').sort()).toEqual(['base', 'de A', 'de B']);
  });

  it('gives plain text one line per block, table cells separated by tabs', () => {
    expect(plainText(sample)).toBe(
      ['Compte rendu — CCL du 6 juin 2024', 'Texte gras et italique, un lien', 'Mme Alice Martin', 'M. Bernard Dupuis', 'imbriqué', 'un', 'deux', 'Candidats\tNote', 'PRIMAGAZ\t94,00', 'ANTARGAZ\t95,89', 'fin'].join('\n')
    );
  });
});
