import type { Logger } from 'pino';
import type { Mailer } from '../mail/mailer.ts';
import { z } from 'zod';
import type { AccessService } from '../access.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { policy, type OrgAccess } from '../auth/policy.ts';
import type { Db, Queryable } from '../db/db.ts';
import { renderDocx } from '../documents/export-docx.ts';
import { renderPdf } from '../documents/export-pdf.ts';
import { appendJSONToYDoc, jsonToYUpdate, plainText, yDocToJSON, type PMNode } from '../documents/prosemirror.ts';
import type { MeetingService } from '../meetings/meetings.service.ts';
import { AppError, Errors, bi } from '../shared/app-error.ts';
import { fields, isUuid, validate } from '../shared/validate.ts';
import type { VoteService } from '../votes/votes.service.ts';
import type { DocumentStore } from '../yjs/document-store.ts';
import { buildMinutesDraft, formatMeetingDate, regeneratedSection, type MinutesRecord } from './minutes-draft.ts';
import { checkFacts, type FactsCheck, type MinutesFact } from './minutes-facts.ts';
import { minutesRights, type MinutesRights, type MinutesStatus } from './minutes-policy.ts';

export type { MinutesRights, MinutesStatus };
import { DOCUMENT_FRAGMENT } from '../../src/lib/editor/extensions.ts';


const MINUTES = bi('Compte rendu', 'Minutes');
const MEETING = bi('Réunion', 'Meeting');
/** Outcomes of an approving vote that approve the minutes. */
const APPROVING = ['adopted', 'favourable'];

export const minutesDocName = (meetingId: string) => `minutes:${meetingId}`;

export const generateSchema = z.object({ mode: z.enum(['new', 'append']).default('new') });
export const transitionSchema = z.object({ to: z.enum(['submitted', 'draft', 'published']) });
export const approvalSchema = z.object({ voteId: fields.uuid() });

interface MeetingRow {
  id: string;
  organisation_id: string;
  body_id: string;
  body_name: string;
  title: string;
  starts_at: Date;
  status: 'draft' | 'convened' | 'live' | 'closed';
}

interface MinutesRow {
  id: string;
  status: MinutesStatus;
  facts: MinutesFact[];
  generations: number;
  generated_at: Date | null;
  submitted_at: Date | null;
  approved_at: Date | null;
  approved_by_vote_id: string | null;
  published_at: Date | null;
  content: PMNode | null;
}

interface Viewer {
  actor: AuthUser;
  meeting: MeetingRow;
  access: OrgAccess;
  row: MinutesRow | null;
  status: MinutesStatus;
  manager: boolean;
  /** A tenant representative of the body (tenant college, not an observer): finishes the draft with the secretariat. */
  tenantRep: boolean;
  can: MinutesRights;
}


export interface ApprovalVote {
  voteId: string;
  question: string;
  meetingId: string;
  meetingTitle: string;
  startsAt: string;
  status: 'open' | 'closed';
  /** The result sentence once closed ("Adopté : 6 pour, …"). */
  result: string | null;
  approves: boolean;
}

export interface MinutesView {
  meetingId: string;
  meetingTitle: string;
  meetingStatus: MeetingRow['status'];
  bodyId: string;
  bodyName: string;
  startsAt: string;
  docName: string;
  status: MinutesStatus;
  /** Whether a draft was ever generated. */
  generated: boolean;
  generations: number;
  generatedAt: string | null;
  submittedAt: string | null;
  approvedAt: string | null;
  publishedAt: string | null;
  facts: MinutesFact[];
  approvals: ApprovalVote[];
  approvedBy: ApprovalVote | null;
  /** The text as submitted (from submission on); while a draft, the text is the live document. */
  content: PMNode | null;
  can: MinutesRights;
}

export interface MinutesFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

/** What the minutes need from the rest of the composition (`services` itself fits). */
export interface MinutesDeps {
  votes: VoteService;
  documents: DocumentStore;
  /** A mail goes with each publication notice when SMTP is set. */
  mailer?: Mailer;
  config?: { origin: string | null };
}

