import type { Ack } from './result.ts';
import type { MeetingCapabilities, MeetingState } from './meeting-state.ts';

export type { MeetingCapabilities, MeetingState } from './meeting-state.ts';
import type { MeetingPatch } from './meeting-patch.ts';
export type { MeetingPatch } from './meeting-patch.ts';
import type { HarvestJoined, HarvestMine, HarvestState } from './harvest-state.ts';
export type { HarvestCapabilities, HarvestIdea, HarvestJoined, HarvestMine, HarvestState, HarvestTheme } from './harvest-state.ts';
import type { LiveVote, VoteCastAck, VoteChanged, VoteChoice, VoteListing, VoteOpenInput, VoteRoomCountsInput, VoterBallots } from './vote-state.ts';
export type { LiveVote, VoteCastAck, VoteChanged, VoteListing, VoterBallots } from './vote-state.ts';
import type { WorkshopCapabilities, WorkshopState } from '../workshops/workshop-state.ts';
export type { WorkshopCapabilities, WorkshopState } from '../workshops/workshop-state.ts';

/**
 * The realtime protocol shared by the browser and the server. Event names are `domain:verb`.
 * Types are not validation: the server parses every payload with zod.
 *
 * Rooms are named by what they are about: `body:<uuid>` (later `meeting:<uuid>`, `workshop:<uuid>`).
 *
 * @example
 * socket.emit('presence:join', { room: `body:${bodyId}` }, (res) => {
 *   if (res.ok) console.log(res.data.present.map((p) => p.name));
 * });
 */
export interface PresentPerson {
  /** User id, or guest id for guests. */
  id: string;
  name: string;
  kind: 'user' | 'guest';
}

export interface PresenceState {
  room: string;
  present: PresentPerson[];
}

export interface ServerToClientEvents {
  /** A workshop's full state after a committed change (keep the highest rev). */
  'workshop:state': (state: WorkshopState) => void;
  /** Someone joined or left a room the client is in. */
  'presence:changed': (state: PresenceState) => void;
  /** What committed changes touched in a meeting; apply with `applyMeetingPatch` (meeting-patch.ts). */
  'meeting:patch': (patch: MeetingPatch) => void;
  /** A workshop's harvest board after a change (keep the highest `rev`), to everyone who sent 'harvest:join'. */
  'harvest:state': (state: HarvestState) => void;
  /** The viewer's own dots changed (from another of their devices). */
  'harvest:mine': (mine: HarvestMine) => void;
  /** A vote of a meeting the client listed ('vote:list') changed; keep the newest `readAt` per vote (vote-state.ts). */
  'vote:changed': (payload: VoteChanged) => void;
  /** The viewer's own ballots in a vote changed (a cast from another of their devices). */
  'vote:mine': (mine: VoterBallots) => void;
}

/** Payloads are validated by the server (server/meetings/meetings.schemas.ts); see docs/API.md. */
type MeetingCall<P, R = null> = (payload: P, ack: (res: Ack<R>) => void) => void;
type WithMeeting<P = object> = P & { meetingId: string };

