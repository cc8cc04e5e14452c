import QRCode from 'qrcode';
import type { DocumentStore } from '../yjs/document-store.ts';
import type { Logger } from 'pino';
import type { Db, Queryable } from '../db/db.ts';
import { isUniqueViolation } from '../db/db.ts';
import type { AccessService } from '../access.ts';
import { policy, type OrgAccess } from '../auth/policy.ts';
import type { AuthUser } from '../auth/sessions.ts';
import type { Guest, GuestService } from '../guests/guests.service.ts';
import { recordAudit } from '../audit/audit.ts';
import { AppError, Errors, bi, type Bilingual } from '../shared/app-error.ts';
import { isUuid, validate } from '../shared/validate.ts';
import type {
  GridTemplate,
  WorkshopCapabilities,
  WorkshopCollege,
  WorkshopParticipantInfo,
  WorkshopState,
  WorkshopStatus,
  WorkshopSummary,
  WorkshopTableInfo
} from '../../src/lib/workshops/workshop-state.ts';
import { planRotation, validatePlan, type PlanViolation, type RotationInput, type RoundAssignment } from './rotation.ts';
import {
  addParticipantSchema,
  controlSchema,
  createWorkshopSchema,
  generatePlanSchema,
  lockSchema,
  planSchema,
  tableSchema,
  updateParticipantSchema,
  updateTableSchema,
  updateWorkshopSchema
} from './workshops.schemas.ts';

const WORKSHOP = bi('Atelier', 'Workshop');
const TABLE = bi('Table', 'Table');
const PARTICIPANT = bi('Participant', 'Participant');

interface WorkshopRow {
  id: string;
  organisation_id: string;
  body_id: string;
  body_name: string;
  title: string;
  purpose: string;
  status: WorkshopStatus;
  round_count: number;
  round_minutes: number;
  anonymous_notes: boolean;
  plan_seed: number;
  plan: { rounds: RoundAssignment[] } | null;
  plan_edited: boolean;
  current_round: number;
  round_started_at: Date | null;
  extra_seconds: number;
  paused_seconds: number;
  paused_at: Date | null;
  message: string | null;
  message_at: Date | null;
  guest_code_id: string | null;
  rev: string | number;
}

interface TableRow {
  id: string;
  position: number;
  name: string;
  question: string;
  host_participant_id: string | null;
  grid: GridTemplate | null;
}

interface ParticipantRow {
  id: string;
  person_id: string | null;
  guest_id: string | null;
  display_name: string;
  college: WorkshopCollege;
  present: boolean;
}

/** Who is asking: an account, or a guest who joined with the workshop's code. */
export interface WorkshopAsker {
  user: AuthUser | null;
  guest: Guest | null;
}

export interface WorkshopChange {
  workshopId: string;
  rev: number;
}
export type WorkshopChangeListener = (change: WorkshopChange) => void;

export interface PlanCheck {
  plan: Array<Record<string, string>> | null;
  violations: PlanViolation[];
}

export interface WorkshopJoinCode {
  code: string;
  joinUrl: string;
  qrSvg: string;
  expiresAt: string;
}

const iso = (d: Date | string | null) => (d == null ? null : new Date(d).toISOString());

function summaryOf(w: WorkshopRow): WorkshopSummary {
  return {
    id: w.id,
    organisationId: w.organisation_id,
    bodyId: w.body_id,
    bodyName: w.body_name,
    title: w.title,
    purpose: w.purpose,
    status: w.status,
    roundCount: w.round_count,
    roundMinutes: w.round_minutes,
    anonymousNotes: w.anonymous_notes
  };
}

/** The round's end in server time: start + planned + extensions + time spent paused (not counting a pause in progress). */
function endsAt(w: WorkshopRow): Date | null {
  if (!w.round_started_at) return null;
  return new Date(new Date(w.round_started_at).getTime() + (w.round_minutes * 60 + w.extra_seconds + w.paused_seconds) * 1000);
}

const conflict = (fr: string, en: string, field?: string) => Errors.conflict(bi(fr, en), field);

/**
 * World-café workshops: preparation (tables, participants, rotation plan), the live run
 * (rounds with a server-time timer, pause, extension, broadcast message) and round locks.
 * The only code that writes workshops: every change of the live state runs in one transaction
 * that locks the workshop row and bumps its `rev`; listeners (the realtime layer) are told after
 * the commit, so nothing is broadcast that is not stored.
 */
export class WorkshopService {
  private readonly listeners = new Set<WorkshopChangeListener>();

  constructor(
    private readonly db: Db,
    private readonly access: AccessService,
    private readonly guests: GuestService,
    private readonly logger: Logger,
    /** To make open tablecloth connections reconnect (and be authorised again) when a round is locked or the run moves on. */
    private readonly documents?: Pick<DocumentStore, 'reauthorise'>
  ) {}

  /** Every open connection to these tablecloths reconnects, so a lock or the next round applies to it at once. */
  private async reauthoriseTablecloths(workshopId: string, tableIds?: string[]): Promise<void> {
    if (!this.documents) return;
    const ids = tableIds ?? (await this.tables(this.db, workshopId)).map((t) => t.id);
    for (const id of ids) this.documents.reauthorise(`tablecloth:${id}`);
  }

