import PDFDocument from 'pdfkit';
import { plainText, type PMNode } from './prosemirror.ts';

export interface ExportMeta {
  title: string;
  subtitle?: string;
  lang: 'fr' | 'en';
}

type Pdf = PDFKit.PDFDocument;
type Struct = PDFKit.PDFStructureElement;

interface Run {
  text: string;
  bold: boolean;
  italic: boolean;
  underline: boolean;
  strike: boolean;
  link: string | null;
}

const SIZE = { body: 11, h1: 20, h2: 16, h3: 13.5, table: 9.5 } as const;
const LIST_INDENT = 18;
const INK = '#000000';
const LINK = '#1a4a8c';

// The standard PDF fonts (no font file to ship, so the export works after `npm install` alone)
// encode WinAnsi only: characters outside it are mapped to a readable equivalent rather than
// printed as garbage. Intl's French number format uses U+202F, hence the spaces.
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const REPLACE: Record<string, string> = {
  '\u202f': ' ',
  '\u2009': ' ',
  '\u2007': ' ',
  '\u2192': '->',
  '\u21d2': '=>',
  '\u2190': '<-',
  '\u2713': '-',
  '\u2714': '-',
  '\u2022': '•',
  '\u2756': '-',
  '\u274f': '-',
  '\u25aa': '-',
  '\u2212': '-',
  '\u2010': '-',
  '\u2011': '-',
  '\u2026': '…',
  '\u2264': '<=',
  '\u2265': '>=',
  '\u00a0': '\u00a0'
};

export function toWinAnsi(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (REPLACE[ch] !== undefined) out += REPLACE[ch];
    else if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || ch === '\n' || ch === '\t' || WIN_ANSI_EXTRA.has(ch)) out += ch;
    else {
      const stripped = ch.normalize('NFD').replace(/[\u0300-\u036f]/gu, '');
      out += stripped !== ch && /^[\x20-\x7e]+$/u.test(stripped) ? stripped : '?';
    }
  }
  return out;
}

function fontOf(bold: boolean, italic: boolean): string {
  if (bold && italic) return 'Helvetica-BoldOblique';
  if (bold) return 'Helvetica-Bold';
  if (italic) return 'Helvetica-Oblique';
  return 'Helvetica';
}

function runsOf(nodes: PMNode[] | undefined): Run[] {
  const runs: Run[] = [];
  for (const n of nodes ?? []) {
    if (n.type === 'hardBreak') {
      runs.push({ text: '\n', bold: false, italic: false, underline: false, strike: false, link: null });
      continue;
    }
    if (n.type !== 'text' || !n.text) continue;
    const marks = new Map((n.marks ?? []).map((m) => [m.type, m.attrs ?? {}]));
    const href = marks.get('link')?.href;
    runs.push({
      text: n.text,
      bold: marks.has('bold'),
      italic: marks.has('italic'),
      underline: marks.has('underline'),
      strike: marks.has('strike'),
      link: typeof href === 'string' && /^(https?:|mailto:)/iu.test(href) ? href : null
    });
  }
  return runs;
}

class PdfWriter {
  private readonly left: number;
  private readonly width: number;

  constructor(private readonly doc: Pdf) {
    this.left = doc.page.margins.left;
    this.width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  }

  /** One block's inline content as one marked-content sequence of the structure element `tag`. */
  private inline(parent: Struct, tag: string, nodes: PMNode[] | undefined, opts: { indent: number; size: number; bold?: boolean; gapAfter: number }) {
    const doc = this.doc;
    const runs = runsOf(nodes);
    const x = this.left + opts.indent;
    const width = this.width - opts.indent;
    parent.add(
      doc.struct(tag, {}, () => {
        doc.fontSize(opts.size);
        if (runs.length === 0) {
          doc.font('Helvetica').text(' ', x, doc.y, { width });
        }
        runs.forEach((r, i) => {
          doc.font(fontOf(r.bold || !!opts.bold, r.italic)).fillColor(r.link ? LINK : INK);
          const options = { width, continued: i < runs.length - 1, link: r.link, underline: r.underline || !!r.link, strike: r.strike };
          if (i === 0) doc.text(toWinAnsi(r.text), x, doc.y, options);
          else doc.text(toWinAnsi(r.text), options);
        });
        doc.fillColor(INK);
        doc.moveDown(opts.gapAfter);
      })
    );
  }

  blocks(parent: Struct, nodes: PMNode[] | undefined, indent: number) {
    for (const node of nodes ?? []) this.block(parent, node, indent);
  }

  private block(parent: Struct, node: PMNode, indent: number) {
    const doc = this.doc;
    switch (node.type) {
      case 'heading': {
        const level = Math.min(3, Math.max(1, Number(node.attrs?.level ?? 1))) as 1 | 2 | 3;
        const size = level === 1 ? SIZE.h1 : level === 2 ? SIZE.h2 : SIZE.h3;
        // Keep a heading with what follows it: start a new page when little room is left.
        if (doc.y > doc.page.height - doc.page.margins.bottom - size * 4) doc.addPage();
        else doc.moveDown(level === 1 ? 0.4 : 0.6);
        this.inline(parent, `H${level}`, node.content, { indent, size, bold: true, gapAfter: 0.3 });
        break;
      }
      case 'paragraph':
        this.inline(parent, 'P', node.content, { indent, size: SIZE.body, gapAfter: 0.45 });
        break;
      case 'bulletList':
      case 'orderedList':
        this.list(parent, node, indent);
        break;
      case 'blockquote': {
        const quote = doc.struct('BlockQuote');
        parent.add(quote);
        this.blocks(quote, node.content, indent + LIST_INDENT);
        quote.end();
        break;
      }
      case 'horizontalRule': {
        doc.markContent('Artifact', { type: 'Layout' });
        const y = doc.y + 4;
        doc.moveTo(this.left + indent, y).lineTo(this.left + this.width, y).lineWidth(0.5).strokeColor('#888888').stroke().strokeColor(INK);
        doc.endMarkedContent();
        doc.y = y + 10;
        break;
      }
      case 'table':
        this.table(parent, node, indent);
        break;
      default:
        // Unknown block (a future extension): keep its text rather than drop it.
        if (node.content) this.blocks(parent, node.content, indent);
    }
  }

