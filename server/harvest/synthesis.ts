import * as Y from 'yjs';
import type { Db } from '../db/db.ts';
import type { ActionService, ActionView } from '../actions/actions.service.ts';
import { Errors } from '../shared/app-error.ts';
import type { DocumentStore } from '../yjs/document-store.ts';
import { readNotes, readSummaries, tableclothDocName, type TableclothNote } from '../../src/lib/workshops/tablecloth.ts';
import type { HarvestService, HarvestActor } from './harvest.service.ts';

/** A workshop's synthesis as plain data, rendered by synthesis-pdf.ts and synthesis-docx.ts. */
export interface Synthesis {
  title: string;
  purpose: string;
  bodyName: string;
  createdAt: string;
  roundCount: number;
  tables: {
    name: string;
    question: string;
    rounds: { round: number; notes: { text: string; authorName: string | null }[]; summary: string }[];
  }[];
  themes: { name: string; ideas: { text: string; tableName: string; dots: number | null }[] }[];
  /** Ideas not grouped into a theme. */
  ungrouped: { text: string; tableName: string; dots: number | null }[];
  /** null while the dot results are hidden. */
  ranking: { rank: number; text: string; tableName: string; dots: number }[] | null;
  actions: Pick<ActionView, 'title' | 'ownerName' | 'horizon' | 'status'>[];
}

/**
 * Builds the synthesis for someone who may see the harvest: tables and their questions, each
 * round's notes and host summary (read from the tablecloth documents), the themes with their
 * ideas, the dot ranking (when shown) and the actions the workshop led to.
 */
export async function buildSynthesis(
  deps: { db: Db; harvest: HarvestService; actions: ActionService; documents: DocumentStore },
  actor: HarvestActor | null,
  workshopId: string
): Promise<Synthesis> {
  const state = await deps.harvest.state(actor, workshopId);
  const [w] = await deps.db.query<{ title: string; purpose: string; round_count: number; created_at: Date; body_name: string }>(
    `select w.title, w.purpose, w.round_count, w.created_at, b.name as body_name from workshops w join bodies b on b.id = w.body_id where w.id = $1`,
    [workshopId]
  );
  if (!w) throw Errors.notFound({ fr: 'Atelier', en: 'Workshop' });
  const tableRows = await deps.db.query<{ id: string; name: string; question: string }>(
    'select id, name, question from workshop_tables where workshop_id = $1 order by position, id',
    [workshopId]
  );
  const tables: Synthesis['tables'] = [];
  for (const t of tableRows) {
    const ydoc: Y.Doc = await deps.documents.open(tableclothDocName(t.id));
    let notes: TableclothNote[];
    let summaries: Record<number, string>;
    try {
      notes = readNotes(ydoc);
      summaries = readSummaries(ydoc);
    } finally {
      ydoc.destroy();
    }
    const roundsSeen = new Set<number>([...notes.map((n) => n.round), ...Object.keys(summaries).map(Number)]);
    const rounds = [...roundsSeen]
      .sort((a, b) => a - b)
      .map((round) => ({
        round,
        notes: notes.filter((n) => n.round === round && n.text.trim()).map((n) => ({ text: n.text, authorName: n.authorName })),
        summary: (summaries[round] ?? '').trim()
      }));
    tables.push({ name: t.name, question: t.question, rounds });
  }
  const ideaOut = (i: (typeof state.ideas)[number]) => ({ text: i.text, tableName: i.tableName, dots: i.dots });
  const byId = new Map(state.ideas.map((i) => [i.id, i]));
  const actions = await deps.actions.listForWorkshop(workshopId);
  return {
    title: w.title,
    purpose: w.purpose,
    bodyName: w.body_name,
    createdAt: new Date(w.created_at).toISOString(),
    roundCount: w.round_count,
    tables,
    themes: state.themes.map((th) => ({ name: th.name, ideas: state.ideas.filter((i) => i.themeId === th.id).map(ideaOut) })),
    ungrouped: state.ideas.filter((i) => !i.themeId).map(ideaOut),
    ranking: state.ranking
      ? state.ranking.map((r) => ({ rank: r.rank, dots: r.dots, text: byId.get(r.id)?.text ?? '', tableName: byId.get(r.id)?.tableName ?? '' }))
      : null,
    actions: actions.map((a) => ({ title: a.title, ownerName: a.ownerName, horizon: a.horizon, status: a.status }))
  };
}

/** The words of the synthesis in both languages (exports are made in the reader's language). */
export const SYNTHESIS_TEXT = {
  fr: {
    synthesis: 'Synthèse de l’atelier',
    body: 'Instance',
    date: 'Date',
    purpose: 'Objectif',
    tables: 'Les tables',
    question: 'Question',
    round: (n: number) => `Tour ${n}`,
    notes: 'Idées notées',
    noNotes: 'Aucune idée notée.',
    summary: 'Synthèse de l’hôte',
    by: (name: string) => ` (${name})`,
    themes: 'Thèmes et idées',
    ungrouped: 'Idées non regroupées',
    ranking: 'Priorités (vote par gommettes)',
    rankingHidden: 'Les résultats du vote ne sont pas encore affichés.',
    rankingEmpty: 'Aucune gommette placée.',
    rank: 'Rang',
    idea: 'Idée',
    table: 'Table',
    dots: 'Gommettes',
    dotsOf: (n: number) => `${n} gommette${n > 1 ? 's' : ''}`,
    actions: 'Actions retenues',
    noActions: 'Aucune action pour l’instant.',
    action: 'Action',
    owner: 'Responsable',
    horizon: 'Échéance',
    status: 'Statut',
    none: '—',
    statuses: { validee: 'Validée', en_cours: 'En cours', a_etudier: 'À étudier' }
  },
  en: {
    synthesis: 'Workshop synthesis',
    body: 'Body',
    date: 'Date',
    purpose: 'Purpose',
    tables: 'Tables',
    question: 'Question',
    round: (n: number) => `Round ${n}`,
    notes: 'Ideas written',
    noNotes: 'No ideas written.',
    summary: 'Host’s summary',
    by: (name: string) => ` (${name})`,
    themes: 'Themes and ideas',
    ungrouped: 'Ideas not grouped',
    ranking: 'Priorities (dot voting)',
    rankingHidden: 'The vote results are not shown yet.',
    rankingEmpty: 'No dots placed.',
    rank: 'Rank',
    idea: 'Idea',
    table: 'Table',
    dots: 'Dots',
    dotsOf: (n: number) => `${n} dot${n > 1 ? 's' : ''}`,
    actions: 'Resulting actions',
    noActions: 'No actions yet.',
    action: 'Action',
    owner: 'Owner',
    horizon: 'Horizon',
    status: 'Status',
    none: '—',
    statuses: { validee: 'Approved', en_cours: 'In progress', a_etudier: 'To be studied' }
  }
} as const;

export const synthesisFileName = (title: string, ext: 'pdf' | 'docx') =>
  `synthese-${
    title
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'atelier'
  }.${ext}`;