const iso = (d: Date | string | null) => (d == null ? null : new Date(d).toISOString());

/**
 * The minutes (compte rendu) of a meeting: a draft generated from the meeting record into the
 * co-edited document `minutes:<meetingId>` (never over text someone wrote), facts from the record
 * kept in Postgres and checked against the text, then `draft → submitted → approved → published`.
 * Approval is a vote at a later meeting of the body: when such a vote closes adopted, the minutes
 * are approved (heard from the vote service, and checked again from Postgres on every read, so
 * any instance of several gets there). Publication shows them to every member and leaves each an
 * in-app notice.
 */
export class MinutesService {
  private deps: MinutesDeps | null = null;

  constructor(
    private readonly db: Db,
    private readonly access: AccessService,
    private readonly meetings: MeetingService,
    private readonly logger?: Logger
  ) {}

  /**
   * The vote service (to hear votes close) and the document store (bound to the Yjs server) are
   * given by the composition root once both exist (server/app.ts, beside `documents.bind`).
   */
  bind(deps: MinutesDeps): void {
    if (this.deps) return;
    this.deps = deps;
    deps.votes.onChange((change) => {
      if (change.kind !== 'closed') return;
      this.settleForVote(change.voteId).catch((err: unknown) => this.logger?.error({ err, voteId: change.voteId }, 'minutes approval check failed'));
    });
  }

  private get votes(): VoteService {
    if (!this.deps) throw new Error('the minutes service is not bound yet');
    return this.deps.votes;
  }

  private get documents(): DocumentStore {
    if (!this.deps) throw new Error('the minutes service is not bound yet');
    return this.deps.documents;
  }

  // Who may do what ---------------------------------------------------------------------------

  private async viewer(actor: AuthUser | null, meetingId: string, q: Queryable = this.db): Promise<Viewer> {
    if (!actor) throw Errors.unauthorised();
    if (!isUuid(meetingId)) throw Errors.notFound(MEETING);
    const [meeting] = await q.query<MeetingRow>(
      `select m.id, m.organisation_id, m.body_id, b.name as body_name, m.title, m.starts_at, m.status
         from meetings m join bodies b on b.id = m.body_id where m.id = $1`,
      [meetingId]
    );
    if (!meeting) throw Errors.notFound(MEETING);
    const access = await this.access.forOrganisation(actor, meeting.organisation_id);
    if (!access || !policy.viewMeeting(access, meeting.body_id)) throw Errors.notFound(MEETING);
    const [row] = await q.query<MinutesRow>('select * from minutes where meeting_id = $1', [meetingId]);
    const memberships = access.personId
      ? await q.query<{ role: string; college: string }>('select role, college from memberships where body_id = $1 and person_id = $2', [meeting.body_id, access.personId])
      : [];
    const manager = policy.manageMeeting(access, meeting.body_id);
    const tenantRep = memberships.some((m) => m.college === 'tenant' && m.role !== 'observer');
    const status: MinutesStatus = row?.status ?? 'draft';
    const can = minutesRights(
      { manager, tenantRep, member: policy.viewMeeting(access, meeting.body_id) },
      { meetingStatus: meeting.status, exists: !!row, status, generations: row?.generations ?? 0 }
    );
    return { actor, meeting, access, row: row ?? null, status, manager, tenantRep, can };
  }

  private async readable(actor: AuthUser | null, meetingId: string): Promise<Viewer> {
    let v = await this.viewer(actor, meetingId);
    if (v.row?.status === 'submitted' && (await this.settle(v.row.id))) v = await this.viewer(actor, meetingId);
    if (!v.can.read) {
      if (v.manager || v.tenantRep) {
        throw new AppError(
          'conflict',
          bi('Le compte rendu se prépare une fois la réunion ouverte (secrétariat) ou close (représentants des locataires).', 'Minutes are prepared once the meeting is live (secretariat) or closed (tenant representatives).')
        );
      }
      throw new AppError('forbidden', bi('Le compte rendu sera visible par les membres une fois publié.', 'Members can read the minutes once they are published.'));
    }
    return v;
  }