  private list(parent: Struct, node: PMNode, indent: number) {
    const doc = this.doc;
    const list = doc.struct('L');
    parent.add(list);
    const ordered = node.type === 'orderedList';
    let n = Number(node.attrs?.start ?? 1) || 1;
    for (const item of node.content ?? []) {
      const li = doc.struct('LI');
      list.add(li);
      const label = ordered ? `${n++}.` : '•';
      const y = doc.y;
      li.add(
        doc.struct('Lbl', {}, () => {
          doc.font('Helvetica').fontSize(SIZE.body).fillColor(INK).text(label, this.left + indent, y, { width: LIST_INDENT, lineBreak: false });
        })
      );
      doc.y = y;
      const body = doc.struct('LBody');
      li.add(body);
      this.blocks(body, item.content, indent + LIST_INDENT);
      body.end();
      li.end();
    }
    list.end();
    doc.x = this.left;
  }

  private table(parent: Struct, node: PMNode, indent: number) {
    const doc = this.doc;
    const rows = (node.content ?? []).filter((r) => r.type === 'tableRow');
    const cols = Math.max(1, ...rows.map((r) => (r.content ?? []).reduce((s, c) => s + (Number(c.attrs?.colspan ?? 1) || 1), 0)));
    const data = rows.map((row) =>
      (row.content ?? []).map((cell) => {
        const header = cell.type === 'tableHeader';
        return {
          text: toWinAnsi(plainText(cell)),
          type: header ? ('TH' as const) : ('TD' as const),
          scope: header ? 'column' : undefined,
          colSpan: Number(cell.attrs?.colspan ?? 1) || 1,
          rowSpan: Number(cell.attrs?.rowspan ?? 1) || 1,
          font: { src: header ? 'Helvetica-Bold' : 'Helvetica', size: SIZE.table },
          backgroundColor: header ? '#e8e8e8' : undefined
        };
      })
    );
    if (!data.length) return;
    doc.font('Helvetica').fontSize(SIZE.table).fillColor(INK);
    doc.moveDown(0.2);
    const options = {
      structParent: parent,
      position: { x: this.left + indent, y: doc.y },
      maxWidth: this.width - indent,
      columnStyles: Array.from({ length: cols }, () => '*'),
      defaultStyle: { padding: 4, border: 0.5, borderColor: '#777777' },
      data
    };
    doc.table(options as unknown as PDFKit.Mixins.TableOptionsWithData);
    doc.x = this.left;
    doc.fontSize(SIZE.body).moveDown(0.6);
  }

  /** "1 / 3" at the foot of every page, as an artifact (not part of the text read aloud). */
  pageNumbers(lang: 'fr' | 'en') {
    const doc = this.doc;
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const bottom = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      doc.markContent('Artifact', { type: 'Pagination' });
      doc
        .font('Helvetica')
        .fontSize(9)
        .fillColor('#555555')
        .text(`${lang === 'fr' ? 'Page' : 'Page'} ${i + 1} / ${range.count}`, this.left, doc.page.height - bottom / 2 - 5, { width: this.width, align: 'center', lineBreak: false });
      doc.endMarkedContent();
      doc.page.margins.bottom = bottom;
    }
  }
}

const headingText = (node: PMNode | undefined) => (node?.type === 'heading' ? plainText(node).trim() : null);

/**
 * A co-edited document as a tagged (accessible) PDF: the title, then headings (H1–H3),
 * paragraphs with bold, italic and links, bullet and numbered lists (L, LI, Lbl, LBody) and
 * tables (Table, TR, TH, TD) in the structure tree, in the document's language. Built with
 * pdfkit and the standard fonts, so it works after `npm install` alone, without a browser.
 */
export function renderPdf(json: PMNode, meta: ExportMeta): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    tagged: true,
    bufferPages: true,
    lang: meta.lang === 'fr' ? 'fr-FR' : 'en-GB',
    displayTitle: true,
    info: { Title: meta.title, Subject: meta.subtitle ?? meta.title, Creator: 'Concerto' }
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  try {
    const writer = new PdfWriter(doc);
    const root = doc.struct('Document');
    doc.addStructure(root);
    let blocks = json.content ?? [];
    // A document that opens with its own title is not given a second one.
    if (headingText(blocks[0]) !== meta.title.trim()) {
      writer.blocks(root, [{ type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: meta.title }] }], 0);
    } else {
      writer.blocks(root, [blocks[0]], 0);
      blocks = blocks.slice(1);
    }
    if (meta.subtitle) writer.blocks(root, [{ type: 'paragraph', content: [{ type: 'text', text: meta.subtitle, marks: [{ type: 'italic' }] }] }], 0);
    writer.blocks(root, blocks, 0);
    root.end();
    writer.pageNumbers(meta.lang);
    doc.end();
  } catch (err) {
    doc.end();
    return done.then(() => Promise.reject(err));
  }
  return done;
}
