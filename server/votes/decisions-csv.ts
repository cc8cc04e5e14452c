import type { Decision } from './votes.service.ts';

/**
 * The register of decisions as CSV for French spreadsheets (Excel opens a `;`-separated file
 * with a UTF-8 byte-order mark correctly; without the mark, accents come out garbled). Fields
 * holding `;`, quotes or line breaks are quoted, quotes doubled (RFC 4180); lines end in CRLF.
 * Dates are in Paris time, as the meetings were held.
 */
export const CSV_BOM = '\uFEFF';

const HEADINGS = {
  fr: ['Référence', 'Date', 'Réunion', 'Point', 'Question', 'Type', 'Règle', 'Résultat', 'Pour', 'Contre', 'Abstentions ou blancs', 'Votants (électorat)', 'Participation', 'Scrutin', 'Voix prépondérante', 'Dérogation au quorum'],
  en: ['Reference', 'Date', 'Meeting', 'Item', 'Question', 'Kind', 'Rule', 'Result', 'For', 'Against', 'Abstentions or blank', 'Voters (electorate)', 'Turnout', 'Ballot', 'Casting vote', 'Quorum override']
};

const KIND = {
  fr: { decision: 'Décision', opinion: 'Avis', choice: 'Choix' },
  en: { decision: 'Decision', opinion: 'Opinion', choice: 'Choice' }
};

const RULE = {
  fr: {
    simple_majority: 'Majorité des suffrages exprimés',
    absolute_majority_members: 'Majorité absolue des membres',
    two_thirds: 'Deux tiers des suffrages exprimés',
    majority_each_college: 'Majorité dans chaque collège',
    consensus: 'Consensus',
    advisory: 'Avis consultatif'
  },
  en: {
    simple_majority: 'Majority of votes cast',
    absolute_majority_members: 'Absolute majority of members',
    two_thirds: 'Two thirds of votes cast',
    majority_each_college: 'Majority in each college',
    consensus: 'Consensus',
    advisory: 'Advisory opinion'
  }
};

export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const s = String(value);
  return /[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** "06/06/2026 16:05" in Paris time. */
export function parisDateTime(isoDate: string): string {
  const parts = new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23'
  }).formatToParts(new Date(isoDate));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('day')}/${get('month')}/${get('year')} ${get('hour')}:${get('minute')}`;
}

export function decisionsToCsv(decisions: Decision[], locale: 'fr' | 'en' = 'fr'): string {
  const lines = [HEADINGS[locale].map(csvField).join(';')];
  for (const d of decisions) {
    const choice = d.kind === 'choice';
    const casting = d.castingVote?.used ?? null;
    lines.push(
      [
        d.reference,
        parisDateTime(d.decidedAt),
        `${d.meetingTitle} (${parisDateTime(d.meetingStartsAt).slice(0, 10)})`,
        d.itemTitle,
        d.question,
        KIND[locale][d.kind],
        RULE[locale][d.rule] ?? d.rule,
        d.result[locale],
        choice ? null : d.counts.total.pour,
        choice ? null : d.counts.total.contre,
        d.counts.total.abstention,
        d.electorateSize,
        d.participation,
        locale === 'fr' ? (d.secret ? 'Secret' : 'Nominatif') : d.secret ? 'Secret' : 'Named',
        casting,
        d.quorumOverrideReason
      ]
        .map(csvField)
        .join(';')
    );
  }
  return `${CSV_BOM}${lines.join('\r\n')}\r\n`;
}
