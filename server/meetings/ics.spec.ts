import { describe, expect, it } from 'vitest';
import { meetingToIcs } from './ics.ts';

const meeting = {
  id: '7d1e4c1a-0000-4000-8000-000000000001',
  title: 'CCL du 6 juin',
  bodyName: 'Conseil de concertation locative',
  startsAt: '2026-06-06T12:00:00.000Z',
  durationMinutes: 120,
  place: 'Siège, salle du conseil; 2e étage',
  videoUrl: 'https://visio.exemple.fr/ccl',
  agenda: ['Approbation du compte rendu', 'Renouvellement du marché de gaz propane, avec un titre très long qui dépasse la limite de soixante-quinze octets'],
  url: 'https://concerto.exemple.fr/m/7d1e4c1a',
  status: 'convened' as const
};

describe('convocation .ics', () => {
  const ics = meetingToIcs(meeting, new Date('2026-05-20T08:00:00Z'));

  it('is one VEVENT with UTC start and end from the planned duration', () => {
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics).toContain('DTSTART:20260606T120000Z');
    expect(ics).toContain('DTEND:20260606T140000Z');
    expect(ics).toContain('UID:7d1e4c1a-0000-4000-8000-000000000001@concerto');
    expect(ics).toContain('STATUS:CONFIRMED');
  });

  it('escapes commas and semicolons and folds long lines at 75 octets', () => {
    expect(ics).toContain('LOCATION:Siège\\, salle du conseil\\; 2e étage');
    for (const line of ics.split('\r\n')) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    const unfolded = ics.replace(/\r\n /g, '');
    expect(unfolded).toContain('2. Renouvellement du marché de gaz propane\\, avec un titre très long');
  });
});
