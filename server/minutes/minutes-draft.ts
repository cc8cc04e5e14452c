import { pm, type PMNode } from '../documents/prosemirror.ts';
import { countsText, type Counts } from '../votes/vote-rules.ts';
import type { MinutesFact } from './minutes-facts.ts';

/**
 * The first draft of a meeting's minutes (compte rendu), built from the meeting record in French
 * and in the shape of seed 002's "Compte rendu Conseil de Concertation Locative": a header (body,
 * date, place), the attendance (present in the room, remote, represented and by whom, excused,
 * absent), the agenda, then each item with "Sujets évoqués" (its notes), its votes (question,
 * rule, counts, result) and "Décisions", and a closing record of decisions. Pure: record in,
 * ProseMirror JSON and the facts it states out.
 */

export type AttendanceStatus = 'present_room' | 'present_remote' | 'excused' | 'absent' | 'represented';

export interface MinutesRecord {
  bodyName: string;
  meeting: { title: string; startsAt: string; place: string; videoUrl: string | null };
  attendance: {
    personId: string;
    name: string;
    role: 'admin' | 'secretary' | 'chair' | 'member' | 'observer';
    college: 'landlord' | 'tenant' | 'other';
    affiliation: string;
    votingRight: boolean;
    status: AttendanceStatus;
    /** Who holds this member's proxy (status `represented`). */
    proxyHolderName: string | null;
  }[];
  /** Accepted items, in agenda order; a sub-item follows its parent. */
  agenda: {
    id: string;
    parentId: string | null;
    title: string;
    kind: 'information' | 'consultation' | 'decision';
    presenter: string;
    description: string;
    notes: string;
  }[];
  votes: {
    id: string;
    itemId: string;
    question: string;
    rule: string;
    mode: string;
    secret: boolean;
    status: 'open' | 'closed';
    quorumOverrideReason: string | null;
    result: { outcome: string; text: { fr: string }; counts: Counts } | null;
    /** Counts per college, when the rule needed them. */
    colleges?: { landlord: Counts; tenant: Counts } | null;
    /** A choice among options (instead of pour / contre / abstention): the options, votes per option and blank ballots once closed. */
    choice?: { options: { id: string; label: string }[]; optionCounts: Record<string, number> | null; blank: number | null } | null;
  }[];
  /** When the draft is made (ISO), printed in its closing line. */
  generatedAt: string;
}

export interface MinutesDraft {
  doc: PMNode;
  facts: MinutesFact[];
}

const ROLE: Record<string, string> = { chair: 'présidence', secretary: 'secrétariat', admin: 'administration', observer: 'observateur', member: '' };
const COLLEGE: Record<string, string> = { landlord: 'collège bailleur', tenant: 'collège locataires', other: '' };
const AFFILIATION: Record<string, string> = { afoc: 'AFOC', cgl: 'CGL', clcv: 'CLCV', cnl: 'CNL', csf: 'CSF', other_association: 'association', none: '' };
const KIND: Record<string, string> = { information: 'Point d’information', consultation: 'Consultation (avis)', decision: 'Point de décision' };
const MODE: Record<string, string> = { device: 'vote sur appareil', hybrid: 'vote mixte (salle et à distance)', hands: 'vote à main levée' };
const RULE: Record<string, string> = {
  simple_majority: 'majorité des suffrages exprimés',
  absolute_majority_members: 'majorité absolue des membres',
  two_thirds: 'deux tiers des suffrages exprimés',
  majority_each_college: 'majorité dans chaque collège',
  consensus: 'consensus, sans vote contre',
  advisory: 'avis consultatif'
};
const OUTCOME: Record<string, string> = { adopted: 'Adopté', rejected: 'Rejeté', favourable: 'Avis favorable', unfavourable: 'Avis défavorable', no_opinion: 'Pas d’avis majoritaire' };
const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII', 'XIII', 'XIV', 'XV', 'XVI', 'XVII', 'XVIII', 'XIX', 'XX'];

const roman = (n: number) => ROMAN[n - 1] ?? String(n);
const plural = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;

