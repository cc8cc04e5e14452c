import type { AgendaItem, AttendanceEntry, MeetingState } from '$lib/protocol/meeting-state';

/**
 * Plain functions over a meeting's live state, shared by the preparation page, the console,
 * the phone view and the projector. No Svelte, no socket: they take the state (and the server
 * clock for timers) and return what a view shows.
 */

export interface NumberedItem extends AgendaItem {
  /** "2" for a top-level item, "2.1" for a sub-item. */
  number: string;
  depth: 0 | 1;
}

/** The agenda as voted on: accepted items in order, numbered, sub-items after their parent. */
export function numberedAgenda(state: Pick<MeetingState, 'agenda'>): NumberedItem[] {
  const accepted = state.agenda.filter((i) => i.status === 'accepted');
  const topIds = new Set(accepted.filter((i) => !i.parentId).map((i) => i.id));
  const out: NumberedItem[] = [];
  let top = 0;
  let sub = 0;
  for (const item of accepted) {
    // A sub-item whose parent is not on the agenda (still a proposal) stands on its own.
    if (item.parentId && topIds.has(item.parentId)) {
      sub += 1;
      out.push({ ...item, number: `${top}.${sub}`, depth: 1 });
    } else {
      top += 1;
      sub = 0;
      out.push({ ...item, number: String(top), depth: 0 });
    }
  }
  return out;
}

/** Items at the same level as `item` (same parent), in agenda order. */
export function siblingsOf(state: Pick<MeetingState, 'agenda'>, item: Pick<AgendaItem, 'id' | 'parentId'>): AgendaItem[] {
  return state.agenda.filter((i) => i.status === 'accepted' && i.parentId === item.parentId);
}

/**
 * Where "move up" / "move down" puts an item among its siblings, as the `afterId` that
 * `agenda:move` expects; `undefined` when it is already first / last.
 */
export function moveTarget(state: Pick<MeetingState, 'agenda'>, itemId: string, direction: 'up' | 'down'): { afterId: string | null } | undefined {
  const item = state.agenda.find((i) => i.id === itemId);
  if (!item) return undefined;
  const siblings = siblingsOf(state, item);
  const idx = siblings.findIndex((i) => i.id === itemId);
  if (idx < 0) return undefined;
  if (direction === 'up') {
    if (idx === 0) return undefined;
    return { afterId: idx >= 2 ? siblings[idx - 2].id : null };
  }
  if (idx === siblings.length - 1) return undefined;
  return { afterId: siblings[idx + 1].id };
}

export function currentItem(state: MeetingState): NumberedItem | null {
  const id = state.meeting.currentItemId;
  if (!id) return null;
  return numberedAgenda(state).find((i) => i.id === id) ?? null;
}

/** The items before and after the current one (or the first, when none is under way). */
export function neighbours(state: MeetingState): { previous: NumberedItem | null; next: NumberedItem | null } {
  const agenda = numberedAgenda(state);
  const idx = agenda.findIndex((i) => i.id === state.meeting.currentItemId);
  if (idx < 0) return { previous: null, next: agenda[0] ?? null };
  return { previous: agenda[idx - 1] ?? null, next: agenda[idx + 1] ?? null };
}

/** The server's clock in ms, from the local clock and the measured offset. */
export const serverNow = (localNow: number, serverOffsetMs: number) => localNow + serverOffsetMs;

/** Seconds spent on the current item: earlier visits plus the time since it became current. */
export function elapsedOnCurrentItem(state: MeetingState, serverNowMs: number): number {
  const item = state.agenda.find((i) => i.id === state.meeting.currentItemId);
  if (!item) return 0;
  const startedAt = state.meeting.currentItemStartedAt ? Date.parse(state.meeting.currentItemStartedAt) : NaN;
  const running = Number.isNaN(startedAt) ? 0 : Math.max(0, Math.floor((serverNowMs - startedAt) / 1000));
  return item.spentSeconds + running;
}

/** Seconds the current speaker has had the floor. */
export function speakingFor(state: MeetingState, serverNowMs: number): number {
  const s = state.queue.speaking;
  if (!s) return 0;
  return Math.max(0, Math.floor((serverNowMs - Date.parse(s.grantedAt)) / 1000));
}

/** 1-based place of a person's waiting request in the queue, or null. */
export function queuePosition(state: MeetingState, personId: string | null | undefined): number | null {
  if (!personId) return null;
  const idx = state.queue.pending.findIndex((p) => p.personId === personId);
  return idx < 0 ? null : idx + 1;
}

export const isPresent = (a: Pick<AttendanceEntry, 'status'>) => a.status === 'present_room' || a.status === 'present_remote';

export function attendanceOf(state: MeetingState, personId: string | null | undefined): AttendanceEntry | null {
  if (!personId) return null;
  return state.attendance.find((a) => a.personId === personId) ?? null;
}

export function nameOf(state: MeetingState, personId: string | null | undefined): string {
  return state.attendance.find((a) => a.personId === personId)?.name ?? '';
}

/** Members who may hold this member's proxy (the server checks the body's rule again). */
export function proxyHolders(state: MeetingState, giverId: string): AttendanceEntry[] {
  return state.attendance.filter((a) => a.personId !== giverId && a.role !== 'observer' && a.status !== 'represented');
}

export interface AttendanceCounts {
  room: number;
  remote: number;
  represented: number;
  excused: number;
  absent: number;
}

export function attendanceCounts(state: MeetingState): AttendanceCounts {
  const c: AttendanceCounts = { room: 0, remote: 0, represented: 0, excused: 0, absent: 0 };
  for (const a of state.attendance) {
    if (a.status === 'present_room') c.room++;
    else if (a.status === 'present_remote') c.remote++;
    else if (a.status === 'represented') c.represented++;
    else if (a.status === 'excused') c.excused++;
    else c.absent++;
  }
  return c;
}

/** Keeps the newer of two states: the one with the higher `rev` (ties keep the later arrival). */
export function latest<T extends { rev: number }>(a: T, b?: T | null): T {
  if (!b) return a;
  return b.rev >= a.rev ? b : a;
}

export const plannedTotal = (items: Pick<AgendaItem, 'plannedMinutes'>[]) => items.reduce((s, i) => s + i.plannedMinutes, 0);
