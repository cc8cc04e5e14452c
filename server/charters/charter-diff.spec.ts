import { describe, expect, it } from 'vitest';
import { compareDocuments, diffWords, documentBlocks, type PmNode } from './charter-diff.ts';

const p = (text: string): PmNode => ({ type: 'paragraph', content: text ? [{ type: 'text', text }] : [] });
const h = (level: number, text: string): PmNode => ({ type: 'heading', attrs: { level }, content: [{ type: 'text', text }] });
const doc = (...content: PmNode[]): PmNode => ({ type: 'doc', content });
const joined = (parts: { text: string }[]) => parts.map((x) => x.text).join('');

describe('charter comparison', () => {
  it('reads headings, paragraphs, list items and table rows as blocks in order', () => {
    const d = doc(
      h(1, 'Charte'),
      p('Préambule'),
      { type: 'bulletList', content: [{ type: 'listItem', content: [p('Le bruit')] }] },
      {
        type: 'table',
        content: [{ type: 'tableRow', content: [{ type: 'tableCell', content: [p('A')] }, { type: 'tableCell', content: [p('B')] }] }]
      }
    );
    expect(documentBlocks(d)).toEqual([
      { kind: 'heading1', text: 'Charte' },
      { kind: 'paragraph', text: 'Préambule' },
      { kind: 'bullet', text: 'Le bruit' },
      { kind: 'table-row', text: 'A | B' }
    ]);
  });

  it('marks the words removed and added inside an edited paragraph, keeping the rest', () => {
    const parts = diffWords('Les chiens sont tenus en laisse.', 'Les animaux sont tenus en laisse dans les halls.');
    expect(parts).toContainEqual({ op: 'del', text: 'chiens' });
    expect(parts).toContainEqual({ op: 'ins', text: 'animaux' });
    expect(joined(parts.filter((x) => x.op !== 'ins'))).toBe('Les chiens sont tenus en laisse.');
    expect(joined(parts.filter((x) => x.op !== 'del'))).toBe('Les animaux sont tenus en laisse dans les halls.');
  });

  it('shows a new paragraph as added and a deleted one as removed, unchanged ones as unchanged', () => {
    const before = doc(h(2, 'Article 1'), p('Respecter le calme après 22 h.'), p('Trier les déchets.'));
    const after = doc(h(2, 'Article 1'), p('Respecter le calme après 22 h.'), p('Entretenir les espaces verts ensemble.'));
    const diff = compareDocuments(before, after);
    expect(diff.blocks.map((b) => b.change)).toEqual(['same', 'same', 'removed', 'added']);
    expect(diff.wordsAdded).toBe(5);
    expect(diff.wordsRemoved).toBe(3);
    expect(diff.unchanged).toBe(false);
  });

  it('says two identical versions are unchanged', () => {
    const d = doc(p('Un'), p('Deux'));
    expect(compareDocuments(d, d).unchanged).toBe(true);
  });

  it('pairs an edited block rather than showing it removed and added', () => {
    const diff = compareDocuments(doc(p('Les parties se réunissent une fois par an.')), doc(p('Les parties se réunissent deux fois par an.')));
    expect(diff.blocks).toHaveLength(1);
    expect(diff.blocks[0].change).toBe('changed');
    expect(diff.wordsAdded).toBe(1);
    expect(diff.wordsRemoved).toBe(1);
  });

  it('compares with an empty version', () => {
    const diff = compareDocuments(null, doc(p('Texte')));
    expect(diff.blocks).toEqual([{ change: 'added', kind: 'paragraph', parts: [{ op: 'ins', text: 'Texte' }] }]);
  });
});