  /**
   * What a Yjs connection to `minutes:<meetingId>` may do: edit while a draft (secretariat and
   * tenant representatives), read for the others who may read, refused otherwise.
   */
  async documentAccess(actor: AuthUser | null, meetingId: string): Promise<'edit' | 'read' | 'forbidden' | 'notFound'> {
    try {
      const v = await this.viewer(actor, meetingId);
      if (v.can.edit) return 'edit';
      return v.can.read ? 'read' : 'forbidden';
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') return 'notFound';
      if (err instanceof AppError) return 'forbidden';
      throw err;
    }
  }

  // Reading -----------------------------------------------------------------------------------

  async get(actor: AuthUser | null, meetingId: string): Promise<MinutesView> {
    return this.view(await this.readable(actor, meetingId));
  }

  private async view(v: Viewer): Promise<MinutesView> {
    const approvals = v.row ? await this.approvalsOf(v.row.id) : [];
    const row = v.row;
    return {
      meetingId: v.meeting.id,
      meetingTitle: v.meeting.title,
      meetingStatus: v.meeting.status,
      bodyId: v.meeting.body_id,
      bodyName: v.meeting.body_name,
      startsAt: iso(v.meeting.starts_at)!,
      docName: minutesDocName(v.meeting.id),
      status: v.status,
      generated: !!row && row.generations > 0,
      generations: row?.generations ?? 0,
      generatedAt: iso(row?.generated_at ?? null),
      submittedAt: iso(row?.submitted_at ?? null),
      approvedAt: iso(row?.approved_at ?? null),
      publishedAt: iso(row?.published_at ?? null),
      facts: row?.facts ?? [],
      approvals,
      approvedBy: approvals.find((a) => a.voteId === row?.approved_by_vote_id) ?? null,
      content: v.status === 'draft' ? null : (row?.content ?? null),
      can: v.can
    };
  }

  private async approvalsOf(minutesId: string): Promise<ApprovalVote[]> {
    const rows = await this.db.query<{ id: string; question: string; meeting_id: string; title: string; starts_at: Date; status: 'open' | 'closed'; result: { outcome: string; text: { fr: string } } | null }>(
      `select v.id, v.question, v.meeting_id, m.title, m.starts_at, v.status, v.result
         from minutes_approvals a join votes v on v.id = a.vote_id join meetings m on m.id = v.meeting_id
        where a.minutes_id = $1 order by a.created_at`,
      [minutesId]
    );
    return rows.map((r) => ({
      voteId: r.id,
      question: r.question,
      meetingId: r.meeting_id,
      meetingTitle: r.title,
      startsAt: iso(r.starts_at)!,
      status: r.status,
      result: r.result?.text?.fr ?? null,
      approves: r.status === 'closed' && APPROVING.includes(r.result?.outcome ?? '')
    }));
  }

  /** The text as it is now: the live document while a draft, the submitted text afterwards. */
  private async currentText(v: Viewer): Promise<PMNode> {
    if (v.status !== 'draft' && v.row?.content) return v.row.content;
    const ydoc = await this.documents.open(minutesDocName(v.meeting.id));
    try {
      return yDocToJSON(ydoc);
    } finally {
      ydoc.destroy();
    }
  }

  /** The text as ProseMirror JSON: the live draft, or the submitted text. */
  async text(actor: AuthUser | null, meetingId: string): Promise<PMNode> {
    return this.currentText(await this.readable(actor, meetingId));
  }

  /** Which facts of the record the text no longer states, and counts that contradict it. */
  async check(actor: AuthUser | null, meetingId: string): Promise<FactsCheck> {
    const v = await this.readable(actor, meetingId);
    return checkFacts(v.row?.facts ?? [], plainText(await this.currentText(v)));
  }

  // The draft ---------------------------------------------------------------------------------

