import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import type { AgendaItem, AttendanceEntry, MeetingState, MeetingStatus } from '$lib/protocol/meeting-state';

/** Words for the codes the meeting service uses, in the page's language (never the raw code). */

/** Councils meet in France: dates are shown, and typed, in Paris time. */
export const MEETING_TIME_ZONE = 'Europe/Paris';

export function statusLabel(status: MeetingStatus): string {
  switch (status) {
    case 'draft':
      return m.meet_status_draft();
    case 'convened':
      return m.meet_status_convened();
    case 'live':
      return m.meet_status_live();
    case 'closed':
      return m.meet_status_closed();
  }
}

export const ITEM_KINDS = ['information', 'consultation', 'decision'] as const;

export function itemKindLabel(kind: AgendaItem['kind']): string {
  switch (kind) {
    case 'consultation':
      return m.meet_kind_consultation();
    case 'decision':
      return m.meet_kind_decision();
    default:
      return m.meet_kind_information();
  }
}

export const itemKindOptions = () => ITEM_KINDS.map((k) => ({ value: k, label: itemKindLabel(k) }));

export const ATTENDANCE_STATUSES = ['present_room', 'present_remote', 'excused', 'absent', 'represented'] as const;
export type AttendanceStatusCode = (typeof ATTENDANCE_STATUSES)[number];

export function attendanceLabel(status: AttendanceEntry['status']): string {
  switch (status) {
    case 'present_room':
      return m.meet_att_present_room();
    case 'present_remote':
      return m.meet_att_present_remote();
    case 'excused':
      return m.meet_att_excused();
    case 'represented':
      return m.meet_att_represented();
    default:
      return m.meet_att_absent();
  }
}

export function collegeLabel(college: AttendanceEntry['college']): string {
  switch (college) {
    case 'landlord':
      return m.meet_college_landlord();
    case 'tenant':
      return m.meet_college_tenant();
    default:
      return m.meet_college_other();
  }
}

export function roleLabel(role: AttendanceEntry['role']): string {
  switch (role) {
    case 'admin':
      return m.meet_role_admin();
    case 'secretary':
      return m.meet_role_secretary();
    case 'chair':
      return m.meet_role_chair();
    case 'observer':
      return m.meet_role_observer();
    default:
      return m.meet_role_member();
  }
}

const intlLocale = () => (getLocale() === 'en' ? 'en-GB' : 'fr-FR');

/** "jeudi 6 juin 2024 à 14:00" (Paris time). */
export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(intlLocale(), { dateStyle: 'full', timeStyle: 'short', timeZone: MEETING_TIME_ZONE }).format(new Date(iso));
}

/** "06/06/2024 14:00", for lists. */
export function formatShortDateTime(iso: string): string {
  return new Intl.DateTimeFormat(intlLocale(), { dateStyle: 'medium', timeStyle: 'short', timeZone: MEETING_TIME_ZONE }).format(new Date(iso));
}

/** "14:05" (Paris time). */
export function formatTime(iso: string): string {
  return new Intl.DateTimeFormat(intlLocale(), { timeStyle: 'short', timeZone: MEETING_TIME_ZONE }).format(new Date(iso));
}

/** The value a `datetime-local` field shows for an instant: Paris wall-clock time. */
export function toDatetimeLocal(iso: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: MEETING_TIME_ZONE,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit'
  }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

/** "3 min 05 s", "1 h 02 min", "45 s": a duration read aloud as well as seen. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  if (hours) return m.meet_duration_hours({ hours, minutes: String(minutes).padStart(2, '0') });
  if (minutes) return m.meet_duration_minutes({ minutes, seconds: String(seconds).padStart(2, '0') });
  return m.meet_duration_seconds({ seconds });
}

/** "10 min", "1 h 30 min" for planned durations. */
export function formatMinutes(total: number): string {
  const hours = Math.floor(total / 60);
  const minutes = total % 60;
  if (hours && minutes) return m.meet_planned_hours_minutes({ hours, minutes });
  if (hours) return m.meet_planned_hours({ hours });
  return m.meet_planned_minutes({ minutes });
}

/** The quorum with the numbers behind it: "Quorum atteint : 5 présents ou représentés sur 8, il en faut 5". */
export function quorumText(q: MeetingState['quorum']): string {
  const figures = { counted: q.counted, members: q.members, required: q.required };
  if (q.rule.kind === 'none') return m.meet_quorum_none({ counted: q.counted, members: q.members });
  return q.met ? m.meet_quorum_met(figures) : m.meet_quorum_not_met(figures);
}

/** Per college lines, for bodies whose rule is a majority in each college. */
export function quorumCollegeLines(q: MeetingState['quorum']): string[] {
  if (!q.colleges) return [];
  const out: string[] = [];
  for (const college of ['landlord', 'tenant'] as const) {
    const c = q.colleges[college];
    if (!c || !c.members) continue;
    const figures = { college: collegeLabel(college), counted: c.counted, members: c.members, required: c.required };
    out.push(c.met ? m.meet_quorum_college_met(figures) : m.meet_quorum_college_not_met(figures));
  }
  return out;
}
