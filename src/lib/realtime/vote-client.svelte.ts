import type { Ack, ApiError } from '$lib/protocol/result';
import type { LiveVote, VoteCastAck, VoteListing, VoteOpenInput, VoteRoomCountsInput, VoterBallots } from '$lib/protocol/vote-state';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { MeetingActionError, type MeetingClient, type MeetingSocket } from './meeting-client.svelte';

const ACK_TIMEOUT_MS = 10_000;

/** What a phone asked to cast, kept until the server acknowledges it. */
export interface PendingCast {
  voteId: string;
  forPersonId: string;
  choice?: string;
  optionIds?: string[];
}

export type CastOutcome = { ack: VoteCastAck; cast: PendingCast };

const keyOf = (voteId: string, forPersonId: string) => `${voteId}:${forPersonId}`;

/**
 * The receipt that lets this device change a secret ballot of a vote whose ballots may change.
 * Kept on this device only (the server holds its hash, linked to no one).
 */
const receipts = {
  key: (voteId: string, forPersonId: string) => `concerto.vote-receipt.${voteId}.${forPersonId}`,
  get(voteId: string, forPersonId: string): string | null {
    try {
      return localStorage.getItem(this.key(voteId, forPersonId));
    } catch {
      return null;
    }
  },
  set(voteId: string, forPersonId: string, receipt: string): void {
    try {
      localStorage.setItem(this.key(voteId, forPersonId), receipt);
    } catch {
      // Private browsing without storage: the ballot stands, it just cannot be changed from here.
    }
  }
};

function errorFrom(e: ApiError): MeetingActionError {
  return new MeetingActionError(e.code, getLocale() === 'en' ? (e.messageEn ?? e.message) : e.message, e.fields ?? {});
}

/**
 * A meeting's votes, on the meeting client's connection. After each 'meeting:join' (the first and
 * every reconnection) it sends 'vote:list', which answers every vote with the viewer's ballots
 * and subscribes to 'vote:changed'; per vote, the newest read (`readAt`) wins, so a late answer
 * never undoes a newer broadcast.
 *
 * A cast that gets no answer (connection lost, timeout) is kept and sent again after the next
 * join: the server records one ballot per member and vote, so the same ballot sent twice is not
 * a second vote (the answer then says `alreadyCast`).
 *
 * @example
 * const votes = new VoteClient(meetingClient);
 * await votes.cast(voteId, { choice: 'pour' });   // rejects with a MeetingActionError in words
 * votes.stop();
 */
export class VoteClient {
  votes = $state<LiveVote[]>([]);
  /** The viewer's ballots, by vote id. */
  mine = $state<Record<string, VoterBallots>>({});
  /** The list has been received at least once on the current connection. */
  loaded = $state(false);
  /** Casts sent and not yet acknowledged (by `voteId:forPersonId`). */
  pending = $state<Record<string, PendingCast>>({});
  /** Answers to casts re-sent after a reconnection: the page shows them like its own. */
  resent = $state<CastOutcome | null>(null);

  #socket: MeetingSocket | null = null;
  #readAt = new Map<string, number>();
  #asked = new Set<string>();
  #listening = new WeakSet<MeetingSocket>();
  #off: () => void;

  constructor(readonly client: MeetingClient) {
    this.#off = client.onJoined((socket) => this.#joined(socket));
  }

  stop(): void {
    this.#off();
    this.#socket = null;
  }

  get open(): LiveVote | null {
    return this.votes.find((v) => v.status === 'open') ?? null;
  }

  /** The latest closed vote (its result stays on screen until the next vote opens). */
  get lastClosed(): LiveVote | null {
    const closed = this.votes.filter((v) => v.status === 'closed');
    return closed.at(-1) ?? null;
  }