  /** The meeting record as the draft generator takes it, read with the actor's rights. */
  async record(actor: AuthUser, meetingId: string, generatedAt: string): Promise<MinutesRecord> {
    const [state, votes] = await Promise.all([this.meetings.state(actor, meetingId), this.votes.listForMeeting(actor, meetingId)]);
    const names = new Map(state.attendance.map((a) => [a.personId, a.name]));
    const accepted = state.agenda.filter((i) => i.status === 'accepted');
    const ordered = [...accepted.filter((i) => !i.parentId).flatMap((top) => [top, ...accepted.filter((c) => c.parentId === top.id)])];
    return {
      bodyName: state.meeting.bodyName,
      meeting: { title: state.meeting.title, startsAt: state.meeting.startsAt, place: state.meeting.place, videoUrl: state.meeting.videoUrl },
      attendance: state.attendance.map((a) => ({
        personId: a.personId,
        name: a.name,
        role: a.role,
        college: a.college,
        affiliation: a.affiliation,
        votingRight: a.votingRight,
        status: a.status,
        proxyHolderName: a.proxyHolderId ? (names.get(a.proxyHolderId) ?? null) : null
      })),
      agenda: ordered.map((i) => ({ id: i.id, parentId: i.parentId, title: i.title, kind: i.kind, presenter: i.presenter, description: i.description, notes: i.notes })),
      votes: votes.map((vote) => ({
        id: vote.id,
        itemId: vote.itemId,
        question: vote.question,
        rule: vote.rule,
        mode: vote.mode,
        secret: vote.secret,
        status: vote.status,
        quorumOverrideReason: vote.quorumOverrideReason,
        result: vote.result ? { outcome: vote.result.outcome, text: vote.result.text, counts: vote.result.counts } : null,
        colleges: vote.rule === 'majority_each_college' && vote.tally ? { landlord: vote.tally.colleges.landlord, tenant: vote.tally.colleges.tenant } : null,
        choice: vote.options
          ? {
              options: vote.options,
              optionCounts: (vote.result as { optionCounts?: Record<string, number> } | null)?.optionCounts ?? null,
              blank: (vote.result as { blank?: number } | null)?.blank ?? null
            }
          : null
      })),
      generatedAt
    };
  }

  /**
   * "Générer le brouillon": writes the draft into the empty document, or, with `mode: 'append'`,
   * as a new dated section after the text already there. Refuses to touch a document that has
   * text unless asked to append: human edits are never overwritten.
   */
  async generate(actor: AuthUser | null, meetingId: string, input: unknown): Promise<MinutesView> {
    const data = validate(generateSchema, input ?? {});
    const v = await this.viewer(actor, meetingId);
    if (!v.can.generate) {
      if (!v.manager) throw Errors.forbidden();
      if (v.status !== 'draft') throw Errors.conflict(bi('Le compte rendu a été soumis : repassez-le en brouillon pour le régénérer.', 'The minutes were submitted: return them to draft to generate them again.'));
      throw Errors.conflict(bi('Le brouillon se génère une fois la réunion ouverte ou close.', 'The draft can be generated once the meeting is live or closed.'));
    }
    await this.db.query('insert into minutes (meeting_id, organisation_id, body_id) values ($1, $2, $3) on conflict (meeting_id) do nothing', [
      meetingId,
      v.meeting.organisation_id,
      v.meeting.body_id
    ]);
    // A lease rather than a transaction: the document is written by the Yjs server on its own
    // connection, and a second click must not write the draft twice.
    const claimed = await this.db.query<{ id: string }>(
      `update minutes set generating_since = now()
        where meeting_id = $1 and status = 'draft' and (generating_since is null or generating_since < now() - interval '2 minutes')
        returning id`,
      [meetingId]
    );
    if (!claimed[0]) throw Errors.conflict(bi('Un brouillon est déjà en cours de génération : patientez un instant.', 'A draft is already being generated: wait a moment.'));
    const minutesId = claimed[0].id;
    try {
      const now = new Date().toISOString();
      const draft = buildMinutesDraft(await this.record(v.actor, meetingId, now));
      const docName = minutesDocName(meetingId);
      const ydoc = await this.documents.open(docName);
      const hasText = plainText(yDocToJSON(ydoc)).trim() !== '';
      ydoc.destroy();
      if (!hasText) {
        // Only empty paragraphs (an editor opened on the empty document) are replaced.
        await this.documents.update(docName, (d) => {
          const fragment = d.getXmlFragment(DOCUMENT_FRAGMENT);
          d.transact(() => fragment.delete(0, fragment.length));
          appendJSONToYDoc(d, draft.doc);
        });
      } else if (data.mode === 'append') {
        await this.documents.update(docName, (d) => appendJSONToYDoc(d, regeneratedSection(draft, now)));
      } else {
        throw new AppError(
          'conflict',
          bi(
            'Le compte rendu contient déjà du texte : il ne sera pas remplacé. Choisissez « Ajouter une nouvelle version du registre » pour l’ajouter à la suite.',
            'The minutes already have text: it will not be replaced. Choose “Append a new version of the record” to add it at the end.'
          ),
          { mode: bi('Le texte existant ne sera pas remplacé.', 'The existing text will not be replaced.') }
        );
      }
      await this.db.query(
        `update minutes set facts = $2, generations = generations + 1, generated_at = now(), generated_by = $3, generating_since = null where id = $1`,
        [minutesId, JSON.stringify(draft.facts), v.actor.id]
      );
    } finally {
      await this.db.query('update minutes set generating_since = null where id = $1', [minutesId]);
    }
    return this.get(actor, meetingId);
  }

