import { randomBytes } from 'node:crypto';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase64urlNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { prepared, type Db, type Queryable } from '../db/db.ts';
import type { AccessService } from '../access.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { policy } from '../auth/policy.ts';
import { appendMeetingAudit, type AuditInput } from '../audit/meeting-audit.ts';
import { auditRows } from './audit-batch.ts';
import { decisionsToCsv } from './decisions-csv.ts';
import { AppError, Errors, bi } from '../shared/app-error.ts';
import { isUuid, validate } from '../shared/validate.ts';
import { quorumOf, type MeetingService } from '../meetings/meetings.service.ts';
import type { AttendanceEntry } from '../meetings/meetings.types.ts';
import { DEFAULT_QUORUM_RULE, type AttendanceStatus, type QuorumRule } from '../meetings/quorum.ts';
import { decideChoice, decideMotion, type ChoiceOption, type Counts, type MotionResult, type VoteRule } from './vote-rules.ts';
import {
  bodyVoteSettingsSchema,
  castSchema,
  choiceRoomCountsSchema,
  closeVoteSchema,
  decisionFilterSchema,
  motionBallotSchema,
  openVoteSchema,
  roomCountsSchema,
  type Choice,
  type DecisionKind,
  type VoteMode
} from './votes.schemas.ts';

const VOTE = bi('Vote', 'Vote');
type College = 'landlord' | 'tenant' | 'other';

interface VoteRow {
  id: string;
  meeting_id: string;
  item_id: string;
  question: string;
  kind: 'motion' | 'choice';
  options: ChoiceOption[] | null;
  max_choices: number | null;
  changeable: boolean;
  mode: VoteMode;
  secret: boolean;
  rule: VoteRule;
  casting_vote_allowed: boolean;
  show_tally: boolean;
  status: 'open' | 'closed';
  opened_by: string | null;
  opened_at: Date;
  quorum_override_reason: string | null;
  electorate_size: number;
  closed_at: Date | null;
  result: MotionResult | null;
  counts: VoteCounts | null;
}

/** What a closed vote stores beside its result, and the live tally of an open one. */
export interface VoteCounts {
  /** For a choice vote, `abstention` counts blank ballots (pour and contre stay 0). */
  total: Counts;
  colleges: Record<College, Counts>;
  device: Counts;
  room: Counts;
  /** Ballots cast on devices (every ballot, abstentions and blank ballots included). */
  deviceBallots: number;
  electorate: number;
  /** Choice votes: votes per option id (devices and room together). */
  options?: Record<string, number>;
  /** Choice votes: the room's share of `options` (hybrid and hands modes). */
  roomOptions?: Record<string, number>;
}

export interface VoteView {
  id: string;
  meetingId: string;
  itemId: string;
  question: string;
  /** A motion (pour / contre / abstention) or a choice among options. */
  kind: 'motion' | 'choice';
  /** Choice votes: the options in order. */
  options: ChoiceOption[] | null;
  /** Choice votes: how many options a voter may choose (1: single choice). */
  maxChoices: number | null;
  /** A voter may change their ballot until the vote closes (the body's setting when it opened). */
  changeable: boolean;
  /** The chair may decide a tie (the body's setting when the vote opened). */
  castingVoteAllowed: boolean;
  mode: VoteMode;
  secret: boolean;
  rule: VoteRule;
  showTally: boolean;
  status: 'open' | 'closed';
  openedAt: string;
  closedAt: string | null;
  quorumOverrideReason: string | null;
  electorateSize: number;
  /** Device ballots cast so far (never who, for a secret vote). */
  participation: number;
  tally: VoteCounts | null;
  /** A choice vote's result also has `winners`, `tied`, `optionCounts` and `blank` (ChoiceResult). */
  result: MotionResult | null;
  /**
   * Named votes, once closed: who voted what (a proxy holder's ballots are listed per member
   * represented). For a choice vote `choice` is null and `optionIds` lists the options chosen.
   */
  rollCall: { personId: string; name: string; castBy: string; choice: Choice | null; optionIds?: string[] }[] | null;
}

export interface CastResult {
  voteId: string;
  forPersonId: string;
  /** True when this was a retry of a ballot already recorded: nothing new was stored. */
  alreadyCast: boolean;
  /** True when an earlier ballot was replaced (a changeable vote). */
  changed?: boolean;
  /** "Votre vote « pour » est enregistré" (named); for a secret vote, no choice is echoed. */
  message: { fr: string; en: string };
  /**
   * A changeable secret vote: the receipt that lets this voter change this ballot later. Only
   * the voter's device keeps it; the database holds its hash, linked to no one.
   */
  receipt?: string;
  /**
   * The voter's part in this vote as committed with this ballot (their own ballot and those of
   * the members they represent, which are cast), read in the same transaction: a realtime
   * handler can answer with it without a query of its own. Shape of `VoterBallots` in
   * src/lib/protocol/vote-state.ts; a secret vote's choices are never included.
   */
  mine?: VoterBallotsView;
}

export interface VoterBallotsView {
  voteId: string;
  how: 'device' | 'room' | 'hands' | 'none';
  ballots: { forPersonId: string; name: string; self: boolean; cast: boolean; choice: Choice | null; optionIds?: string[] | null }[];
}

/** A body's voting defaults (issue 5): used by every vote that does not override them. */
export interface BodyVoteSettings {
  bodyId: string;
  defaultRule: VoteRule;
  chairCastingVote: boolean;
  ballotsChangeable: boolean;
}

/** One line of a body's register of decisions. */
export interface Decision {
  id: string;
  bodyId: string;
  meetingId: string;
  voteId: string;
  /** "2026-003": the year and the number within the body's year. */
  reference: string;
  year: number;
  number: number;
  decidedAt: string;
  kind: DecisionKind;
  rule: VoteRule;
  outcome: string;
  question: string;
  itemTitle: string;
  meetingTitle: string;
  meetingStartsAt: string;
  result: { fr: string; en: string };
  counts: VoteCounts;
  winners: string[] | null;
  electorateSize: number;
  participation: number;
  secret: boolean;
  castingVote: { allowed: boolean; used: string | null } | null;
  quorumOverrideReason: string | null;
}

export type VoteChange = { meetingId: string; voteId: string; kind: 'opened' | 'cast' | 'room_counts' | 'closed' };
export type VoteChangeListener = (change: VoteChange) => void;

const zero = (): Counts => ({ pour: 0, contre: 0, abstention: 0 });
const add = (a: Counts, b: Counts): Counts => ({ pour: a.pour + b.pour, contre: a.contre + b.contre, abstention: a.abstention + b.abstention });
const totalOf = (c: Counts) => c.pour + c.contre + c.abstention;
const iso = (d: Date | string | null) => (d == null ? null : new Date(d).toISOString());
const CHOICE_EN: Record<Choice, string> = { pour: 'for', contre: 'against', abstention: 'abstention' };
const hashReceipt = (receipt: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(receipt)));
const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');
/** Casts committed together at most (one transaction, one commit). */
const MAX_BATCH = 500;
/** Longest a burst of casts is gathered before its group starts (see drainWhenQuiet). */
const MAX_LINGER_MS = 30;

