import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import { SYNTHESIS_TEXT, type Synthesis } from './synthesis.ts';

/** A workshop's synthesis as an editable Word document (headings, bulleted ideas, tables for the ranking and the actions). */
export async function synthesisDocx(s: Synthesis, locale: 'fr' | 'en'): Promise<Buffer> {
  const t = SYNTHESIS_TEXT[locale];
  const children: (Paragraph | Table)[] = [];
  const h = (level: 1 | 2 | 3, text: string) =>
    children.push(new Paragraph({ text, heading: level === 1 ? HeadingLevel.HEADING_1 : level === 2 ? HeadingLevel.HEADING_2 : HeadingLevel.HEADING_3 }));
  const p = (text: string, italics = false) => children.push(new Paragraph({ children: [new TextRun({ text, italics })] }));
  const bullet = (text: string) => children.push(new Paragraph({ text, bullet: { level: 0 } }));
  const table = (head: string[], rows: string[][]) =>
    children.push(
      new Table({
        width: { size: 100, type: WidthType.PERCENTAGE },
        rows: [
          new TableRow({ tableHeader: true, children: head.map((c) => new TableCell({ children: [new Paragraph({ children: [new TextRun({ text: c, bold: true })] })] })) }),
          ...rows.map((r) => new TableRow({ children: r.map((c) => new TableCell({ children: [new Paragraph(c)] })) }))
        ]
      })
    );

  const when = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeZone: 'Europe/Paris' }).format(new Date(s.createdAt));
  h(1, `${t.synthesis} — ${s.title}`);
  p(`${t.body} : ${s.bodyName}`);
  p(`${t.date} : ${when}`);
  if (s.purpose) p(`${t.purpose} : ${s.purpose}`);

  h(2, t.tables);
  for (const tb of s.tables) {
    h(3, tb.name);
    if (tb.question) p(`${t.question} : ${tb.question}`, true);
    if (!tb.rounds.length) p(t.noNotes, true);
    for (const r of tb.rounds) {
      children.push(new Paragraph({ children: [new TextRun({ text: t.round(r.round), bold: true })] }));
      if (r.notes.length) for (const n of r.notes) bullet(`${n.text}${n.authorName ? t.by(n.authorName) : ''}`);
      else p(t.noNotes, true);
      if (r.summary) p(`${t.summary} : ${r.summary}`);
    }
  }

  h(2, t.themes);
  const ideaLine = (i: { text: string; tableName: string; dots: number | null }) => `${i.text} (${i.tableName}${i.dots !== null ? `, ${t.dotsOf(i.dots)}` : ''})`;
  for (const theme of s.themes) {
    h(3, theme.name);
    for (const i of theme.ideas) bullet(ideaLine(i));
  }
  if (s.ungrouped.length) {
    h(3, t.ungrouped);
    for (const i of s.ungrouped) bullet(ideaLine(i));
  }

  h(2, t.ranking);
  if (!s.ranking) p(t.rankingHidden, true);
  else if (!s.ranking.length) p(t.rankingEmpty, true);
  else table([t.rank, t.idea, t.table, t.dots], s.ranking.map((r) => [String(r.rank), r.text, r.tableName, String(r.dots)]));

  h(2, t.actions);
  if (!s.actions.length) p(t.noActions, true);
  else table([t.action, t.status, t.horizon, t.owner], s.actions.map((a) => [a.title, t.statuses[a.status], a.horizon === null ? t.none : String(a.horizon), a.ownerName ?? t.none]));

  const doc = new Document({
    creator: 'Concerto',
    title: `${t.synthesis} — ${s.title}`,
    description: s.bodyName,
    sections: [{ children }]
  });
  return Packer.toBuffer(doc);
}
