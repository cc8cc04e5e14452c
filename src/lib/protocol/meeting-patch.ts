import type { MeetingState } from './meeting-state.ts';

/** The parts of a meeting's state a change can replace; each is sent whole. */
export type MeetingSection = 'meeting' | 'room' | 'agenda' | 'attendance' | 'queue' | 'spent';

/** What the chair moves during the meeting: the part of `meeting` a `room` section replaces. */
export type MeetingRoom = Pick<MeetingState['meeting'], 'currentItemId' | 'currentItemStartedAt' | 'queueOpen'>;

/**
 * What the server broadcasts after committed changes: the sections they touched, read after the
 * commit, covering revs `fromRev` (exclusive) to `rev` (inclusive). A full state is sent only on
 * `meeting:join`, so a change in a 300-member meeting costs a few hundred bytes, not the roster.
 *
 * @example
 * socket.on('meeting:patch', (patch) => {
 *   const next = applyMeetingPatch(state, patch);
 *   if (next === 'resync') socket.emit('meeting:join', { meetingId }, onJoined);
 *   else state = next;
 * });
 */
export interface MeetingPatch {
  meetingId: string;
  fromRev: number;
  rev: number;
  serverTime: string;
  changes: Partial<Pick<MeetingState, 'meeting' | 'agenda' | 'attendance' | 'quorum' | 'queue'>> & {
    /** The current item, when it started, whether the queue is open: merged into `meeting`. */
    room?: MeetingRoom;
    /**
     * Time spent per agenda item, in seconds, for the items it names (moving to another item
     * changes only the item left): merged into `agenda`.
     */
    spent?: Record<string, number>;
  };
}

/**
 * Applies a patch; answers the state unchanged for a patch already seen, and 'resync' when
 * revs are missing (a lost message, or another instance's broadcast still on its way): the
 * client then asks for the full state again.
 */
export function applyMeetingPatch(state: MeetingState, patch: MeetingPatch): MeetingState | 'resync' {
  if (patch.meetingId !== state.meeting.id) return state;
  if (patch.rev <= state.rev) return state;
  if (patch.fromRev > state.rev) return 'resync';
  const { spent, room, ...sections } = patch.changes;
  const next: MeetingState = { ...state, ...sections, rev: patch.rev, serverTime: patch.serverTime };
  if (room && !sections.meeting) next.meeting = { ...next.meeting, ...room };
  if (spent && !sections.agenda) {
    next.agenda = next.agenda.map((i) => (i.id in spent && spent[i.id] !== i.spentSeconds ? { ...i, spentSeconds: spent[i.id] } : i));
  }
  return next;
}
