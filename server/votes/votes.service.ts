import type { Db, Queryable } from '../db/db.ts';
import type { AccessService } from '../access.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { appendMeetingAudit } from '../audit/meeting-audit.ts';
import { AppError, Errors, bi } from '../shared/app-error.ts';
import { isUuid, validate } from '../shared/validate.ts';
import { quorumOf, type MeetingService } from '../meetings/meetings.service.ts';
import type { AttendanceEntry } from '../meetings/meetings.types.ts';
import { DEFAULT_QUORUM_RULE, type AttendanceStatus, type QuorumRule } from '../meetings/quorum.ts';
import { decideMotion, type Counts, type MotionResult, type VoteRule } from './vote-rules.ts';
import { castSchema, openVoteSchema, roomCountsSchema, type Choice, type VoteMode } from './votes.schemas.ts';

const VOTE = bi('Vote', 'Vote');
type College = 'landlord' | 'tenant' | 'other';

interface VoteRow {
  id: string;
  meeting_id: string;
  item_id: string;
  question: string;
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
  total: Counts;
  colleges: Record<College, Counts>;
  device: Counts;
  room: Counts;
  /** Ballots cast on devices (every ballot, abstentions included). */
  deviceBallots: number;
  electorate: number;
}

export interface VoteView {
  id: string;
  meetingId: string;
  itemId: string;
  question: string;
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
  result: MotionResult | null;
  /** Named votes, once closed: who voted what (a proxy holder's ballots are listed per member represented). */
  rollCall: { personId: string; name: string; castBy: string; choice: Choice }[] | null;
}

export interface CastResult {
  voteId: string;
  forPersonId: string;
  /** True when this was a retry of a ballot already recorded: nothing new was stored. */
  alreadyCast: boolean;
  /** "Votre vote « pour » est enregistré" (named); for a secret vote, no choice is echoed. */
  message: { fr: string; en: string };
}

export type VoteChange = { meetingId: string; voteId: string; kind: 'opened' | 'cast' | 'room_counts' | 'closed' };
export type VoteChangeListener = (change: VoteChange) => void;

const zero = (): Counts => ({ pour: 0, contre: 0, abstention: 0 });
const add = (a: Counts, b: Counts): Counts => ({ pour: a.pour + b.pour, contre: a.contre + b.contre, abstention: a.abstention + b.abstention });
const totalOf = (c: Counts) => c.pour + c.contre + c.abstention;
const iso = (d: Date | string | null) => (d == null ? null : new Date(d).toISOString());
const CHOICE_EN: Record<Choice, string> = { pour: 'for', contre: 'against', abstention: 'abstention' };

/**
 * Votes on motions in device, hybrid and hands modes. Every change runs in one transaction that
 * locks the meeting row (as meeting changes do, so the electorate is read from a stable
 * attendance and the audit chain is appended one entry at a time), then the vote row; a cast is
 * acknowledged only once committed. Listeners hear about a change after the commit.
 */
export class VoteService {
  private readonly listeners = new Set<VoteChangeListener>();

