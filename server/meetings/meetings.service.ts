import type { Logger } from 'pino';
import { prepared, type Db, type Queryable } from '../db/db.ts';
import type { AccessService } from '../access.ts';
import { MEETING_MANAGER_ROLES, policy, type OrgAccess } from '../auth/policy.ts';
import type { AuthUser } from '../auth/sessions.ts';
import type { Mailer } from '../mail/mailer.ts';
import { AppError, Errors, bi, type Bilingual } from '../shared/app-error.ts';
import { validate } from '../shared/validate.ts';
import { parseDateTime } from '../shared/time.ts';
import { compareItems, keyBetween } from './agenda-order.ts';
import {
  addItemSchema,
  attendanceSchema,
  createMeetingSchema,
  currentItemSchema,
  decideProposalSchema,
  departSchema,
  moveItemSchema,
  queueOpenSchema,
  requestFloorSchema,
  requestIdSchema,
  transitionSchema,
  updateItemSchema,
  updateMeetingSchema,
  type MeetingStatus
} from './meetings.schemas.ts';
import type { AgendaItem, AttachmentInfo, AttendanceEntry, MeetingCapabilities, MeetingState, MeetingSummary, QueueEntry } from './meetings.types.ts';
import type { MeetingRoom, MeetingSection } from '../../src/lib/protocol/meeting-patch.ts';
import { checkProxy, DEFAULT_PROXY_RULE, explainProxyRefusal, type ProxyRule } from './proxies.ts';
import { computeQuorum, DEFAULT_QUORUM_RULE, type AttendanceStatus, type QuorumRule } from './quorum.ts';
import { orderQueue, speakingTime } from './speaking-queue.ts';

const MEETING = bi('Réunion', 'Meeting');
const ITEM = bi('Point de l’ordre du jour', 'Agenda item');
const ATTACHMENT = bi('Pièce jointe', 'Attachment');
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const ATTACHMENT_TYPES = new Set(['application/pdf', 'image/png', 'image/jpeg', 'image/webp', 'image/gif']);

/** The first bytes of each accepted type: a file is what it says, not what its name says. */
function looksLike(mimeType: string, data: Buffer): boolean {
  const starts = (sig: number[], at = 0) => sig.every((b, i) => data[at + i] === b);
  switch (mimeType) {
    case 'application/pdf':
      return starts([0x25, 0x50, 0x44, 0x46]);
    case 'image/png':
      return starts([0x89, 0x50, 0x4e, 0x47]);
    case 'image/jpeg':
      return starts([0xff, 0xd8, 0xff]);
    case 'image/gif':
      return starts([0x47, 0x49, 0x46, 0x38]);
    case 'image/webp':
      return starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8);
    default:
      return false;
  }
}
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Allowed status changes; each is recorded with who and when. */
const TRANSITIONS: Record<MeetingStatus, MeetingStatus[]> = {
  draft: ['convened'],
  convened: ['live', 'draft'],
  live: ['closed'],
  closed: []
};

interface MeetingRow {
  id: string;
  organisation_id: string;
  body_id: string;
  body_name: string;
  title: string;
  starts_at: Date;
  place: string;
  video_url: string | null;
  status: MeetingStatus;
  current_item_id: string | null;
  current_item_started_at: Date | null;
  queue_open: boolean;
  rev: number;
  checkin_code: string;
  quorum_rule: QuorumRule;
  proxy_rule: ProxyRule;
}

interface Ctx {
  /** Work to run once the change is committed (mail), never before. */
  afterCommit: (() => Promise<void>)[];
  meeting: MeetingRow;
  actor: AuthUser;
  access: OrgAccess;
  personId: string | null;
  canManage: boolean;
  canTakePart: boolean;
}

const iso = (d: Date | string | null) => (d == null ? null : new Date(d).toISOString());

const toSummary = (m: MeetingRow): MeetingSummary => ({
  id: m.id,
  organisationId: m.organisation_id,
  bodyId: m.body_id,
  bodyName: m.body_name,
  title: m.title,
  startsAt: iso(m.starts_at)!,
  place: m.place,
  videoUrl: m.video_url,
  status: m.status
});

const refuse = (code: 'conflict' | 'unprocessable', text: Bilingual, field?: string) =>
  code === 'conflict' ? Errors.conflict(text, field) : Errors.unprocessable(text, field);

/** The speaking requests of an item, as the queue is built from them. */
interface QueueRow {
  id: string;
  person_id: string;
  full_name: string;
  source: 'room' | 'remote';
  requested_at: Date | string;
  granted_at: Date | string | null;
  ended_at: Date | string | null;
}
const QUEUE_ROWS = `select r.id, r.person_id, p.full_name, r.source, r.requested_at, r.granted_at, r.ended_at
  from speaking_requests r join people p on p.id = r.person_id where r.item_id = $1 and r.withdrawn_at is null`;

/**
 * `setCurrentItem` in one statement, committed on its own (see there); prepared, as it runs at
 * every change of item. `may` is `policy.manageMeeting` for this meeting's body: an organisation
 * admin ($4: a platform admin), or a body role in $5 (MEETING_MANAGER_ROLES); nothing is written
 * unless it holds, the meeting is live, the item is another one and is on its agenda.
 *
 * `stale`: another change of the meeting committed while this one waited for its lock. The
 * statement's other parts then read the agenda and the queue as they were before that change
 * (READ COMMITTED: one snapshot per statement, taken before the wait), so it writes nothing and
 * says so; `setCurrentItem` then runs it again behind the lock it takes first.
 */
const SET_CURRENT_ITEM = prepared(
  'meetings.set_current_item',
  `with m as (
    select id, status, organisation_id, body_id, current_item_id, current_item_started_at, rev from meetings where id = $1 for update
  ), seen as (
    select rev from meetings where id = $1
  ), fresh as (
    select (select rev from m) = (select rev from seen) as ok
  ), may as (
    select $4::boolean or exists (
      select 1 from people p left join memberships ms on ms.person_id = p.id and ms.body_id = (select body_id from m)
       where p.organisation_id = (select organisation_id from m) and p.user_id = $3
         and (p.org_role = 'admin' or ms.role = any($5::text[]))
    ) as ok
  ), target as (
    select 1 from agenda_items where id = $2::uuid and meeting_id = $1 and status = 'accepted' and deleted_at is null
  ), moved as (
    update meetings mm set current_item_id = $2, current_item_started_at = case when $2::uuid is null then null else now() end, rev = mm.rev + 1
      from m
     where mm.id = m.id and m.status = 'live' and m.current_item_id is distinct from $2::uuid
       and ($2::uuid is null or exists (select 1 from target)) and (select ok from may) and (select ok from fresh)
    returning mm.*
  ), ended as (
    update speaking_requests set ended_at = now()
     where item_id = (select current_item_id from m) and granted_at is not null and ended_at is null and exists (select 1 from moved)
  ), left_item as (
    update agenda_items set spent_seconds = spent_seconds + greatest(0, extract(epoch from (now() - (select current_item_started_at from m)))::int)
     where id = (select current_item_id from m) and (select current_item_started_at from m) is not null and exists (select 1 from moved)
    returning id, spent_seconds
  ), logged as (
    insert into meeting_events (meeting_id, actor_user_id, type, data)
    select $1, $3, 'room.current_item', jsonb_build_object('itemId', $2::uuid, 'previousItemId', (select current_item_id from m)) from moved
  )
  select (select status from m) as status, not (select ok from fresh) as stale, (select ok from may) as may_manage, (select current_item_id from m) as previous_item_id,
         (select row_to_json(x) from (
            select mv.*, b.name as body_name, b.quorum_rule, b.proxy_rule,
                   (select coalesce(json_agg(q order by q.requested_at, q.id), '[]'::json) from (${QUEUE_ROWS.replace('$1', 'mv.current_item_id')}) q) as queue_rows
              from moved mv join bodies b on b.id = mv.body_id) x) as current,
         (select id from left_item) as left_id, (select spent_seconds from left_item) as left_spent`
);

/**
 * The end of every change that logged something (`mutate`): its log entries, the rev bump, and
 * the row read back, with the current item's speaking requests when $5 (the queue is broadcast).
 */