export interface ClientToServerEvents {
  'presence:join': (payload: { room: string }, ack: (res: Ack<PresenceState>) => void) => void;
  'presence:leave': (payload: { room: string }, ack: (res: Ack<null>) => void) => void;
  /** Joins a meeting's room; answers the full current state (also after a reconnect) and what the asker may do. */
  'meeting:join': MeetingCall<{ meetingId: string }, { state: MeetingState; capabilities: MeetingCapabilities }>;
  'meeting:leave': MeetingCall<{ meetingId: string }>;
  'meeting:transition': MeetingCall<WithMeeting<{ to: 'draft' | 'convened' | 'live' | 'closed' }>>;
  'meeting:attendance': MeetingCall<WithMeeting<{ personId: string; status: string; proxyHolderId?: string | null; checkinCode?: string }>>;
  'meeting:depart': MeetingCall<WithMeeting<{ personId: string }>>;
  'meeting:current-item': MeetingCall<WithMeeting<{ itemId: string | null }>>;
  'agenda:add': MeetingCall<WithMeeting<{ title: string; kind?: string; presenter?: string; plannedMinutes?: number; description?: string; parentId?: string | null; afterId?: string | null }>, { itemId: string }>;
  'agenda:update': MeetingCall<{ itemId: string; baseVersion?: number; title?: string; kind?: string; presenter?: string; plannedMinutes?: number; description?: string; notes?: string }>;
  'agenda:move': MeetingCall<{ itemId: string; afterId: string | null; parentId?: string | null }>;
  'agenda:remove': MeetingCall<{ itemId: string }>;
  'agenda:decide': MeetingCall<{ itemId: string; accept: boolean; reason?: string }>;
  'queue:open': MeetingCall<WithMeeting<{ open: boolean }>>;
  'queue:request': MeetingCall<WithMeeting<{ personId?: string; source?: 'room' | 'remote' }>>;
  'queue:withdraw': MeetingCall<WithMeeting<{ requestId: string }>>;
  'queue:grant': MeetingCall<WithMeeting<{ requestId: string }>>;
  'queue:end': MeetingCall<WithMeeting>;
  /** Every vote of the meeting and the viewer's ballots; also subscribes to 'vote:changed'. Send after each 'meeting:join'. */
  'vote:list': MeetingCall<{ meetingId: string }, VoteListing>;
  'vote:mine': MeetingCall<{ voteId: string }, VoterBallots>;
  'vote:open': MeetingCall<VoteOpenInput, LiveVote>;
  /** Acknowledged once the ballot is committed; a retry of the same ballot is not a second one. */
  'vote:cast': MeetingCall<{ voteId: string; choice?: VoteChoice | string; optionIds?: string[]; forPersonId?: string | null; receipt?: string | null }, VoteCastAck>;
  'vote:roomCounts': MeetingCall<VoteRoomCountsInput, LiveVote>;
  'vote:close': MeetingCall<{ voteId: string; castingVote?: string | null }, LiveVote>;
  /** Joins a workshop's harvest board (members of the body, guests of this workshop); answers the full state, also after a reconnect. */
  'harvest:join': MeetingCall<{ workshopId: string }, HarvestJoined>;
  'harvest:leave': MeetingCall<{ workshopId: string }>;
  /** Facilitator: copy every table's tablecloth notes onto the board (only new notes are added). */
  'harvest:gather': MeetingCall<{ workshopId: string }, { added: number }>;
  'harvest:settings': MeetingCall<{ workshopId: string; dotsPerPerson?: number; allowStacking?: boolean; resultsMode?: 'live' | 'hidden' }>;
  'harvest:phase': MeetingCall<{ workshopId: string; phase: 'grouping' | 'voting' | 'closed' }>;
  'harvest:theme-create': MeetingCall<{ workshopId: string; name: string }, { themeId: string }>;
  'harvest:theme-rename': MeetingCall<{ themeId: string; name: string }>;
  'harvest:theme-remove': MeetingCall<{ themeId: string }>;
  /** Moves an idea into a theme (null: not grouped) at `index` (absent: at the end). */
  'harvest:move': MeetingCall<{ ideaId: string; themeId: string | null; index?: number }>;
  /** Places one dot; acknowledged with the asker's dots once committed. */
  'harvest:dot': MeetingCall<{ ideaId: string }, HarvestMine>;
  'harvest:undot': MeetingCall<{ ideaId: string }, HarvestMine>;
  /** Facilitator: the idea becomes an action of the body's action plan (once). */
  'harvest:to-action': MeetingCall<{ ideaId: string; title?: string; horizon?: number | null; status?: 'validee' | 'en_cours' | 'a_etudier'; ownerText?: string | null }, { actionId: string; created: boolean }>;
  /** Who the server thinks this connection is; useful after a reconnect. */
  'session:whoami': (ack: (res: Ack<PresentPerson>) => void) => void;
  /** Joins a workshop's state room (guests: only their workshop, and they become participants); answers the full state. */
  'workshop:join': (payload: { workshopId: string }, ack: (res: Ack<{ state: WorkshopState; capabilities: WorkshopCapabilities }>) => void) => void;
  'workshop:leave': (payload: { workshopId: string }, ack: (res: Ack<null>) => void) => void;
  /** Facilitator: start, next, pause, resume, extend {minutes}, message {text}, close. */
  'workshop:control': (payload: { workshopId: string; action: string; minutes?: number; text?: string }, ack: (res: Ack<null>) => void) => void;
  /** The table's host or the facilitator locks a round's notes on a tablecloth. */
  'workshop:lock-round': (payload: { workshopId: string; tableId: string; round: number }, ack: (res: Ack<null>) => void) => void;
}

export interface InterServerEvents {
  ping: () => void;
  /** Another instance asks to close its connections to a Yjs document whose rights changed. */
  'yjs:reauthorise': (docName: string) => void;
}

export interface SocketData {
  principal: PresentPerson & { isPlatformAdmin?: boolean; locale: 'fr' | 'en' };
  /** Guests are confined to one target (e.g. `workshop:<uuid>`). */
  guestTarget?: { kind: string; id: string; organisationId: string };
}

export const PROTOCOL_VERSION = 1;
