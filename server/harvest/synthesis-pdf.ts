import PDFDocument from 'pdfkit';
import { SYNTHESIS_TEXT, type Synthesis } from './synthesis.ts';

/**
 * A workshop's synthesis as a tagged (accessible) PDF, in the reader's language: headings for
 * the tables, rounds, themes, ranking and actions; lists for notes and ideas. pdfkit, as the
 * agenda (server/meetings/agenda-pdf.ts), so it works without a browser.
 */
export function synthesisPdf(s: Synthesis, locale: 'fr' | 'en'): Promise<Buffer> {
  const t = SYNTHESIS_TEXT[locale];
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    tagged: true,
    lang: locale === 'fr' ? 'fr-FR' : 'en-GB',
    displayTitle: true,
    info: { Title: `${t.synthesis} — ${s.title}`, Author: s.bodyName, Subject: t.synthesis, Creator: 'Concerto' }
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const root = doc.struct('Document');
  doc.addStructure(root);
  const h = (level: 'H1' | 'H2' | 'H3', text: string) => {
    const size = level === 'H1' ? 20 : level === 'H2' ? 16 : 13;
    root.add(doc.struct(level, {}, () => doc.moveDown(level === 'H1' ? 0 : 0.8).font('Helvetica-Bold').fontSize(size).fillColor('#000000').text(text)));
  };
  const p = (text: string, opts: { muted?: boolean; indent?: number } = {}) => {
    root.add(
      doc.struct('P', {}, () =>
        doc
          .font('Helvetica')
          .fontSize(11)
          .fillColor(opts.muted ? '#333333' : '#000000')
          .text(text, { indent: opts.indent ?? 0 })
      )
    );
  };
  const list = (items: string[]) => {
    const l = doc.struct('L');
    root.add(l);
    for (const item of items) l.add(doc.struct('LI', {}, () => doc.font('Helvetica').fontSize(11).fillColor('#000000').text(`•  ${item}`, { indent: 12 })));
    l.end();
  };

  const when = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeZone: 'Europe/Paris' }).format(new Date(s.createdAt));
  h('H1', `${t.synthesis} — ${s.title}`);
  p(`${t.body} : ${s.bodyName}`);
  p(`${t.date} : ${when}`);
  if (s.purpose) p(`${t.purpose} : ${s.purpose}`);

  h('H2', t.tables);
  for (const table of s.tables) {
    h('H3', table.name);
    if (table.question) p(`${t.question} : ${table.question}`, { muted: true });
    if (!table.rounds.length) p(t.noNotes, { muted: true });
    for (const r of table.rounds) {
      p(t.round(r.round));
      if (r.notes.length) list(r.notes.map((n) => `${n.text}${n.authorName ? t.by(n.authorName) : ''}`));
      else p(t.noNotes, { muted: true, indent: 12 });
      if (r.summary) p(`${t.summary} : ${r.summary}`, { indent: 12 });
    }
  }

  h('H2', t.themes);
  const ideaLine = (i: { text: string; tableName: string; dots: number | null }) => `${i.text} (${i.tableName}${i.dots !== null ? `, ${t.dotsOf(i.dots)}` : ''})`;
  for (const theme of s.themes) {
    h('H3', theme.name);
    if (theme.ideas.length) list(theme.ideas.map(ideaLine));
  }
  if (s.ungrouped.length) {
    h('H3', t.ungrouped);
    list(s.ungrouped.map(ideaLine));
  }

  h('H2', t.ranking);
  if (!s.ranking) p(t.rankingHidden, { muted: true });
  else if (!s.ranking.length) p(t.rankingEmpty, { muted: true });
  else list(s.ranking.map((r) => `${r.rank}. ${r.text} — ${t.dotsOf(r.dots)} (${r.tableName})`));

  h('H2', t.actions);
  if (!s.actions.length) p(t.noActions, { muted: true });
  else
    list(
      s.actions.map((a) =>
        [a.title, `${t.status} : ${t.statuses[a.status]}`, `${t.horizon} : ${a.horizon ?? t.none}`, `${t.owner} : ${a.ownerName ?? t.none}`].join(' — ')
      )
    );

  root.end();
  doc.end();
  return done;
}