  onChange(listener: WorkshopChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(change: WorkshopChange) {
    for (const l of this.listeners) {
      try {
        l(change);
      } catch (err) {
        this.logger.error({ err, workshopId: change.workshopId }, 'workshop change listener failed');
      }
    }
  }

  // Reading -----------------------------------------------------------------------------------

  private async load(q: Queryable, workshopId: string, lock = false): Promise<WorkshopRow | null> {
    if (!isUuid(workshopId)) return null;
    const rows = await q.query<WorkshopRow>(
      `select w.*, b.name as body_name from workshops w join bodies b on b.id = w.body_id where w.id = $1 ${lock ? 'for update of w' : ''}`,
      [workshopId]
    );
    return rows[0] ?? null;
  }

  private async tables(q: Queryable, workshopId: string): Promise<TableRow[]> {
    return q.query<TableRow>(
      'select id, position, name, question, host_participant_id, grid from workshop_tables where workshop_id = $1 order by position, created_at',
      [workshopId]
    );
  }

  private async participants(q: Queryable, workshopId: string): Promise<ParticipantRow[]> {
    return q.query<ParticipantRow>(
      'select id, person_id, guest_id, display_name, college, present from workshop_participants where workshop_id = $1 order by display_name, id',
      [workshopId]
    );
  }

  /** What the asker is in this workshop; 404 when they may not see it (guests of another target included). */
  private async resolve(who: WorkshopAsker, workshopId: string) {
    if (!who.user && !who.guest) throw Errors.unauthorised();
    const w = await this.load(this.db, workshopId);
    if (!w) throw Errors.notFound(WORKSHOP);
    let access: OrgAccess | null = null;
    let participant: ParticipantRow | null = null;
    if (who.user) {
      access = await this.access.forOrganisation(who.user, w.organisation_id);
      if (access?.personId) {
        const rows = await this.db.query<ParticipantRow>(
          'select id, person_id, guest_id, display_name, college, present from workshop_participants where workshop_id = $1 and person_id = $2',
          [w.id, access.personId]
        );
        participant = rows[0] ?? null;
      }
      const may = !!access && (policy.viewMeeting(access, w.body_id) || !!participant);
      if (!may) throw Errors.notFound(WORKSHOP);
    } else {
      const g = who.guest!;
      // A guest sees only the workshop their code opened.
      if (g.targetKind !== 'workshop' || g.targetId !== w.id) throw Errors.notFound(WORKSHOP);
      const rows = await this.db.query<ParticipantRow>(
        'select id, person_id, guest_id, display_name, college, present from workshop_participants where workshop_id = $1 and guest_id = $2',
        [w.id, g.id]
      );
      participant = rows[0] ?? null;
    }
    const facilitate = !!access && policy.manageMeeting(access, w.body_id);
    return { w, access, participant, facilitate };
  }

  private async requireFacilitator(actor: AuthUser | null, workshopId: string) {
    const r = await this.resolve({ user: actor, guest: null }, workshopId);
    if (!r.facilitate) throw Errors.forbidden();
    return r;
  }

  async capabilities(who: WorkshopAsker, workshopId: string): Promise<WorkshopCapabilities> {
    const r = await this.resolve(who, workshopId);
    return this.capabilitiesOf(r);
  }

  private capabilitiesOf(r: { w: WorkshopRow; access: OrgAccess | null; participant: ParticipantRow | null; facilitate: boolean }): WorkshopCapabilities {
    const edit = r.w.status !== 'closed' && (r.facilitate || (!!r.participant && r.participant.present));
    return { facilitate: r.facilitate, edit, participantId: r.participant?.id ?? null };
  }

  /** May this identity see the workshop (Socket.IO presence room)? */
  async canView(who: WorkshopAsker, workshopId: string): Promise<boolean> {
    try {
      await this.resolve(who, workshopId);
      return true;
    } catch (err) {
      if (err instanceof AppError) return false;
      throw err;
    }
  }

  async list(actor: AuthUser | null, bodyId: string): Promise<WorkshopSummary[]> {
    if (!actor) throw Errors.unauthorised();
    const orgId = await this.access.organisationOfBody(bodyId);
    if (!orgId) throw Errors.notFound(bi('Instance', 'Body'));
    const access = await this.access.forOrganisation(actor, orgId);
    if (!access || !policy.viewMeeting(access, bodyId)) throw Errors.notFound(bi('Instance', 'Body'));
    const rows = await this.db.query<WorkshopRow>(
      `select w.*, b.name as body_name from workshops w join bodies b on b.id = w.body_id where w.body_id = $1 order by w.created_at desc`,
      [bodyId]
    );
    return rows.map(summaryOf);
  }

  /** The full state, read in one pass; for those already authorised (handlers) or through `state()`. */
  async snapshot(workshopId: string, q: Queryable = this.db): Promise<WorkshopState> {
    const w = await this.load(q, workshopId);
    if (!w) throw Errors.notFound(WORKSHOP);
    return this.stateOf(q, w);
  }

  private async stateOf(q: Queryable, w: WorkshopRow): Promise<WorkshopState> {
    const [tables, participants, locks, now] = await Promise.all([
      this.tables(q, w.id),
      this.participants(q, w.id),
      q.query<{ table_id: string; round: number }>(
        'select l.table_id, l.round from workshop_round_locks l join workshop_tables t on t.id = l.table_id where t.workshop_id = $1 order by l.round',
        [w.id]
      ),
      q.query<{ now: Date }>('select now() as now')
    ]);
    const byId = new Map(participants.map((p) => [p.id, p]));
    const serverTime = new Date(now[0].now);
    const end = endsAt(w);
    const ref = w.paused_at ? new Date(w.paused_at) : serverTime;
    const lockMap: Record<string, number[]> = {};
    for (const l of locks) (lockMap[l.table_id] ??= []).push(l.round);
    return {
      rev: Number(w.rev),
      serverTime: serverTime.toISOString(),
      workshop: summaryOf(w),
      round: {
        current: w.current_round,
        startedAt: iso(w.round_started_at),
        endsAt: iso(end),
        pausedAt: iso(w.paused_at),
        remainingSeconds: end ? Math.round((end.getTime() - ref.getTime()) / 1000) : null
      },
      message: w.message ? { text: w.message, at: iso(w.message_at)! } : null,
      tables: tables.map(
        (t): WorkshopTableInfo => ({
          id: t.id,
          position: t.position,
          name: t.name,
          question: t.question,
          hostParticipantId: t.host_participant_id,
          hostName: t.host_participant_id ? (byId.get(t.host_participant_id)?.display_name ?? null) : null,
          grid: t.grid
        })
      ),
      participants: participants.map(
        (p): WorkshopParticipantInfo => ({
          id: p.id,
          name: p.display_name,
          kind: p.person_id ? 'person' : 'guest',
          personId: p.person_id,
          college: p.college,
          present: p.present
        })
      ),
      plan: w.plan?.rounds ?? null,
      locks: lockMap
    };
  }

  async state(who: WorkshopAsker, workshopId: string): Promise<{ state: WorkshopState; capabilities: WorkshopCapabilities }> {
    const r = await this.resolve(who, workshopId);
    return { state: await this.stateOf(this.db, r.w), capabilities: this.capabilitiesOf(r) };
  }

  // Preparation -------------------------------------------------------------------------------

  async create(actor: AuthUser | null, bodyId: string, input: unknown): Promise<WorkshopSummary> {
    if (!actor) throw Errors.unauthorised();
    const orgId = await this.access.organisationOfBody(bodyId);
    if (!orgId) throw Errors.notFound(bi('Instance', 'Body'));
    const access = await this.access.forOrganisation(actor, orgId);
    if (!access || !policy.viewMeeting(access, bodyId)) throw Errors.notFound(bi('Instance', 'Body'));
    if (!policy.manageMeeting(access, bodyId)) throw Errors.forbidden();
    const data = validate(createWorkshopSchema, input);
    if (data.tables.some((t) => t.hostParticipantId)) {
      throw Errors.unprocessable(bi('Choisissez les hôtes une fois les participants ajoutés.', 'Choose the hosts once participants are added.'), 'tables');
    }
    const id = await this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ id: string }>(
        `insert into workshops (organisation_id, body_id, title, purpose, round_count, round_minutes, anonymous_notes, plan_seed, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
        [orgId, bodyId, data.title, data.purpose, data.roundCount, data.roundMinutes, data.anonymousNotes, Math.floor(Math.random() * 1_000_000) + 1, actor.id]
      );
      let position = 0;
      for (const t of data.tables) {
        await tx.query('insert into workshop_tables (workshop_id, position, name, question, grid) values ($1, $2, $3, $4, $5)', [
          row.id,
          ++position,
          t.name,
          t.question,
          t.grid ? JSON.stringify(t.grid) : null
        ]);
      }
      await recordAudit(tx, { organisationId: orgId, actorUserId: actor.id, action: 'workshop.created', subjectId: row.id, data: { bodyId } });
      return row.id;
    });
    return summaryOf((await this.load(this.db, id))!);
  }

  async update(actor: AuthUser | null, workshopId: string, input: unknown): Promise<WorkshopSummary> {
    await this.requireFacilitator(actor, workshopId);
    const data = validate(updateWorkshopSchema, input);
    await this.mutate(workshopId, async (tx, w) => {
      if (w.status === 'closed') throw conflict('Cet atelier est clos.', 'This workshop is closed.');
      if (data.roundCount !== undefined && w.status !== 'draft' && data.roundCount < w.current_round) {
        throw conflict('Le nombre de tours ne peut pas être inférieur au tour en cours.', 'The number of rounds cannot be lower than the current round.', 'roundCount');
      }
      const next = { ...w, ...{ title: data.title ?? w.title, purpose: data.purpose ?? w.purpose } };
      await tx.query(
        `update workshops set title = $2, purpose = $3, round_count = $4, round_minutes = $5, anonymous_notes = $6 where id = $1`,
        [w.id, next.title, next.purpose, data.roundCount ?? w.round_count, data.roundMinutes ?? w.round_minutes, data.anonymousNotes ?? w.anonymous_notes]
      );
      if (data.roundCount !== undefined && data.roundCount !== w.round_count && w.plan) await this.replan(tx, { ...w, round_count: data.roundCount });
    });
    return summaryOf((await this.load(this.db, workshopId))!);
  }

  async addTable(actor: AuthUser | null, workshopId: string, input: unknown): Promise<WorkshopTableInfo> {
    await this.requireFacilitator(actor, workshopId);
    const data = validate(tableSchema, input);
    let id = '';
    await this.mutate(workshopId, async (tx, w) => {
      if (w.status !== 'draft') throw conflict('Les tables se créent avant le premier tour.', 'Tables are created before the first round.');
      const count = await tx.query<{ n: number }>('select count(*)::int as n from workshop_tables where workshop_id = $1', [w.id]);
      if (count[0].n >= 12) throw Errors.unprocessable(bi('Au plus 12 tables.', 'At most 12 tables.'), 'name');
      await this.checkHost(tx, w.id, data.hostParticipantId ?? null, null);
      const [row] = await tx.query<{ id: string }>(
        `insert into workshop_tables (workshop_id, position, name, question, host_participant_id, grid)
         values ($1, (select coalesce(max(position), 0) + 1 from workshop_tables where workshop_id = $1), $2, $3, $4, $5) returning id`,
        [w.id, data.name, data.question, data.hostParticipantId ?? null, data.grid ? JSON.stringify(data.grid) : null]
      );
      id = row.id;
      if (w.plan) await tx.query('update workshops set plan = null, plan_edited = false where id = $1', [w.id]);
    });
    return (await this.snapshot(workshopId)).tables.find((t) => t.id === id)!;
  }

  private async tableWorkshop(tableId: string): Promise<string> {
    if (!isUuid(tableId)) throw Errors.notFound(TABLE);
    const rows = await this.db.query<{ workshop_id: string }>('select workshop_id from workshop_tables where id = $1', [tableId]);
    if (!rows[0]) throw Errors.notFound(TABLE);
    return rows[0].workshop_id;
  }

  private async checkHost(q: Queryable, workshopId: string, participantId: string | null, tableId: string | null) {
    if (!participantId) return;
    const rows = await q.query<{ id: string; table_id: string | null }>(
      `select p.id, t.id as table_id from workshop_participants p left join workshop_tables t on t.host_participant_id = p.id
        where p.id = $1 and p.workshop_id = $2`,
      [participantId, workshopId]
    );
    if (!rows[0]) throw Errors.unprocessable(bi('Cet hôte ne participe pas à l’atelier.', 'This host does not take part in the workshop.'), 'hostParticipantId');
    if (rows[0].table_id && rows[0].table_id !== tableId) {
      throw Errors.conflict(bi('Cette personne anime déjà une autre table.', 'This person already hosts another table.'), 'hostParticipantId');
    }
  }

  async updateTable(actor: AuthUser | null, tableId: string, input: unknown): Promise<WorkshopTableInfo> {
    const workshopId = await this.tableWorkshop(tableId);
    await this.requireFacilitator(actor, workshopId);
    const data = validate(updateTableSchema, input);
    await this.mutate(workshopId, async (tx, w) => {
      if (w.status === 'closed') throw conflict('Cet atelier est clos.', 'This workshop is closed.');
      const [t] = await tx.query<TableRow>('select * from workshop_tables where id = $1', [tableId]);
      const hostChanges = data.hostParticipantId !== undefined && (data.hostParticipantId ?? null) !== t.host_participant_id;
      if (hostChanges && w.status !== 'draft') throw conflict('L’hôte reste à sa table pendant l’atelier.', 'The host stays at their table during the workshop.', 'hostParticipantId');
      if (hostChanges) await this.checkHost(tx, w.id, data.hostParticipantId ?? null, tableId);
      await tx.query('update workshop_tables set name = $2, question = $3, host_participant_id = $4, grid = $5 where id = $1', [
        tableId,
        data.name ?? t.name,
        data.question ?? t.question,
        data.hostParticipantId !== undefined ? (data.hostParticipantId ?? null) : t.host_participant_id,
        data.grid !== undefined ? (data.grid ? JSON.stringify(data.grid) : null) : t.grid ? JSON.stringify(t.grid) : null
      ]);
      if (hostChanges && w.plan) await this.replan(tx, w);
    });
    return (await this.snapshot(workshopId)).tables.find((t) => t.id === tableId)!;
  }

  async removeTable(actor: AuthUser | null, tableId: string): Promise<void> {
    const workshopId = await this.tableWorkshop(tableId);
    await this.requireFacilitator(actor, workshopId);
    await this.mutate(workshopId, async (tx, w) => {
      if (w.status !== 'draft') throw conflict('Les tables se retirent avant le premier tour.', 'Tables are removed before the first round.');
      await tx.query('delete from workshop_tables where id = $1', [tableId]);
      if (w.plan) await tx.query('update workshops set plan = null, plan_edited = false where id = $1', [w.id]);
    });
  }

  /** Adds a person of the organisation; their college defaults to their seat on the body. */
  async addParticipant(actor: AuthUser | null, workshopId: string, input: unknown): Promise<WorkshopParticipantInfo> {
    const { w } = await this.requireFacilitator(actor, workshopId);
    const data = validate(addParticipantSchema, input);
    const people = await this.db.query<{ full_name: string; college: WorkshopCollege | null }>(
      `select p.full_name, m.college from people p left join memberships m on m.person_id = p.id and m.body_id = $3
        where p.id = $1 and p.organisation_id = $2`,
      [data.personId, w.organisation_id, w.body_id]
    );
    if (!people[0]) throw Errors.unprocessable(bi('Cette personne n’est pas dans l’organisation.', 'This person is not in the organisation.'), 'personId');
    const id = await this.addPerson(workshopId, data.personId, people[0].full_name, data.college ?? people[0].college ?? 'other');
    return (await this.snapshot(workshopId)).participants.find((p) => p.id === id)!;
  }

  /** Adds every member of the body who is not yet a participant. */
  async addBodyMembers(actor: AuthUser | null, workshopId: string): Promise<number> {
    const { w } = await this.requireFacilitator(actor, workshopId);
    const members = await this.db.query<{ person_id: string; full_name: string; college: WorkshopCollege }>(
      `select m.person_id, p.full_name, m.college from memberships m join people p on p.id = m.person_id
        where m.body_id = $1 and not exists (select 1 from workshop_participants wp where wp.workshop_id = $2 and wp.person_id = m.person_id)
        order by p.full_name`,
      [w.body_id, w.id]
    );
    for (const m of members) await this.addPerson(workshopId, m.person_id, m.full_name, m.college);
    return members.length;
  }

  private async addPerson(workshopId: string, personId: string, name: string, college: WorkshopCollege): Promise<string> {
    let id = '';
    await this.mutate(workshopId, async (tx, w) => {
      if (w.status === 'closed') throw conflict('Cet atelier est clos.', 'This workshop is closed.');
      try {
        const [row] = await tx.query<{ id: string }>(
          'insert into workshop_participants (workshop_id, person_id, display_name, college) values ($1, $2, $3, $4) returning id',
          [w.id, personId, name, college]
        );
        id = row.id;
      } catch (err) {
        if (isUniqueViolation(err)) throw Errors.conflict(bi('Cette personne participe déjà.', 'This person already takes part.'), 'personId');
        throw err;
      }
      if (w.status === 'live') await this.replan(tx, w);
    });
    return id;
  }

  /** A member of the body (or anyone who may see the workshop) joins it themself. */
  async joinAsUser(actor: AuthUser | null, workshopId: string): Promise<WorkshopCapabilities> {
    const r = await this.resolve({ user: actor, guest: null }, workshopId);
    if (r.participant) {
      if (!r.participant.present) await this.markPresent(workshopId, r.participant.id);
      return this.capabilities({ user: actor, guest: null }, workshopId);
    }
    if (!r.access?.personId) throw Errors.forbidden();
    const role = r.access.bodyRoles[r.w.body_id];
    if (!role || role === 'observer') throw Errors.forbidden();
    const [me] = await this.db.query<{ full_name: string; college: WorkshopCollege | null }>(
      'select p.full_name, m.college from people p left join memberships m on m.person_id = p.id and m.body_id = $2 where p.id = $1',
      [r.access.personId, r.w.body_id]
    );
    try {
      await this.addPerson(workshopId, r.access.personId, me.full_name, me.college ?? 'other');
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'conflict')) throw err;
    }
    return this.capabilities({ user: actor, guest: null }, workshopId);
  }

  /** A guest who joined with this workshop's code takes part (tenants invited for the day: tenant side). */
  async joinAsGuest(guest: Guest | null, workshopId: string): Promise<WorkshopCapabilities> {
    if (!guest) throw Errors.unauthorised();
    const r = await this.resolve({ user: null, guest }, workshopId);
    // A closed workshop is still there to read; nobody joins it any more.
    if (r.w.status === 'closed') return this.capabilitiesOf(r);
    if (!r.participant) {
      await this.mutate(workshopId, async (tx, w) => {
        await tx.query(
          `insert into workshop_participants (workshop_id, guest_id, display_name, college) values ($1, $2, $3, 'tenant')
           on conflict (workshop_id, guest_id) where guest_id is not null do nothing`,
          [w.id, guest.id, guest.displayName]
        );
        if (w.status === 'live') await this.replan(tx, w);
      });
    } else if (!r.participant.present) {
      await this.markPresent(workshopId, r.participant.id);
    }
    return this.capabilities({ user: null, guest }, workshopId);
  }

  private async participantWorkshop(participantId: string): Promise<string> {
    if (!isUuid(participantId)) throw Errors.notFound(PARTICIPANT);
    const rows = await this.db.query<{ workshop_id: string }>('select workshop_id from workshop_participants where id = $1', [participantId]);
    if (!rows[0]) throw Errors.notFound(PARTICIPANT);
    return rows[0].workshop_id;
  }

  /** College, or arrival and departure (which re-plan the rounds not yet played). */
  async updateParticipant(actor: AuthUser | null, participantId: string, input: unknown): Promise<WorkshopParticipantInfo> {
    const workshopId = await this.participantWorkshop(participantId);
    await this.requireFacilitator(actor, workshopId);
    const data = validate(updateParticipantSchema, input);
    await this.mutate(workshopId, async (tx, w) => {
      if (w.status === 'closed') throw conflict('Cet atelier est clos.', 'This workshop is closed.');
      await tx.query('update workshop_participants set college = coalesce($2, college), present = coalesce($3, present) where id = $1', [
        participantId,
        data.college ?? null,
        data.present ?? null
      ]);
      if (w.status === 'live' && data.present !== undefined) await this.replan(tx, w);
    });
    // Someone who has left no longer writes on the tablecloths: their open connections are authorised again.
    if (data.present === false) await this.reauthoriseTablecloths(workshopId);
    return (await this.snapshot(workshopId)).participants.find((p) => p.id === participantId)!;
  }

  /** Someone (back) in the room: the remaining rounds are planned with them. */
  private async markPresent(workshopId: string, participantId: string) {
    await this.mutate(workshopId, async (tx, w) => {
      await tx.query('update workshop_participants set present = true where id = $1', [participantId]);
      if (w.status === 'live') await this.replan(tx, w);
    });
  }

  async removeParticipant(actor: AuthUser | null, participantId: string): Promise<void> {
    const workshopId = await this.participantWorkshop(participantId);
    await this.requireFacilitator(actor, workshopId);
    await this.mutate(workshopId, async (tx, w) => {
      if (w.status !== 'draft') throw conflict('Pendant l’atelier, marquez plutôt la personne comme partie.', 'During the workshop, mark the person as gone instead.');
      await tx.query('delete from workshop_participants where id = $1', [participantId]);
      if (w.plan) await this.replan(tx, w);
    });
    await this.reauthoriseTablecloths(workshopId);
  }

  // Rotation plan -----------------------------------------------------------------------------

  private async rotationInput(q: Queryable, w: WorkshopRow): Promise<Omit<RotationInput, 'seed'>> {
    const [tables, participants] = await Promise.all([this.tables(q, w.id), this.participants(q, w.id)]);
    return {
      tables: tables.map((t) => ({ id: t.id, hostId: t.host_participant_id })),
      participants: participants.filter((p) => p.present).map((p) => ({ id: p.id, college: p.college })),
      rounds: w.round_count
    };
  }

  /**
   * Plans again: all rounds before the first one; during the run, only the rounds after the
   * current one (a late arrival joins the emptiest table of the current round).
   */
  private async replan(tx: Queryable, w: WorkshopRow): Promise<void> {
    const input = await this.rotationInput(tx, w);
    if (!input.tables.length) {
      await tx.query('update workshops set plan = null where id = $1', [w.id]);
      return;
    }
    const played = w.status === 'draft' ? 0 : Math.min(w.current_round, w.round_count);
    const fixed = (w.plan?.rounds ?? []).slice(0, played).map((r) => ({ ...r }));
    const current = fixed[played - 1];
    if (current) {
      const hosts = new Set(input.tables.map((t) => t.hostId).filter(Boolean));
      for (const p of input.participants) {
        if (hosts.has(p.id) || current[p.id]) continue;
        const sizes = new Map(input.tables.map((t) => [t.id, 0]));
        for (const tid of Object.values(current)) sizes.set(tid, (sizes.get(tid) ?? 0) + 1);
        const smallest = [...sizes.entries()].sort((a, b) => a[1] - b[1])[0][0];
        current[p.id] = smallest;
      }
    }
    const plan = planRotation({ ...input, seed: w.plan_seed, fixedRounds: fixed });
    await tx.query('update workshops set plan = $2 where id = $1', [w.id, JSON.stringify({ rounds: plan.rounds })]);
  }

  async generatePlan(actor: AuthUser | null, workshopId: string, input: unknown = {}): Promise<PlanCheck> {
    await this.requireFacilitator(actor, workshopId);
    const data = validate(generatePlanSchema, input ?? {});
    await this.mutate(workshopId, async (tx, w) => {
      if (w.status === 'closed') throw conflict('Cet atelier est clos.', 'This workshop is closed.');
      const seed = data.seed ?? w.plan_seed;
      const tables = await this.tables(tx, w.id);
      if (!tables.length) throw Errors.unprocessable(bi('Ajoutez d’abord des tables.', 'Add tables first.'), 'tables');
      await tx.query('update workshops set plan_seed = $2, plan_edited = false where id = $1', [w.id, seed]);
      await this.replan(tx, { ...w, plan_seed: seed });
    });
    return this.checkPlan(actor, workshopId);
  }

  async checkPlan(actor: AuthUser | null, workshopId: string): Promise<PlanCheck> {
    const { w } = await this.requireFacilitator(actor, workshopId);
    if (!w.plan) return { plan: null, violations: [] };
    const input = await this.rotationInput(this.db, w);
    const played = w.status === 'draft' ? 0 : w.current_round;
    return { plan: w.plan.rounds, violations: validatePlan(input, w.plan, played) };
  }

  /** A plan edited by hand: refused when it breaks a rule (hosts move, a table visited twice…); warnings are kept. */
  async savePlan(actor: AuthUser | null, workshopId: string, input: unknown): Promise<PlanCheck> {
    await this.requireFacilitator(actor, workshopId);
    const data = validate(planSchema, input);
    await this.mutate(workshopId, async (tx, w) => {
      if (w.status === 'closed') throw conflict('Cet atelier est clos.', 'This workshop is closed.');
      const rotation = await this.rotationInput(tx, w);
      const played = w.status === 'draft' ? 0 : w.current_round;
      const playedRounds = (w.plan?.rounds ?? []).slice(0, played);
      // Rounds already played (or under way) stay as they were.
      const rounds = [...playedRounds, ...data.rounds.slice(played)];
      const errors = validatePlan(rotation, { rounds }, played).filter((v) => v.severity === 'error');
      if (errors.length) {
        const fields: Record<string, Bilingual> = {};
        for (const v of errors) fields[`rounds.${(v.round ?? 1) - 1}${v.participantId ? `.${v.participantId}` : ''}`] = violationText(v);
        throw new AppError('validation_failed', bi('Ce plan ne respecte pas les règles de rotation.', 'This plan breaks the rotation rules.'), fields);
      }
      await tx.query('update workshops set plan = $2, plan_edited = true where id = $1', [w.id, JSON.stringify({ rounds })]);
    });
    return this.checkPlan(actor, workshopId);
  }

  async guestCode(actor: AuthUser | null, workshopId: string, baseUrl: string): Promise<WorkshopJoinCode> {
    const { w } = await this.requireFacilitator(actor, workshopId);
    const existing = await this.db.query<{ code: string; expires_at: Date }>(
      'select code, expires_at from guest_codes where id = $1 and revoked_at is null and expires_at > now()',
      [w.guest_code_id]
    );
    let code = existing[0]?.code;
    let expiresAt = existing[0] ? new Date(existing[0].expires_at).toISOString() : '';
    if (!code) {
      const made = await this.guests.createCode(actor, w.organisation_id, { targetKind: 'workshop', targetId: w.id, hours: 24 }, baseUrl);
      const [gc] = await this.db.query<{ id: string }>('select id from guest_codes where code = $1', [made.code]);
      await this.db.query('update workshops set guest_code_id = $2 where id = $1', [w.id, gc.id]);
      code = made.code;
      expiresAt = made.expiresAt;
    }
    return joinCodeOf(baseUrl, w.id, code, expiresAt);
  }

  /** The current join code, for the projector, without making one. */
  async currentJoinCode(who: WorkshopAsker, workshopId: string, baseUrl: string): Promise<WorkshopJoinCode | null> {
    const { w } = await this.resolve(who, workshopId);
    if (!w.guest_code_id) return null;
    const rows = await this.db.query<{ code: string; expires_at: Date }>(
      'select code, expires_at from guest_codes where id = $1 and revoked_at is null and expires_at > now()',
      [w.guest_code_id]
    );
    return rows[0] ? joinCodeOf(baseUrl, w.id, rows[0].code, new Date(rows[0].expires_at).toISOString()) : null;
  }

  // Live run ----------------------------------------------------------------------------------

  /** Start, next round, pause, resume, extend, broadcast a message, close. */
  async control(actor: AuthUser | null, workshopId: string, input: unknown): Promise<WorkshopState> {
    await this.requireFacilitator(actor, workshopId);
    const cmd = validate(controlSchema, input);
    await this.mutate(workshopId, async (tx, w) => {
      const live = () => {
        if (w.status !== 'live') throw conflict('L’atelier n’est pas en cours.', 'The workshop is not running.');
      };
      switch (cmd.action) {
        case 'start': {
          if (w.status !== 'draft') throw conflict('L’atelier a déjà commencé.', 'The workshop has already started.');
          const tables = await this.tables(tx, w.id);
          if (!tables.length) throw Errors.unprocessable(bi('Ajoutez d’abord des tables.', 'Add tables first.'), 'tables');
          const input = await this.rotationInput(tx, w);
          const errors = w.plan ? validatePlan(input, w.plan).filter((v) => v.severity === 'error') : [];
          if (!w.plan || errors.length) await this.replan(tx, w);
          await tx.query(
            `update workshops set status = 'live', current_round = 1, round_started_at = now(), extra_seconds = 0, paused_seconds = 0, paused_at = null where id = $1`,
            [w.id]
          );
          await recordAudit(tx, { organisationId: w.organisation_id, actorUserId: actor!.id, action: 'workshop.started', subjectId: w.id });
          break;
        }
        case 'next': {
          live();
          if (w.current_round >= w.round_count) throw conflict('C’était le dernier tour : clôturez l’atelier.', 'That was the last round: close the workshop.');
          await tx.query(
            `update workshops set current_round = current_round + 1, round_started_at = now(), extra_seconds = 0, paused_seconds = 0, paused_at = null where id = $1`,
            [w.id]
          );
          break;
        }
        case 'pause':
          live();
          if (w.paused_at) throw conflict('Le tour est déjà en pause.', 'The round is already paused.');
          await tx.query('update workshops set paused_at = now() where id = $1', [w.id]);
          break;
        case 'resume':
          live();
          if (!w.paused_at) throw conflict('Le tour n’est pas en pause.', 'The round is not paused.');
          await tx.query(
            `update workshops set paused_seconds = paused_seconds + round(extract(epoch from (now() - paused_at)))::int, paused_at = null where id = $1`,
            [w.id]
          );
          break;
        case 'extend':
          live();
          await tx.query('update workshops set extra_seconds = extra_seconds + $2 where id = $1', [w.id, cmd.minutes * 60]);
          break;
        case 'message':
          if (w.status === 'closed') throw conflict('Cet atelier est clos.', 'This workshop is closed.');
          await tx.query('update workshops set message = $2, message_at = now() where id = $1', [w.id, cmd.text || null]);
          break;
        case 'close':
          live();
          await tx.query(`update workshops set status = 'closed', paused_at = null where id = $1`, [w.id]);
          await recordAudit(tx, { organisationId: w.organisation_id, actorUserId: actor!.id, action: 'workshop.closed', subjectId: w.id });
          break;
      }
    });
    // A new round unlocks the tablecloths, closing makes them read-only: open connections follow.
    if (cmd.action === 'next' || cmd.action === 'close') await this.reauthoriseTablecloths(workshopId);
    return this.snapshot(workshopId);
  }

  /**
   * Locks a round's notes on one table: its host, or the facilitator. Recorded in Postgres; the
   * tablecloth then shows that round's notes read-only.
   */
  async lockRound(who: WorkshopAsker, workshopId: string, input: unknown): Promise<void> {
    const r = await this.resolve(who, workshopId);
    const data = validate(lockSchema, input);
    const tables = await this.tables(this.db, workshopId);
    const table = tables.find((t) => t.id === data.tableId);
    if (!table) throw Errors.notFound(TABLE);
    const isHost = !!r.participant && table.host_participant_id === r.participant.id;
    if (!r.facilitate && !isHost) throw Errors.forbidden();
    if (data.round > r.w.current_round || r.w.status === 'draft') throw conflict('Ce tour n’a pas encore eu lieu.', 'This round has not taken place yet.', 'round');
    await this.mutate(workshopId, async (tx) => {
      await tx.query(
        `insert into workshop_round_locks (table_id, round, locked_by_participant_id, locked_by_user_id) values ($1, $2, $3, $4)
         on conflict (table_id, round) do nothing`,
        [data.tableId, data.round, r.participant?.id ?? null, who.user?.id ?? null]
      );
    });
    await this.reauthoriseTablecloths(workshopId, [data.tableId]);
  }

  /** Who may open the tablecloth `tablecloth:<tableId>` and how. */
  async tableclothAccess(
    who: WorkshopAsker,
    tableId: string
  ): Promise<{ access: 'edit' | 'read'; name: string; id: string; lockedRounds: number[] } | 'notFound' | 'forbidden'> {
    if (!isUuid(tableId)) return 'notFound';
    const rows = await this.db.query<{ workshop_id: string }>('select workshop_id from workshop_tables where id = $1', [tableId]);
    if (!rows[0]) return 'notFound';
    try {
      const r = await this.resolve(who, rows[0].workshop_id);
      const caps = this.capabilitiesOf(r);
      const id = who.user?.id ?? who.guest!.id;
      const name = who.user?.displayName ?? who.guest!.displayName;
      // Once the host has locked the round under way, the tablecloth only reads; the locked
      // rounds before it stay as they are whatever an editor sends (the Yjs server puts them back,
      // see tableclothGuard). A lock reconnects the open connections, so it applies to them too.
      const lockedRounds = caps.edit
        ? (await this.db.query<{ round: number }>('select round from workshop_round_locks where table_id = $1 order by round', [tableId])).map((l) => Number(l.round))
        : [];
      const edit = caps.edit && !(r.w.status === 'live' && lockedRounds.includes(r.w.current_round));
      return { access: edit ? 'edit' : 'read', id, name, lockedRounds };
    } catch (err) {
      if (err instanceof AppError) return err.code === 'not_found' ? 'forbidden' : 'forbidden';
      throw err;
    }
  }

  /** Runs `fn` with the workshop row locked, bumps `rev`, and tells listeners after the commit. */
  private async mutate(workshopId: string, fn: (tx: Queryable, w: WorkshopRow) => Promise<void>): Promise<number> {
    const rev = await this.db.transaction(async (tx) => {
      const w = await this.load(tx, workshopId, true);
      if (!w) throw Errors.notFound(WORKSHOP);
      await fn(tx, w);
      const [row] = await tx.query<{ rev: string }>('update workshops set rev = rev + 1 where id = $1 returning rev', [workshopId]);
      return Number(row.rev);
    });
    this.changed({ workshopId, rev });
    return rev;
  }
}

async function joinCodeOf(baseUrl: string, workshopId: string, code: string, expiresAt: string): Promise<WorkshopJoinCode> {
  const joinUrl = `${baseUrl.replace(/\/$/, '')}/w/${workshopId}/join?code=${code}`;
  const qrSvg = await QRCode.toString(joinUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return { code, joinUrl, expiresAt, qrSvg };
}

function violationText(v: PlanViolation): Bilingual {
  switch (v.kind) {
    case 'host_moved':
      return bi('Un hôte reste à sa table.', 'A host stays at their table.');
    case 'table_repeated':
      return bi('Cette personne est déjà passée à cette table.', 'This person has already been at this table.');
    case 'unknown_table':
      return bi('Table inconnue.', 'Unknown table.');
    case 'unknown_participant':
      return bi('Participant inconnu.', 'Unknown participant.');
    case 'missing_participant':
      return bi('Cette personne n’a pas de table.', 'This person has no table.');
    case 'round_count':
      return bi('Le plan n’a pas le bon nombre de tours.', 'The plan does not have the right number of rounds.');
    default:
      return bi('Règle de rotation non respectée.', 'Rotation rule broken.');
  }
}
