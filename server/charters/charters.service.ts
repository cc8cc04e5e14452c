import type { Logger } from 'pino';
import type { AccessService } from '../access.ts';
import type { OrgAccess } from '../auth/policy.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { appendMeetingAudit } from '../audit/meeting-audit.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Db, Queryable } from '../db/db.ts';
import { renderDocx } from '../documents/export-docx.ts';
import { renderPdf } from '../documents/export-pdf.ts';
import { yUpdateToJSON, type PMNode } from '../documents/prosemirror.ts';
import type { RequestIdentity } from '../http/request-auth.ts';
import { AppError, Errors, bi, type Locale } from '../shared/app-error.ts';
import { isUuid, validate } from '../shared/validate.ts';
import type { VoteService } from '../votes/votes.service.ts';
import type { DocumentStore } from '../yjs/document-store.ts';
import type { YjsAuthResult } from '../yjs/yjs-server.ts';
import { compareDocuments, type DiffSummary } from './charter-diff.ts';
import { allowedTransition, charterPolicy, EDITABLE_STATUSES } from './charter-policy.ts';
import {
  compareSchema,
  createCharterSchema,
  linkVoteSchema,
  saveVersionSchema,
  signSchema,
  transitionSchema,
  type CharterKind,
  type CharterStatus,
  type ExportFormat
} from './charters.schemas.ts';

const CHARTER = bi('Texte', 'Text');
const VERSION = bi('Version', 'Version');
const BODY = bi('Instance', 'Body');

/** The Yjs document holding a charter's living text. */
export const charterDocName = (charterId: string) => `charter:${charterId}`;

export interface CharterCapabilities {
  /** Type in the text and save named versions. */
  edit: boolean;
  /** Change the status, tie a version to an adoption vote. */
  manage: boolean;
  /** Record a signature on the adopted version. */
  sign: boolean;
}

export interface CharterSummary {
  id: string;
  bodyId: string;
  title: string;
  kind: CharterKind;
  status: CharterStatus;
  versions: number;
  updatedAt: string;
}

export interface VersionSummary {
  id: string;
  number: number;
  name: string;
  author: string | null;
  createdAt: string;
  adopted: boolean;
}

export interface StatusChange {
  from: CharterStatus | null;
  to: CharterStatus;
  by: string | null;
  voteId: string | null;
  at: string;
}

export interface AdoptionView {
  voteId: string;
  versionId: string;
  versionNumber: number;
  question: string;
  meetingId: string;
  meetingTitle: string;
  voteStatus: 'open' | 'closed';
  /** The vote's outcome once closed ('adopted', 'rejected', …), and its text. */
  outcome: string | null;
  resultText: { fr: string; en: string } | null;
}

export interface SignatureView {
  id: string;
  versionId: string;
  name: string;
  role: string;
  organisation: string;
  signedAt: string;
}

export interface CharterView extends CharterSummary {
  organisationId: string;
  bodyName: string;
  adoptedVersionId: string | null;
  adoptedVoteId: string | null;
  docName: string;
  capabilities: CharterCapabilities;
  history: StatusChange[];
  versionList: VersionSummary[];
  adoptions: AdoptionView[];
  signatures: SignatureView[];
}

export interface VersionView extends VersionSummary {
  charterId: string;
  charterTitle: string;
  content: PMNode;
  signatures: SignatureView[];
}

export interface ComparisonView {
  from: VersionSummary;
  to: VersionSummary;
  diff: DiffSummary;
}

export interface ExportFile {
  filename: string;
  contentType: string;
  bytes: Buffer;
}

/** A vote this charter's managers may tie to a version: a vote of a meeting of the body. */
export interface AdoptableVote {
  id: string;
  question: string;
  meetingTitle: string;
  status: 'open' | 'closed';
}