/** Everything a group of casts needs, in one statement (see applyCasts); prepared, as it runs for every group. */
const GROUP_READ = prepared(
  'votes.group_read',
  `with s as (
     select e.vote_id, e.voting_for_person_id, e.person_id, p.user_id, e.college, e.presence, f.full_name as name
       from vote_electorate e join people p on p.id = e.person_id join people f on f.id = e.voting_for_person_id
      where e.vote_id = any($1::uuid[]) and p.user_id = any($2::uuid[]))
   select
     (select coalesce(json_agg(v), '[]'::json) from votes v where v.id = any($1::uuid[])) as votes,
     (select coalesce(json_agg(s), '[]'::json) from s) as seats,
     (select coalesce(json_agg(x), '[]'::json) from (
        select 'b' as t, b.vote_id, b.voting_for_person_id, b.choice, b.option_ids
          from ballots b join s on s.vote_id = b.vote_id and s.voting_for_person_id = b.voting_for_person_id
         where b.vote_id = any($1::uuid[])
        union all
        select 'p', vp.vote_id, vp.voting_for_person_id, null, null
          from vote_participation vp join s on s.vote_id = vp.vote_id and s.voting_for_person_id = vp.voting_for_person_id
         where vp.vote_id = any($1::uuid[])) x) as existing,
     (select row_to_json(a) from (select seq, hash from meeting_audit where meeting_id = $3 order by seq desc limit 1) a) as last_audit,
     (select coalesce(json_agg(r), '[]'::json) from (select vote_id, receipt_hash, choice, option_ids from secret_ballots where receipt_hash = any($4::text[])) r) as receipts`
);
const OPTION_IDS = `case when r.opts is null then null else array(select jsonb_array_elements_text(r.opts)) end`;
/** Every write of a group of casts, in one statement (see applyCasts); prepared. */
const GROUP_WRITE = prepared(
  'votes.group_write',
  `with new_ballots as (
     insert into ballots (vote_id, voting_for_person_id, choice, option_ids)
     select r.vote_id, r.person, r.choice, ${OPTION_IDS} from jsonb_to_recordset($1::jsonb) as r(vote_id uuid, person uuid, choice text, opts jsonb) returning 1),
   changed_ballots as (
     update ballots b set choice = r.choice, option_ids = ${OPTION_IDS}, cast_at = now()
       from jsonb_to_recordset($2::jsonb) as r(vote_id uuid, person uuid, choice text, opts jsonb)
      where b.vote_id = r.vote_id and b.voting_for_person_id = r.person returning 1),
   new_participation as (
     insert into vote_participation (vote_id, voting_for_person_id)
     select r.vote_id, r.person from jsonb_to_recordset($3::jsonb) as r(vote_id uuid, person uuid) returning 1),
   new_secret as (
     insert into secret_ballots (vote_id, college, choice, option_ids, receipt_hash)
     select r.vote_id, r.college, r.choice, ${OPTION_IDS}, r.receipt_hash
       from jsonb_to_recordset($4::jsonb) as r(vote_id uuid, college text, choice text, opts jsonb, receipt_hash text) returning 1),
   changed_secret as (
     update secret_ballots s set choice = r.choice, option_ids = ${OPTION_IDS}
       from jsonb_to_recordset($5::jsonb) as r(hash text, choice text, opts jsonb) where s.receipt_hash = r.hash returning 1),
   audit as (
     insert into meeting_audit (meeting_id, seq, at, actor_user_id, type, data, prev_hash, hash)
     select $6, r.seq, r.at, r.actor, r.type, r.data, r.prev, r.hash
       from jsonb_to_recordset($7::jsonb) as r(seq integer, at timestamptz, actor uuid, type text, data jsonb, prev text, hash text) order by r.seq returning 1)
   select (select count(*) from new_ballots) + (select count(*) from changed_ballots) + (select count(*) from new_participation)
        + (select count(*) from new_secret) + (select count(*) from changed_secret) + (select count(*) from audit) as n`
);

/** A ballot as cast: a motion's choice, or a choice vote's options (empty: blank ballot). */
type BallotValue = { choice: Choice; optionIds: null } | { choice: null; optionIds: string[] };

interface PendingCast {
  voteId: string;
  actorUserId: string;
  /** The member represented; null: the voter's own ballot. */
  forPersonId: string | null;
  value: BallotValue;
  receipt: string | null;
  resolve: (r: CastOutcome) => void;
  reject: (err: unknown) => void;
}

interface CastOutcome {
  forPersonId: string;
  mine?: VoterBallotsView;
  alreadyCast: boolean;
  changed: boolean;
  secret: boolean;
  receipt?: string;
}

/** What never changes once a vote is open: enough to check a ballot's shape before queueing it. */
type VoteShape = Pick<VoteRow, 'id' | 'meeting_id' | 'kind' | 'options' | 'max_choices'>;

/** A cast whose user is not in the vote's electorate: the answer depends on what they may see. */
class NotInElectorate extends Error {}

/** The casts of one meeting waiting for the next commit, and whether a commit is under way. */
interface CastQueue {
  pending: PendingCast[];
  running: boolean;
}

/**
 * Votes on motions and choices in device, hybrid and hands modes. Every change runs in one
 * transaction that locks the meeting row (as meeting changes do, so the electorate is read from
 * a stable attendance and the audit chain is appended in order), then the vote row. Casts are
 * committed in groups: the casts of a meeting that arrive while a commit is under way wait for
 * the next one and share its transaction, and each is acknowledged only once that transaction
 * has committed. Listeners hear about a change after the commit.
 */
export class VoteService {
  private readonly listeners = new Set<VoteChangeListener>();
  private readonly queues = new Map<string, CastQueue>();

  constructor(
    private readonly db: Db,
    /** Kept for the lead's wiring (`new VoteService(db, access, meetings)`); meeting permissions go through `meetings.capabilities`. */
    readonly access: AccessService,
    private readonly meetings: MeetingService
  ) {}

