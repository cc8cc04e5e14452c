/**
 * An iCalendar (RFC 5545) event for a convocation, so members add the meeting to their phone's
 * calendar. Times are written in UTC; lines are folded at 75 octets and text is escaped.
 */
export interface IcsMeeting {
  id: string;
  title: string;
  bodyName: string;
  startsAt: string;
  durationMinutes: number;
  place: string;
  videoUrl: string | null;
  agenda: string[];
  url: string;
  status: 'draft' | 'convened' | 'live' | 'closed';
}

const escapeText = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/,/g, '\\,').replace(/;/g, '\\;');
const utc = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

function fold(line: string): string {
  const bytes = new TextEncoder().encode(line);
  if (bytes.length <= 75) return line;
  const out: string[] = [];
  let current = '';
  let size = 0;
  for (const ch of line) {
    const n = new TextEncoder().encode(ch).length;
    if (size + n > (out.length ? 74 : 75)) {
      out.push(current);
      current = '';
      size = 0;
    }
    current += ch;
    size += n;
  }
  out.push(current);
  return out.join('\r\n ');
}

export function meetingToIcs(m: IcsMeeting, now = new Date()): string {
  const start = new Date(m.startsAt);
  const end = new Date(start.getTime() + Math.max(30, m.durationMinutes) * 60_000);
  const description = [
    `${m.bodyName} — ordre du jour / agenda:`,
    ...m.agenda.map((t, i) => `${i + 1}. ${t}`),
    m.videoUrl ? `Visioconférence / Video link: ${m.videoUrl}` : '',
    m.url
  ]
    .filter(Boolean)
    .join('\n');
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Concerto//Concertation locative//FR',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${m.id}@concerto`,
    `DTSTAMP:${utc(now)}`,
    `DTSTART:${utc(start)}`,
    `DTEND:${utc(end)}`,
    `SUMMARY:${escapeText(m.title)}`,
    `LOCATION:${escapeText(m.place || m.videoUrl || '')}`,
    `DESCRIPTION:${escapeText(description)}`,
    `URL:${m.url}`,
    `STATUS:${m.status === 'draft' ? 'TENTATIVE' : 'CONFIRMED'}`,
    'END:VEVENT',
    'END:VCALENDAR'
  ];
  return lines.map(fold).join('\r\n') + '\r\n';
}