interface CharterRow {
  id: string;
  organisation_id: string;
  body_id: string;
  body_name: string;
  title: string;
  kind: CharterKind;
  status: CharterStatus;
  adopted_version_id: string | null;
  adopted_vote_id: string | null;
  updated_at: Date;
  versions: number;
}

interface VersionRow {
  id: string;
  charter_id: string;
  number: number;
  name: string;
  author: string | null;
  created_at: Date;
}

const CHARTER_SELECT = `select c.*, b.name as body_name, (select count(*)::int from charter_versions v where v.charter_id = c.id) as versions
  from charters c join bodies b on b.id = c.body_id`;

const iso = (d: Date | string) => new Date(d).toISOString();

const EXPORT_TYPES: Record<ExportFormat, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
};

/**
 * Co-written texts of a body and their record: status with each change recorded, named
 * versions (immutable snapshots of the Yjs document, as Yjs state and ProseMirror JSON), the
 * comparison of two versions, adoption of one version by a vote, signatures of the adopted
 * version, exports to PDF and DOCX.
 *
 * Adoption is decided by the votes service; this service reacts to a vote closing adopted by
 * marking the tied version adopted. The marking is a conditional update in Postgres, so it is
 * idempotent and safe with several instances; it runs when a vote closes here (`onChange`) and
 * again whenever a charter is read or its document opened, so an instance that missed the close
 * (another instance closed it, or this one stopped just after) still shows the truth.
 */
export class CharterService {
  private readonly stopListening: () => void;
  private readonly adoptedListeners = new Set<(charter: { charterId: string; docName: string }) => void>();

  constructor(
    private readonly db: Db,
    private readonly access: AccessService,
    private readonly documents: DocumentStore,
    votes: Pick<VoteService, 'onChange'>,
    private readonly logger: Logger
  ) {
    this.stopListening = votes.onChange((change) => {
      if (change.kind !== 'closed') return;
      this.reconcileAdoptions(this.db, { voteId: change.voteId }).catch((err: unknown) =>
        this.logger.error({ err, voteId: change.voteId }, 'charter adoption check failed after a vote closed')
      );
    });
  }

  /**
   * Hears each charter this instance marks adopted. Connections opened before the adoption keep
   * the edit access they were given at upgrade (the Yjs server authorises once, at upgrade): a
   * listener should make the Yjs server close the document's connections so that editors
   * reconnect and are authorised again, read-only. The adopted version is immutable either way.
   */
  onAdopted(listener: (charter: { charterId: string; docName: string }) => void): () => void {
    this.adoptedListeners.add(listener);
    return () => this.adoptedListeners.delete(listener);
  }

  /** Stops reacting to votes (tests, shutdown). */
  stop(): void {
    this.stopListening();
  }

  // ---------------------------------------------------------------- access

  private async bodyAccess(actor: AuthUser | null, bodyId: string): Promise<{ access: OrgAccess; organisationId: string }> {
    if (!actor) throw Errors.unauthorised();
    const organisationId = isUuid(bodyId) ? await this.access.organisationOfBody(bodyId) : null;
    const access = organisationId ? await this.access.forOrganisation(actor, organisationId) : null;
    if (!organisationId || !access || !charterPolicy.read(access)) throw Errors.notFound(BODY);
    return { access, organisationId };
  }

  private async charterRow(q: Queryable, charterId: string, lock = false): Promise<CharterRow | null> {
    if (!isUuid(charterId)) return null;
    const rows = await q.query<CharterRow>(`${CHARTER_SELECT} where c.id = $1 ${lock ? 'for update of c' : ''}`, [charterId]);
    return rows[0] ?? null;
  }