  onChange(listener: VoteChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(change: VoteChange) {
    for (const l of this.listeners) {
      try {
        l(change);
      } catch {
        // a listener's failure is not the voter's
      }
    }
  }

  private async voteRow(q: Queryable, voteId: string, lock = false): Promise<VoteRow | null> {
    if (!isUuid(voteId)) return null;
    const rows = await q.query<VoteRow>(`select * from votes where id = $1 ${lock ? 'for update' : ''}`, [voteId]);
    return rows[0] ?? null;
  }

  /** The vote and the actor's capabilities in its meeting; a vote of a meeting one may not see is not found. */
  private async load(actor: AuthUser | null, voteId: string) {
    if (!actor) throw Errors.unauthorised();
    const vote = await this.voteRow(this.db, voteId);
    if (!vote) throw Errors.notFound(VOTE);
    let caps;
    try {
      caps = await this.meetings.capabilities(actor, vote.meeting_id);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') throw Errors.notFound(VOTE);
      throw err;
    }
    return { vote, caps };
  }

  /** Runs `fn` with the meeting row, then the vote row, locked; refuses a closed vote. */
  private async inOpenVote<T>(voteId: string, meetingId: string, fn: (tx: Queryable, vote: VoteRow) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.query('select id from meetings where id = $1 for update', [meetingId]);
      const vote = await this.voteRow(tx, voteId, true);
      if (!vote) throw Errors.notFound(VOTE);
      if (vote.status !== 'open') throw closedError();
      return fn(tx, vote);
    });
  }

  // Body settings ---------------------------------------------------------------------------

  /** The organisation and the actor's access for a body one may see (members, organisation admins). */
  private async bodyAccess(actor: AuthUser | null, bodyId: string) {
    if (!actor) throw Errors.unauthorised();
    const orgId = isUuid(bodyId) ? await this.access.organisationOfBody(bodyId) : null;
    const access = orgId ? await this.access.forOrganisation(actor, orgId) : null;
    if (!orgId || !access || !(policy.viewMeeting(access, bodyId) || policy.manageBody(access, bodyId))) throw Errors.notFound(bi('Instance', 'Body'));
    return { orgId, access, canManage: policy.manageBody(access, bodyId) };
  }

  async bodySettings(actor: AuthUser | null, bodyId: string): Promise<BodyVoteSettings & { canManage: boolean }> {
    const { canManage } = await this.bodyAccess(actor, bodyId);
    const [b] = await this.db.query<{ default_vote_rule: VoteRule; chair_casting_vote: boolean; ballots_changeable: boolean }>(
      'select default_vote_rule, chair_casting_vote, ballots_changeable from bodies where id = $1',
      [bodyId]
    );
    return { bodyId, defaultRule: b.default_vote_rule, chairCastingVote: b.chair_casting_vote, ballotsChangeable: b.ballots_changeable, canManage };
  }

  /** Sets a body's voting defaults (body admins and secretaries, organisation admins). Votes already open keep theirs. */
  async updateBodySettings(actor: AuthUser | null, bodyId: string, input: unknown): Promise<BodyVoteSettings> {
    const { orgId, canManage } = await this.bodyAccess(actor, bodyId);
    if (!canManage) throw Errors.forbidden();
    const data = validate(bodyVoteSettingsSchema, input);
    await this.db.transaction(async (tx) => {
      await tx.query('update bodies set default_vote_rule = $2, chair_casting_vote = $3, ballots_changeable = $4 where id = $1', [
        bodyId,
        data.defaultRule,
        data.chairCastingVote,
        data.ballotsChangeable
      ]);
      await tx.query('insert into audit_events (organisation_id, actor_user_id, action, subject_id, data) values ($1, $2, $3, $4, $5)', [
        orgId,
        actor!.id,
        'body.vote_settings',
        bodyId,
        JSON.stringify(data)
      ]);
    });
    return { bodyId, ...data };
  }

  // Opening ---------------------------------------------------------------------------------

  async open(actor: AuthUser | null, meetingId: string, input: unknown): Promise<VoteView> {
    if (!actor) throw Errors.unauthorised();
    if (!isUuid(meetingId)) throw Errors.notFound(bi('Réunion', 'Meeting'));
    const caps = await this.meetings.capabilities(actor, meetingId);
    if (!caps.canManage) throw Errors.forbidden();
    const data = validate(openVoteSchema, input);
    const reason = data.quorumOverrideReason?.trim() || null;
    const { options, maxChoices } = choiceSetup(data);

    const voteId = await this.db.transaction(async (tx) => {
      const [meeting] = await tx.query<{
        status: string;
        body_id: string;
        quorum_rule: QuorumRule | null;
        default_vote_rule: VoteRule;
        chair_casting_vote: boolean;
        ballots_changeable: boolean;
      }>(
        `select m.status, m.body_id, b.quorum_rule, b.default_vote_rule, b.chair_casting_vote, b.ballots_changeable
           from meetings m join bodies b on b.id = m.body_id where m.id = $1 for update of m`,
        [meetingId]
      );
      if (!meeting) throw Errors.notFound(bi('Réunion', 'Meeting'));
      // The body's default rule applies when the vote names none. A choice among options is won
      // by the most votes; only its advisory form (a preference, nothing adopted) differs.
      let rule: VoteRule = data.rule ?? meeting.default_vote_rule;
      if (data.kind === 'choice') {
        if (data.rule && data.rule !== 'simple_majority' && data.rule !== 'advisory') {
          throw Errors.unprocessable(
            bi('Un choix entre options est remporté par le plus de voix : choisissez la règle « majorité » ou « avis consultatif ».', 'A choice among options is won by the most votes: choose the “majority” or “advisory” rule.'),
            'rule'
          );
        }
        rule = rule === 'advisory' ? 'advisory' : 'simple_majority';
      }
      if (meeting.status !== 'live') {
        throw Errors.conflict(bi('Un vote ne peut être ouvert que pendant la réunion (réunion en cours).', 'A vote can only be opened while the meeting is live.'));
      }
      const items = await tx.query('select 1 from agenda_items where id = $1 and meeting_id = $2 and deleted_at is null', [data.itemId, meetingId]);
      if (!items.length) throw Errors.unprocessable(bi('Ce point n’est pas à l’ordre du jour de cette réunion.', 'This item is not on this meeting’s agenda.'), 'itemId');
      const open = await tx.query("select 1 from votes where meeting_id = $1 and status = 'open'", [meetingId]);
      if (open.length) throw Errors.conflict(bi('Un vote est déjà ouvert dans cette réunion : closez-le d’abord.', 'A vote is already open in this meeting: close it first.'));

      // Attendance, read under the meeting's lock: no check-in can slip between quorum and electorate.
      const members = await tx.query<{ person_id: string; college: College; voting_right: boolean; status: AttendanceStatus | null; proxy_holder_id: string | null }>(
        `select ms.person_id, ms.college, ms.voting_right, a.status, a.proxy_holder_id
           from memberships ms left join attendance a on a.meeting_id = $1 and a.person_id = ms.person_id
          where ms.body_id = $2`,
        [meetingId, meeting.body_id]
      );
      const attendance = members.map(
        (m) =>
          ({
            personId: m.person_id,
            college: m.college,
            votingRight: m.voting_right,
            status: m.status ?? 'absent',
            proxyHolderId: m.proxy_holder_id
          }) as AttendanceEntry
      );
      const quorum = quorumOf(meeting.quorum_rule ?? DEFAULT_QUORUM_RULE, attendance);
      if (!quorum.met && !reason) {
        throw new AppError(
          'conflict',
          bi(
            `Le quorum n’est pas atteint (${quorum.counted} membres présents ou représentés, ${quorum.required} requis) : le vote ne peut pas être ouvert sans une dérogation motivée de la présidence.`,
            `The quorum is not met (${quorum.counted} members present or represented, ${quorum.required} required): the vote cannot be opened without a reasoned override by the chair.`
          ),
          { quorumOverrideReason: bi('Motif requis pour ouvrir sans quorum.', 'A reason is required to open without a quorum.') }
        );
      }

      // The electorate: voting members present, plus members represented by a present holder.
      const presence = new Map<string, 'room' | 'remote'>();
      for (const m of members) {
        if (m.status === 'present_room') presence.set(m.person_id, 'room');
        if (m.status === 'present_remote') presence.set(m.person_id, 'remote');
      }
      const electorate: { holder: string; forPerson: string; college: College; presence: 'room' | 'remote' }[] = [];
      for (const m of members) {
        if (!m.voting_right) continue;
        const where = presence.get(m.person_id);
        if (where) electorate.push({ holder: m.person_id, forPerson: m.person_id, college: m.college, presence: where });
        else if (m.status === 'represented' && m.proxy_holder_id && presence.has(m.proxy_holder_id)) {
          electorate.push({ holder: m.proxy_holder_id, forPerson: m.person_id, college: m.college, presence: presence.get(m.proxy_holder_id)! });
        }
      }

      const [row] = await tx.query<{ id: string }>(
        `insert into votes (meeting_id, item_id, question, mode, secret, rule, show_tally, opened_by, quorum_override_reason, electorate_size,
                            kind, options, max_choices, changeable, casting_vote_allowed)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) returning id`,
        [
          meetingId,
          data.itemId,
          data.question,
          data.mode,
          data.secret,
          rule,
          data.showTally,
          actor.id,
          quorum.met ? null : reason,
          electorate.length,
          data.kind,
          options ? JSON.stringify(options) : null,
          maxChoices,
          meeting.ballots_changeable,
          meeting.chair_casting_vote
        ]
      );
      if (electorate.length) {
        await tx.query(
          `insert into vote_electorate (vote_id, person_id, voting_for_person_id, college, presence)
           select $1, r.holder, r.for_person, r.college, r.presence from jsonb_to_recordset($2::jsonb) as r(holder uuid, for_person uuid, college text, presence text)`,
          [row.id, JSON.stringify(electorate.map((e) => ({ holder: e.holder, for_person: e.forPerson, college: e.college, presence: e.presence })))]
        );
      }
      const summary = {
        voteId: row.id,
        itemId: data.itemId,
        question: data.question,
        kind: data.kind,
        options,
        maxChoices,
        mode: data.mode,
        secret: data.secret,
        rule,
        changeable: meeting.ballots_changeable,
        castingVoteAllowed: meeting.chair_casting_vote,
        electorateSize: electorate.length,
        quorum: { counted: quorum.counted, required: quorum.required, met: quorum.met },
        quorumOverrideReason: quorum.met ? null : reason
      };
      await appendMeetingAudit(tx, meetingId, {
        type: 'vote.opened',
        actorUserId: actor.id,
        data: { ...summary, electorate: electorate.map((e) => ({ personId: e.forPerson, castBy: e.holder, college: e.college, presence: e.presence })) }
      });
      await this.event(tx, meetingId, actor.id, 'vote.opened', summary);
      return row.id;
    });
    this.changed({ meetingId, voteId, kind: 'opened' });
    return this.view(voteId, true);
  }

  // Casting ---------------------------------------------------------------------------------

  /**
   * Casts a ballot. Who may cast it is decided inside the group's transaction, from the frozen
   * electorate (whose holder must be this user): a cast costs no read of its own before it is
   * queued. Someone outside the electorate gets the answer the vote's visibility calls for: not
   * found when they may not see the meeting, closed when it is, else not a voter.
   */
  async cast(actor: AuthUser | null, voteId: string, input: unknown): Promise<CastResult> {
    if (!actor) throw Errors.unauthorised();
    const vote = await this.shapeOf(voteId);
    if (!vote) throw Errors.notFound(VOTE);
    let outcome: CastOutcome;
    try {
      const data = validate(castSchema, input);
      const value = ballotValue(vote, data);
      outcome = await new Promise<CastOutcome>((resolve, reject) => {
        this.enqueue(vote.meeting_id, { voteId, actorUserId: actor.id, forPersonId: data.forPersonId ?? null, value, receipt: data.receipt ?? null, resolve, reject });
      });
      return {
        voteId,
        forPersonId: outcome.forPersonId,
        alreadyCast: outcome.alreadyCast,
        changed: outcome.changed,
        message: castMessage(vote, value, outcome),
        ...(outcome.receipt ? { receipt: outcome.receipt } : {}),
        ...(outcome.mine ? { mine: outcome.mine } : {})
      };
    } catch (err) {
      if (!(err instanceof NotInElectorate) && !(err instanceof AppError && (err.code === 'unprocessable' || err.code === 'validation_failed'))) throw err;
      // Not a voter (or a malformed ballot): say only what this user may know of the vote.
      const { vote: row } = await this.load(actor, voteId);
      if (row.status !== 'open') throw closedError();
      if (row.mode === 'hands') throw handsOnly();
      if (err instanceof NotInElectorate) throw notVoter();
      throw err;
    }
  }

  private readonly shapes = new Map<string, Promise<VoteShape | null>>();

  /**
   * The vote's unchanging part, kept in memory once read (it never changes, so no copy can be
   * stale; a vote not found is not kept). Casts arriving together share one read.
   */
  private shapeOf(voteId: string): Promise<VoteShape | null> {
    const known = this.shapes.get(voteId);
    if (known) return known;
    if (!isUuid(voteId)) return Promise.resolve(null);
    if (this.shapes.size >= 1000) this.shapes.clear();
    const read = this.db
      .query<VoteShape>('select id, meeting_id, kind, options, max_choices from votes where id = $1', [voteId])
      .then((rows) => {
        if (!rows[0]) this.shapes.delete(voteId);
        return rows[0] ?? null;
      });
    read.catch(() => this.shapes.delete(voteId));
    this.shapes.set(voteId, read);
    return read;
  }

  private enqueue(meetingId: string, cast: PendingCast): void {
    let queue = this.queues.get(meetingId);
    if (!queue) {
      queue = { pending: [], running: false };
      this.queues.set(meetingId, queue);
    }
    queue.pending.push(cast);
    if (!queue.running) {
      queue.running = true;
      this.drainWhenQuiet(meetingId, queue);
    }
  }

  /**
   * Starts a group once the casts already read from the network have queued: one event-loop
   * turn at least, and more while each turn brings new casts (a burst of a room voting at
   * once), up to MAX_LINGER_MS. A lone cast waits one turn; a burst makes a few large groups
   * instead of many small ones (each group is one transaction and one commit).
   */
  private drainWhenQuiet(meetingId: string, queue: CastQueue, since = performance.now(), seen = 0): void {
    setImmediate(() => {
      const n = queue.pending.length;
      if (n > seen && n < MAX_BATCH && performance.now() - since < MAX_LINGER_MS) return this.drainWhenQuiet(meetingId, queue, since, n);
      void this.drain(meetingId, queue);
    });
  }

  /** Commits the meeting's waiting casts, one group per transaction, until none is left. */
  private async drain(meetingId: string, queue: CastQueue): Promise<void> {
    queue.running = true;
    try {
      while (queue.pending.length) {
        const batch = queue.pending.splice(0, MAX_BATCH);
        await this.commitCasts(meetingId, batch);
      }
    } finally {
      queue.running = false;
      if (this.queues.get(meetingId) === queue && !queue.pending.length) this.queues.delete(meetingId);
    }
  }

  private async commitCasts(meetingId: string, batch: PendingCast[]): Promise<void> {
    let results: (CastOutcome | Error)[];
    let touched: Set<string>;
    try {
      ({ results, touched } = await this.db.transaction((tx) => this.applyCasts(tx, meetingId, batch)));
    } catch (err) {
      // The group failed as a whole (a lost connection, a conflict with another instance): each
      // cast is tried again on its own, so one bad cast never costs the others their ballot.
      if (batch.length === 1) {
        batch[0].reject(err);
        return;
      }
      for (const cast of batch) await this.commitCasts(meetingId, [cast]);
      return;
    }
    // Committed: now each cast is acknowledged (or refused), and listeners told once per vote.
    batch.forEach((cast, i) => {
      const r = results[i];
      if (r instanceof Error) cast.reject(r);
      else cast.resolve(r);
    });
    for (const voteId of touched) this.changed({ meetingId, voteId, kind: 'cast' });
  }

  /**
   * Applies a group of casts in order inside one transaction: reads what it needs in a few
   * queries, decides each cast in memory (a refusal is that cast's answer, not the group's), then
   * writes the new and changed ballots and the audit entries in a few statements.
   */
  private async applyCasts(tx: Queryable, meetingId: string, batch: PendingCast[]): Promise<{ results: (CastOutcome | Error)[]; touched: Set<string> }> {
    await tx.query('select id from meetings where id = $1 for update', [meetingId]);
    const voteIds = [...new Set(batch.map((c) => c.voteId))];
    const users = [...new Set(batch.map((c) => c.actorUserId))];
    const receiptHashes = batch.filter((c) => c.receipt).map((c) => hashReceipt(c.receipt!));
    const key = (voteId: string, personId: string) => `${voteId}|${personId}`;
    type Seat = { vote_id: string; voting_for_person_id: string; person_id: string; user_id: string; college: College; presence: 'room' | 'remote'; name: string };
    type Existing = { t: 'b' | 'p'; vote_id: string; voting_for_person_id: string; choice: Choice | null; option_ids: string[] | null };
    type Receipt = { vote_id: string; receipt_hash: string; choice: Choice | null; option_ids: string[] | null };
    // (json_agg rather than jsonb_agg: text built as it goes, several times cheaper for 500
    // seats; ballots and participation are found through their vote, by index.)
    // Everything the group needs, read in one statement under the meeting's lock (which every
    // writer of votes, ballots and the audit log takes first): the votes; the ballots each user
    // may cast (their own and those of the members they represent) and which are already
    // recorded (named ballots with their value, secret ones only as "has voted"); the last
    // audit entry; the secret ballots whose receipts are presented.
    const [read] = await tx.query<{ votes: VoteRow[]; seats: Seat[]; existing: Existing[]; last_audit: { seq: number; hash: string } | null; receipts: Receipt[] }>(
      GROUP_READ,
      [voteIds, users, meetingId, receiptHashes]
    );
    const votes = new Map<string, VoteRow>(read.votes.map((v) => [v.id, v]));
    const seats = read.seats;
    const seatIndex = new Map<string, Seat>();
    for (const e of seats) {
      seatIndex.set(`${e.vote_id}|${e.user_id}|${e.voting_for_person_id}`, e);
      if (e.person_id === e.voting_for_person_id) seatIndex.set(`${e.vote_id}|${e.user_id}|self`, e);
    }
    const seatOf = (c: PendingCast): Seat | undefined => seatIndex.get(`${c.voteId}|${c.actorUserId}|${c.forPersonId ?? 'self'}`);
    const named = new Map<string, BallotValue>();
    const participated = new Set<string>();
    for (const b of read.existing) {
      const k = key(b.vote_id, b.voting_for_person_id);
      if (b.t === 'p') participated.add(k);
      else named.set(k, b.option_ids ? { choice: null, optionIds: b.option_ids } : { choice: b.choice!, optionIds: null });
    }
    const secretByReceipt = new Map<string, { voteId: string; value: BallotValue; isNew: boolean }>();
    for (const r of read.receipts) {
      secretByReceipt.set(r.receipt_hash, { voteId: r.vote_id, value: r.option_ids ? { choice: null, optionIds: r.option_ids } : { choice: r.choice!, optionIds: null }, isNew: false });
    }

    const newNamed: { vote_id: string; person: string; choice: Choice | null; opts: string[] | null }[] = [];
    const changedNamed = new Map<string, { vote_id: string; person: string; choice: Choice | null; opts: string[] | null }>();
    const newParticipation: { vote_id: string; person: string }[] = [];
    const newSecret: { vote_id: string; college: College; choice: Choice | null; opts: string[] | null; receipt_hash: string | null }[] = [];
    const changedSecret = new Map<string, { hash: string; choice: Choice | null; opts: string[] | null }>();
    const audit: AuditInput[] = [];
    const touched = new Set<string>();
    const results: (CastOutcome | Error)[] = [];

    for (const c of batch) {
      try {
        const v = votes.get(c.voteId);
        if (!v) throw Errors.notFound(VOTE);
        const e = seatOf(c);
        if (!e) {
          results.push(new NotInElectorate());
          continue;
        }
        if (v.status !== 'open') throw closedError();
        if (v.mode === 'hands') throw handsOnly();
        const k = key(c.voteId, e.voting_for_person_id);
        const forPersonId = e.voting_for_person_id;
        if (v.mode === 'hybrid' && e.presence === 'room') {
          throw Errors.conflict(
            bi('Vous êtes en salle : votez à main levée, le secrétariat saisit les votes de la salle.', 'You are in the room: vote by show of hands, the secretariat enters the room’s counts.')
          );
        }
        const base = { voteId: c.voteId, forPersonId, castBy: e.person_id };
        const shown = c.value.optionIds ? { optionIds: c.value.optionIds } : { choice: c.value.choice };
        if (!v.secret) {
          const current = named.get(k);
          if (!current) {
            named.set(k, c.value);
            newNamed.push({ vote_id: c.voteId, person: forPersonId, choice: c.value.choice, opts: c.value.optionIds });
            audit.push({ type: 'vote.cast', actorUserId: c.actorUserId, data: { ...base, ...shown } });
            touched.add(c.voteId);
            results.push({ forPersonId, alreadyCast: false, changed: false, secret: false });
          } else if (sameValue(current, c.value)) {
            results.push({ forPersonId, alreadyCast: true, changed: false, secret: false });
          } else if (v.changeable) {
            named.set(k, c.value);
            const row = { vote_id: c.voteId, person: forPersonId, choice: c.value.choice, opts: c.value.optionIds };
            const pending = newNamed.find((n) => n.vote_id === c.voteId && n.person === forPersonId);
            if (pending) Object.assign(pending, row);
            else changedNamed.set(k, row);
            const previous = current.optionIds ? { optionIds: current.optionIds } : { choice: current.choice };
            audit.push({ type: 'vote.cast_changed', actorUserId: c.actorUserId, data: { ...base, ...shown, previous } });
            touched.add(c.voteId);
            results.push({ forPersonId, alreadyCast: false, changed: true, secret: false });
          } else {
            throw Errors.conflict(alreadyRecorded(v, current));
          }
        } else if (!participated.has(k)) {
          participated.add(k);
          newParticipation.push({ vote_id: c.voteId, person: forPersonId });
          const receipt = v.changeable ? encodeBase64urlNoPadding(randomBytes(24)) : undefined;
          const receiptHash = receipt ? hashReceipt(receipt) : null;
          const row = { vote_id: c.voteId, college: e.college, choice: c.value.choice, opts: c.value.optionIds, receipt_hash: receiptHash };
          newSecret.push(row);
          if (receiptHash) secretByReceipt.set(receiptHash, { voteId: c.voteId, value: c.value, isNew: true });
          // Who voted, never what: the choice stays out of the audit log.
          audit.push({ type: 'vote.cast', actorUserId: c.actorUserId, data: base });
          touched.add(c.voteId);
          results.push({ forPersonId, alreadyCast: false, changed: false, secret: true, receipt });
        } else if (v.changeable && c.receipt) {
          const hash = hashReceipt(c.receipt);
          const known = secretByReceipt.get(hash);
          if (!known || known.voteId !== c.voteId) {
            throw Errors.unprocessable(
              bi('Ce reçu ne correspond à aucun vote de ce scrutin : le vote n’a pas été changé.', 'This receipt matches no ballot of this vote: the vote has not been changed.'),
              'receipt'
            );
          }
          if (sameValue(known.value, c.value)) {
            results.push({ forPersonId, alreadyCast: true, changed: false, secret: true, receipt: c.receipt });
            continue;
          }
          known.value = c.value;
          if (known.isNew) {
            const row = newSecret.find((s) => s.receipt_hash === hash)!;
            row.choice = c.value.choice;
            row.opts = c.value.optionIds;
          } else changedSecret.set(hash, { hash, choice: c.value.choice, opts: c.value.optionIds });
          audit.push({ type: 'vote.cast_changed', actorUserId: c.actorUserId, data: base });
          touched.add(c.voteId);
          results.push({ forPersonId, alreadyCast: false, changed: true, secret: true, receipt: c.receipt });
        } else {
          // A retry after a reconnect: the first ballot stands; its choice is not known, nor asked.
          results.push({ forPersonId, alreadyCast: true, changed: false, secret: true });
        }
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        results.push(err);
      }
    }

    // Shuffled, so the order secret rows are stored in says nothing about the order voters voted in.
    for (let i = newSecret.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [newSecret[i], newSecret[j]] = [newSecret[j], newSecret[i]];
    }
    // Every write of the group in one statement (data-modifying WITH clauses all run, in full).
    await tx.query(
      GROUP_WRITE,
      [
        JSON.stringify(newNamed),
        JSON.stringify([...changedNamed.values()]),
        JSON.stringify(newParticipation),
        JSON.stringify(newSecret),
        JSON.stringify([...changedSecret.values()]),
        meetingId,
        JSON.stringify(auditRows(meetingId, read.last_audit, audit))
      ]
    );

    // Each voter's part in the vote as this group leaves it.
    const seatsOfUser = new Map<string, Seat[]>();
    for (const e of seats) {
      const k = `${e.vote_id}|${e.user_id}`;
      const list = seatsOfUser.get(k);
      if (list) list.push(e);
      else seatsOfUser.set(k, [e]);
    }
    batch.forEach((c, i) => {
      const r = results[i];
      if (r instanceof Error) return;
      const v = votes.get(c.voteId)!;
      const own = [...(seatsOfUser.get(`${c.voteId}|${c.actorUserId}`) ?? [])];
      const self = own.find((e) => e.person_id === e.voting_for_person_id);
      own.sort((a, b) => Number(b === self) - Number(a === self) || a.name.localeCompare(b.name, 'fr'));
      r.mine = {
        voteId: c.voteId,
        how: v.mode === 'hands' ? 'hands' : v.mode === 'hybrid' && own[0]?.presence === 'room' ? 'room' : 'device',
        ballots: own.map((e) => {
          const k = key(e.vote_id, e.voting_for_person_id);
          const value = v.secret ? undefined : named.get(k);
          return {
            forPersonId: e.voting_for_person_id,
            name: e.name,
            self: e === self,
            cast: v.secret ? participated.has(k) : !!value,
            choice: value?.choice ?? null,
            ...(v.kind === 'choice' ? { optionIds: value?.optionIds ?? null } : {})
          };
        })
      };
    });
    return { results, touched };
  }

  // Room counts -----------------------------------------------------------------------------

  async setRoomCounts(actor: AuthUser | null, voteId: string, input: unknown): Promise<VoteView> {
    const { vote, caps } = await this.load(actor, voteId);
    if (!caps.canManage) throw Errors.forbidden();
    if (vote.kind === 'choice') return this.setChoiceRoomCounts(actor!, vote, input);
    const data = validate(roomCountsSchema, input);
    await this.inOpenVote(voteId, vote.meeting_id, async (tx, v) => {
      if (v.mode === 'device') throw deviceOnly();
      const perCollege = v.rule === 'majority_each_college';
      const college = data.college ?? null;
      if (perCollege && !college) {
        throw Errors.unprocessable(bi('La règle demande une majorité dans chaque collège : saisissez les votes collège par collège.', 'The rule needs a majority in each college: enter the counts college by college.'), 'college');
      }
      if (!perCollege && college) {
        throw Errors.unprocessable(bi('La règle de ce vote ne distingue pas les collèges : saisissez le total de la salle.', 'This vote’s rule does not split by college: enter the room’s total.'), 'college');
      }
      const eligible = await this.roomEligible(tx, v, college);
      const total = data.pour + data.contre + data.abstention;
      if (total > eligible) throw tooMany(v, total, eligible, college, 'pour');
      const key = college ?? 'all';
      const [previous] = await tx.query<Counts>('select pour, contre, abstention from room_counts where vote_id = $1 and college = $2', [voteId, key]);
      await tx.query(
        `insert into room_counts (vote_id, college, pour, contre, abstention, updated_by, updated_at) values ($1, $2, $3, $4, $5, $6, now())
         on conflict (vote_id, college) do update set pour = excluded.pour, contre = excluded.contre, abstention = excluded.abstention,
           updated_by = excluded.updated_by, updated_at = now()`,
        [voteId, key, data.pour, data.contre, data.abstention, actor!.id]
      );
      await appendMeetingAudit(tx, v.meeting_id, {
        type: previous ? 'vote.room_counts_corrected' : 'vote.room_counts',
        actorUserId: actor!.id,
        data: {
          voteId,
          college: key,
          counts: { pour: data.pour, contre: data.contre, abstention: data.abstention },
          previous: previous ? { pour: previous.pour, contre: previous.contre, abstention: previous.abstention } : null
        }
      });
    });
    this.changed({ meetingId: vote.meeting_id, voteId, kind: 'room_counts' });
    return this.view(voteId, true);
  }

  /** Who may be counted in the room: in hands mode the whole electorate, in hybrid mode those in the room. */
  private async roomEligible(tx: Queryable, v: VoteRow, college: College | null): Promise<number> {
    const [elig] = await tx.query<{ n: number }>(
      `select count(*)::int as n from vote_electorate where vote_id = $1 and ($2::text is null or college = $2) and ($3 or presence = 'room')`,
      [v.id, college, v.mode === 'hands']
    );
    return elig.n;
  }

  /**
   * A choice vote's show-of-hands counts: votes per option and blank ballots. With a single
   * choice, everything counted adds up to at most the people who may be counted; with a multiple
   * choice, no option can have more votes than people, nor all options more than people × maximum.
   */
  private async setChoiceRoomCounts(actor: AuthUser, vote: VoteRow, input: unknown): Promise<VoteView> {
    const data = validate(choiceRoomCountsSchema, input);
    const ids = new Set(vote.options!.map((o) => o.id));
    for (const id of Object.keys(data.options)) {
      if (!ids.has(id)) throw Errors.unprocessable(bi(`Option inconnue : ${id}.`, `Unknown option: ${id}.`), `options.${id}`);
    }
    const options = Object.fromEntries(vote.options!.map((o) => [o.id, data.options[o.id] ?? 0]));
    await this.inOpenVote(vote.id, vote.meeting_id, async (tx, v) => {
      if (v.mode === 'device') throw deviceOnly();
      const eligible = await this.roomEligible(tx, v, null);
      const sum = Object.values(options).reduce((a, b) => a + b, 0);
      const max = v.max_choices ?? 1;
      if (max === 1 && sum + data.abstention > eligible) throw tooMany(v, sum + data.abstention, eligible, null, 'options');
      const over = Object.entries(options).find(([, n]) => n > eligible);
      if (over) throw tooMany(v, over[1], eligible, null, `options.${over[0]}`);
      if (data.abstention > eligible) throw tooMany(v, data.abstention, eligible, null, 'abstention');
      if (sum > eligible * max) {
        throw Errors.unprocessable(
          bi(
            `Total trop élevé : ${sum} voix saisies, mais ${eligible} votants pouvant choisir ${max} options chacun, soit ${eligible * max} voix au plus. Vérifiez le décompte.`,
            `Total too high: ${sum} votes entered, but ${eligible} voters choosing up to ${max} options each, so ${eligible * max} votes at most. Please check the count.`
          ),
          'options'
        );
      }
      const [previous] = await tx.query<{ options: Record<string, number> | null; abstention: number }>("select options, abstention from room_counts where vote_id = $1 and college = 'all'", [vote.id]);
      await tx.query(
        `insert into room_counts (vote_id, college, pour, contre, abstention, options, updated_by, updated_at) values ($1, 'all', 0, 0, $2, $3, $4, now())
         on conflict (vote_id, college) do update set abstention = excluded.abstention, options = excluded.options, updated_by = excluded.updated_by, updated_at = now()`,
        [vote.id, data.abstention, JSON.stringify(options), actor.id]
      );
      await appendMeetingAudit(tx, v.meeting_id, {
        type: previous ? 'vote.room_counts_corrected' : 'vote.room_counts',
        actorUserId: actor.id,
        data: { voteId: vote.id, college: 'all', options, blank: data.abstention, previous: previous ? { options: previous.options, blank: previous.abstention } : null }
      });
    });
    this.changed({ meetingId: vote.meeting_id, voteId: vote.id, kind: 'room_counts' });
    return this.view(vote.id, true);
  }

  // Closing ---------------------------------------------------------------------------------

  /**
   * Closes the vote: the result from the frozen electorate, the rule and the counts, stored and
   * immutable from then on; a decision in the body's register and a line in the meeting record,
   * in the same transaction. `input.castingVote`: how the chair decides a tie, when the body
   * gives the chair a casting vote ('pour' / 'contre', or an option id).
   */
  async close(actor: AuthUser | null, voteId: string, input: unknown = {}): Promise<VoteView> {
    const { vote, caps } = await this.load(actor, voteId);
    if (!caps.canManage) throw Errors.forbidden();
    const data = validate(closeVoteSchema, input ?? {});
    const castingVote = data.castingVote ?? null;
    if (castingVote !== null) {
      if (!vote.casting_vote_allowed) {
        throw Errors.unprocessable(bi('Cette instance ne donne pas de voix prépondérante à la présidence.', 'This body gives its chair no casting vote.'), 'castingVote');
      }
      const allowed = vote.kind === 'choice' ? vote.options!.map((o) => o.id) : ['pour', 'contre'];
      if (!allowed.includes(castingVote)) {
        throw Errors.unprocessable(
          vote.kind === 'choice'
            ? bi('La voix prépondérante doit désigner une des options.', 'The casting vote must name one of the options.')
            : bi('La voix prépondérante est « pour » ou « contre ».', 'The casting vote is “for” or “against”.'),
          'castingVote'
        );
      }
    }
    await this.inOpenVote(voteId, vote.meeting_id, async (tx, v) => {
      if (v.mode !== 'device') {
        const eligible = await this.roomEligible(tx, v, null);
        const [entered] = await tx.query<{ n: number }>('select count(*)::int as n from room_counts where vote_id = $1', [voteId]);
        if (eligible > 0 && entered.n === 0) {
          throw Errors.conflict(bi('Saisissez les votes de la salle avant de clore le vote.', 'Enter the room’s counts before closing the vote.'));
        }
      }
      const counts = await this.tally(tx, v);
      let result: MotionResult;
      if (v.kind === 'choice') {
        result = decideChoice({
          options: v.options!,
          optionCounts: counts.options ?? {},
          blank: counts.total.abstention,
          seats: Math.min(v.max_choices ?? 1, v.options!.length),
          advisory: v.rule === 'advisory',
          castingVote
        });
      } else {
        if (v.rule === 'majority_each_college' && totalOf(counts.colleges.other) > 0) {
          throw Errors.conflict(bi('Des votes hors collège bailleur ou locataire empêchent d’appliquer la majorité dans chaque collège.', 'Votes outside the landlord and tenant colleges prevent applying a majority in each college.'));
        }
        result = decideMotion({
          rule: v.rule,
          counts: counts.total,
          colleges: v.rule === 'majority_each_college' ? { landlord: counts.colleges.landlord, tenant: counts.colleges.tenant } : undefined,
          electorate: v.electorate_size,
          castingVote: castingVote as 'pour' | 'contre' | null
        });
      }
      const usedCasting = result.reason.includes('tie_casting_vote');
      result.castingVote = { allowed: v.casting_vote_allowed, used: usedCasting ? castingVote : null };
      const [closed] = await tx.query<{ closed_at: Date }>(`update votes set status = 'closed', closed_at = now(), result = $2, counts = $3 where id = $1 returning closed_at`, [
        voteId,
        JSON.stringify(result),
        JSON.stringify(counts)
      ]);
      const decision = await this.register(tx, v, result, counts, closed.closed_at);
      await appendMeetingAudit(tx, v.meeting_id, { type: 'vote.closed', actorUserId: actor!.id, data: { voteId, result, counts, decision } });
      await this.event(tx, v.meeting_id, actor!.id, 'vote.closed', {
        voteId,
        itemId: v.item_id,
        question: v.question,
        kind: v.kind,
        options: v.options,
        rule: v.rule,
        secret: v.secret,
        outcome: result.outcome,
        text: result.text,
        counts: result.counts,
        optionCounts: (result as { optionCounts?: Record<string, number> }).optionCounts ?? null,
        winners: (result as { winners?: string[] }).winners ?? null,
        castingVote: result.castingVote,
        electorateSize: v.electorate_size,
        participation: participationOf(v, counts),
        quorumOverrideReason: v.quorum_override_reason,
        decision
      });
    });
    this.changed({ meetingId: vote.meeting_id, voteId, kind: 'closed' });
    return this.view(voteId, true);
  }

  /**
   * Adds the closed vote to its body's register, numbered within the body and the year (Paris
   * time). The body row is locked so that two meetings of one body closing votes at once take
   * consecutive numbers.
   */
  private async register(tx: Queryable, v: VoteRow, result: MotionResult, counts: VoteCounts, decidedAt: Date) {
    const [m] = await tx.query<{ organisation_id: string; body_id: string; title: string; starts_at: Date; item_title: string }>(
      `select m.organisation_id, m.body_id, m.title, m.starts_at, i.title as item_title
         from meetings m join agenda_items i on i.id = $2 where m.id = $1`,
      [v.meeting_id, v.item_id]
    );
    await tx.query('select id from bodies where id = $1 for update', [m.body_id]);
    const kind: DecisionKind = v.kind === 'choice' ? 'choice' : v.rule === 'advisory' ? 'opinion' : 'decision';
    const [row] = await tx.query<{ id: string; year: number; number: number }>(
      `with y as (select extract(year from $4::timestamptz at time zone 'Europe/Paris')::int as year)
       insert into decisions (organisation_id, body_id, meeting_id, vote_id, year, number, decided_at, kind, rule, outcome, question, item_title,
                              meeting_title, meeting_starts_at, result_fr, result_en, counts, winners, electorate_size, participation, secret,
                              casting_vote, quorum_override_reason)
       select $1, $2, $3, $5, y.year, coalesce((select max(d.number) from decisions d where d.body_id = $2 and d.year = y.year), 0) + 1, $4,
              $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21
         from y returning id, year, number`,
      [
        m.organisation_id,
        m.body_id,
        v.meeting_id,
        decidedAt,
        v.id,
        kind,
        v.rule,
        result.outcome,
        v.question,
        m.item_title,
        m.title,
        m.starts_at,
        result.text.fr,
        result.text.en,
        JSON.stringify(counts),
        JSON.stringify((result as { winners?: string[] }).winners ?? null),
        v.electorate_size,
        participationOf(v, counts),
        v.secret,
        JSON.stringify(result.castingVote ?? null),
        v.quorum_override_reason
      ]
    );
    return { id: row.id, year: row.year, number: row.number, reference: reference(row.year, row.number) };
  }

  // Register of decisions --------------------------------------------------------------------

  /** A body's register, newest first, filtered by year and kind; with the years that have decisions. */
  async decisions(actor: AuthUser | null, bodyId: string, filter: unknown = {}): Promise<{ decisions: Decision[]; years: number[] }> {
    await this.bodyAccess(actor, bodyId);
    const f = validate(decisionFilterSchema, filter ?? {});
    const rows = await this.db.query<DecisionRow>(
      `select * from decisions where body_id = $1 and ($2::int is null or year = $2) and ($3::text is null or kind = $3) order by year desc, number desc`,
      [bodyId, f.year ?? null, f.kind ?? null]
    );
    const years = await this.db.query<{ year: number }>('select distinct year from decisions where body_id = $1 order by year desc', [bodyId]);
    return { decisions: rows.map(toDecision), years: years.map((y) => y.year) };
  }

  /**
   * The register as CSV for French spreadsheets: UTF-8 with a byte-order mark, `;` between
   * fields, CRLF line ends, decimal-free counts, dates in Paris time. Headings in the locale.
   */
  async decisionsCsv(actor: AuthUser | null, bodyId: string, filter: unknown = {}, locale: 'fr' | 'en' = 'fr'): Promise<string> {
    const { decisions } = await this.decisions(actor, bodyId, filter);
    return decisionsToCsv(decisions, locale);
  }

  // Reading ---------------------------------------------------------------------------------

  async get(actor: AuthUser | null, voteId: string): Promise<VoteView> {
    const { vote, caps } = await this.load(actor, voteId);
    return this.view(voteId, caps.canManage, vote);
  }

  async listForMeeting(actor: AuthUser | null, meetingId: string): Promise<VoteView[]> {
    if (!actor) throw Errors.unauthorised();
    if (!isUuid(meetingId)) throw Errors.notFound(bi('Réunion', 'Meeting'));
    const caps = await this.meetings.capabilities(actor, meetingId);
    const rows = await this.db.query<{ id: string }>('select id from votes where meeting_id = $1 order by opened_at', [meetingId]);
    return Promise.all(rows.map((r) => this.view(r.id, caps.canManage)));
  }

  /**
   * The vote as shown: the running tally when the vote shows it (or to the secretariat, who
   * enters the room counts), the result once closed, and the roll call of a closed named vote.
   */
  private async view(voteId: string, manager: boolean, row?: VoteRow): Promise<VoteView> {
    const v = row ?? (await this.voteRow(this.db, voteId))!;
    const closed = v.status === 'closed';
    const tally = closed ? v.counts : v.show_tally || manager ? await this.tally(this.db, v) : null;
    // Device ballots are the participation; counted apart only when the tally is not shown.
    const participation =
      tally?.deviceBallots ??
      (
        await this.db.query<{ n: number }>(
          v.secret ? 'select count(*)::int as n from vote_participation where vote_id = $1' : 'select count(*)::int as n from ballots where vote_id = $1',
          [voteId]
        )
      )[0].n;
    const rollCall =
      closed && !v.secret
        ? (
            await this.db.query<{ person_id: string; full_name: string; cast_by: string; choice: Choice | null; option_ids: string[] | null }>(
              `select b.voting_for_person_id as person_id, p.full_name, e.person_id as cast_by, b.choice, b.option_ids
                 from ballots b join people p on p.id = b.voting_for_person_id
                 join vote_electorate e on e.vote_id = b.vote_id and e.voting_for_person_id = b.voting_for_person_id
                where b.vote_id = $1 order by p.full_name`,
              [voteId]
            )
          ).map((r) => ({ personId: r.person_id, name: r.full_name, castBy: r.cast_by, choice: r.choice, ...(r.option_ids ? { optionIds: r.option_ids } : {}) }))
        : null;
    return {
      id: v.id,
      meetingId: v.meeting_id,
      itemId: v.item_id,
      question: v.question,
      kind: v.kind,
      options: v.options,
      maxChoices: v.max_choices,
      changeable: v.changeable,
      castingVoteAllowed: v.casting_vote_allowed,
      mode: v.mode,
      secret: v.secret,
      rule: v.rule,
      showTally: v.show_tally,
      status: v.status,
      openedAt: iso(v.opened_at)!,
      closedAt: iso(v.closed_at),
      quorumOverrideReason: v.quorum_override_reason,
      electorateSize: v.electorate_size,
      participation,
      tally,
      result: v.result,
      rollCall
    };
  }

  /** Device ballots plus room counts, in total and per college (and per option for a choice). */
  private async tally(q: Queryable, v: VoteRow): Promise<VoteCounts> {
    const colleges: Record<College, Counts> = { landlord: zero(), tenant: zero(), other: zero() };
    let device = zero();
    let room = zero();
    let deviceBallots = 0;
    const options: Record<string, number> | undefined = v.kind === 'choice' ? Object.fromEntries(v.options!.map((o) => [o.id, 0])) : undefined;
    const roomOptions: Record<string, number> = {};
    type Row = {
      src: 'device' | 'room';
      college: College | 'all';
      choice: Choice | null;
      option_ids: string[] | null;
      n: number;
      pour: number;
      contre: number;
      abstention: number;
      options: Record<string, number> | null;
    };
    // Device ballots grouped, and the room's counts, in one statement.
    const deviceSql = v.secret
      ? `select 'device' as src, college, choice, option_ids, count(*)::int as n, 0 as pour, 0 as contre, 0 as abstention, null::jsonb as options
           from secret_ballots where vote_id = $1 group by college, choice, option_ids`
      : `select 'device' as src, e.college, b.choice, b.option_ids, count(*)::int as n, 0 as pour, 0 as contre, 0 as abstention, null::jsonb as options
           from ballots b join vote_electorate e on e.vote_id = b.vote_id and e.voting_for_person_id = b.voting_for_person_id
          where b.vote_id = $1 group by e.college, b.choice, b.option_ids`;
    const rows = await q.query<Row>(
      `${deviceSql} union all select 'room', college, null, null, 0, pour, contre, abstention, options from room_counts where vote_id = $1`,
      [v.id]
    );
    for (const r of rows) {
      if (r.src !== 'device') continue;
      const college = r.college as College;
      deviceBallots += r.n;
      if (r.option_ids) {
        for (const id of r.option_ids) if (options && id in options) options[id] += r.n;
        if (!r.option_ids.length) {
          colleges[college].abstention += r.n;
          device = add(device, { ...zero(), abstention: r.n });
        }
        continue;
      }
      const choice = r.choice!;
      colleges[college][choice] += r.n;
      device = add(device, { ...zero(), [choice]: r.n });
    }
    const roomRows = rows.filter((r) => r.src === 'room');
    for (const r of roomRows) {
      const c = { pour: r.pour, contre: r.contre, abstention: r.abstention };
      room = add(room, c);
      if (options && r.options) {
        for (const [id, n] of Object.entries(r.options)) {
          if (!(id in options)) continue;
          options[id] += n;
          roomOptions[id] = (roomOptions[id] ?? 0) + n;
        }
      }
      // A room total without a college split is only entered when the rule needs none.
      if (r.college !== 'all') colleges[r.college] = add(colleges[r.college], c);
    }
    return { total: add(device, room), colleges, device, room, deviceBallots, electorate: v.electorate_size, ...(options ? { options, roomOptions } : {}) };
  }

  /** A line in the meeting's event log (the minutes draw on it). */
  private async event(tx: Queryable, meetingId: string, actorUserId: string, type: string, data: Record<string, unknown>) {
    await tx.query('insert into meeting_events (meeting_id, actor_user_id, type, data) values ($1, $2, $3, $4)', [meetingId, actorUserId, type, JSON.stringify(data)]);
  }
}

