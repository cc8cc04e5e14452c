import type { Socket } from 'socket.io';
import { z } from 'zod';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../../src/lib/protocol/events.ts';
import type { Ack } from '../../src/lib/protocol/result.ts';
import type { LiveVote, VoteCastAck, VoteListing, VoterBallots } from '../../src/lib/protocol/vote-state.ts';
import type { AuthUser } from '../auth/sessions.ts';
import type { ConcertoIo } from '../realtime/socket-server.ts';
import type { Services } from '../services.ts';
import { AppError, Errors, toApiError } from '../shared/app-error.ts';
import { fields, validate } from '../shared/validate.ts';
import type { VoteChange, VoteView } from './votes.service.ts';
import { voterBallots } from './voter-ballots.ts';

type ConcertoSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

const meetingIdSchema = z.object({ meetingId: fields.uuid() }).loose();
const voteIdSchema = z.object({ voteId: fields.uuid() }).loose();

/** Everyone who follows a meeting's votes (after 'vote:list'). */
export const votesRoom = (meetingId: string) => `meeting-votes:${meetingId}`;
/** Those who run the meeting: they see a running tally even when the vote hides it from participants. */
export const voteManagersRoom = (meetingId: string) => `meeting-votes-manage:${meetingId}`;
/** Every connection of one user: their own ballots follow them from one device to another. */
export const voterRoom = (userId: string) => `votes-user:${userId}`;

/**
 * Broadcasts read the vote as the secretariat sees it, once per change, then strip what
 * participants may not see. The vote service has no unchecked read (like the meeting service's
 * `snapshot`), so this reader stands for "the server itself": a platform administrator with no
 * person in any organisation, which the access service resolves to the organisation's admin
 * rights. It is never a connection's identity and never writes.
 */
const BROADCAST_READER: AuthUser = { id: '00000000-0000-0000-0000-000000000000', email: '', displayName: 'broadcast', locale: 'fr', isPlatformAdmin: true };

/** The service's view in the protocol's shape; fields a newer service adds travel as they are. */
export function liveVoteOf(view: VoteView): LiveVote {
  const v = view as VoteView & Partial<Pick<LiveVote, 'kind' | 'options' | 'maxChoices' | 'changeable'>>;
  return { ...v, kind: v.kind ?? 'motion', options: v.options ?? null, maxChoices: v.maxChoices ?? null, changeable: v.changeable ?? false } as LiveVote;
}

/** What a participant may see of a vote: no running tally while an open vote hides it. */
export function forParticipants(vote: LiveVote): LiveVote {
  return vote.status === 'open' && !vote.showTally ? { ...vote, tally: null } : vote;
}

/**
 * After each committed change to a vote, sends it to the meeting's vote room (through
 * `io.to(room)`, so the Redis adapter carries it): the secretariat's view to those who run the
 * meeting, the participants' view to everyone else. Per vote, one read at a time; changes that
 * come in while a read is under way (or while casts wait for the interval below) are covered by
 * one more read after it, so a burst of casts costs a few reads and broadcasts, and the last
 * broadcast always follows the last commit.
 */
/** Longest a committed ballot waits before the room sees it in the tally. */
export const CAST_BROADCAST_INTERVAL_MS = 100;

export function broadcastVoteChanges(io: ConcertoIo, services: Services): () => void {
  const pending = new Map<string, VoteChange>();
  const running = new Set<string>();

  const lastSent = new Map<string, number>();
  const run = async (voteId: string) => {
    running.add(voteId);
    try {
      for (let change = pending.get(voteId); change; change = pending.get(voteId)) {
        // Ballots are shown at most every CAST_BROADCAST_INTERVAL_MS per vote: a burst of 500
        // casts committed in many groups becomes a few broadcasts to the room instead of one per
        // group (each is a write to every connection). Opening and closing go out at once.
        const wait = change.kind === 'cast' ? (lastSent.get(voteId) ?? 0) + CAST_BROADCAST_INTERVAL_MS - Date.now() : 0;
        if (wait > 0) {
          await new Promise((resolve) => setTimeout(resolve, wait));
          continue;
        }
        pending.delete(voteId);
        try {
          const readAt = Date.now();
          const vote = liveVoteOf(await services.votes.get(BROADCAST_READER, voteId));
          const managers = voteManagersRoom(change.meetingId);
          io.to(managers).emit('vote:changed', { vote, change: change.kind, readAt });
          io.to(votesRoom(change.meetingId)).except(managers).emit('vote:changed', { vote: forParticipants(vote), change: change.kind, readAt });
          lastSent.set(voteId, Date.now());
          if (vote.status === 'closed') lastSent.delete(voteId);
        } catch (err) {
          services.logger.error({ err, voteId }, 'vote broadcast failed');
        }
      }
    } finally {
      running.delete(voteId);
    }
  };

  return services.votes.onChange((change) => {
    const previous = pending.get(change.voteId);
    // An opening or closing merged with later casts is still reported as what it was.
    const keep = previous && (previous.kind === 'opened' || previous.kind === 'closed') && change.kind !== 'closed';
    pending.set(change.voteId, keep ? previous : change);
    if (!running.has(change.voteId)) void run(change.voteId);
  });
}