export function formatMeetingDate(iso: string): string {
  return new Intl.DateTimeFormat('fr-FR', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(new Date(iso));
}

function whoIs(a: MinutesRecord['attendance'][number]): string {
  const side = AFFILIATION[a.affiliation] || COLLEGE[a.college] || '';
  const details = [ROLE[a.role] ?? '', side, a.votingRight ? '' : a.role === 'observer' ? '' : 'sans voix délibérative'].filter(Boolean);
  return details.length ? ` (${details.join(', ')})` : '';
}

/** A text with blank-line-separated paragraphs as paragraphs; lines starting with "- " as a list. */
function textBlocks(text: string): PMNode[] {
  const blocks: PMNode[] = [];
  for (const chunk of text.split(/\n\s*\n/u).map((c) => c.trim()).filter(Boolean)) {
    const lines = chunk.split('\n').map((l) => l.trim());
    if (lines.every((l) => /^[-•*]\s+/u.test(l))) blocks.push(pm.bulletList(...lines.map((l) => [pm.paragraph(l.replace(/^[-•*]\s+/u, ''))])));
    else blocks.push(pm.paragraph(lines.join(' ')));
  }
  return blocks;
}

const toComplete = () => pm.paragraph(pm.italic('À compléter.'));

export function buildMinutesDraft(record: MinutesRecord): MinutesDraft {
  const facts: MinutesFact[] = [];
  const blocks: PMNode[] = [];
  const { meeting } = record;
  const when = formatMeetingDate(meeting.startsAt);

  // Header: as seed 002, the council, then "CCL du …", date and place.
  blocks.push(pm.heading(1, `Compte rendu — ${meeting.title}`));
  blocks.push(pm.paragraph(pm.bold(record.bodyName)));
  blocks.push(pm.paragraph('Réunion du ', when));
  facts.push({ id: 'header:date', kind: 'header', label: 'Date de la réunion', text: when });
  if (meeting.place) {
    blocks.push(pm.paragraph('Lieu : ', meeting.place));
    facts.push({ id: 'header:place', kind: 'header', label: 'Lieu de la réunion', text: meeting.place });
  }
  if (meeting.videoUrl) blocks.push(pm.paragraph('Réunion hybride, visioconférence : ', pm.link(meeting.videoUrl, meeting.videoUrl)));

  // Attendance.
  blocks.push(pm.heading(2, 'Participants'));
  const groups: { status: AttendanceStatus; title: string; label: string }[] = [
    { status: 'present_room', title: 'Présents dans la salle', label: 'Présent(e) dans la salle' },
    { status: 'present_remote', title: 'Présents à distance', label: 'Présent(e) à distance' },
    { status: 'represented', title: 'Représentés', label: 'Représenté(e)' },
    { status: 'excused', title: 'Excusés', label: 'Excusé(e)' },
    { status: 'absent', title: 'Absents', label: 'Absent(e)' }
  ];
  for (const g of groups) {
    const people = record.attendance.filter((a) => a.status === g.status).sort((a, b) => a.name.localeCompare(b.name, 'fr'));
    if (!people.length) continue;
    blocks.push(pm.heading(3, `${g.title} (${people.length})`));
    const items = people.map((a) => {
      if (a.status === 'represented' && a.proxyHolderName) {
        const text = `${a.name}, pouvoir donné à ${a.proxyHolderName}`;
        facts.push({ id: `proxy:${a.personId}`, kind: 'proxy', label: 'Pouvoir', text });
        return [pm.paragraph(text, whoIs(a))];
      }
      facts.push({ id: `attendance:${a.personId}`, kind: 'attendance', label: g.label, text: a.name });
      return [pm.paragraph(a.name, whoIs(a))];
    });
    blocks.push(pm.bulletList(...items));
  }
  const voting = record.attendance.filter((a) => a.votingRight);
  if (voting.length) {
    const counted = voting.filter((a) => a.status === 'present_room' || a.status === 'present_remote' || a.status === 'represented').length;
    blocks.push(pm.paragraph(`Membres avec voix délibérative présents ou représentés : ${counted} sur ${voting.length}.`));
  }

  // The agenda, numbered as the sections below.
  const top = record.agenda.filter((i) => !i.parentId);
  const children = (id: string) => record.agenda.filter((i) => i.parentId === id);
  if (top.length) {
    blocks.push(pm.heading(2, 'Ordre du jour'));
    blocks.push(
      pm.orderedList(
        ...top.map((item) => {
          const subs = children(item.id);
          return subs.length ? [pm.paragraph(item.title), pm.bulletList(...subs.map((s) => [pm.paragraph(s.title)]))] : [pm.paragraph(item.title)];
        })
      )
    );
  }

  const decisions: string[][] = [];
  const itemSection = (item: MinutesRecord['agenda'][number], number: string, level: 2 | 3) => {
    blocks.push(pm.heading(level, `${number}. ${item.title}`));
    const kind = [KIND[item.kind] ?? '', item.presenter ? `présenté par ${item.presenter}` : ''].filter(Boolean).join(' — ');
    if (kind) blocks.push(pm.paragraph(pm.italic(kind)));
    if (item.description.trim()) blocks.push(...textBlocks(item.description));
    const sub: 2 | 3 = 3;
    const heading = (title: string) => (level === 2 ? pm.heading(sub, title) : pm.paragraph(pm.bold(title)));
    blocks.push(heading('Sujets évoqués'));
    blocks.push(...(item.notes.trim() ? textBlocks(item.notes) : [toComplete()]));

    const votes = record.votes.filter((v) => v.itemId === item.id);
    for (const v of votes) {
      blocks.push(pm.paragraph(pm.bold('Vote : '), v.question));
      const details = [`Règle : ${RULE[v.rule] ?? v.rule}`, MODE[v.mode] ?? '', v.secret ? 'scrutin secret' : ''].filter(Boolean).join(' — ');
      blocks.push(pm.paragraph(details));
      if (v.quorumOverrideReason) blocks.push(pm.paragraph(`Vote ouvert sans quorum, motif : ${v.quorumOverrideReason}`));
      if (v.status !== 'closed' || !v.result) {
        blocks.push(pm.paragraph(pm.italic('Vote non clos à la fin de la réunion : aucun résultat.')));
        continue;
      }
      if (v.choice) {
        const { options, optionCounts, blank } = v.choice;
        const rows = options.map((o) => [o.label, String(optionCounts?.[o.id] ?? 0)]);
        if (blank != null) rows.push(['Bulletins blancs', String(blank)]);
        blocks.push(pm.table(['Option', 'Voix'], rows));
        blocks.push(pm.paragraph(pm.bold(v.result.text.fr)));
        facts.push({ id: `vote:${v.id}`, kind: 'vote', label: `Résultat du vote « ${v.question} »`, text: v.result.text.fr });
        decisions.push([`${number}. ${item.title}`, v.question, OUTCOME[v.result.outcome] ?? v.result.outcome]);
        continue;
      }
      const c = v.result.counts;
      const rows: string[][] = [['Total', String(c.pour), String(c.contre), String(c.abstention)]];
      if (v.colleges) {
        rows.unshift(
          ['Collège bailleur', String(v.colleges.landlord.pour), String(v.colleges.landlord.contre), String(v.colleges.landlord.abstention)],
          ['Collège locataires', String(v.colleges.tenant.pour), String(v.colleges.tenant.contre), String(v.colleges.tenant.abstention)]
        );
      }
      blocks.push(pm.table(['', 'Pour', 'Contre', 'Abstention'], rows));
      blocks.push(pm.paragraph(pm.bold(v.result.text.fr)));
      const recordedCounts = v.result.text.fr.includes(countsText(c).fr) ? { pour: c.pour, contre: c.contre, abstention: c.abstention } : undefined;
      facts.push({ id: `vote:${v.id}`, kind: 'vote', label: `Résultat du vote « ${v.question} »`, text: v.result.text.fr, counts: recordedCounts });
      decisions.push([`${number}. ${item.title}`, v.question, OUTCOME[v.result.outcome] ?? v.result.outcome]);
    }
    blocks.push(heading('Décisions'));
    const closed = votes.filter((v) => v.status === 'closed' && v.result);
    if (closed.length) blocks.push(pm.bulletList(...closed.map((v) => [pm.paragraph(`${v.question} : ${(OUTCOME[v.result!.outcome] ?? v.result!.outcome).toLowerCase()}.`)])));
    else blocks.push(item.kind === 'information' ? pm.paragraph(pm.italic('Point d’information, sans décision.')) : toComplete());
  };

  top.forEach((item, i) => {
    const number = roman(i + 1);
    itemSection(item, number, 2);
    children(item.id).forEach((s, j) => itemSection(s, `${number}.${j + 1}`, 3));
  });

  blocks.push(pm.heading(2, 'Relevé des décisions'));
  if (decisions.length) blocks.push(pm.table(['Point', 'Question', 'Résultat'], decisions));
  else blocks.push(pm.paragraph('Aucun vote n’a eu lieu pendant cette réunion.'));

  blocks.push(
    pm.paragraph(
      pm.italic(
        `Brouillon établi le ${formatMeetingDate(record.generatedAt)} à partir du registre de la réunion (${plural(facts.length, 'fait', 'faits')} : présences, pouvoirs, votes). ` +
          'Ces faits sont listés à côté de l’éditeur ; un avertissement s’affiche si le texte ne les reprend plus.'
      )
    )
  );

  return { doc: pm.doc(...blocks), facts };
}

/**
 * The draft as a new section appended to minutes that already have text: the same content under
 * a dated heading, so nothing written by hand is replaced.
 */
export function regeneratedSection(draft: MinutesDraft, generatedAt: string): PMNode {
  const [, ...rest] = draft.doc.content ?? [];
  return pm.doc(pm.heading(2, `Nouvelle version du registre — ${formatMeetingDate(generatedAt)}`), ...rest);
}