// Helpers ------------------------------------------------------------------------------------

const closedError = () => Errors.conflict(bi('Ce vote est clos : son résultat ne peut plus changer.', 'This vote is closed: its result can no longer change.'));

const handsOnly = () => Errors.conflict(bi('Ce vote se fait à main levée : le secrétariat saisit les votes.', 'This is a show-of-hands vote: the secretariat enters the counts.'));

const notVoter = () =>
  new AppError(
    'forbidden',
    bi('Vous ne faites pas partie des votants de ce scrutin (membres avec voix délibérative présents à son ouverture, et leurs mandataires).', 'You are not among the voters of this vote (voting members present when it opened, and their proxy holders).')
  );

const deviceOnly = () => Errors.conflict(bi('Ce vote se fait sur les appareils : il n’y a pas de votes de la salle à saisir.', 'This vote is cast on devices: there are no room counts to enter.'));

function tooMany(v: VoteRow, total: number, eligible: number, college: College | null, field: string) {
  const where = v.mode === 'hands' ? { fr: 'votants', en: 'voters' } : { fr: 'votants présents en salle', en: 'voters present in the room' };
  const col = college ? { fr: ` du collège ${college === 'landlord' ? 'bailleur' : college === 'tenant' ? 'locataire' : 'autre'}`, en: ` of the ${college} college` } : { fr: '', en: '' };
  return Errors.unprocessable(
    bi(
      `Total trop élevé : ${total} votes saisis, mais ${eligible} ${where.fr}${col.fr} seulement (mandats compris). Vérifiez le décompte.`,
      `Total too high: ${total} votes entered, but only ${eligible} ${where.en}${col.en} (proxies included). Please check the count.`
    ),
    field
  );
}

