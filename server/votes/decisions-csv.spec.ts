import { describe, expect, it } from 'vitest';
import { csvField, decisionsToCsv, parisDateTime } from './decisions-csv.ts';
import type { Decision } from './votes.service.ts';

const decision = (over: Partial<Decision> = {}): Decision => ({
  id: 'd1',
  bodyId: 'b1',
  meetingId: 'm1',
  voteId: 'v1',
  reference: '2026-001',
  year: 2026,
  number: 1,
  decidedAt: '2026-06-06T14:35:00.000Z',
  kind: 'decision',
  rule: 'simple_majority',
  outcome: 'adopted',
  question: 'Le CCL donne un avis favorable à l’offre d’ANTARGAZ',
  itemTitle: 'Renouvellement du marché de gaz propane',
  meetingTitle: 'CCL du 6 juin',
  meetingStartsAt: '2026-06-06T12:00:00.000Z',
  result: { fr: 'Adopté : 6 pour, 1 contre, 1 abstention (majorité des suffrages exprimés)', en: 'Adopted: 6 for, 1 against, 1 abstention (majority of votes cast)' },
  counts: { total: { pour: 6, contre: 1, abstention: 1 }, colleges: {} as never, device: {} as never, room: {} as never, deviceBallots: 2, electorate: 8 },
  winners: null,
  electorateSize: 8,
  participation: 8,
  secret: false,
  castingVote: { allowed: false, used: null },
  quorumOverrideReason: null,
  ...over
});

describe('register of decisions as CSV (French Excel: UTF-8 with BOM, ";" separator)', () => {
  it('starts with a byte-order mark, separates with ";", ends lines with CRLF, dates in Paris time', () => {
    const csv = decisionsToCsv([decision()]);
    expect(csv.startsWith('\uFEFFRéférence;Date;Réunion;Point;Question;Type;Règle;Résultat;Pour;Contre;')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(lines[1]).toBe(
      '2026-001;06/06/2026 16:35;CCL du 6 juin (06/06/2026);Renouvellement du marché de gaz propane;Le CCL donne un avis favorable à l’offre d’ANTARGAZ;Décision;Majorité des suffrages exprimés;Adopté : 6 pour, 1 contre, 1 abstention (majorité des suffrages exprimés);6;1;1;8;8;Nominatif;;'
    );
  });

  it('quotes fields holding ";", quotes or line breaks, and leaves pour/contre empty for a choice', () => {
    expect(csvField('a;b')).toBe('"a;b"');
    expect(csvField('dit "oui"')).toBe('"dit ""oui"""');
    expect(csvField('deux\nlignes')).toBe('"deux\nlignes"');
    const csv = decisionsToCsv([decision({ kind: 'choice', question: 'Quel prestataire ; lequel ?' })], 'en');
    const row = csv.split('\r\n')[1];
    expect(row).toContain('"Quel prestataire ; lequel ?";Choice;');
    expect(row).toContain(';;;1;8;8;Named;;');
  });

  it('writes winter dates in Paris winter time', () => {
    expect(parisDateTime('2026-01-15T09:00:00.000Z')).toBe('15/01/2026 10:00');
  });
});
