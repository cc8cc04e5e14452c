import PDFDocument from 'pdfkit';
import type { MeetingState } from './meetings.types.ts';

const KIND = {
  fr: { information: 'Information', consultation: 'Consultation (avis)', decision: 'Décision' },
  en: { information: 'Information', consultation: 'Consultation (opinion)', decision: 'Decision' }
} as const;

const T = {
  fr: { agenda: 'Ordre du jour', when: 'Date', where: 'Lieu', video: 'Visioconférence', presenter: 'Présenté par', minutes: 'min', total: 'Durée prévue' },
  en: { agenda: 'Agenda', when: 'Date', where: 'Place', video: 'Video link', presenter: 'Presented by', minutes: 'min', total: 'Planned duration' }
} as const;

/**
 * The convened agenda as a tagged (accessible) PDF: headings, a list of items with their kind,
 * presenter and planned duration, in the reader's language. Built with pdfkit so it works
 * after `npm install` alone, without a browser.
 */
export function agendaPdf(state: MeetingState, locale: 'fr' | 'en'): Promise<Buffer> {
  const t = T[locale];
  const m = state.meeting;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    tagged: true,
    lang: locale === 'fr' ? 'fr-FR' : 'en-GB',
    displayTitle: true,
    info: { Title: `${t.agenda} — ${m.title}`, Author: m.bodyName, Subject: t.agenda, Creator: 'Concerto' }
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const when = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(new Date(m.startsAt));
  const root = doc.struct('Document');
  doc.addStructure(root);
  root.add(doc.struct('H1', {}, () => doc.font('Helvetica-Bold').fontSize(20).text(`${t.agenda} — ${m.title}`)));
  root.add(
    doc.struct('P', {}, () =>
      doc
        .font('Helvetica')
        .fontSize(12)
        .moveDown(0.5)
        .text(m.bodyName)
        .text(`${t.when} : ${when}`)
        .text(m.place ? `${t.where} : ${m.place}` : '')
        .text(m.videoUrl ? `${t.video} : ${m.videoUrl}` : '')
    )
  );
  const items = state.agenda.filter((i) => i.status === 'accepted');
  const total = items.reduce((s, i) => s + i.plannedMinutes, 0);
  root.add(doc.struct('P', {}, () => doc.moveDown(0.5).text(`${t.total} : ${Math.floor(total / 60)} h ${String(total % 60).padStart(2, '0')}`)));

  const list = doc.struct('L');
  root.add(list);
  let n = 0;
  let sub = 0;
  for (const item of items) {
    const label = item.parentId ? `${n}.${++sub}` : `${++n}`;
    if (!item.parentId) sub = 0;
    const indent = item.parentId ? 24 : 0;
    list.add(
      doc.struct('LI', {}, () => {
        doc.moveDown(0.6).font('Helvetica-Bold').fontSize(13).text(`${label}. ${item.title}`, { indent });
        const meta = [KIND[locale][item.kind], item.presenter ? `${t.presenter} ${item.presenter}` : '', `${item.plannedMinutes} ${t.minutes}`].filter(Boolean).join(' · ');
        doc.font('Helvetica').fontSize(11).fillColor('#333333').text(meta, { indent });
        if (item.description) doc.fillColor('#000000').text(item.description, { indent });
        doc.fillColor('#000000');
      })
    );
  }
  list.end();
  root.end();
  doc.end();
  return done;
}