/** A choice vote's options (ids given by the server when not supplied) and maximum; nothing for a motion. */
function choiceSetup(data: { kind: 'motion' | 'choice'; options?: (string | { id?: string; label: string })[]; maxChoices?: number }): {
  options: ChoiceOption[] | null;
  maxChoices: number | null;
} {
  if (data.kind === 'motion') {
    if (data.options !== undefined) throw Errors.unprocessable(bi('Une motion se vote pour, contre ou abstention : pas d’options.', 'A motion is voted for, against or abstain: no options.'), 'options');
    if (data.maxChoices !== undefined) throw Errors.unprocessable(bi('Une motion n’a pas de nombre de choix.', 'A motion has no number of choices.'), 'maxChoices');
    return { options: null, maxChoices: null };
  }
  if (!data.options) throw Errors.unprocessable(bi('Donnez au moins deux options.', 'Give at least two options.'), 'options');
  const options = data.options.map((o, i) => (typeof o === 'string' ? { id: `o${i + 1}`, label: o } : { id: o.id ?? `o${i + 1}`, label: o.label }));
  if (new Set(options.map((o) => o.id)).size !== options.length) throw Errors.unprocessable(bi('Deux options ont le même identifiant.', 'Two options have the same id.'), 'options');
  if (new Set(options.map((o) => o.label.toLocaleLowerCase('fr'))).size !== options.length) {
    throw Errors.unprocessable(bi('Deux options ont le même libellé.', 'Two options have the same label.'), 'options');
  }
  const maxChoices = data.maxChoices ?? 1;
  if (maxChoices > options.length) {
    throw Errors.unprocessable(bi(`Au plus ${options.length} choix : il n’y a que ${options.length} options.`, `At most ${options.length} choices: there are only ${options.length} options.`), 'maxChoices');
  }
  return { options, maxChoices };
}

