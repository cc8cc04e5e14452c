/**
 * Votes as the live views receive them over Socket.IO (server/votes/votes.handlers.ts). The
 * shapes mirror the vote service's `VoteView`; what a viewer may see is decided by the server:
 * the running tally of a vote that hides it goes only to those who run the meeting, a secret
 * vote never says who chose what, and a named vote's roll call comes only once it is closed.
 *
 * @example
 * socket.emit('vote:list', { meetingId }, (res) => {
 *   if (res.ok) for (const v of res.data.votes) console.log(v.question, v.tally?.total);
 * });
 * socket.on('vote:changed', ({ vote, readAt }) => keepNewest(vote, readAt));
 */
export type VoteChoice = 'pour' | 'contre' | 'abstention';
export type VoteMode = 'device' | 'hybrid' | 'hands';
export type VoteRule = 'simple_majority' | 'absolute_majority_members' | 'two_thirds' | 'majority_each_college' | 'consensus' | 'advisory';
export type VoteCollege = 'landlord' | 'tenant' | 'other';
export type VoteOutcome = 'adopted' | 'rejected' | 'favourable' | 'unfavourable' | 'no_opinion';

export const VOTE_CHOICES: readonly VoteChoice[] = ['pour', 'contre', 'abstention'];
export const VOTE_MODES: readonly VoteMode[] = ['device', 'hybrid', 'hands'];
export const VOTE_RULES: readonly VoteRule[] = ['simple_majority', 'absolute_majority_members', 'two_thirds', 'majority_each_college', 'consensus', 'advisory'];

export interface VoteCountsTriple {
  pour: number;
  contre: number;
  abstention: number;
}

export interface LiveVoteTally {
  total: VoteCountsTriple;
  colleges: Record<VoteCollege, VoteCountsTriple>;
  device: VoteCountsTriple;
  room: VoteCountsTriple;
  deviceBallots: number;
  electorate: number;
  /** Choice votes: ballots per option id. */
  options?: Record<string, number>;
}

export interface LiveVoteResult {
  outcome: VoteOutcome | string;
  reason: string;
  cast: number;
  counts: VoteCountsTriple;
  rule: VoteRule;
  /** "Adopté : 6 pour, 1 contre, 1 abstention (majorité des suffrages exprimés)" and its English. */
  text: { fr: string; en: string };
}

export interface LiveVote {
  id: string;
  meetingId: string;
  itemId: string;
  question: string;
  /** 'motion' (pour / contre / abstention) or 'choice' among options. */
  kind: 'motion' | 'choice';
  options: { id: string; label: string }[] | null;
  maxChoices: number | null;
  changeable: boolean;
  /** The chair may decide a tie when closing (the body's setting when the vote opened). */
  castingVoteAllowed?: boolean;
  mode: VoteMode;
  secret: boolean;
  rule: VoteRule;
  showTally: boolean;
  status: 'open' | 'closed';
  openedAt: string;
  closedAt: string | null;
  quorumOverrideReason: string | null;
  electorateSize: number;
  /** Ballots cast on devices so far (never who, for a secret vote). */
  participation: number;
  /** Null while open when the vote hides its running tally from this viewer. */
  tally: LiveVoteTally | null;
  result: LiveVoteResult | null;
  /** Named votes, once closed. */
  rollCall: { personId: string; name: string; castBy: string; choice: VoteChoice | string | null; optionIds?: string[] | null }[] | null;
}

/** One ballot the viewer may cast in a vote: their own, or one for a member they represent. */
export interface VoterBallot {
  forPersonId: string;
  name: string;
  /** True for the viewer's own ballot; false for a proxy. */
  self: boolean;
  cast: boolean;
  /**
   * The choice recorded, for a named vote only (a secret vote's choice is never sent back, not
   * even to the voter: their screen remembers what they pressed).
   */
  choice: VoteChoice | null;
  /** A named choice vote: the options chosen (empty: a blank ballot). Null for a secret vote. */
  optionIds: string[] | null;
}

/** The viewer's part in one vote. */
export interface VoterBallots {
  voteId: string;
  /**
   * 'device': the viewer votes on this screen; 'room': in a hybrid vote the viewer was in the
   * room when it opened, so votes by show of hands; 'hands': the secretariat counts every vote;
   * 'none': the viewer is not among the voters.
   */
  how: 'device' | 'room' | 'hands' | 'none';
  ballots: VoterBallot[];
}

/** Answer of 'vote:list': every vote of the meeting (open and closed) and the viewer's ballots. */
export interface VoteListing {
  votes: LiveVote[];
  mine: VoterBallots[];
  /** Server time (ms) when the votes were read: a client keeps, per vote, the newest read. */
  readAt: number;
}

/** Broadcast after each committed change to a vote. */
export interface VoteChanged {
  vote: LiveVote;
  change: 'opened' | 'cast' | 'room_counts' | 'closed' | string;
  readAt: number;
}

/** Answer of 'vote:cast'. */
export interface VoteCastAck {
  voteId: string;
  forPersonId: string;
  alreadyCast: boolean;
  /** An earlier ballot was replaced (a vote whose ballots may change until it closes). */
  changed?: boolean;
  /** "Votre vote « pour » est enregistré" (named); for a secret vote the choice is not echoed. */
  message: { fr: string; en: string };
  mine: VoterBallots;
  /** To change a secret ballot later (when the body allows changes): keep it on this device only. */
  receipt?: string | null;
}

export interface VoteOpenInput {
  meetingId: string;
  itemId: string;
  question: string;
  mode: VoteMode;
  secret?: boolean;
  rule?: VoteRule;
  showTally?: boolean;
  quorumOverrideReason?: string | null;
  [extra: string]: unknown;
}

/** Motions: pour / contre / abstention (per college when the rule needs it); choice votes: per option. */
export type VoteRoomCountsInput =
  | { voteId: string; college?: VoteCollege | null; pour: number; contre: number; abstention: number }
  | { voteId: string; options: Record<string, number>; abstention?: number };