  #joined(socket: MeetingSocket): void {
    this.#socket = socket;
    if (!this.#listening.has(socket)) {
      this.#listening.add(socket);
      socket.on('vote:changed', ({ vote, readAt }) => {
        if (socket !== this.#socket) return;
        this.#keep(vote, readAt);
        if (vote.status === 'open' && !this.mine[vote.id] && !this.#asked.has(vote.id)) void this.#askMine(vote.id);
      });
      socket.on('vote:mine', (mine) => {
        if (socket === this.#socket) this.mine = { ...this.mine, [mine.voteId]: mine };
      });
    }
    void this.#list(socket);
  }

  async #list(socket: MeetingSocket): Promise<void> {
    try {
      const listing = await this.#call<VoteListing>('vote:list', { meetingId: this.client.meetingId });
      if (socket !== this.#socket) return;
      for (const v of listing.votes) this.#keep(v, listing.readAt);
      const mine = { ...this.mine };
      for (const b of listing.mine) mine[b.voteId] = b;
      this.mine = mine;
      this.loaded = true;
      await this.#resendPending();
    } catch {
      // Refused or offline: the next join asks again.
    }
  }

  async #askMine(voteId: string): Promise<void> {
    this.#asked.add(voteId);
    try {
      const mine = await this.#call<VoterBallots>('vote:mine', { voteId });
      this.mine = { ...this.mine, [voteId]: mine };
    } catch {
      this.#asked.delete(voteId);
    }
  }

  #keep(vote: LiveVote, readAt: number): void {
    const held = this.#readAt.get(vote.id);
    if (held !== undefined && readAt < held) return;
    this.#readAt.set(vote.id, readAt);
    const i = this.votes.findIndex((v) => v.id === vote.id);
    if (i >= 0) this.votes[i] = vote;
    else this.votes = [...this.votes, vote].sort((a, b) => a.openedAt.localeCompare(b.openedAt));
  }

  #call<R>(event: string, payload: object): Promise<R> {
    const socket = this.#socket;
    if (!socket || !socket.connected) return Promise.reject(new MeetingActionError('offline', m.meet_error_offline()));
    const emitter = socket.timeout(ACK_TIMEOUT_MS) as unknown as { emit(ev: string, payload: object, ack: (err: Error | null, res: Ack<R>) => void): void };
    return new Promise<R>((resolve, reject) => {
      emitter.emit(event, payload, (err, res) => {
        if (err) reject(new MeetingActionError('timeout', m.meet_error_timeout()));
        else if (res.ok) resolve(res.data);
        else reject(errorFrom(res.error));
      });
    });
  }

  /**
   * Casts one ballot (own, or `forPersonId` for a member represented). Resolves with the
   * server's acknowledgement once the ballot is committed. Without an answer the ballot stays
   * pending and goes again after the next reconnection.
   */
  async cast(voteId: string, ballot: { forPersonId: string; choice?: string; optionIds?: string[] }): Promise<VoteCastAck> {
    const cast: PendingCast = { voteId, ...ballot };
    const key = keyOf(voteId, ballot.forPersonId);
    this.pending = { ...this.pending, [key]: cast };
    try {
      const ack = await this.#send(cast);
      return ack;
    } catch (err) {
      // A refusal is final; a lost answer is not: keep the ballot to send again.
      if (!(err instanceof MeetingActionError && (err.code === 'offline' || err.code === 'timeout'))) this.#drop(key);
      throw err;
    }
  }

  async #send(cast: PendingCast): Promise<VoteCastAck> {
    const receipt = receipts.get(cast.voteId, cast.forPersonId);
    const ack = await this.#call<VoteCastAck>('vote:cast', receipt ? { ...cast, receipt } : cast);
    if (ack.receipt) receipts.set(cast.voteId, cast.forPersonId, ack.receipt);
    this.#drop(keyOf(cast.voteId, cast.forPersonId));
    this.mine = { ...this.mine, [ack.mine.voteId]: ack.mine };
    return ack;
  }

  #drop(key: string): void {
    if (!(key in this.pending)) return;
    const { [key]: _gone, ...rest } = this.pending;
    this.pending = rest;
  }

  async #resendPending(): Promise<void> {
    for (const cast of Object.values(this.pending)) {
      const vote = this.votes.find((v) => v.id === cast.voteId);
      if (!vote || vote.status !== 'open') {
        this.#drop(keyOf(cast.voteId, cast.forPersonId));
        continue;
      }
      try {
        this.resent = { ack: await this.#send(cast), cast };
      } catch (err) {
        if (!(err instanceof MeetingActionError && (err.code === 'offline' || err.code === 'timeout'))) this.#drop(keyOf(cast.voteId, cast.forPersonId));
      }
    }
  }

  async openVote(input: Omit<VoteOpenInput, 'meetingId'>): Promise<LiveVote> {
    const vote = await this.#call<LiveVote>('vote:open', { ...input, meetingId: this.client.meetingId });
    // Shown at once; the broadcast that follows (read on the server's clock) replaces it.
    if (!this.#readAt.has(vote.id)) this.#keep(vote, 0);
    return vote;
  }

  setRoomCounts(input: VoteRoomCountsInput): Promise<LiveVote> {
    return this.#call<LiveVote>('vote:roomCounts', input);
  }

  close(voteId: string, castingVote?: string | null): Promise<LiveVote> {
    return this.#call<LiveVote>('vote:close', castingVote ? { voteId, castingVote } : { voteId });
  }
}