  // Status ------------------------------------------------------------------------------------

  private async transitionRow(tx: Queryable, minutesId: string, from: MinutesStatus, to: MinutesStatus, actorId: string | null, voteId: string | null = null) {
    await tx.query('insert into minutes_transitions (minutes_id, from_status, to_status, actor_user_id, vote_id) values ($1, $2, $3, $4, $5)', [minutesId, from, to, actorId, voteId]);
  }

  /**
   * `submitted` (for approval at a later meeting: the text is frozen as it is, and must agree
   * with the record), back to `draft`, or `published` once approved.
   */
  async transition(actor: AuthUser | null, meetingId: string, input: unknown): Promise<MinutesView> {
    const { to } = validate(transitionSchema, input);
    const v = await this.readable(actor, meetingId);
    if (!v.manager) throw Errors.forbidden();
    const row = v.row;
    const wrong = () =>
      Errors.conflict(bi(`Le compte rendu ne peut pas passer de « ${STATUS_FR[v.status]} » à « ${STATUS_FR[to]} ».`, `The minutes cannot go from “${v.status}” to “${to}”.`), 'to');
    if (!row) throw Errors.conflict(bi('Générez d’abord le brouillon.', 'Generate the draft first.'));

    if (to === 'submitted') {
      if (!v.can.submit) throw wrong();
      const content = await this.currentText(v);
      const check = checkFacts(row.facts, plainText(content));
      if (!check.ok) {
        const n = check.missing.length + check.contradictions.length;
        throw Errors.conflict(
          bi(
            `Le texte ne concorde pas avec le registre de la réunion (${n} avertissement${n > 1 ? 's' : ''}) : corrigez-le avant de le soumettre.`,
            `The text does not agree with the meeting record (${n} warning${n > 1 ? 's' : ''}): correct it before submitting.`
          ),
          'to'
        );
      }
      await this.db.transaction(async (tx) => {
        const done = await tx.query(`update minutes set status = 'submitted', submitted_at = now(), content = $2 where id = $1 and status = 'draft' returning id`, [row.id, JSON.stringify(content)]);
        if (!done.length) throw wrong();
        await this.transitionRow(tx, row.id, 'draft', 'submitted', v.actor.id);
      });
      // Editors still connected reconnect and are authorised again: read-only from now on.
      this.documents.reauthorise(minutesDocName(v.meeting.id));
    } else if (to === 'draft') {
      if (!v.can.reopen) throw wrong();
      await this.db.transaction(async (tx) => {
        const done = await tx.query(`update minutes set status = 'draft', submitted_at = null, content = null where id = $1 and status = 'submitted' returning id`, [row.id]);
        if (!done.length) throw wrong();
        // A vote tied to the text as it was submitted does not approve the text corrected since.
        await tx.query('delete from minutes_approvals where minutes_id = $1', [row.id]);
        await this.transitionRow(tx, row.id, 'submitted', 'draft', v.actor.id);
      });
      this.documents.reauthorise(minutesDocName(v.meeting.id));
    } else {
      if (!v.can.publish) throw wrong();
      const notified = await this.db.transaction(async (tx) => {
        const done = await tx.query(`update minutes set status = 'published', published_at = now() where id = $1 and status = 'approved' returning id`, [row.id]);
        if (!done.length) throw wrong();
        await this.transitionRow(tx, row.id, 'approved', 'published', v.actor.id);
        // An in-app notice to every member of the body, as meetings do for convocations.
        return tx.query<{ person_id: string }>(
          `insert into notifications (organisation_id, person_id, kind, data)
           select $1, ms.person_id, 'minutes.published', jsonb_build_object('meetingId', $2::text, 'title', $3::text)
             from memberships ms where ms.body_id = $4
           returning person_id`,
          [v.meeting.organisation_id, v.meeting.id, v.meeting.title, v.meeting.body_id]
        );
      });
      // After the commit, and without holding up the answer: a failed mail is logged, the notice stays.
      if (this.deps?.mailer?.configured && notified.length) {
        void this.mailPublished(v.meeting, notified.map((n) => n.person_id)).catch((err: unknown) => this.logger?.warn({ err }, 'minutes publication mail failed'));
      }
    }
    return this.get(actor, meetingId);
  }