  /** The charter (adoption brought up to date) and what the asker may do with it; not found for those who may not see it. */
  private async charterFor(actor: AuthUser | null, charterId: string): Promise<{ row: CharterRow; access: OrgAccess; caps: CharterCapabilities }> {
    if (!actor) throw Errors.unauthorised();
    if (!isUuid(charterId)) throw Errors.notFound(CHARTER);
    await this.reconcileAdoptions(this.db, { charterId });
    const row = await this.charterRow(this.db, charterId);
    if (!row) throw Errors.notFound(CHARTER);
    const access = await this.access.forOrganisation(actor, row.organisation_id);
    if (!access || !charterPolicy.read(access)) throw Errors.notFound(CHARTER);
    return { row, access, caps: capabilitiesOf(access, row) };
  }

  /**
   * The Yjs document `charter:<id>`: edit for those who may edit the text now, read for the
   * rest of the organisation; people of another organisation are refused (4403), guests too.
   */
  async authorizeDocument(identity: RequestIdentity, charterId: string, part: string | undefined): Promise<YjsAuthResult> {
    if (part !== undefined) return { ok: false, reason: 'notFound' };
    const user = identity.user;
    if (!user) return { ok: false, reason: 'forbidden' };
    await this.reconcileAdoptions(this.db, { charterId });
    const row = await this.charterRow(this.db, charterId);
    if (!row) return { ok: false, reason: 'notFound' };
    const access = await this.access.forOrganisation(user, row.organisation_id);
    if (!access || !charterPolicy.read(access)) return { ok: false, reason: 'forbidden' };
    return { ok: true, access: charterPolicy.edit(access, row.body_id, row.status) ? 'edit' : 'read', principal: { id: user.id, name: user.displayName } };
  }

  // ---------------------------------------------------------------- charters

  async list(actor: AuthUser | null, bodyId: string): Promise<{ charters: CharterSummary[]; canCreate: boolean }> {
    const { access } = await this.bodyAccess(actor, bodyId);
    await this.reconcileAdoptions(this.db, { bodyId });
    const rows = await this.db.query<CharterRow>(`${CHARTER_SELECT} where c.body_id = $1 order by c.updated_at desc, c.id`, [bodyId]);
    return { charters: rows.map(toSummary), canCreate: charterPolicy.create(access, bodyId) };
  }