/** The ballot the input describes, checked against the vote: a motion's choice, or options of a choice vote. */
function ballotValue(v: VoteShape, data: { choice?: string; optionIds?: string[] }): BallotValue {
  if (v.kind === 'motion') {
    if (data.optionIds !== undefined) throw Errors.unprocessable(bi('Ce vote est une motion : votez pour, contre ou abstention.', 'This vote is a motion: vote for, against or abstain.'), 'optionIds');
    return { choice: validate(motionBallotSchema, { choice: data.choice }).choice, optionIds: null };
  }
  if (data.choice !== undefined && data.optionIds !== undefined) {
    throw Errors.unprocessable(bi('Donnez soit une option, soit une liste d’options.', 'Give either one option or a list of options.'), 'optionIds');
  }
  const chosen = data.optionIds ?? (data.choice !== undefined ? (data.choice === 'abstention' ? [] : [data.choice]) : undefined);
  if (!chosen) throw Errors.unprocessable(bi('Choisissez une option (ou votez blanc).', 'Choose an option (or cast a blank ballot).'), 'optionIds');
  const ids = new Set(v.options!.map((o) => o.id));
  const unknown = chosen.find((id) => !ids.has(id));
  if (unknown !== undefined) throw Errors.unprocessable(bi(`Option inconnue : ${unknown}.`, `Unknown option: ${unknown}.`), 'optionIds');
  if (new Set(chosen).size !== chosen.length) throw Errors.unprocessable(bi('La même option est choisie deux fois.', 'The same option is chosen twice.'), 'optionIds');
  const max = v.max_choices ?? 1;
  if (chosen.length > max) {
    throw Errors.unprocessable(
      bi(
        max === 1 ? 'Une seule option peut être choisie.' : `Au plus ${max} options peuvent être choisies (${chosen.length} choisies).`,
        max === 1 ? 'Only one option may be chosen.' : `At most ${max} options may be chosen (${chosen.length} chosen).`
      ),
      'optionIds'
    );
  }
  // Stored in the order the vote lists its options.
  return { choice: null, optionIds: v.options!.map((o) => o.id).filter((id) => chosen.includes(id)) };
}