  /** The publication notice by mail, in French then English, to members who have an address. */
  async mailPublished(meeting: MeetingRow, personIds: string[]): Promise<number> {
    const mailer = this.deps?.mailer;
    if (!mailer?.configured) return 0;
    const people = await this.db.query<{ email: string; full_name: string }>('select email, full_name from people where id = any($1::uuid[]) and email is not null', [personIds]);
    const origin = this.deps?.config?.origin;
    const link = origin ? `${origin}/m/${meeting.id}/minutes` : null;
    let sent = 0;
    for (const p of people) {
      try {
        await mailer.send({
          to: p.email,
          subject: `Compte rendu publié : ${meeting.title} / Minutes published: ${meeting.title}`,
          text:
            `Bonjour ${p.full_name},\n\nLe compte rendu de « ${meeting.title} » (${meeting.body_name}) a été approuvé et publié. Vous pouvez le lire dans Concerto${link ? ` : ${link}` : '.'}\n\n` +
            `Hello ${p.full_name},\n\nThe minutes of "${meeting.title}" (${meeting.body_name}) were approved and published. You can read them in Concerto${link ? `: ${link}` : '.'}\n`
        });
        sent++;
      } catch (err) {
        this.logger?.warn({ err }, 'minutes publication mail failed');
      }
    }
    return sent;
  }

  /** Votes of later meetings of the same body that could approve these minutes. */
  async approvalCandidates(actor: AuthUser | null, meetingId: string): Promise<ApprovalVote[]> {
    const v = await this.readable(actor, meetingId);
    if (!v.manager) throw Errors.forbidden();
    const rows = await this.db.query<{ id: string; question: string; meeting_id: string; title: string; starts_at: Date; status: 'open' | 'closed'; result: { outcome: string; text: { fr: string } } | null }>(
      `select v.id, v.question, v.meeting_id, m.title, m.starts_at, v.status, v.result
         from votes v join meetings m on m.id = v.meeting_id
        where m.body_id = $1 and m.id <> $2 and m.starts_at > $3
          and not exists (select 1 from minutes_approvals a where a.vote_id = v.id)
        order by m.starts_at, v.opened_at`,
      [v.meeting.body_id, v.meeting.id, v.meeting.starts_at]
    );
    return rows.map((r) => ({
      voteId: r.id,
      question: r.question,
      meetingId: r.meeting_id,
      meetingTitle: r.title,
      startsAt: iso(r.starts_at)!,
      status: r.status,
      result: r.result?.text?.fr ?? null,
      approves: r.status === 'closed' && APPROVING.includes(r.result?.outcome ?? '')
    }));
  }

