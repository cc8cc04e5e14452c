import { unzipSync, strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { renderDocx } from './export-docx.ts';
import { renderPdf, toWinAnsi } from './export-pdf.ts';
import { pdfTagging, pdfText } from './pdf-inspect.ts';
import { pm, type PMNode } from './prosemirror.ts';

const doc: PMNode = pm.doc(
  pm.heading(1, 'Charte de bon voisinage'),
  pm.paragraph('Adoptée par le ', pm.bold('CCL'), ' le 6 juin — ', pm.italic('version soumise'), ' : ', pm.link('le site', 'https://example.org/charte')),
  pm.heading(2, 'Engagements'),
  pm.bulletList([pm.paragraph('Respecter le calme après 22 h')], [pm.paragraph('Trier les déchets'), pm.orderedList([pm.paragraph('verre')], [pm.paragraph('papier')])]),
  pm.heading(3, 'Offres comparées'),
  pm.table(['Candidats', 'Montant (€ HT)', 'Note'], [['PRIMAGAZ', '50\u202f512,00', '94,00'], ['ANTARGAZ', '51\u202f880,80', '95,89']]),
  pm.paragraph('Baisse de 29 % → fin ✓')
);
const meta = { title: 'Charte de bon voisinage', subtitle: 'Version soumise au CCL', lang: 'fr' as const };

describe('PDF export', () => {
  it('is a tagged PDF in French with headings, lists and a table in its structure tree', async () => {
    const pdf = await renderPdf(doc, meta);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const tags = pdfTagging(pdf);
    expect(tags.marked).toBe(true);
    expect(tags.structTree).toBe(true);
    expect(tags.lang).toBe('fr-FR');
    for (const t of ['H1', 'H2', 'H3', 'P', 'L', 'LI', 'Lbl', 'LBody', 'Table', 'TR', 'TH', 'TD']) expect(tags.types, t).toContain(t);
  });

  it('contains the text, accents and figures, with non-WinAnsi characters made readable', async () => {
    const text = await renderPdf(doc, meta).then(pdfText);
    for (const s of ['Charte de bon voisinage', 'Version soumise au CCL', 'Adoptée par le CCL le 6 juin — version soumise', 'Respecter le calme après 22 h', 'ANTARGAZ', '51 880,80', '95,89', 'Baisse de 29 % -> fin -'])
      expect(text).toContain(s);
    // The title heading of the document is not printed twice.
    expect(text.split('Charte de bon voisinage').length - 1).toBe(1);
  });

  it('numbers pages and breaks long documents over several pages', async () => {
    const long = pm.doc(...Array.from({ length: 120 }, (_, i) => pm.paragraph(`Paragraphe ${i + 1} du texte, assez long pour occuper une ligne entière de la page.`)));
    const text = await renderPdf(long, { title: 'Long', lang: 'en' }).then(pdfText);
    expect(text).toContain('Paragraphe 120 du texte');
    expect(text).toMatch(/Page 1 \/ [2-9]/u);
  });

  it('maps characters the standard fonts cannot print', () => {
    expect(toWinAnsi('10\u202f681 → ✓ œuvre €')).toBe('10 681 -> - œuvre €');
    expect(toWinAnsi('日')).toBe('?');
  });
});

describe('DOCX export', () => {
  it('has real Word headings, lists, a table with a header row, links and the text', async () => {
    const files = unzipSync(new Uint8Array(await renderDocx(doc, meta)));
    const xml = strFromU8(files['word/document.xml']);
    expect(xml).toContain('w:val="Title"');
    expect(xml).toContain('w:val="Heading2"');
    expect(xml).toContain('w:val="Heading3"');
    expect(xml).toContain('<w:numPr>');
    expect(xml).toContain('<w:tbl>');
    expect(xml).toContain('<w:tblHeader/>');
    expect(xml).toContain('<w:hyperlink');
    for (const s of ['Respecter le calme après 22 h', 'ANTARGAZ', '95,89', 'Baisse de 29 % → fin ✓', 'Version soumise au CCL']) expect(xml).toContain(s);
    expect(strFromU8(files['word/styles.xml'])).toContain('fr-FR');
    expect(strFromU8(files['word/numbering.xml'])).toContain('w:val="decimal"');
    expect(strFromU8(files['docProps/core.xml'])).toContain('Charte de bon voisinage');
  });
});