const sameValue = (a: BallotValue, b: BallotValue) => (a.optionIds && b.optionIds ? sameSet(a.optionIds, b.optionIds) : a.choice === b.choice && !a.optionIds && !b.optionIds);

function valueText(v: Pick<VoteRow, 'options'>, value: BallotValue): { fr: string; en: string } {
  if (value.choice) return { fr: `« ${value.choice} »`, en: `“${CHOICE_EN[value.choice]}”` };
  if (!value.optionIds!.length) return { fr: 'blanc', en: 'blank' };
  const labels = value.optionIds!.map((id) => v.options!.find((o) => o.id === id)?.label ?? id);
  return { fr: labels.map((l) => `« ${l} »`).join(', '), en: labels.map((l) => `“${l}”`).join(', ') };
}

function alreadyRecorded(v: VoteRow, current: BallotValue) {
  const t = valueText(v, current);
  return bi(`Un vote ${t.fr} est déjà enregistré pour ce membre : il ne peut pas être changé.`, `A ${t.en} vote is already recorded for this member: it cannot be changed.`);
}

/** "Votre vote « pour » est enregistré" for a named vote; a secret vote never echoes the choice. */
function castMessage(v: Pick<VoteRow, 'options'>, value: BallotValue, outcome: CastOutcome): { fr: string; en: string } {
  if (outcome.secret) {
    if (outcome.alreadyCast) return bi('Votre vote était déjà enregistré ; il n’a pas été modifié.', 'Your vote was already recorded; it has not been changed.');
    if (outcome.changed) return bi('Votre vote secret est changé et enregistré.', 'Your secret vote is changed and recorded.');
    return bi('Votre vote secret est enregistré.', 'Your secret vote is recorded.');
  }
  const t = valueText(v, value);
  if (value.optionIds && !value.optionIds.length) {
    return outcome.changed ? bi('Votre vote est changé : vote blanc enregistré.', 'Your vote is changed: blank ballot recorded.') : bi('Votre vote blanc est enregistré.', 'Your blank ballot is recorded.');
  }
  if (outcome.changed) return bi(`Votre vote est changé : ${t.fr} est enregistré.`, `Your vote is changed: ${t.en} is recorded.`);
  return bi(`Votre vote ${t.fr} est enregistré.`, `Your ${t.en} vote is recorded.`);
}