  /** Ties a vote of a later meeting to these minutes; once it closes adopted, they are approved. */
  async linkApproval(actor: AuthUser | null, meetingId: string, input: unknown): Promise<MinutesView> {
    const { voteId } = validate(approvalSchema, input);
    const v = await this.readable(actor, meetingId);
    if (!v.manager) throw Errors.forbidden();
    if (!v.can.linkApproval || !v.row) throw Errors.conflict(bi('Seul un compte rendu soumis peut être approuvé par un vote.', 'Only submitted minutes can be approved by a vote.'), 'voteId');
    const candidates = await this.approvalCandidates(actor, meetingId);
    if (!candidates.some((c) => c.voteId === voteId)) {
      throw Errors.unprocessable(
        bi('Choisissez un vote d’une réunion ultérieure de la même instance, qui n’approuve pas déjà un autre compte rendu.', 'Choose a vote of a later meeting of the same body that does not already approve other minutes.'),
        'voteId'
      );
    }
    await this.db.query('insert into minutes_approvals (minutes_id, vote_id, linked_by) values ($1, $2, $3) on conflict do nothing', [v.row.id, voteId, v.actor.id]);
    await this.settle(v.row.id);
    return this.get(actor, meetingId);
  }

  private async settleForVote(voteId: string): Promise<void> {
    const rows = await this.db.query<{ minutes_id: string }>('select minutes_id from minutes_approvals where vote_id = $1', [voteId]);
    for (const r of rows) await this.settle(r.minutes_id);
  }

  /**
   * Approves submitted minutes when one of their approval votes closed adopted. Idempotent and
   * safe to run from any instance at any time: it reads Postgres under the minutes row's lock.
   * Returns whether it approved them now.
   */
  async settle(minutesId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ status: MinutesStatus }>('select status from minutes where id = $1 for update', [minutesId]);
      if (row?.status !== 'submitted') return false;
      const [vote] = await tx.query<{ id: string }>(
        `select v.id from minutes_approvals a join votes v on v.id = a.vote_id
          where a.minutes_id = $1 and v.status = 'closed' and v.result->>'outcome' = any($2::text[])
          order by v.closed_at limit 1`,
        [minutesId, APPROVING]
      );
      if (!vote) return false;
      await tx.query(`update minutes set status = 'approved', approved_at = now(), approved_by_vote_id = $2 where id = $1`, [minutesId, vote.id]);
      await this.transitionRow(tx, minutesId, 'submitted', 'approved', null, vote.id);
      return true;
    });
  }

  // Exports -----------------------------------------------------------------------------------

  async exportFile(actor: AuthUser | null, meetingId: string, format: 'pdf' | 'docx'): Promise<MinutesFile> {
    const v = await this.readable(actor, meetingId);
    if (!v.row) throw Errors.notFound(MINUTES);
    const content = await this.currentText(v);
    const title = `Compte rendu — ${v.meeting.title}`;
    const subtitle = statusLine(v);
    const meta = { title, subtitle, lang: 'fr' as const };
    const base = `compte-rendu-${iso(v.meeting.starts_at)!.slice(0, 10)}`;
    if (format === 'pdf') return { filename: `${base}.pdf`, contentType: 'application/pdf', data: await renderPdf(content, meta) };
    return { filename: `${base}.docx`, contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', data: await renderDocx(content, meta) };
  }
}

const STATUS_FR: Record<MinutesStatus, string> = { draft: 'brouillon', submitted: 'soumis pour approbation', approved: 'approuvé', published: 'publié' };

function statusLine(v: Viewer): string {
  const r = v.row;
  const on = (d: Date | null) => (d ? ` le ${formatMeetingDate(iso(d)!)}` : '');
  switch (v.status) {
    case 'draft':
      return 'Brouillon — document de travail, non approuvé';
    case 'submitted':
      return `Soumis pour approbation${on(r?.submitted_at ?? null)}`;
    case 'approved':
      return `Approuvé${on(r?.approved_at ?? null)}`;
    case 'published':
      return `Approuvé${on(r?.approved_at ?? null)} — publié${on(r?.published_at ?? null)}`;
  }
}