/** Vote events on one connection: each is authorised by the vote service and validated. */
export function registerVoteHandlers(socket: ConcertoSocket, services: Services): void {
  const { votes, meetings } = services;
  const principal = socket.data.principal;
  const locale = principal.locale;
  const actor = (): AuthUser => {
    if (principal.kind !== 'user') throw Errors.forbidden();
    return { id: principal.id, email: '', displayName: principal.name, locale, isPlatformAdmin: !!principal.isPlatformAdmin };
  };

  function on<P, R>(event: keyof ClientToServerEvents, handler: (payload: P) => Promise<R>) {
    (socket.on as (ev: string, fn: (payload: P, ack: (res: Ack<R>) => void) => void) => void)(event, async (payload, ack) => {
      if (typeof ack !== 'function') return;
      try {
        ack({ ok: true, data: await handler(payload) });
      } catch (err) {
        if (!(err instanceof AppError)) services.logger.error({ err, event }, 'vote handler failed');
        ack({ ok: false, error: toApiError(err, locale) });
      }
    });
  }
  const strip = (payload: unknown, key: string) => Object.fromEntries(Object.entries((payload ?? {}) as object).filter(([k]) => k !== key));
  const voteIdOf = (payload: unknown) => validate(voteIdSchema, payload).voteId;

  on('vote:list', async (payload: unknown): Promise<VoteListing> => {
    const { meetingId } = validate(meetingIdSchema, payload);
    const user = actor();
    const caps = await meetings.capabilities(user, meetingId);
    // Joined before reading: a change committed meanwhile is in the list or broadcast after it.
    await socket.join([votesRoom(meetingId), voterRoom(user.id)]);
    if (caps.canManage) await socket.join(voteManagersRoom(meetingId));
    else await socket.leave(voteManagersRoom(meetingId));
    const readAt = Date.now();
    const list = (await votes.listForMeeting(user, meetingId)).map(liveVoteOf);
    const mine = await Promise.all(list.map((v) => voterBallots(services.db, v.id, user.id)));
    return { votes: list, mine: mine.filter((b) => b.how !== 'none'), readAt };
  });

  on('vote:mine', async (payload: unknown): Promise<VoterBallots> => {
    const voteId = voteIdOf(payload);
    const user = actor();
    await votes.get(user, voteId);
    return voterBallots(services.db, voteId, user.id);
  });

  on('vote:open', async (payload: unknown): Promise<LiveVote> => {
    const { meetingId } = validate(meetingIdSchema, payload);
    return liveVoteOf(await votes.open(actor(), meetingId, strip(payload, 'meetingId')));
  });

  on('vote:cast', async (payload: unknown): Promise<VoteCastAck> => {
    const voteId = voteIdOf(payload);
    const user = actor();
    const result = await votes.cast(user, voteId, strip(payload, 'voteId'));
    // The service reads the voter's ballots in the cast's own transaction; older services did not.
    const mine: VoterBallots = result.mine
      ? { ...result.mine, ballots: result.mine.ballots.map((b) => ({ ...b, optionIds: b.optionIds ?? null })) }
      : await voterBallots(services.db, voteId, user.id);
    // The voter's other devices learn it too (never the choice of a secret ballot). On a single
    // instance the room is known here: a voter on one device (the usual case) costs no broadcast,
    // which Socket.IO would encode before finding nobody else in the room. With Redis, the
    // other devices may be on another instance: always sent.
    const room = voterRoom(user.id);
    if (services.config.redisUrl || (socket.nsp.adapter.rooms.get(room)?.size ?? 0) > 1) socket.to(room).emit('vote:mine', mine);
    // Spread: what a newer service adds to its answer (a receipt to change a secret ballot) travels as it is.
    return { ...result, mine };
  });

  on('vote:roomCounts', async (payload: unknown): Promise<LiveVote> => {
    const voteId = voteIdOf(payload);
    return liveVoteOf(await votes.setRoomCounts(actor(), voteId, strip(payload, 'voteId')));
  });

  on('vote:close', async (payload: unknown): Promise<LiveVote> => {
    const voteId = voteIdOf(payload);
    // The chair's casting vote on a tie, when the body gives one, goes to the service with the rest.
    const close = votes.close.bind(votes) as (actor: AuthUser, voteId: string, input?: unknown) => Promise<VoteView>;
    return liveVoteOf(await close(actor(), voteId, strip(payload, 'voteId')));
  });

}

/** Votes on the Socket.IO server: the broadcaster, and the events of every connection. */
export function attachVoteRealtime(io: ConcertoIo, services: Services): () => void {
  const stop = broadcastVoteChanges(io, services);
  io.on('connection', (socket) => registerVoteHandlers(socket, services));
  return stop;
}