/**
 * How many people took part: every device ballot plus those counted in the room. With a
 * multiple choice a person in the room may count for several options, so the room's share is
 * the most votes any option had there, plus blank ballots (a lower bound).
 */
function participationOf(v: VoteRow, counts: VoteCounts): number {
  if (v.kind === 'motion') return counts.deviceBallots + totalOf(counts.room);
  const room = Object.values(counts.roomOptions ?? {});
  const fromRoom = (v.max_choices ?? 1) === 1 ? room.reduce((a, b) => a + b, 0) : Math.max(0, ...room);
  return counts.deviceBallots + counts.room.abstention + fromRoom;
}

const reference = (year: number, number: number) => `${year}-${String(number).padStart(3, '0')}`;

interface DecisionRow {
  id: string;
  body_id: string;
  meeting_id: string;
  vote_id: string;
  year: number;
  number: number;
  decided_at: Date;
  kind: DecisionKind;
  rule: VoteRule;
  outcome: string;
  question: string;
  item_title: string;
  meeting_title: string;
  meeting_starts_at: Date;
  result_fr: string;
  result_en: string;
  counts: VoteCounts;
  winners: string[] | null;
  electorate_size: number;
  participation: number;
  secret: boolean;
  casting_vote: { allowed: boolean; used: string | null } | null;
  quorum_override_reason: string | null;
}

const toDecision = (r: DecisionRow): Decision => ({
  id: r.id,
  bodyId: r.body_id,
  meetingId: r.meeting_id,
  voteId: r.vote_id,
  reference: reference(r.year, r.number),
  year: r.year,
  number: r.number,
  decidedAt: iso(r.decided_at)!,
  kind: r.kind,
  rule: r.rule,
  outcome: r.outcome,
  question: r.question,
  itemTitle: r.item_title,
  meetingTitle: r.meeting_title,
  meetingStartsAt: iso(r.meeting_starts_at)!,
  result: { fr: r.result_fr, en: r.result_en },
  counts: r.counts,
  winners: r.winners,
  electorateSize: r.electorate_size,
  participation: r.participation,
  secret: r.secret,
  castingVote: r.casting_vote,
  quorumOverrideReason: r.quorum_override_reason
});
