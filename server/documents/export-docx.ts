import {
  AlignmentType,
  BorderStyle,
  Document,
  ExternalHyperlink,
  HeadingLevel,
  LevelFormat,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type ParagraphChild
} from 'docx';
import type { ExportMeta } from './export-pdf.ts';
import { plainText, type PMNode } from './prosemirror.ts';

const HEADING = { 1: HeadingLevel.HEADING_1, 2: HeadingLevel.HEADING_2, 3: HeadingLevel.HEADING_3 } as const;
const ORDERED = 'concerto-ordered';
const BULLET = 'concerto-bullet';
const MAX_LEVEL = 8;

type Block = Paragraph | Table;

interface Ctx {
  /** List nesting (0 outside lists). */
  depth: number;
  /** The Word list a paragraph of the current list item belongs to. */
  list: { reference: string; instance: number } | null;
  /** Left indent of a blockquote, in twips. */
  quote: number;
}

class DocxWriter {
  private instances = 0;

  private runs(nodes: PMNode[] | undefined): ParagraphChild[] {
    const out: ParagraphChild[] = [];
    for (const n of nodes ?? []) {
      if (n.type === 'hardBreak') {
        out.push(new TextRun({ text: '', break: 1 }));
        continue;
      }
      if (n.type !== 'text' || !n.text) continue;
      const marks = new Map((n.marks ?? []).map((m) => [m.type, m.attrs ?? {}]));
      const href = marks.get('link')?.href;
      const style = {
        text: n.text,
        bold: marks.has('bold') || undefined,
        italics: marks.has('italic') || undefined,
        strike: marks.has('strike') || undefined,
        underline: marks.has('underline') ? {} : undefined
      };
      if (typeof href === 'string' && /^(https?:|mailto:)/iu.test(href)) {
        out.push(new ExternalHyperlink({ link: href, children: [new TextRun({ ...style, style: 'Hyperlink' })] }));
      } else {
        out.push(new TextRun(style));
      }
    }
    return out;
  }

  blocks(nodes: PMNode[] | undefined, ctx: Ctx): Block[] {
    const out: Block[] = [];
    let firstInItem = true;
    for (const node of nodes ?? []) {
      out.push(...this.block(node, ctx, firstInItem));
      firstInItem = false;
    }
    return out;
  }

  private block(node: PMNode, ctx: Ctx, firstInItem: boolean): Block[] {
    const indent = ctx.quote ? { left: ctx.quote } : undefined;
    switch (node.type) {
      case 'heading': {
        const level = Math.min(3, Math.max(1, Number(node.attrs?.level ?? 1))) as 1 | 2 | 3;
        return [new Paragraph({ heading: HEADING[level], children: this.runs(node.content), indent, keepNext: true })];
      }
      case 'paragraph': {
        // The first paragraph of a list item carries its bullet or number; the next ones are
        // indented like it, without a marker.
        if (ctx.list && firstInItem) {
          return [new Paragraph({ children: this.runs(node.content), numbering: { reference: ctx.list.reference, level: Math.min(ctx.depth - 1, MAX_LEVEL), instance: ctx.list.instance } })];
        }
        if (ctx.list) return [new Paragraph({ children: this.runs(node.content), indent: { left: 720 * ctx.depth } })];
        return [new Paragraph({ children: this.runs(node.content), indent })];
      }
      case 'bulletList':
      case 'orderedList': {
        const reference = node.type === 'orderedList' ? ORDERED : BULLET;
        const list = { reference, instance: ++this.instances };
        const inner: Ctx = { depth: ctx.depth + 1, list, quote: ctx.quote };
        return (node.content ?? []).flatMap((item) => this.blocks(item.content, inner));
      }
      case 'blockquote':
        return this.blocks(node.content, { ...ctx, quote: ctx.quote + 567 });
      case 'horizontalRule':
        return [new Paragraph({ children: [], border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: '888888', space: 1 } } })];
      case 'table':
        return [this.table(node), new Paragraph({ children: [] })];
      default:
        return node.content ? this.blocks(node.content, ctx) : [];
    }
  }

  private table(node: PMNode): Table {
    const rows = (node.content ?? []).filter((r) => r.type === 'tableRow');
    return new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      rows: rows.map((row) => {
        const header = (row.content ?? []).length > 0 && (row.content ?? []).every((c) => c.type === 'tableHeader');
        return new TableRow({
          tableHeader: header || undefined,
          cantSplit: true,
          children: (row.content ?? []).map((cell) => {
            const content = this.blocks(cell.content, { depth: 0, list: null, quote: 0 });
            return new TableCell({
              columnSpan: Number(cell.attrs?.colspan ?? 1) || 1,
              rowSpan: Number(cell.attrs?.rowspan ?? 1) || 1,
              shading: cell.type === 'tableHeader' ? { fill: 'E8E8E8' } : undefined,
              children: content.length ? content : [new Paragraph({ children: [] })]
            });
          })
        });
      })
    });
  }
}

const levels = (format: (typeof LevelFormat)[keyof typeof LevelFormat], text: (l: number) => string) =>
  Array.from({ length: MAX_LEVEL + 1 }, (_, level) => ({
    level,
    format,
    text: text(level),
    alignment: AlignmentType.LEFT,
    style: { paragraph: { indent: { left: 720 * (level + 1), hanging: 360 } } }
  }));

/**
 * A co-edited document as a Word file to finish or circulate: real Word headings (Titre 1–3 in
 * a French Word), bulleted and numbered lists as Word lists (each list numbered from 1), tables
 * with a repeated header row, bold, italic and links, in the document's language.
 */
export async function renderDocx(json: PMNode, meta: ExportMeta): Promise<Buffer> {
  const writer = new DocxWriter();
  let blocks = json.content ?? [];
  const children: Block[] = [];
  const first = blocks[0];
  if (first?.type === 'heading' && plainText(first).trim() === meta.title.trim()) {
    children.push(new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(meta.title)] }));
    blocks = blocks.slice(1);
  } else {
    children.push(new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(meta.title)] }));
  }
  if (meta.subtitle) children.push(new Paragraph({ children: [new TextRun({ text: meta.subtitle, italics: true })] }));
  children.push(...writer.blocks(blocks, { depth: 0, list: null, quote: 0 }));

  const language = { value: meta.lang === 'fr' ? 'fr-FR' : 'en-GB' };
  const doc = new Document({
    title: meta.title,
    subject: meta.subtitle,
    creator: 'Concerto',
    styles: { default: { document: { run: { font: 'Calibri', size: 22, language } } } },
    numbering: {
      config: [
        { reference: ORDERED, levels: levels(LevelFormat.DECIMAL, (l) => `%${l + 1}.`) },
        { reference: BULLET, levels: levels(LevelFormat.BULLET, (l) => (l % 2 === 0 ? '•' : '◦')) }
      ]
    },
    sections: [{ children }]
  });
  return Packer.toBuffer(doc);
}