  constructor(
    private readonly db: Db,
    /** Kept for the lead's wiring (`new VoteService(db, access, meetings)`); permissions go through `meetings.capabilities`. */
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
      if (vote.status !== 'open') throw Errors.conflict(bi('Ce vote est clos : son résultat ne peut plus changer.', 'This vote is closed: its result can no longer change.'));
      return fn(tx, vote);
    });
  }

  // Opening ---------------------------------------------------------------------------------

  async open(actor: AuthUser | null, meetingId: string, input: unknown): Promise<VoteView> {
    if (!actor) throw Errors.unauthorised();
    if (!isUuid(meetingId)) throw Errors.notFound(bi('Réunion', 'Meeting'));
    const caps = await this.meetings.capabilities(actor, meetingId);
    if (!caps.canManage) throw Errors.forbidden();
    const data = validate(openVoteSchema, input);
    const rule: VoteRule = data.rule ?? 'simple_majority';
    const reason = data.quorumOverrideReason?.trim() || null;

    const voteId = await this.db.transaction(async (tx) => {
      const [meeting] = await tx.query<{ status: string; body_id: string; quorum_rule: QuorumRule | null }>(
        `select m.status, m.body_id, b.quorum_rule from meetings m join bodies b on b.id = m.body_id where m.id = $1 for update of m`,
        [meetingId]
      );
      if (!meeting) throw Errors.notFound(bi('Réunion', 'Meeting'));
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
        `insert into votes (meeting_id, item_id, question, mode, secret, rule, show_tally, opened_by, quorum_override_reason, electorate_size)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id`,
        [meetingId, data.itemId, data.question, data.mode, data.secret, rule, data.showTally, actor.id, quorum.met ? null : reason, electorate.length]
      );
      for (const e of electorate) {
        await tx.query('insert into vote_electorate (vote_id, person_id, voting_for_person_id, college, presence) values ($1, $2, $3, $4, $5)', [
          row.id,
          e.holder,
          e.forPerson,
          e.college,
          e.presence
        ]);
      }
      const summary = {
        voteId: row.id,
        itemId: data.itemId,
        question: data.question,
        mode: data.mode,
        secret: data.secret,
        rule,
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

  async cast(actor: AuthUser | null, voteId: string, input: unknown): Promise<CastResult> {
    const { vote, caps } = await this.load(actor, voteId);
    const data = validate(castSchema, input);
    const notVoter = () =>
      new AppError(
        'forbidden',
        bi('Vous ne faites pas partie des votants de ce scrutin (membres avec voix délibérative présents à son ouverture, et leurs mandataires).', 'You are not among the voters of this vote (voting members present when it opened, and their proxy holders).')
      );
    if (!caps.personId) throw notVoter();
    const forPersonId = data.forPersonId ?? caps.personId;
    const result = await this.inOpenVote(voteId, vote.meeting_id, async (tx, v) => {
      if (v.mode === 'hands') {
        throw Errors.conflict(bi('Ce vote se fait à main levée : le secrétariat saisit les votes.', 'This is a show-of-hands vote: the secretariat enters the counts.'));
      }
      const [row] = await tx.query<{ college: College; presence: 'room' | 'remote' }>(
        'select college, presence from vote_electorate where vote_id = $1 and voting_for_person_id = $2 and person_id = $3',
        [voteId, forPersonId, caps.personId]
      );
      if (!row) throw notVoter();
      if (v.mode === 'hybrid' && row.presence === 'room') {
        throw Errors.conflict(
          bi('Vous êtes en salle : votez à main levée, le secrétariat saisit les votes de la salle.', 'You are in the room: vote by show of hands, the secretariat enters the room’s counts.')
        );
      }
      let alreadyCast = false;
      if (v.secret) {
        const inserted = await tx.query('insert into vote_participation (vote_id, voting_for_person_id) values ($1, $2) on conflict do nothing returning 1', [voteId, forPersonId]);
        // A retry after a reconnect: the first ballot stands; its choice is not known, nor asked.
        if (!inserted.length) alreadyCast = true;
        else await tx.query('insert into secret_ballots (vote_id, college, choice) values ($1, $2, $3)', [voteId, row.college, data.choice]);
      } else {
        const [existing] = await tx.query<{ choice: Choice }>('select choice from ballots where vote_id = $1 and voting_for_person_id = $2', [voteId, forPersonId]);
        if (existing && existing.choice !== data.choice) {
          throw Errors.conflict(
            bi(
              `Un vote « ${existing.choice} » est déjà enregistré pour ce membre : il ne peut pas être changé.`,
              `A “${CHOICE_EN[existing.choice]}” vote is already recorded for this member: it cannot be changed.`
            )
          );
        }
        if (existing) alreadyCast = true;
        else await tx.query('insert into ballots (vote_id, voting_for_person_id, choice) values ($1, $2, $3)', [voteId, forPersonId, data.choice]);
      }
      if (!alreadyCast) {
        await appendMeetingAudit(tx, v.meeting_id, {
          type: 'vote.cast',
          actorUserId: actor!.id,
          data: v.secret ? { voteId, forPersonId, castBy: caps.personId } : { voteId, forPersonId, castBy: caps.personId, choice: data.choice }
        });
      }
      return { alreadyCast, secret: v.secret };
    });
    if (!result.alreadyCast) this.changed({ meetingId: vote.meeting_id, voteId, kind: 'cast' });
    const message = result.secret
      ? result.alreadyCast
        ? bi('Votre vote était déjà enregistré ; il n’a pas été modifié.', 'Your vote was already recorded; it has not been changed.')
        : bi('Votre vote secret est enregistré.', 'Your secret vote is recorded.')
      : bi(`Votre vote « ${data.choice} » est enregistré.`, `Your “${CHOICE_EN[data.choice]}” vote is recorded.`);
    return { voteId, forPersonId, alreadyCast: result.alreadyCast, message };
  }

  // Room counts -----------------------------------------------------------------------------

  async setRoomCounts(actor: AuthUser | null, voteId: string, input: unknown): Promise<VoteView> {
    const { vote, caps } = await this.load(actor, voteId);
    if (!caps.canManage) throw Errors.forbidden();
    const data = validate(roomCountsSchema, input);
    await this.inOpenVote(voteId, vote.meeting_id, async (tx, v) => {
      if (v.mode === 'device') {
        throw Errors.conflict(bi('Ce vote se fait sur les appareils : il n’y a pas de votes de la salle à saisir.', 'This vote is cast on devices: there are no room counts to enter.'));
      }
      const perCollege = v.rule === 'majority_each_college';
      const college = data.college ?? null;
      if (perCollege && !college) {
        throw Errors.unprocessable(bi('La règle demande une majorité dans chaque collège : saisissez les votes collège par collège.', 'The rule needs a majority in each college: enter the counts college by college.'), 'college');
      }
      if (!perCollege && college) {
        throw Errors.unprocessable(bi('La règle de ce vote ne distingue pas les collèges : saisissez le total de la salle.', 'This vote’s rule does not split by college: enter the room’s total.'), 'college');
      }
      // Who may be counted: in hands mode the whole electorate, in hybrid mode those in the room.
      const [elig] = await tx.query<{ n: number }>(
        `select count(*)::int as n from vote_electorate where vote_id = $1 and ($2::text is null or college = $2) and ($3 or presence = 'room')`,
        [voteId, college, v.mode === 'hands']
      );
      const total = data.pour + data.contre + data.abstention;
      if (total > elig.n) {
        const where = v.mode === 'hands' ? { fr: 'votants', en: 'voters' } : { fr: 'votants présents en salle', en: 'voters present in the room' };
        const col = college ? { fr: ` du collège ${college === 'landlord' ? 'bailleur' : college === 'tenant' ? 'locataire' : 'autre'}`, en: ` of the ${college} college` } : { fr: '', en: '' };
        throw Errors.unprocessable(
          bi(
            `Total trop élevé : ${total} votes saisis, mais ${elig.n} ${where.fr}${col.fr} seulement (mandats compris). Vérifiez le décompte.`,
            `Total too high: ${total} votes entered, but only ${elig.n} ${where.en}${col.en} (proxies included). Please check the count.`
          ),
          'pour'
        );
      }
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

  // Closing ---------------------------------------------------------------------------------

  async close(actor: AuthUser | null, voteId: string): Promise<VoteView> {
    const { vote, caps } = await this.load(actor, voteId);
    if (!caps.canManage) throw Errors.forbidden();
    await this.inOpenVote(voteId, vote.meeting_id, async (tx, v) => {
      if (v.mode !== 'device') {
        const [elig] = await tx.query<{ n: number }>(`select count(*)::int as n from vote_electorate where vote_id = $1 and ($2 or presence = 'room')`, [voteId, v.mode === 'hands']);
        const [entered] = await tx.query<{ n: number }>('select count(*)::int as n from room_counts where vote_id = $1', [voteId]);
        if (elig.n > 0 && entered.n === 0) {
          throw Errors.conflict(bi('Saisissez les votes de la salle avant de clore le vote.', 'Enter the room’s counts before closing the vote.'));
        }
      }
      const counts = await this.tally(tx, v);
      if (v.rule === 'majority_each_college' && totalOf(counts.colleges.other) > 0) {
        throw Errors.conflict(bi('Des votes hors collège bailleur ou locataire empêchent d’appliquer la majorité dans chaque collège.', 'Votes outside the landlord and tenant colleges prevent applying a majority in each college.'));
      }
      const result = decideMotion({
        rule: v.rule,
        counts: counts.total,
        colleges: v.rule === 'majority_each_college' ? { landlord: counts.colleges.landlord, tenant: counts.colleges.tenant } : undefined,
        electorate: v.electorate_size,
        castingVote: null
      });
      await tx.query(`update votes set status = 'closed', closed_at = now(), result = $2, counts = $3 where id = $1`, [voteId, JSON.stringify(result), JSON.stringify(counts)]);
      await appendMeetingAudit(tx, v.meeting_id, { type: 'vote.closed', actorUserId: actor!.id, data: { voteId, result, counts } });
      await this.event(tx, v.meeting_id, actor!.id, 'vote.closed', {
        voteId,
        itemId: v.item_id,
        question: v.question,
        rule: v.rule,
        secret: v.secret,
        outcome: result.outcome,
        text: result.text,
        counts: result.counts,
        electorateSize: v.electorate_size,
        quorumOverrideReason: v.quorum_override_reason
      });
    });
    this.changed({ meetingId: vote.meeting_id, voteId, kind: 'closed' });
    return this.view(voteId, true);
  }

  // Reading ---------------------------------------------------------------------------------

  async get(actor: AuthUser | null, voteId: string): Promise<VoteView> {
    const { caps } = await this.load(actor, voteId);
    return this.view(voteId, caps.canManage);
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
  private async view(voteId: string, manager: boolean): Promise<VoteView> {
    const v = (await this.voteRow(this.db, voteId))!;
    const [part] = await this.db.query<{ n: number }>(
      v.secret ? 'select count(*)::int as n from vote_participation where vote_id = $1' : 'select count(*)::int as n from ballots where vote_id = $1',
      [voteId]
    );
    const closed = v.status === 'closed';
    const tally = closed ? v.counts : v.show_tally || manager ? await this.tally(this.db, v) : null;
    const rollCall =
      closed && !v.secret
        ? (
            await this.db.query<{ person_id: string; full_name: string; cast_by: string; choice: Choice }>(
              `select b.voting_for_person_id as person_id, p.full_name, e.person_id as cast_by, b.choice
                 from ballots b join people p on p.id = b.voting_for_person_id
                 join vote_electorate e on e.vote_id = b.vote_id and e.voting_for_person_id = b.voting_for_person_id
                where b.vote_id = $1 order by p.full_name`,
              [voteId]
            )
          ).map((r) => ({ personId: r.person_id, name: r.full_name, castBy: r.cast_by, choice: r.choice }))
        : null;
    return {
      id: v.id,
      meetingId: v.meeting_id,
      itemId: v.item_id,
      question: v.question,
      mode: v.mode,
      secret: v.secret,
      rule: v.rule,
      showTally: v.show_tally,
      status: v.status,
      openedAt: iso(v.opened_at)!,
      closedAt: iso(v.closed_at),
      quorumOverrideReason: v.quorum_override_reason,
      electorateSize: v.electorate_size,
      participation: part.n,
      tally,
      result: v.result,
      rollCall
    };
  }

  /** Device ballots plus room counts, in total and per college. */
  private async tally(q: Queryable, v: VoteRow): Promise<VoteCounts> {
    const colleges: Record<College, Counts> = { landlord: zero(), tenant: zero(), other: zero() };
    let device = zero();
    let room = zero();
    let deviceBallots = 0;
    const deviceRows = v.secret
      ? await q.query<{ college: College; choice: Choice; n: number }>('select college, choice, count(*)::int as n from secret_ballots where vote_id = $1 group by college, choice', [v.id])
      : await q.query<{ college: College; choice: Choice; n: number }>(
          `select e.college, b.choice, count(*)::int as n from ballots b
             join vote_electorate e on e.vote_id = b.vote_id and e.voting_for_person_id = b.voting_for_person_id
            where b.vote_id = $1 group by e.college, b.choice`,
          [v.id]
        );
    for (const r of deviceRows) {
      colleges[r.college][r.choice] += r.n;
      device = add(device, { ...zero(), [r.choice]: r.n });
      deviceBallots += r.n;
    }
    const roomRows = await q.query<{ college: College | 'all'; pour: number; contre: number; abstention: number }>(
      'select college, pour, contre, abstention from room_counts where vote_id = $1',
      [v.id]
    );
    for (const r of roomRows) {
      const c = { pour: r.pour, contre: r.contre, abstention: r.abstention };
      room = add(room, c);
      // A room total without a college split is only entered when the rule needs none.
      if (r.college !== 'all') colleges[r.college] = add(colleges[r.college], c);
    }
    return { total: add(device, room), colleges, device, room, deviceBallots, electorate: v.electorate_size };
  }

  /** A line in the meeting's event log (the minutes draw on it). */
  private async event(tx: Queryable, meetingId: string, actorUserId: string, type: string, data: Record<string, unknown>) {
    await tx.query('insert into meeting_events (meeting_id, actor_user_id, type, data) values ($1, $2, $3, $4)', [meetingId, actorUserId, type, JSON.stringify(data)]);
  }
}
