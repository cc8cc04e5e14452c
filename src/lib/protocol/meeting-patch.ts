import type { MeetingState } from './meeting-state.ts';

/** The parts of a meeting's state a change can replace; each is sent whole. */
export type MeetingSection = 'meeting' | 'agenda' | 'attendance' | 'queue' | 'spent';

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
    /** Time spent per agenda item, in seconds: moving to another item changes only this in the agenda. */
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
  const { spent, ...sections } = patch.changes;
  const next: MeetingState = { ...state, ...sections, rev: patch.rev, serverTime: patch.serverTime };
  if (spent && !sections.agenda) {
    next.agenda = next.agenda.map((i) => (i.id in spent && spent[i.id] !== i.spentSeconds ? { ...i, spentSeconds: spent[i.id] } : i));
  }
  return next;
}