  async create(actor: AuthUser | null, bodyId: string, input: unknown): Promise<CharterView> {
    const { access, organisationId } = await this.bodyAccess(actor, bodyId);
    if (!charterPolicy.create(access, bodyId)) throw Errors.forbidden();
    const data = validate(createCharterSchema, input);
    const id = await this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ id: string }>(
        'insert into charters (organisation_id, body_id, title, kind, created_by) values ($1, $2, $3, $4, $5) returning id',
        [organisationId, bodyId, data.title, data.kind, actor!.id]
      );
      await tx.query('insert into charter_status_changes (charter_id, from_status, to_status, changed_by) values ($1, null, $2, $3)', [row.id, 'draft', actor!.id]);
      await recordAudit(tx, { organisationId, actorUserId: actor!.id, action: 'charter.created', subjectId: row.id, data: { bodyId, title: data.title } });
      return row.id;
    });
    return this.get(actor, id);
  }

  async get(actor: AuthUser | null, charterId: string): Promise<CharterView> {
    const { row, caps } = await this.charterFor(actor, charterId);
    const [history, versions, adoptions, signatures] = await Promise.all([
      this.db.query<{ from_status: CharterStatus | null; to_status: CharterStatus; by_name: string | null; vote_id: string | null; at: Date }>(
        `select h.from_status, h.to_status, u.display_name as by_name, h.vote_id, h.at
           from charter_status_changes h left join users u on u.id = h.changed_by where h.charter_id = $1 order by h.id`,
        [charterId]
      ),
      this.versionRows(charterId),
      this.db.query<{
        vote_id: string;
        version_id: string;
        number: number;
        question: string;
        meeting_id: string;
        meeting_title: string;
        status: 'open' | 'closed';
        result: { outcome?: string; text?: { fr: string; en: string } } | null;
      }>(
        `select a.vote_id, a.version_id, v.number, vo.question, vo.meeting_id, m.title as meeting_title, vo.status, vo.result
           from charter_adoptions a
           join charter_versions v on v.id = a.version_id
           join votes vo on vo.id = a.vote_id
           join meetings m on m.id = vo.meeting_id
          where v.charter_id = $1 order by a.linked_at, a.vote_id`,
        [charterId]
      ),
      this.signatureRows(charterId)
    ]);
    return {
      ...toSummary(row),
      organisationId: row.organisation_id,
      bodyName: row.body_name,
      adoptedVersionId: row.adopted_version_id,
      adoptedVoteId: row.adopted_vote_id,
      docName: charterDocName(row.id),
      capabilities: caps,
      history: history.map((h) => ({ from: h.from_status, to: h.to_status, by: h.by_name, voteId: h.vote_id, at: iso(h.at) })),
      versionList: versions.map((v) => toVersionSummary(v, row.adopted_version_id)),
      adoptions: adoptions.map((a) => ({
        voteId: a.vote_id,
        versionId: a.version_id,
        versionNumber: a.number,
        question: a.question,
        meetingId: a.meeting_id,
        meetingTitle: a.meeting_title,
        voteStatus: a.status,
        outcome: a.status === 'closed' ? (a.result?.outcome ?? null) : null,
        resultText: a.status === 'closed' ? (a.result?.text ?? null) : null
      })),
      signatures
    };
  }

  /** draft ⇄ in review, adopted → signed (once signed by someone), signed → published: managers only. */
  async transition(actor: AuthUser | null, charterId: string, input: unknown): Promise<CharterView> {
    const { row, access } = await this.charterFor(actor, charterId);
    if (!charterPolicy.manage(access, row.body_id)) throw Errors.forbidden();
    const { to } = validate(transitionSchema, input);
    await this.db.transaction(async (tx) => {
      const current = await this.charterRow(tx, charterId, true);
      if (!current) throw Errors.notFound(CHARTER);
      if (!allowedTransition(current.status, to)) {
        throw Errors.conflict(
          bi(`Passage impossible de « ${STATUS_FR[current.status]} » à « ${STATUS_FR[to]} ».`, `Cannot go from “${STATUS_EN[current.status]}” to “${STATUS_EN[to]}”.`),
          'to'
        );
      }
      if (to === 'signed') {
        const [{ n }] = await tx.query<{ n: number }>('select count(*)::int as n from charter_signatures where version_id = $1', [current.adopted_version_id]);
        if (n === 0) throw Errors.conflict(bi('Aucune signature n’est encore enregistrée.', 'No signature is recorded yet.'), 'to');
      }
      await tx.query('update charters set status = $2, updated_at = now() where id = $1', [charterId, to]);
      await tx.query('insert into charter_status_changes (charter_id, from_status, to_status, changed_by) values ($1, $2, $3, $4)', [charterId, current.status, to, actor!.id]);
      await recordAudit(tx, { organisationId: current.organisation_id, actorUserId: actor!.id, action: 'charter.status', subjectId: charterId, data: { from: current.status, to } });
    });
    return this.get(actor, charterId);
  }

  // ---------------------------------------------------------------- versions

  private versionRows(charterId: string): Promise<VersionRow[]> {
    return this.db.query<VersionRow>(
      `select v.id, v.charter_id, v.number, v.name, u.display_name as author, v.created_at
         from charter_versions v left join users u on u.id = v.created_by where v.charter_id = $1 order by v.number desc`,
      [charterId]
    );
  }

  /** Saves the text as it is now as a named, numbered, immutable version. */
  async saveVersion(actor: AuthUser | null, charterId: string, input: unknown): Promise<VersionSummary> {
    const { row, caps } = await this.charterFor(actor, charterId);
    if (!caps.edit) throw EDITABLE_STATUSES.includes(row.status) ? Errors.forbidden() : readOnlyError(row.status);
    const { name } = validate(saveVersionSchema, input);
    const update = await this.documents.read(charterDocName(charterId));
    const content = yUpdateToJSON(update);
    const saved = await this.db.transaction(async (tx) => {
      const current = await this.charterRow(tx, charterId, true);
      // The status may have changed since the check above (an adoption vote just closed).
      if (!current || !EDITABLE_STATUSES.includes(current.status)) throw readOnlyError(current?.status ?? row.status);
      const [v] = await tx.query<VersionRow>(
        `insert into charter_versions (charter_id, number, name, y_update, content, created_by)
         values ($1, (select coalesce(max(number), 0) + 1 from charter_versions where charter_id = $1), $2, $3, $4, $5)
         returning id, charter_id, number, name, created_at, null::text as author`,
        [charterId, name, Buffer.from(update), JSON.stringify(content), actor!.id]
      );
      await tx.query('update charters set updated_at = now() where id = $1', [charterId]);
      return v;
    });
    return { ...toVersionSummary(saved, null), author: actor!.displayName };
  }

  async listVersions(actor: AuthUser | null, charterId: string): Promise<VersionSummary[]> {
    const { row } = await this.charterFor(actor, charterId);
    return (await this.versionRows(charterId)).map((v) => toVersionSummary(v, row.adopted_version_id));
  }

  private async versionOf(charterId: string, versionId: string): Promise<VersionRow & { content: PMNode }> {
    if (!isUuid(versionId)) throw Errors.notFound(VERSION);
    const rows = await this.db.query<VersionRow & { content: PMNode }>(
      `select v.id, v.charter_id, v.number, v.name, u.display_name as author, v.created_at, v.content
         from charter_versions v left join users u on u.id = v.created_by where v.id = $1 and v.charter_id = $2`,
      [versionId, charterId]
    );
    if (!rows[0]) throw Errors.notFound(VERSION);
    return rows[0];
  }

  async getVersion(actor: AuthUser | null, charterId: string, versionId: string): Promise<VersionView> {
    const { row } = await this.charterFor(actor, charterId);
    const v = await this.versionOf(charterId, versionId);
    const signatures = (await this.signatureRows(charterId)).filter((s) => s.versionId === versionId);
    return { ...toVersionSummary(v, row.adopted_version_id), charterId, charterTitle: row.title, content: v.content, signatures };
  }

  /** The Yjs state a version was saved from (to restore it or inspect it exactly). */
  async versionState(actor: AuthUser | null, charterId: string, versionId: string): Promise<Uint8Array> {
    await this.charterFor(actor, charterId);
    await this.versionOf(charterId, versionId);
    const [r] = await this.db.query<{ y_update: Uint8Array }>('select y_update from charter_versions where id = $1', [versionId]);
    return new Uint8Array(r.y_update);
  }

  /** What changed from one version to another, block by block and word by word. */
  async compare(actor: AuthUser | null, charterId: string, input: unknown): Promise<ComparisonView> {
    const { row } = await this.charterFor(actor, charterId);
    const { from, to } = validate(compareSchema, input);
    const [a, b] = await Promise.all([this.versionOf(charterId, from), this.versionOf(charterId, to)]);
    return { from: toVersionSummary(a, row.adopted_version_id), to: toVersionSummary(b, row.adopted_version_id), diff: compareDocuments(a.content, b.content) };
  }

  async exportVersion(actor: AuthUser | null, charterId: string, versionId: string, format: string, locale: Locale = 'fr'): Promise<ExportFile> {
    const { row } = await this.charterFor(actor, charterId);
    if (format !== 'pdf' && format !== 'docx') throw Errors.notFound(bi('Format', 'Format'));
    const v = await this.versionOf(charterId, versionId);
    const date = new Date(v.created_at).toLocaleDateString(locale === 'fr' ? 'fr-FR' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' });
    const subtitle = locale === 'fr' ? `Version ${v.number} « ${v.name} » du ${date}` : `Version ${v.number} “${v.name}” of ${date}`;
    const meta = { title: row.title, subtitle, lang: locale };
    const bytes = format === 'pdf' ? await renderPdf(v.content, meta) : await renderDocx(v.content, meta);
    const slug =
      row.title
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 60) || 'texte';
    return { filename: `${slug}-v${v.number}.${format}`, contentType: EXPORT_TYPES[format], bytes };
  }

  // ---------------------------------------------------------------- adoption

  /** Votes of the body's meetings a manager may tie to a version (newest first). */
  async adoptableVotes(actor: AuthUser | null, charterId: string): Promise<AdoptableVote[]> {
    const { row, access } = await this.charterFor(actor, charterId);
    if (!charterPolicy.manage(access, row.body_id)) return [];
    const rows = await this.db.query<{ id: string; question: string; meeting_title: string; status: 'open' | 'closed' }>(
      `select v.id, v.question, m.title as meeting_title, v.status
         from votes v join meetings m on m.id = v.meeting_id
        where m.body_id = $1 and v.kind = 'motion' and not exists (select 1 from charter_adoptions a where a.vote_id = v.id)
        order by v.opened_at desc limit 50`,
      [row.body_id]
    );
    return rows.map((r) => ({ id: r.id, question: r.question, meetingTitle: r.meeting_title, status: r.status }));
  }

  /**
   * Ties a vote of one of the body's meetings to one named version: when that vote closes
   * adopted, this version becomes the adopted text. A draft goes to review.
   */
  async linkVote(actor: AuthUser | null, charterId: string, input: unknown): Promise<CharterView> {
    const { row, access } = await this.charterFor(actor, charterId);
    if (!charterPolicy.manage(access, row.body_id)) throw Errors.forbidden();
    const { versionId, voteId } = validate(linkVoteSchema, input);
    await this.db.transaction(async (tx) => {
      const current = await this.charterRow(tx, charterId, true);
      if (!current) throw Errors.notFound(CHARTER);
      if (current.status !== 'draft' && current.status !== 'in_review') {
        throw Errors.conflict(bi('Ce texte est déjà adopté.', 'This text is already adopted.'), 'versionId');
      }
      const version = await tx.query('select 1 from charter_versions where id = $1 and charter_id = $2', [versionId, charterId]);
      if (!version.length) throw Errors.unprocessable(bi('Cette version n’est pas une version de ce texte.', 'This version is not a version of this text.'), 'versionId');
      const votes = await tx.query<{ kind: string }>('select v.kind from votes v join meetings m on m.id = v.meeting_id where v.id = $1 and m.body_id = $2', [
        voteId,
        current.body_id
      ]);
      if (!votes.length) throw Errors.unprocessable(bi('Ce vote n’est pas un vote d’une réunion de l’instance.', 'This vote is not a vote of a meeting of the body.'), 'voteId');
      if (votes[0].kind !== 'motion') throw Errors.unprocessable(bi('Choisissez un vote pour ou contre.', 'Choose a for-or-against vote.'), 'voteId');
      const inserted = await tx.query('insert into charter_adoptions (vote_id, version_id, linked_by) values ($1, $2, $3) on conflict (vote_id) do nothing returning vote_id', [
        voteId,
        versionId,
        actor!.id
      ]);
      if (!inserted.length) throw Errors.conflict(bi('Ce vote est déjà lié à une version.', 'This vote is already tied to a version.'), 'voteId');
      if (current.status === 'draft') {
        await tx.query("update charters set status = 'in_review', updated_at = now() where id = $1", [charterId]);
        await tx.query("insert into charter_status_changes (charter_id, from_status, to_status, changed_by, vote_id) values ($1, 'draft', 'in_review', $2, $3)", [
          charterId,
          actor!.id,
          voteId
        ]);
      }
      await recordAudit(tx, { organisationId: current.organisation_id, actorUserId: actor!.id, action: 'charter.vote_linked', subjectId: charterId, data: { versionId, voteId } });
    });
    // The vote may have closed already.
    await this.reconcileAdoptions(this.db, { charterId });
    return this.get(actor, charterId);
  }

  /**
   * Marks adopted the version whose tied vote closed adopted, for the charters in scope that are
   * not adopted yet. A conditional update: running it twice, or on two instances at once,
   * changes the charter once. Returns the charters it marked.
   */
  async reconcileAdoptions(q: Db, scope: { charterId?: string; voteId?: string; bodyId?: string }): Promise<string[]> {
    if ((scope.charterId && !isUuid(scope.charterId)) || (scope.voteId && !isUuid(scope.voteId)) || (scope.bodyId && !isUuid(scope.bodyId))) return [];
    const pending = await q.query<{ charter_id: string; version_id: string; vote_id: string; meeting_id: string; organisation_id: string }>(
      `select c.id as charter_id, a.version_id, a.vote_id, vo.meeting_id, c.organisation_id
         from charter_adoptions a
         join charter_versions v on v.id = a.version_id
         join charters c on c.id = v.charter_id
         join votes vo on vo.id = a.vote_id
        where c.status in ('draft', 'in_review')
          and vo.status = 'closed' and vo.result ->> 'outcome' = 'adopted'
          and ($1::uuid is null or c.id = $1) and ($2::uuid is null or a.vote_id = $2) and ($3::uuid is null or c.body_id = $3)
        order by vo.closed_at, a.vote_id`,
      [scope.charterId ?? null, scope.voteId ?? null, scope.bodyId ?? null]
    );
    const marked: string[] = [];
    for (const p of pending) {
      const done = await q.transaction(async (tx) => {
        const [prev] = await tx.query<{ status: CharterStatus }>("select status from charters where id = $1 and status in ('draft', 'in_review') for update", [p.charter_id]);
        if (!prev) return false;
        await tx.query("update charters set status = 'adopted', adopted_version_id = $2, adopted_vote_id = $3, updated_at = now() where id = $1", [
          p.charter_id,
          p.version_id,
          p.vote_id
        ]);
        await tx.query("insert into charter_status_changes (charter_id, from_status, to_status, changed_by, vote_id) values ($1, $2, 'adopted', null, $3)", [
          p.charter_id,
          prev.status,
          p.vote_id
        ]);
        await tx.query('select id from meetings where id = $1 for update', [p.meeting_id]);
        await appendMeetingAudit(tx, p.meeting_id, { type: 'charter.adopted', actorUserId: null, data: { charterId: p.charter_id, versionId: p.version_id, voteId: p.vote_id } });
        return true;
      });
      if (done) marked.push(p.charter_id);
    }
    for (const charterId of marked) {
      for (const l of this.adoptedListeners) {
        try {
          l({ charterId, docName: charterDocName(charterId) });
        } catch (err) {
          this.logger.error({ err, charterId }, 'a charter adoption listener failed');
        }
      }
    }
    return marked;
  }

  // ---------------------------------------------------------------- signatures

  private async signatureRows(charterId: string): Promise<SignatureView[]> {
    const rows = await this.db.query<{ id: string; version_id: string; signer_name: string; signer_role: string; signer_organisation: string; signed_at: Date }>(
      'select id, version_id, signer_name, signer_role, signer_organisation, signed_at from charter_signatures where charter_id = $1 order by signed_at, id',
      [charterId]
    );
    return rows.map((r) => ({ id: r.id, versionId: r.version_id, name: r.signer_name, role: r.signer_role, organisation: r.signer_organisation, signedAt: iso(r.signed_at) }));
  }

  /**
   * Records a party's signature on the adopted version (name, role, organisation, time), in the
   * audit log of the meeting whose vote adopted it (hash-chained), or the charter's own log
   * when that meeting is gone. Refused before adoption.
   */
  async sign(actor: AuthUser | null, charterId: string, input: unknown): Promise<SignatureView> {
    const { row, access } = await this.charterFor(actor, charterId);
    const data = validate(signSchema, input);
    if (!row.adopted_version_id) {
      throw Errors.conflict(bi('Seule la version adoptée par un vote peut être signée : ce texte n’est pas encore adopté.', 'Only the version adopted by a vote can be signed: this text is not adopted yet.'));
    }
    if (!charterPolicy.sign(access, row.body_id, row.status)) throw Errors.forbidden();
    try {
      return await this.db.transaction(async (tx) => {
        const current = await this.charterRow(tx, charterId, true);
        if (!current?.adopted_version_id || (current.status !== 'adopted' && current.status !== 'signed')) {
          throw Errors.conflict(bi('Ce texte ne peut plus être signé.', 'This text can no longer be signed.'));
        }
        const [s] = await tx.query<{ id: string; signed_at: Date }>(
          `insert into charter_signatures (charter_id, version_id, signer_name, signer_role, signer_organisation, recorded_by)
           values ($1, $2, $3, $4, $5, $6) returning id, signed_at`,
          [charterId, current.adopted_version_id, data.name, data.role, data.organisation, actor!.id]
        );
        const signature: SignatureView = {
          id: s.id,
          versionId: current.adopted_version_id,
          name: data.name,
          role: data.role,
          organisation: data.organisation,
          signedAt: iso(s.signed_at)
        };
        const auditData = { charterId, versionId: signature.versionId, signatureId: s.id, name: data.name, role: data.role, organisation: data.organisation };
        const meeting = current.adopted_vote_id
          ? await tx.query<{ id: string }>('select m.id from votes v join meetings m on m.id = v.meeting_id where v.id = $1 for update of m', [current.adopted_vote_id])
          : [];
        if (meeting[0]) await appendMeetingAudit(tx, meeting[0].id, { type: 'charter.signed', actorUserId: actor!.id, data: auditData });
        else await tx.query('insert into charter_audit (charter_id, actor_user_id, type, data) values ($1, $2, $3, $4)', [charterId, actor!.id, 'charter.signed', JSON.stringify(auditData)]);
        await tx.query('update charters set updated_at = now() where id = $1', [charterId]);
        return signature;
      });
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        throw Errors.conflict(bi('Cette personne a déjà signé pour cette organisation.', 'This person has already signed for this organisation.'), 'name');
      }
      throw err;
    }
  }
}