const LOG_AND_BUMP = `with logged as (
    insert into meeting_events (meeting_id, actor_user_id, type, data)
    select $1, $2, e.type, e.data::jsonb from unnest($3::text[], $4::text[]) with ordinality as e(type, data, n) order by e.n
  ), bumped as (update meetings set rev = rev + 1 where id = $1 returning *)
  select bumped.*, b.name as body_name, b.quorum_rule, b.proxy_rule,
         case when $5 then (select coalesce(json_agg(q order by q.requested_at, q.id), '[]'::json)
            from (${QUEUE_ROWS.replace('$1', 'bumped.current_item_id')}) q) end as queue_rows
    from bumped join bodies b on b.id = bumped.body_id`;

/** A committed change: revs `fromRev` (exclusive) to `rev`, and the parts of the state it touched. */
export interface MeetingChange {
  meetingId: string;
  fromRev: number;
  rev: number;
  sections: MeetingSection[];
  /**
   * Those sections as they stood at `rev`, read inside the change's own transaction (so a
   * broadcast needs no read after the commit); absent if reading them failed.
   */
  parts?: MeetingSectionsRead;
}
export type MeetingSectionsRead = Partial<MeetingState> & { rev: number; serverTime: string; room?: MeetingRoom; spent?: Record<string, number> };
export type MeetingChangeListener = (change: MeetingChange) => void;

/** Which parts of the live state each logged event changes. */
function sectionsOf(type: string): MeetingSection[] {
  if (type === 'meeting.status') return ['meeting', 'agenda', 'queue'];
  // Moving to another item changes the agenda only in the time spent on the item left.
  // Moving to another item changes the room (current item, its start), the queue (the new
  // item's) and the time spent on the item left; the rest of the meeting stays as it was.
  if (type === 'room.current_item') return ['room', 'spent', 'queue'];
  if (type === 'queue.opened' || type === 'queue.closed') return ['room', 'queue'];
  if (type.startsWith('meeting.')) return ['meeting'];
  if (type.startsWith('agenda.')) return ['agenda'];
  if (type.startsWith('attendance.')) return ['attendance'];
  if (type.startsWith('queue.')) return ['queue'];
  return ['meeting', 'agenda', 'attendance', 'queue'];
}

/**
 * Meetings, their shared agenda, attendance, proxies and speaking queue. Every change runs in
 * one transaction that locks the meeting row, writes an entry in the meeting's event log and
 * bumps its `rev`, so changes are applied in one order for everyone; listeners (the realtime
 * layer) are told after the commit, so nothing is broadcast that is not stored.
 */
export class MeetingService {
  private readonly listeners = new Set<MeetingChangeListener>();
  /** Each meeting's organisation and body: fixed at creation, so safe to remember on every instance. */
  private readonly owners = new Map<string, { organisationId: string; bodyId: string }>();

  constructor(
    private readonly db: Db,
    private readonly access: AccessService,
    private readonly mailer: Mailer,
    private readonly logger: Logger
  ) {}

