/** Concerto's councils meet in France: a date and time typed without a zone is Paris time. */
export const DEFAULT_TIME_ZONE = 'Europe/Paris';

function offsetMinutes(date: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit'
  }).formatToParts(date);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - date.getTime()) / 60_000);
}

/**
 * Parses "2026-06-06T14:00" (a datetime-local field) as wall-clock time in `timeZone`; a string
 * with its own zone ("Z", "+02:00") is taken as it is.
 */
export function parseDateTime(value: string, timeZone = DEFAULT_TIME_ZONE): Date {
  if (/(Z|[+-]\d{2}:?\d{2})$/i.test(value)) return new Date(value);
  const naive = new Date(`${value}Z`);
  if (Number.isNaN(naive.getTime())) return naive;
  // Two passes settle the offset across a daylight-saving change.
  let guess = new Date(naive.getTime() - offsetMinutes(naive, timeZone) * 60_000);
  guess = new Date(naive.getTime() - offsetMinutes(guess, timeZone) * 60_000);
  return guess;
}