const STATUS_FR: Record<CharterStatus, string> = { draft: 'brouillon', in_review: 'en relecture', adopted: 'adopté', signed: 'signé', published: 'publié' };
const STATUS_EN: Record<CharterStatus, string> = { draft: 'draft', in_review: 'in review', adopted: 'adopted', signed: 'signed', published: 'published' };

const readOnlyError = (status: CharterStatus) =>
  new AppError(
    'conflict',
    bi(
      `Ce texte est « ${STATUS_FR[status]} » : il ne peut plus être modifié, seules ses versions enregistrées font foi.`,
      `This text is “${STATUS_EN[status]}”: it can no longer be changed; its saved versions are the record.`
    )
  );

function capabilitiesOf(access: OrgAccess, row: CharterRow): CharterCapabilities {
  return {
    edit: charterPolicy.edit(access, row.body_id, row.status),
    manage: charterPolicy.manage(access, row.body_id),
    sign: !!row.adopted_version_id && charterPolicy.sign(access, row.body_id, row.status)
  };
}

function toSummary(r: CharterRow): CharterSummary {
  return { id: r.id, bodyId: r.body_id, title: r.title, kind: r.kind, status: r.status, versions: r.versions, updatedAt: iso(r.updated_at) };
}

function toVersionSummary(v: VersionRow, adoptedVersionId: string | null): VersionSummary {
  return { id: v.id, number: v.number, name: v.name, author: v.author, createdAt: iso(v.created_at), adopted: v.id === adoptedVersionId };
}