  onChange(listener: MeetingChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(change: MeetingChange) {
    for (const l of this.listeners) {
      try {
        l(change);
      } catch (err) {
        this.logger.error({ err, meetingId: change.meetingId }, 'meeting change listener failed');
      }
    }
  }

  // Reading ---------------------------------------------------------------------------------

  private async loadMeeting(q: Queryable, meetingId: string, lock = false): Promise<MeetingRow | null> {
    if (!UUID.test(meetingId)) return null;
    const rows = await q.query<MeetingRow>(
      `select m.*, b.name as body_name, b.quorum_rule, b.proxy_rule
         from meetings m join bodies b on b.id = m.body_id where m.id = $1 ${lock ? 'for update of m' : ''}`,
      [meetingId]
    );
    return rows[0] ?? null;
  }

  private async context(actor: AuthUser | null, meetingId: string): Promise<Ctx> {
    if (!actor) throw Errors.unauthorised();
    const meeting = await this.loadMeeting(this.db, meetingId);
    if (!meeting) throw Errors.notFound(MEETING);
    const access = await this.access.forOrganisation(actor, meeting.organisation_id);
    if (!access || !policy.viewMeeting(access, meeting.body_id)) throw Errors.notFound(MEETING);
    return {
      afterCommit: [],
      meeting,
      actor,
      access,
      personId: access.personId || null,
      canManage: policy.manageMeeting(access, meeting.body_id),
      canTakePart: policy.takePartInMeeting(access, meeting.body_id)
    };
  }

  /**
   * Who the actor is in the meeting, from the meeting's body and organisation only (which never
   * change, so they are remembered per process); `meeting` is filled in by the caller from the
   * row it locks. One query fewer per change than `context`.
   */
  private async accessContext(actor: AuthUser | null, meetingId: string): Promise<Omit<Ctx, 'meeting'>> {
    if (!actor) throw Errors.unauthorised();
    let owner = this.owners.get(meetingId);
    if (!owner) {
      const rows = UUID.test(meetingId)
        ? await this.db.query<{ organisation_id: string; body_id: string }>('select organisation_id, body_id from meetings where id = $1', [meetingId])
        : [];
      if (!rows[0]) throw Errors.notFound(MEETING);
      owner = { organisationId: rows[0].organisation_id, bodyId: rows[0].body_id };
      if (this.owners.size >= 10_000) this.owners.clear();
      this.owners.set(meetingId, owner);
    }
    const access = await this.access.forOrganisation(actor, owner.organisationId);
    if (!access || !policy.viewMeeting(access, owner.bodyId)) throw Errors.notFound(MEETING);
    return {
      afterCommit: [],
      actor,
      access,
      personId: access.personId || null,
      canManage: policy.manageMeeting(access, owner.bodyId),
      canTakePart: policy.takePartInMeeting(access, owner.bodyId)
    };
  }

  async capabilities(actor: AuthUser | null, meetingId: string): Promise<MeetingCapabilities> {
    const c = await this.context(actor, meetingId);
    return { personId: c.personId, canManage: c.canManage, canTakePart: c.canTakePart };
  }

  /** May this user receive this meeting's live state? (Socket.IO room check.) */
  async canView(actor: AuthUser, meetingId: string): Promise<boolean> {
    try {
      await this.context(actor, meetingId);
      return true;
    } catch {
      return false;
    }
  }

  async list(actor: AuthUser | null, bodyId: string): Promise<MeetingSummary[]> {
    if (!actor) throw Errors.unauthorised();
    const orgId = UUID.test(bodyId) ? await this.access.organisationOfBody(bodyId) : null;
    const access = orgId ? await this.access.forOrganisation(actor, orgId) : null;
    if (!access || !policy.viewMeeting(access, bodyId)) throw Errors.notFound(bi('Instance', 'Body'));
    const rows = await this.db.query<MeetingRow>(
      `select m.*, b.name as body_name, b.quorum_rule, b.proxy_rule from meetings m join bodies b on b.id = m.body_id
        where m.body_id = $1 order by m.starts_at desc`,
      [bodyId]
    );
    return rows.map(toSummary);
  }

  async get(actor: AuthUser | null, meetingId: string): Promise<MeetingSummary & { checkinCode: string | null }> {
    const c = await this.context(actor, meetingId);
    return { ...toSummary(c.meeting), checkinCode: c.canManage ? c.meeting.checkin_code : null };
  }

  /** The full live state, as every view renders it and as a reconnecting client receives it. */
  async state(actor: AuthUser | null, meetingId: string): Promise<MeetingState> {
    await this.context(actor, meetingId);
    return this.snapshot(meetingId);
  }

  /** Builds the state without a permission check: for broadcasting to a room already checked. */
  async snapshot(meetingId: string): Promise<MeetingState> {
    const parts = await this.sections(meetingId, ['meeting', 'agenda', 'attendance', 'queue']);
    return parts as MeetingState;
  }

  /**
   * Reads the given parts of the live state (after a commit, for a patch). `quorum` comes with
   * `attendance`; `rev` is the meeting's rev when read, at least that of the change broadcast.
   */
  async sections(
    meetingId: string,
    wanted: MeetingSection[],
    q: Queryable = this.db,
    row?: MeetingRow,
    knownSpent?: Record<string, number>,
    queueRows?: QueueRow[]
  ): Promise<MeetingSectionsRead> {
    const m = row ?? (await this.loadMeeting(q, meetingId));
    if (!m) throw Errors.notFound(MEETING);
    const want = new Set(wanted);
    const out: MeetingSectionsRead = { rev: Number(m.rev), serverTime: new Date().toISOString() };
    const [agenda, attendance, queue, spent] = await Promise.all([
      want.has('agenda') ? this.agendaOf(meetingId, q) : undefined,
      want.has('attendance') ? this.attendanceOf(meetingId, m.body_id, q) : undefined,
      want.has('queue') ? this.queueOf(m.current_item_id, q, queueRows) : undefined,
      want.has('spent') && !want.has('agenda') && !knownSpent
        ? q.query<{ id: string; spent_seconds: number }>('select id, spent_seconds from agenda_items where meeting_id = $1 and deleted_at is null', [meetingId])
        : undefined
    ]);
    if (spent) out.spent = Object.fromEntries(spent.map((r) => [r.id, r.spent_seconds]));
    else if (want.has('spent') && !want.has('agenda') && knownSpent) out.spent = { ...knownSpent };
    if (want.has('room') && !want.has('meeting')) {
      out.room = { currentItemId: m.current_item_id, currentItemStartedAt: iso(m.current_item_started_at), queueOpen: m.queue_open };
    }
    if (want.has('meeting')) {
      out.meeting = {
        ...toSummary(m),
        currentItemId: m.current_item_id,
        currentItemStartedAt: iso(m.current_item_started_at),
        queueOpen: m.queue_open,
        quorumRule: m.quorum_rule ?? DEFAULT_QUORUM_RULE,
        proxyRule: m.proxy_rule ?? DEFAULT_PROXY_RULE
      };
    }
    if (agenda) out.agenda = agenda;
    if (attendance) {
      out.attendance = attendance;
      out.quorum = quorumOf(m.quorum_rule ?? DEFAULT_QUORUM_RULE, attendance);
    }
    if (queue) out.queue = queue;
    return out;
  }

  private async agendaOf(meetingId: string, q: Queryable = this.db): Promise<AgendaItem[]> {
    const [items, attachments] = await Promise.all([
      q.query<{
        id: string;
        parent_id: string | null;
        position: string;
        title: string;
        kind: AgendaItem['kind'];
        presenter: string;
        planned_minutes: number;
        description: string;
        notes: string;
        status: AgendaItem['status'];
        proposed_by: string | null;
        proposer_name: string | null;
        decision_reason: string | null;
        decided_at: Date | null;
        spent_seconds: number;
        version: number;
      }>(
        `select i.*, p.full_name as proposer_name from agenda_items i left join people p on p.id = i.proposed_by
          where i.meeting_id = $1 and i.deleted_at is null`,
        [meetingId]
      ),
      q.query<{ id: string; item_id: string; filename: string; mime_type: string; size_bytes: number }>(
        `select a.id, a.item_id, a.filename, a.mime_type, a.size_bytes from agenda_attachments a
           join agenda_items i on i.id = a.item_id where i.meeting_id = $1 order by a.created_at`,
        [meetingId]
      )
    ]);
    const attachmentsByItem = new Map<string, AgendaItem['attachments']>();
    for (const a of attachments) {
      const list = attachmentsByItem.get(a.item_id) ?? [];
      list.push({ id: a.id, filename: a.filename, mimeType: a.mime_type, sizeBytes: a.size_bytes });
      attachmentsByItem.set(a.item_id, list);
    }
    return orderAgenda(
      items.map((i) => ({
        id: i.id,
        parentId: i.parent_id,
        position: i.position,
        title: i.title,
        kind: i.kind,
        presenter: i.presenter,
        plannedMinutes: i.planned_minutes,
        description: i.description,
        notes: i.notes,
        status: i.status,
        proposedBy: i.proposed_by ? { personId: i.proposed_by, name: i.proposer_name ?? '' } : null,
        decisionReason: i.decision_reason,
        decidedAt: iso(i.decided_at),
        spentSeconds: i.spent_seconds,
        version: i.version,
        attachments: attachmentsByItem.get(i.id) ?? []
      }))
    );
  }

  private async attendanceOf(meetingId: string, bodyId: string, q: Queryable = this.db): Promise<AttendanceEntry[]> {
    const members = await q.query<{
      person_id: string;
      full_name: string;
      role: AttendanceEntry['role'];
      college: AttendanceEntry['college'];
      affiliation: string;
      voting_right: boolean;
      status: AttendanceStatus | null;
      proxy_holder_id: string | null;
      arrived_at: Date | null;
      departed_at: Date | null;
    }>(
      `select ms.person_id, p.full_name, ms.role, ms.college, ms.affiliation, ms.voting_right,
              a.status, a.proxy_holder_id, a.arrived_at, a.departed_at
         from memberships ms join people p on p.id = ms.person_id
         left join attendance a on a.meeting_id = $1 and a.person_id = ms.person_id
        where ms.body_id = $2 order by p.full_name`,
      [meetingId, bodyId]
    );
    return members.map((r) => ({
      personId: r.person_id,
      name: r.full_name,
      role: r.role,
      college: r.college,
      affiliation: r.affiliation,
      votingRight: r.voting_right,
      status: r.status ?? 'absent',
      proxyHolderId: r.proxy_holder_id,
      arrivedAt: iso(r.arrived_at),
      departedAt: iso(r.departed_at)
    }));
  }

  private async queueOf(currentItemId: string | null, q: Queryable = this.db, read?: QueueRow[]): Promise<MeetingState['queue']> {
    const requests = read ?? (currentItemId ? await q.query<QueueRow>(`${QUEUE_ROWS} order by r.requested_at, r.id`, [currentItemId]) : []);
    const now = Date.now();
    const toEntry = (r: (typeof requests)[number]): QueueEntry => ({
      requestId: r.id,
      personId: r.person_id,
      name: r.full_name,
      source: r.source,
      requestedAt: iso(r.requested_at)!
    });
    const turns = requests
      .filter((r) => r.granted_at)
      .map((r) => ({ personId: r.person_id, grantedAt: new Date(r.granted_at!).getTime(), endedAt: r.ended_at ? new Date(r.ended_at).getTime() : null }));
    const byId = new Map(requests.map((r) => [r.id, r]));
    const pending = orderQueue(
      requests.filter((r) => !r.granted_at && !r.ended_at).map((r) => ({ id: r.id, personId: r.person_id, source: r.source, requestedAt: new Date(r.requested_at).getTime() })),
      turns
    ).map((p) => toEntry(byId.get(p.id)!));
    const speakingRow = requests.find((r) => r.granted_at && !r.ended_at);
    return {
      itemId: currentItemId,
      pending,
      speaking: speakingRow ? { ...toEntry(speakingRow), grantedAt: iso(speakingRow.granted_at)! } : null,
      spoken: speakingTime(turns, now)
    };
  }

  /** The meeting's event log, oldest first (the minutes draw on it). */
  async events(actor: AuthUser | null, meetingId: string): Promise<{ id: number; at: string; type: string; actorUserId: string | null; data: unknown }[]> {
    await this.context(actor, meetingId);
    const rows = await this.db.query<{ id: number; at: Date; type: string; actor_user_id: string | null; data: unknown }>(
      'select id, at, type, actor_user_id, data from meeting_events where meeting_id = $1 order by id',
      [meetingId]
    );
    return rows.map((r) => ({ id: Number(r.id), at: iso(r.at)!, type: r.type, actorUserId: r.actor_user_id, data: r.data }));
  }

  // Writing ---------------------------------------------------------------------------------

  /**
   * Runs one change: permission check, then a transaction that locks the meeting, applies the
   * change, logs it and bumps `rev`; listeners are told after the commit.
   */
  private async mutate<T>(
    actor: AuthUser | null,
    meetingId: string,
    allowed: (c: Ctx) => boolean,
    fn: (tx: Queryable, c: Ctx, log: (type: string, data?: Record<string, unknown>) => Promise<void>) => Promise<T>
  ): Promise<T> {
    // What the actor may do is checked against the row locked below, so it cannot change meanwhile.
    // It is looked up while the transaction begins: on PostgreSQL on another connection; PGlite
    // has one connection, which the transaction would hold, so there it is looked up first.
    const access = this.accessContext(actor, meetingId);
    access.catch(() => undefined); // awaited below; not an unhandled rejection if the transaction fails first
    if (this.db.kind === 'pglite') await access;
    const sections = new Set<MeetingSection>();
    const events: { type: string; data: string }[] = [];
    let revs: { fromRev: number; rev: number } | null = null;
    let parts: MeetingSectionsRead | undefined;
    let afterCommit: Ctx['afterCommit'] = [];
    const result = await this.db.transaction(async (tx) => {
      const locked = await this.loadMeeting(tx, meetingId, true);
      const c = await access;
      if (!locked) throw Errors.notFound(MEETING);
      const ctx: Ctx = { ...c, meeting: locked };
      afterCommit = ctx.afterCommit;
      if (!allowed(ctx)) throw Errors.forbidden();
      // Log entries are written with the rev bump, in one statement at the end of the change.
      const log = async (type: string, data: Record<string, unknown> = {}) => {
        for (const section of sectionsOf(type)) sections.add(section);
        events.push({ type, data: JSON.stringify(data) });
      };
      const r = await fn(tx, ctx, log);
      // A change that logged nothing changed nothing: no new rev, nothing to broadcast.
      if (events.length) {
        // The same statement reads the current item's speaking requests when the queue is to
        // be broadcast (one round trip fewer for every change of the queue or of the item).
        const withQueue = sections.has('queue');
        const [current] = await tx.query<MeetingRow & { queue_rows: QueueRow[] | null }>(
          LOG_AND_BUMP,
          [meetingId, c.actor.id, events.map((e) => e.type), events.map((e) => e.data), withQueue]
        );
        revs = { fromRev: Number(current.rev) - 1, rev: Number(current.rev) };
        // The broadcast's content, read here under the lock: exactly the state at this rev, and
        // no read after the commit before the room hears of it (a read failing here fails the
        // change, as any statement of it would).
        parts = await this.sections(meetingId, [...sections], tx, current, undefined, current.queue_rows ?? undefined);
      }
      return r;
    });
    if (revs) this.changed({ meetingId, ...(revs as { fromRev: number; rev: number }), sections: [...sections], parts });
    for (const job of afterCommit) void job().catch((err: unknown) => this.logger.warn({ err, meetingId }, 'after-commit job failed'));
    return result;
  }

  async create(actor: AuthUser | null, bodyId: string, input: unknown): Promise<MeetingSummary> {
    if (!actor) throw Errors.unauthorised();
    const orgId = UUID.test(bodyId) ? await this.access.organisationOfBody(bodyId) : null;
    const access = orgId ? await this.access.forOrganisation(actor, orgId) : null;
    if (!access || !policy.viewMeeting(access, bodyId)) throw Errors.notFound(bi('Instance', 'Body'));
    if (!policy.manageMeeting(access, bodyId)) throw Errors.forbidden();
    const data = validate(createMeetingSchema, input);
    const id = await this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ id: string }>(
        `insert into meetings (organisation_id, body_id, title, starts_at, place, video_url, created_by)
         values ($1, $2, $3, $4, $5, $6, $7) returning id`,
        [orgId, bodyId, data.title, parseDateTime(data.startsAt), data.place, data.videoUrl ?? null, actor.id]
      );
      await tx.query('insert into meeting_events (meeting_id, actor_user_id, type, data) values ($1, $2, $3, $4)', [
        row.id,
        actor.id,
        'meeting.created',
        JSON.stringify({ title: data.title, startsAt: data.startsAt })
      ]);
      return row.id;
    });
    return toSummary((await this.loadMeeting(this.db, id))!);
  }

  async update(actor: AuthUser | null, meetingId: string, input: unknown): Promise<MeetingSummary> {
    const data = validate(updateMeetingSchema, input);
    await this.mutate(actor, meetingId, (c) => c.canManage, async (tx, c, log) => {
      if (c.meeting.status === 'closed') throw refuse('conflict', bi('La réunion est close : elle ne peut plus être modifiée.', 'The meeting is closed and can no longer be changed.'));
      await tx.query(
        `update meetings set title = coalesce($2, title), starts_at = coalesce($3, starts_at), place = coalesce($4, place),
           video_url = case when $5::boolean then $6 else video_url end where id = $1`,
        [meetingId, data.title ?? null, data.startsAt ? parseDateTime(data.startsAt) : null, data.place ?? null, data.videoUrl !== undefined, data.videoUrl ?? null]
      );
      await log('meeting.updated', data);
      if (c.meeting.status === 'convened') await this.notifyMembers(tx, c, 'meeting.changed');
    });
    return toSummary((await this.loadMeeting(this.db, meetingId))!);
  }

  async transition(actor: AuthUser | null, meetingId: string, input: unknown): Promise<MeetingSummary> {
    const { to } = validate(transitionSchema, input);
    await this.mutate(actor, meetingId, (c) => c.canManage, async (tx, c, log) => {
      const from = c.meeting.status;
      if (!TRANSITIONS[from].includes(to)) {
        throw refuse(
          'conflict',
          bi(`Passage impossible de « ${STATUS_FR[from]} » à « ${STATUS_FR[to]} ».`, `Cannot go from "${from}" to "${to}".`),
          'to'
        );
      }
      // A vote still open would be left without a result (issue 5): the chair closes it first.
      // Opening a vote takes this same lock, so none can open between this check and the close.
      if (to === 'closed' && (await tx.query("select 1 from votes where meeting_id = $1 and status = 'open'", [meetingId])).length) {
        throw refuse(
          'conflict',
          bi('Un vote est encore ouvert : closez-le avant de clore la réunion.', 'A vote is still open: close it before closing the meeting.'),
          'to'
        );
      }
      await tx.query('update meetings set status = $2 where id = $1', [meetingId, to]);
      await tx.query('insert into meeting_transitions (meeting_id, from_status, to_status, actor_user_id) values ($1, $2, $3, $4)', [meetingId, from, to, c.actor.id]);
      if (to === 'closed') await this.leaveCurrentItem(tx, c);
      await log('meeting.status', { from, to });
      if (to === 'convened') await this.notifyMembers(tx, c, 'meeting.convened');
    });
    const summary = toSummary((await this.loadMeeting(this.db, meetingId))!);
    return summary;
  }

  // Agenda ----------------------------------------------------------------------------------

  async addItem(actor: AuthUser | null, meetingId: string, input: unknown): Promise<AgendaItem> {
    const data = validate(addItemSchema, input);
    const id = await this.mutate(actor, meetingId, (c) => c.canManage || c.canTakePart, async (tx, c, log) => {
      if (c.meeting.status === 'closed') throw refuse('conflict', bi('La réunion est close.', 'The meeting is closed.'));
      const proposing = !c.canManage;
      if (data.parentId) {
        const parent = await tx.query<{ parent_id: string | null }>(
          'select parent_id from agenda_items where id = $1 and meeting_id = $2 and deleted_at is null',
          [data.parentId, meetingId]
        );
        if (!parent[0]) throw refuse('unprocessable', bi("Le point parent n'existe pas.", 'The parent item does not exist.'), 'parentId');
        if (parent[0].parent_id) throw refuse('unprocessable', bi('Les sous-points ne vont que sur un niveau.', 'Sub-items go one level deep only.'), 'parentId');
      }
      const position = await this.positionAfter(tx, meetingId, data.parentId ?? null, data.afterId);
      const [row] = await tx.query<{ id: string }>(
        `insert into agenda_items (meeting_id, parent_id, position, title, kind, presenter, planned_minutes, description, status, proposed_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id`,
        [meetingId, data.parentId ?? null, position, data.title, data.kind, data.presenter, data.plannedMinutes, data.description, proposing ? 'proposed' : 'accepted', proposing ? c.personId : null]
      );
      await log(proposing ? 'agenda.proposed' : 'agenda.added', { itemId: row.id, title: data.title });
      if (!proposing && c.meeting.status === 'convened') await this.notifyMembers(tx, c, 'agenda.changed');
      return row.id;
    });
    return this.item(meetingId, id);
  }

  private async item(meetingId: string, itemId: string): Promise<AgendaItem> {
    const s = await this.snapshot(meetingId);
    const found = s.agenda.find((i) => i.id === itemId);
    if (!found) throw Errors.notFound(ITEM);
    return found;
  }

  private async positionAfter(tx: Queryable, meetingId: string, parentId: string | null, afterId: string | null | undefined): Promise<string> {
    const siblings = (
      await tx.query<{ id: string; position: string }>(
        `select id, position from agenda_items where meeting_id = $1 and parent_id is not distinct from $2 and deleted_at is null`,
        [meetingId, parentId]
      )
    ).sort(compareItems);
    if (afterId === undefined) return keyBetween(siblings.at(-1)?.position ?? null, null);
    if (afterId === null) return keyBetween(null, siblings[0]?.position ?? null);
    const idx = siblings.findIndex((s) => s.id === afterId);
    if (idx < 0) throw refuse('unprocessable', bi("Le point de référence n'est pas à ce niveau de l'ordre du jour.", 'The reference item is not at this level of the agenda.'), 'afterId');
    const before = siblings[idx].position;
    // Equal keys can only come from a tie; step past every sibling sharing the key.
    let next = idx + 1;
    while (next < siblings.length && siblings[next].position === before) next++;
    return keyBetween(before, siblings[next]?.position ?? null);
  }

  private async itemRow(tx: Queryable, itemId: string) {
    if (!UUID.test(itemId)) return null;
    const rows = await tx.query<{ id: string; meeting_id: string; parent_id: string | null; status: string; version: number; proposed_by: string | null; title: string; kind: string; presenter: string; planned_minutes: number; description: string; notes: string }>(
      'select * from agenda_items where id = $1 and deleted_at is null',
      [itemId]
    );
    return rows[0] ?? null;
  }

  async meetingOfItem(itemId: string): Promise<string> {
    const row = await this.itemRow(this.db, itemId);
    if (!row) throw Errors.notFound(ITEM);
    return row.meeting_id;
  }

  async updateItem(actor: AuthUser | null, itemId: string, input: unknown): Promise<AgendaItem> {
    const data = validate(updateItemSchema, input);
    const meetingId = await this.meetingOfItem(itemId);
    await this.mutate(actor, meetingId, (c) => c.canManage || c.canTakePart, async (tx, c, log) => {
      const row = (await this.itemRow(tx, itemId))!;
      if (!row) throw Errors.notFound(ITEM);
      // A member may edit their own proposal while it waits; everything else is the secretariat's.
      const ownProposal = row.status === 'proposed' && row.proposed_by === c.personId;
      if (!c.canManage && !ownProposal) throw Errors.forbidden();
      if (!c.canManage && data.notes !== undefined) throw Errors.forbidden();
      if (c.meeting.status === 'closed') throw refuse('conflict', bi('La réunion est close.', 'The meeting is closed.'));
      const { baseVersion, ...patch } = data;
      if (baseVersion !== undefined && baseVersion !== row.version) {
        // Someone changed the item meanwhile: refuse only fields whose stored value moved on.
        const changed = await this.fieldsChangedSince(tx, itemId, baseVersion);
        const clash = Object.keys(patch).filter((k) => changed.has(k));
        if (clash.length) {
          throw new AppError(
            'conflict',
            bi('Quelqu’un a modifié ce point en même temps que vous : relisez sa version avant d’enregistrer.', 'Someone changed this item at the same time: read their version before saving.'),
            Object.fromEntries(clash.map((k) => [k, bi('Modifié par quelqu’un d’autre.', 'Changed by someone else.')]))
          );
        }
      }
      await tx.query(
        `update agenda_items set title = coalesce($2, title), kind = coalesce($3, kind), presenter = coalesce($4, presenter),
           planned_minutes = coalesce($5, planned_minutes), description = coalesce($6, description), notes = coalesce($7, notes),
           version = version + 1, updated_at = now() where id = $1`,
        [itemId, patch.title ?? null, patch.kind ?? null, patch.presenter ?? null, patch.plannedMinutes ?? null, patch.description ?? null, patch.notes ?? null]
      );
      await log('agenda.updated', { itemId, fields: Object.keys(patch), version: row.version + 1 });
      if (c.meeting.status === 'convened' && row.status === 'accepted' && Object.keys(patch).some((k) => k !== 'notes')) await this.notifyMembers(tx, c, 'agenda.changed');
    });
    return this.item(meetingId, itemId);
  }

  private async fieldsChangedSince(tx: Queryable, itemId: string, version: number): Promise<Set<string>> {
    const rows = await tx.query<{ data: { fields?: string[]; version?: number } }>(
      `select data from meeting_events where type = 'agenda.updated' and data->>'itemId' = $1 and (data->>'version')::int > $2`,
      [itemId, version]
    );
    return new Set(rows.flatMap((r) => r.data.fields ?? []));
  }

  async moveItem(actor: AuthUser | null, itemId: string, input: unknown): Promise<AgendaItem> {
    const data = validate(moveItemSchema, input);
    const meetingId = await this.meetingOfItem(itemId);
    await this.mutate(actor, meetingId, (c) => c.canManage, async (tx, c, log) => {
      const row = await this.itemRow(tx, itemId);
      if (!row) throw Errors.notFound(ITEM);
      const parentId = data.parentId === undefined ? row.parent_id : data.parentId;
      if (parentId === itemId) throw refuse('unprocessable', bi('Un point ne peut pas être sous lui-même.', 'An item cannot sit under itself.'), 'parentId');
      if (parentId) {
        const parent = await tx.query<{ parent_id: string | null }>('select parent_id from agenda_items where id = $1 and meeting_id = $2 and deleted_at is null', [parentId, meetingId]);
        if (!parent[0]) throw refuse('unprocessable', bi("Le point parent n'existe pas.", 'The parent item does not exist.'), 'parentId');
        const hasChildren = await tx.query('select 1 from agenda_items where parent_id = $1 and deleted_at is null limit 1', [itemId]);
        if (parent[0].parent_id || hasChildren.length) throw refuse('unprocessable', bi('Les sous-points ne vont que sur un niveau.', 'Sub-items go one level deep only.'), 'parentId');
      }
      if (data.afterId === itemId) throw refuse('unprocessable', bi('Un point ne peut pas être placé après lui-même.', 'An item cannot be placed after itself.'), 'afterId');
      // Compute the key among the siblings other than the item itself.
      await tx.query('update agenda_items set position = $2 where id = $1', [itemId, '~']);
      const siblings = (
        await tx.query<{ id: string; position: string }>(
          `select id, position from agenda_items where meeting_id = $1 and parent_id is not distinct from $2 and deleted_at is null and id <> $3`,
          [meetingId, parentId, itemId]
        )
      ).sort(compareItems);
      let position: string;
      if (data.afterId === null) position = keyBetween(null, siblings[0]?.position ?? null);
      else {
        const idx = siblings.findIndex((s) => s.id === data.afterId);
        if (idx < 0) throw refuse('unprocessable', bi("Le point de référence n'est pas à ce niveau de l'ordre du jour.", 'The reference item is not at this level of the agenda.'), 'afterId');
        let next = idx + 1;
        while (next < siblings.length && siblings[next].position === siblings[idx].position) next++;
        position = keyBetween(siblings[idx].position, siblings[next]?.position ?? null);
      }
      await tx.query('update agenda_items set position = $2, parent_id = $3, version = version + 1, updated_at = now() where id = $1', [itemId, position, parentId]);
      await log('agenda.moved', { itemId, afterId: data.afterId, parentId });
      if (c.meeting.status === 'convened') await this.notifyMembers(tx, c, 'agenda.changed');
    });
    return this.item(meetingId, itemId);
  }

  async removeItem(actor: AuthUser | null, itemId: string): Promise<void> {
    const meetingId = await this.meetingOfItem(itemId);
    await this.mutate(actor, meetingId, (c) => c.canManage, async (tx, c, log) => {
      if (c.meeting.status === 'closed') throw refuse('conflict', bi('La réunion est close.', 'The meeting is closed.'));
      if (c.meeting.current_item_id === itemId) throw refuse('conflict', bi('Ce point est en cours : passez à un autre point avant de le retirer.', 'This item is under way: move to another item before removing it.'));
      await tx.query('update agenda_items set deleted_at = now() where (id = $1 or parent_id = $1) and deleted_at is null', [itemId]);
      await log('agenda.removed', { itemId });
      if (c.meeting.status === 'convened') await this.notifyMembers(tx, c, 'agenda.changed');
    });
  }

  async decideProposal(actor: AuthUser | null, itemId: string, input: unknown): Promise<AgendaItem> {
    const data = validate(decideProposalSchema, input);
    const meetingId = await this.meetingOfItem(itemId);
    await this.mutate(actor, meetingId, (c) => c.canManage, async (tx, c, log) => {
      const row = await this.itemRow(tx, itemId);
      if (!row) throw Errors.notFound(ITEM);
      if (row.status !== 'proposed') throw refuse('conflict', bi('Cette proposition a déjà été traitée.', 'This proposal has already been decided.'));
      if (!data.accept && !data.reason.trim()) {
        throw refuse('unprocessable', bi('Indiquez la raison du refus : elle est montrée à la personne qui a proposé le point.', 'Give the reason for declining: it is shown to the person who proposed the item.'), 'reason');
      }
      await tx.query(
        `update agenda_items set status = $2, decision_reason = $3, decided_by = $4, decided_at = now(), version = version + 1, updated_at = now() where id = $1`,
        [itemId, data.accept ? 'accepted' : 'declined', data.reason.trim() || null, c.actor.id]
      );
      await log(data.accept ? 'agenda.proposal_accepted' : 'agenda.proposal_declined', { itemId, reason: data.reason.trim() || null });
      if (row.proposed_by) {
        await tx.query('insert into notifications (organisation_id, person_id, kind, data) values ($1, $2, $3, $4)', [
          c.meeting.organisation_id,
          row.proposed_by,
          data.accept ? 'proposal.accepted' : 'proposal.declined',
          JSON.stringify({ meetingId, itemId, title: row.title, reason: data.reason.trim() || null })
        ]);
      }
      if (data.accept && c.meeting.status === 'convened') await this.notifyMembers(tx, c, 'agenda.changed');
    });
    return this.item(meetingId, itemId);
  }

  // Attachments -----------------------------------------------------------------------------

  /** Adds a PDF or an image to an agenda item; stored in Postgres with the meeting's records. */
  async addAttachment(actor: AuthUser | null, itemId: string, file: { filename: string; mimeType: string; data: Buffer }): Promise<AttachmentInfo> {
    const filename = file.filename.trim().replace(/[\\/\u0000-\u001f]/g, '_').slice(0, 200);
    if (!filename) throw refuse('unprocessable', bi('Nom de fichier requis.', 'File name required.'), 'filename');
    if (!ATTACHMENT_TYPES.has(file.mimeType)) {
      throw refuse('unprocessable', bi('Seuls les PDF et les images (PNG, JPEG, WebP, GIF) sont acceptés.', 'Only PDF files and images (PNG, JPEG, WebP, GIF) are accepted.'), 'file');
    }
    if (file.data.length === 0 || file.data.length > MAX_ATTACHMENT_BYTES) {
      throw refuse('unprocessable', bi('Le fichier doit faire au plus 10 Mo.', 'The file must be at most 10 MB.'), 'file');
    }
    if (!looksLike(file.mimeType, file.data)) {
      throw refuse('unprocessable', bi('Le contenu du fichier ne correspond pas à son type.', 'The file content does not match its type.'), 'file');
    }
    const meetingId = await this.meetingOfItem(itemId);
    return this.mutate(actor, meetingId, (c) => c.canManage, async (tx, c, log) => {
      if (c.meeting.status === 'closed') throw refuse('conflict', bi('La réunion est close.', 'The meeting is closed.'));
      const [row] = await tx.query<{ id: string }>(
        'insert into agenda_attachments (item_id, filename, mime_type, size_bytes, data, uploaded_by) values ($1, $2, $3, $4, $5, $6) returning id',
        [itemId, filename, file.mimeType, file.data.length, file.data, c.actor.id]
      );
      await log('agenda.attachment_added', { itemId, attachmentId: row.id, filename });
      return { id: row.id, filename, mimeType: file.mimeType, sizeBytes: file.data.length };
    });
  }

  async getAttachment(actor: AuthUser | null, attachmentId: string): Promise<AttachmentInfo & { data: Buffer }> {
    if (!actor) throw Errors.unauthorised();
    if (!UUID.test(attachmentId)) throw Errors.notFound(ATTACHMENT);
    const rows = await this.db.query<{ meeting_id: string; filename: string; mime_type: string; size_bytes: number; data: Uint8Array }>(
      `select i.meeting_id, a.filename, a.mime_type, a.size_bytes, a.data from agenda_attachments a join agenda_items i on i.id = a.item_id
        where a.id = $1 and i.deleted_at is null`,
      [attachmentId]
    );
    if (!rows[0]) throw Errors.notFound(ATTACHMENT);
    await this.context(actor, rows[0].meeting_id).catch(() => {
      throw Errors.notFound(ATTACHMENT);
    });
    const r = rows[0];
    return { id: attachmentId, filename: r.filename, mimeType: r.mime_type, sizeBytes: r.size_bytes, data: Buffer.from(r.data) };
  }

  async removeAttachment(actor: AuthUser | null, attachmentId: string): Promise<void> {
    if (!UUID.test(attachmentId)) throw Errors.notFound(ATTACHMENT);
    const rows = await this.db.query<{ meeting_id: string; item_id: string }>(
      'select i.meeting_id, a.item_id from agenda_attachments a join agenda_items i on i.id = a.item_id where a.id = $1',
      [attachmentId]
    );
    if (!rows[0]) throw Errors.notFound(ATTACHMENT);
    await this.mutate(actor, rows[0].meeting_id, (c) => c.canManage, async (tx, c, log) => {
      if (c.meeting.status === 'closed') throw refuse('conflict', bi('La réunion est close.', 'The meeting is closed.'));
      await tx.query('delete from agenda_attachments where id = $1', [attachmentId]);
      await log('agenda.attachment_removed', { itemId: rows[0].item_id, attachmentId });
    });
  }

  // Attendance and proxies ------------------------------------------------------------------

  async setAttendance(actor: AuthUser | null, meetingId: string, input: unknown): Promise<void> {
    const data = validate(attendanceSchema, input);
    await this.mutate(actor, meetingId, (c) => c.canManage || c.canTakePart, async (tx, c, log) => {
      if (c.meeting.status === 'closed') throw refuse('conflict', bi('La réunion est close.', 'The meeting is closed.'));
      const self = data.personId === c.personId;
      if (!c.canManage) {
        if (!self) throw Errors.forbidden();
        // On their own, members check in remotely, excuse themselves, give a proxy, or check in
        // in the room with the code shown there (QR).
        if (data.status === 'present_room' && data.checkinCode !== c.meeting.checkin_code) {
          throw new AppError('forbidden', bi('Pour vous déclarer présent en salle, scannez le QR code affiché dans la salle.', 'To check in in the room, scan the QR code shown in the room.'), {
            checkinCode: bi('Code de salle incorrect.', 'Wrong room code.')
          });
        }
      }
      const members = await tx.query<{ person_id: string; college: 'landlord' | 'tenant' | 'other'; voting_right: boolean; status: AttendanceStatus | null; proxy_holder_id: string | null }>(
        `select ms.person_id, ms.college, ms.voting_right, a.status, a.proxy_holder_id from memberships ms
           left join attendance a on a.meeting_id = $1 and a.person_id = ms.person_id where ms.body_id = $2`,
        [meetingId, c.meeting.body_id]
      );
      const me = members.find((m) => m.person_id === data.personId);
      if (!me) throw refuse('unprocessable', bi("Cette personne n'est pas membre de l'instance.", 'This person is not a member of the body.'), 'personId');
      let holderId: string | null = null;
      if (data.status === 'represented') {
        if (!data.proxyHolderId) throw refuse('unprocessable', bi('Choisissez à qui donner pouvoir.', 'Choose who holds the proxy.'), 'proxyHolderId');
        const holder = members.find((m) => m.person_id === data.proxyHolderId);
        if (!holder) throw refuse('unprocessable', bi("Le porteur du pouvoir doit être membre de l'instance.", 'The proxy holder must be a member of the body.'), 'proxyHolderId');
        const heldByHolder = members.filter((m) => m.status === 'represented' && m.proxy_holder_id === holder.person_id && m.person_id !== me.person_id).length;
        const heldByGiver = members.filter((m) => m.status === 'represented' && m.proxy_holder_id === me.person_id).length;
        const refusal = checkProxy(
          c.meeting.proxy_rule ?? DEFAULT_PROXY_RULE,
          { personId: me.person_id, college: me.college, votingRight: me.voting_right, represented: false },
          { personId: holder.person_id, college: holder.college, votingRight: holder.voting_right, represented: holder.status === 'represented' },
          heldByHolder,
          heldByGiver
        );
        if (refusal) throw refuse('unprocessable', explainProxyRefusal(refusal), 'proxyHolderId');
        holderId = holder.person_id;
      }
      const present = data.status === 'present_room' || data.status === 'present_remote';
      await tx.query(
        `insert into attendance (meeting_id, person_id, status, proxy_holder_id, arrived_at, departed_at, updated_by, updated_at)
         values ($1, $2, $3, $4, case when $5 then now() end, null, $6, now())
         on conflict (meeting_id, person_id) do update set status = $3, proxy_holder_id = $4,
           arrived_at = case when $5 then coalesce(attendance.arrived_at, now()) else attendance.arrived_at end,
           departed_at = case when $5 then null else attendance.departed_at end,
           updated_by = $6, updated_at = now()`,
        [meetingId, data.personId, data.status, holderId, present, c.actor.id]
      );
      const wasPresent = me.status === 'present_room' || me.status === 'present_remote';
      let released: string[] = [];
      if (wasPresent && !present) {
        // Someone who leaves with proxies in hand cannot use them: they go back to their givers.
        released = (
          await tx.query<{ person_id: string }>(
            `update attendance set status = 'absent', proxy_holder_id = null, updated_at = now()
              where meeting_id = $1 and proxy_holder_id = $2 returning person_id`,
            [meetingId, data.personId]
          )
        ).map((r) => r.person_id);
        await tx.query('update attendance set departed_at = now() where meeting_id = $1 and person_id = $2', [meetingId, data.personId]);
      }
      await log('attendance.set', { personId: data.personId, status: data.status, proxyHolderId: holderId, by: self ? 'self' : 'secretariat', proxiesReleased: released });
    });
  }

  /** Records a departure: the member is no longer counted; proxies they held go back to absent. */
  async depart(actor: AuthUser | null, meetingId: string, input: unknown): Promise<void> {
    const data = validate(departSchema, input);
    await this.mutate(actor, meetingId, (c) => c.canManage || (c.canTakePart && c.personId === data.personId), async (tx, _c, log) => {
      const rows = await tx.query<{ status: AttendanceStatus }>('select status from attendance where meeting_id = $1 and person_id = $2', [meetingId, data.personId]);
      if (!rows[0] || (rows[0].status !== 'present_room' && rows[0].status !== 'present_remote')) {
        throw refuse('conflict', bi("Cette personne n'est pas présente.", 'This person is not present.'), 'personId');
      }
      await tx.query(`update attendance set status = 'absent', departed_at = now(), updated_at = now() where meeting_id = $1 and person_id = $2`, [meetingId, data.personId]);
      const released = await tx.query<{ person_id: string }>(
        `update attendance set status = 'absent', proxy_holder_id = null, updated_at = now()
          where meeting_id = $1 and proxy_holder_id = $2 returning person_id`,
        [meetingId, data.personId]
      );
      await log('attendance.departed', { personId: data.personId, proxiesReleased: released.map((r) => r.person_id) });
    });
  }

  // Live room -------------------------------------------------------------------------------

  /**
   * When a meeting closes: the item under way gets the time since it became current, whoever was
   * speaking on it ends their turn, and the room has no current item and a closed queue. (A change
   * of item does the same for the item left, inside SET_CURRENT_ITEM.)
   */
  private async leaveCurrentItem(tx: Queryable, c: Ctx): Promise<void> {
    await tx.query(
      `with ended as (
         update speaking_requests set ended_at = now() where item_id = $2 and granted_at is not null and ended_at is null
       ), left_item as (
         update agenda_items set spent_seconds = spent_seconds + greatest(0, extract(epoch from (now() - $3::timestamptz))::int)
          where id = $2 and $3::timestamptz is not null
       )
       update meetings set current_item_id = null, current_item_started_at = null, queue_open = false where id = $1`,
      [c.meeting.id, c.meeting.current_item_id, c.meeting.current_item_started_at]
    );
  }

  /**
   * Moves the room to another item (null: none). The live room's most frequent change, so it is
   * one statement that commits on its own (unless another change commits while it waits for the
   * meeting: then once more, behind the lock): lock the meeting, check that the actor manages it
   * (the rule of `policy.manageMeeting`, in SQL), check the target, end the turn on the item left
   * and add its time, set the item, log the change, bump the rev, and read back what the room is
   * sent. One round trip to the database; nothing is written when a check fails.
   */
  async setCurrentItem(actor: AuthUser | null, meetingId: string, input: unknown): Promise<void> {
    const { itemId } = validate(currentItemSchema, input);
    if (!actor) throw Errors.unauthorised();
    if (!UUID.test(meetingId)) throw Errors.notFound(MEETING);
    type Row = {
      status: MeetingStatus | null;
      stale: boolean | null;
      may_manage: boolean | null;
      previous_item_id: string | null;
      current: (MeetingRow & { queue_rows: QueueRow[] }) | null;
      left_id: string | null;
      left_spent: number | null;
    };
    const params = [meetingId, itemId, actor.id, actor.isPlatformAdmin, MEETING_MANAGER_ROLES];
    let [row] = await this.db.query<Row>(SET_CURRENT_ITEM, params);
    if (row.stale) {
      // Another change committed while this one waited (see SET_CURRENT_ITEM): again, with the
      // meeting locked first, so that the statement reads after it.
      [row] = await this.db.transaction(async (tx) => {
        await tx.query('select 1 from meetings where id = $1 for update', [meetingId]);
        return tx.query<Row>(SET_CURRENT_ITEM, params);
      });
    }
    if (!row.status) throw Errors.notFound(MEETING);
    if (!row.may_manage) {
      // Refused: the policy module says how (a meeting the actor may not even see is not found).
      const c = await this.accessContext(actor, meetingId);
      if (c.canManage) this.logger.error({ meetingId, actorId: actor.id }, 'the change of item and policy.manageMeeting disagree');
      throw Errors.forbidden();
    }
    if (row.status !== 'live') throw refuse('conflict', bi("La réunion n'est pas en cours : ouvrez-la d'abord.", 'The meeting is not live: open it first.'));
    // Already current: nothing to do (a current item can be neither removed nor declined).
    if (row.previous_item_id === itemId) return;
    if (!row.current) throw refuse('unprocessable', bi("Ce point n'est pas à l'ordre du jour.", 'This item is not on the agenda.'), 'itemId');
    const { queue_rows: queueRows, ...current } = row.current;
    const rev = Number(current.rev);
    // The time spent changes only on the item left (none when the room had no current item).
    const spent = row.left_id != null && row.left_spent != null ? { [row.left_id]: row.left_spent } : {};
    const sections = sectionsOf('room.current_item');
    // Every part is in hand, so this reads nothing more (and nothing at a later rev).
    const parts = await this.sections(meetingId, sections, this.db, current, spent, queueRows);
    this.changed({ meetingId, fromRev: rev - 1, rev, sections, parts });
  }

  async setQueueOpen(actor: AuthUser | null, meetingId: string, input: unknown): Promise<void> {
    const { open } = validate(queueOpenSchema, input);
    await this.mutate(actor, meetingId, (c) => c.canManage, async (tx, c, log) => {
      if (c.meeting.status !== 'live') throw refuse('conflict', bi("La réunion n'est pas en cours.", 'The meeting is not live.'));
      await tx.query('update meetings set queue_open = $2 where id = $1', [meetingId, open]);
      await log(open ? 'queue.opened' : 'queue.closed', { itemId: c.meeting.current_item_id });
    });
  }

  async requestFloor(actor: AuthUser | null, meetingId: string, input: unknown): Promise<void> {
    const data = validate(requestFloorSchema, input);
    await this.mutate(actor, meetingId, (c) => c.canManage || c.canTakePart, async (tx, c, log) => {
      const personId = data.personId ?? c.personId;
      if (!personId) throw Errors.forbidden();
      if (personId !== c.personId && !c.canManage) throw Errors.forbidden();
      if (c.meeting.status !== 'live' || !c.meeting.current_item_id) throw refuse('conflict', bi("Aucun point n'est en cours.", 'No item is under way.'));
      if (!c.meeting.queue_open) throw refuse('conflict', bi('La liste des prises de parole est fermée.', 'The speaking list is closed.'));
      const member = await tx.query<{ role: string; status: AttendanceStatus | null }>(
        `select ms.role, a.status from memberships ms left join attendance a on a.meeting_id = $1 and a.person_id = ms.person_id
          where ms.body_id = $2 and ms.person_id = $3`,
        [meetingId, c.meeting.body_id, personId]
      );
      if (!member[0] || member[0].role === 'observer') throw refuse('unprocessable', bi("Cette personne ne peut pas demander la parole dans cette instance.", 'This person cannot ask to speak in this body.'), 'personId');
      if (member[0].status !== 'present_room' && member[0].status !== 'present_remote') {
        throw refuse('unprocessable', bi("Il faut être présent (en salle ou à distance) pour demander la parole.", 'You must be present (in the room or remote) to ask to speak.'), 'personId');
      }
      const existing = await tx.query(
        'select 1 from speaking_requests where item_id = $1 and person_id = $2 and withdrawn_at is null and ended_at is null',
        [c.meeting.current_item_id, personId]
      );
      if (existing.length) return; // already waiting or speaking: asking again is not a second request
      const [row] = await tx.query<{ id: string }>(
        'insert into speaking_requests (meeting_id, item_id, person_id, source, recorded_by) values ($1, $2, $3, $4, $5) returning id',
        [meetingId, c.meeting.current_item_id, personId, data.source, c.actor.id]
      );
      await log('queue.requested', { requestId: row.id, personId, source: data.source, itemId: c.meeting.current_item_id });
    });
  }

  async withdrawFloor(actor: AuthUser | null, meetingId: string, input: unknown): Promise<void> {
    const { requestId } = validate(requestIdSchema, input);
    await this.mutate(actor, meetingId, (c) => c.canManage || c.canTakePart, async (tx, c, log) => {
      const rows = await tx.query<{ person_id: string; granted_at: Date | null }>(
        'select person_id, granted_at from speaking_requests where id = $1 and meeting_id = $2 and withdrawn_at is null and ended_at is null',
        [requestId, meetingId]
      );
      if (!rows[0]) throw refuse('conflict', bi("Cette demande n'est plus en attente.", 'This request is no longer waiting.'), 'requestId');
      if (rows[0].person_id !== c.personId && !c.canManage) throw Errors.forbidden();
      if (rows[0].granted_at) await tx.query('update speaking_requests set ended_at = now() where id = $1', [requestId]);
      else await tx.query('update speaking_requests set withdrawn_at = now() where id = $1', [requestId]);
      await log('queue.withdrawn', { requestId });
    });
  }

  async grantFloor(actor: AuthUser | null, meetingId: string, input: unknown): Promise<void> {
    const { requestId } = validate(requestIdSchema, input);
    await this.mutate(actor, meetingId, (c) => c.canManage, async (tx, c, log) => {
      const rows = await tx.query<{ person_id: string }>(
        'select person_id from speaking_requests where id = $1 and item_id = $2 and withdrawn_at is null and granted_at is null and ended_at is null',
        [requestId, c.meeting.current_item_id]
      );
      if (!rows[0]) throw refuse('conflict', bi("Cette demande n'est plus en attente.", 'This request is no longer waiting.'), 'requestId');
      await tx.query('update speaking_requests set ended_at = now() where item_id = $1 and granted_at is not null and ended_at is null', [c.meeting.current_item_id]);
      await tx.query('update speaking_requests set granted_at = now() where id = $1', [requestId]);
      await log('queue.granted', { requestId, personId: rows[0].person_id });
    });
  }

  async endFloor(actor: AuthUser | null, meetingId: string): Promise<void> {
    await this.mutate(actor, meetingId, (c) => c.canManage, async (tx, c, log) => {
      const ended = await tx.query<{ id: string }>(
        'update speaking_requests set ended_at = now() where item_id = $1 and granted_at is not null and ended_at is null returning id',
        [c.meeting.current_item_id]
      );
      if (ended.length) await log('queue.ended', { requestId: ended[0].id });
    });
  }

  // Notifications ---------------------------------------------------------------------------

  /**
   * In-app notice to every member, and a mail where SMTP is set. One unread notice per member,
   * meeting and kind is enough ("the agenda changed" once, not per edit), and a mail goes only
   * with a new notice, so a busy drafting session does not flood anyone's inbox.
   */
  private async notifyMembers(tx: Queryable, c: Ctx, kind: 'meeting.convened' | 'meeting.changed' | 'agenda.changed'): Promise<void> {
    const inserted = await tx.query<{ person_id: string }>(
      `insert into notifications (organisation_id, person_id, kind, data)
       select $1, ms.person_id, $2, jsonb_build_object('meetingId', $3::text, 'title', $4::text)
         from memberships ms where ms.body_id = $5
          and not exists (select 1 from notifications n where n.person_id = ms.person_id and n.kind = $2
                           and n.read_at is null and n.data->>'meetingId' = $3::text)
       returning person_id`,
      [c.meeting.organisation_id, kind, c.meeting.id, c.meeting.title, c.meeting.body_id]
    );
    if (inserted.length && this.mailer.configured) {
      const personIds = inserted.map((r) => r.person_id);
      c.afterCommit.push(() => this.mailMembers(c.meeting.id, personIds, kind));
    }
  }

  private async mailMembers(meetingId: string, personIds: string[], kind: 'meeting.convened' | 'meeting.changed' | 'agenda.changed'): Promise<void> {
    const m = await this.loadMeeting(this.db, meetingId);
    if (!m) return;
    const rows = await this.db.query<{ email: string; full_name: string }>(
      'select email, full_name from people where id = any($1::uuid[]) and email is not null',
      [personIds]
    );
    const when = new Date(m.starts_at);
    const whenFr = when.toLocaleString('fr-FR', { timeZone: 'Europe/Paris' });
    const whenEn = when.toLocaleString('en-GB', { timeZone: 'Europe/Paris' });
    const subject =
      kind === 'meeting.convened'
        ? `Convocation : ${m.title} / Notice of meeting: ${m.title}`
        : `Ordre du jour modifié : ${m.title} / Agenda changed: ${m.title}`;
    for (const r of rows) {
      const fr =
        kind === 'meeting.convened'
          ? `Vous êtes convoqué(e) à « ${m.title} » (${m.body_name}) le ${whenFr}, ${m.place}.`
          : `L'ordre du jour ou les informations de « ${m.title} » (${m.body_name}, le ${whenFr}) ont changé. Consultez-les dans Concerto.`;
      const en =
        kind === 'meeting.convened'
          ? `You are invited to "${m.title}" (${m.body_name}) on ${whenEn}, ${m.place}.`
          : `The agenda or details of "${m.title}" (${m.body_name}, ${whenEn}) have changed. See them in Concerto.`;
      try {
        await this.mailer.send({
          to: r.email,
          subject,
          text: `Bonjour ${r.full_name},\n\n${fr}\n${m.video_url ? `Visioconférence : ${m.video_url}\n` : ''}\nHello ${r.full_name},\n\n${en}\n`
        });
      } catch (err) {
        this.logger.warn({ err, kind }, 'meeting mail failed');
      }
    }
  }

  async notifications(actor: AuthUser | null, organisationId: string): Promise<{ id: string; kind: string; data: unknown; createdAt: string; read: boolean }[]> {
    const access = await this.access.require(actor, organisationId, policy.viewOrganisation);
    const rows = await this.db.query<{ id: string; kind: string; data: unknown; created_at: Date; read_at: Date | null }>(
      'select * from notifications where person_id = $1 order by created_at desc limit 50',
      [access.personId]
    );
    return rows.map((r) => ({ id: r.id, kind: r.kind, data: r.data, createdAt: iso(r.created_at)!, read: !!r.read_at }));
  }

  async markNotificationsRead(actor: AuthUser | null, organisationId: string): Promise<void> {
    const access = await this.access.require(actor, organisationId, policy.viewOrganisation);
    await this.db.query('update notifications set read_at = now() where person_id = $1 and read_at is null', [access.personId]);
  }
}

/**
 * Quorum from attendance. A proxy is a vote carried by someone in the meeting: it counts only
 * while its holder is present.
 */
export function quorumOf(rule: QuorumRule, attendance: AttendanceEntry[]) {
  const present = new Set(attendance.filter((a) => a.status === 'present_room' || a.status === 'present_remote').map((a) => a.personId));
  const counted = attendance.map((a) => (a.status === 'represented' && !present.has(a.proxyHolderId ?? '') ? { ...a, status: 'absent' as const } : a));
  return computeQuorum(rule, counted);
}

const STATUS_FR: Record<MeetingStatus, string> = { draft: 'brouillon', convened: 'convoquée', live: 'en cours', closed: 'close' };

/** Top-level items in order, each followed by its sub-items in order. */
export function orderAgenda(items: AgendaItem[]): AgendaItem[] {
  const top = items.filter((i) => !i.parentId).sort(compareItems);
  const out: AgendaItem[] = [];
  for (const t of top) {
    out.push(t);
    out.push(...items.filter((i) => i.parentId === t.id).sort(compareItems));
  }
  return out;
}
