import type { BodyRole, OrgRole } from '../auth/policy.ts';
import type { BodyKind } from '../bodies/bodies.schemas.ts';
import type { AFFILIATIONS, COLLEGES } from '../people/people.schemas.ts';
import { bi, type Bilingual } from '../shared/app-error.ts';
import { slugify } from '../shared/slug.ts';

/**
 * The demo organisation, drawn from the seed documents (an office's CCL at parity, its
 * green-spaces working group, the "seniors du parc social" workshops) with INVENTED people:
 * the seeds name real people, and none of them may appear here (tests/server/cli.test.ts checks
 * every name against the seeds).
 */
export const DEMO_ORG_NAME = "Office Démo de l'Habitat";
export const DEMO_ORG_SLUG = slugify(DEMO_ORG_NAME);
export const DEMO_EMAIL_DOMAIN = 'demo.concerto.local';
/** Every demo account has this password; it is printed with the logins. */
export const DEMO_PASSWORD = 'concerto-demo-2026';

export interface DemoPerson {
  key: string;
  fullName: string;
  orgRole: OrgRole;
  /** What they are, for the printed logins table. */
  title: Bilingual;
}

export interface DemoMembership {
  person: string;
  role: BodyRole;
  college: (typeof COLLEGES)[number];
  affiliation: (typeof AFFILIATIONS)[number];
  affiliationName?: string;
  votingRight: boolean;
  mandateStart?: string;
  mandateEnd?: string;
}

export interface DemoBody {
  key: string;
  kind: BodyKind;
  name: string;
  description: string;
  parent?: string;
  members: DemoMembership[];
}

/** "Élodie Garat" → "elodie.garat@demo.concerto.local" */
export function demoEmail(fullName: string): string {
  const local = fullName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.+|\.+$/g, '');
  return `${local}@${DEMO_EMAIL_DOMAIN}`;
}

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { key: 'chair', fullName: 'Gérard Lestrade', orgRole: 'member', title: bi('Président CCL', 'CCL chair') },
  { key: 'viceChair', fullName: 'Hélène Combarel', orgRole: 'member', title: bi('Vice-présidente CCL', 'CCL vice-chair') },
  { key: 'boardMember', fullName: 'Thierry Bonnefoy', orgRole: 'member', title: bi('Administrateur', 'Board member') },
  { key: 'estateManager', fullName: 'Nadia Ferrand', orgRole: 'member', title: bi('Resp. patrimoine', 'Estate manager') },
  { key: 'cnl1', fullName: 'Josiane Marchetti', orgRole: 'member', title: bi('Locataires CNL', 'CNL tenant rep.') },
  { key: 'cnl2', fullName: 'Karim Bensaïd', orgRole: 'member', title: bi('Locataires CNL', 'CNL tenant rep.') },
  { key: 'clcv1', fullName: 'Odette Pélissier', orgRole: 'member', title: bi('Locataires CLCV', 'CLCV tenant rep.') },
  { key: 'clcv2', fullName: 'Raymond Etcheverry', orgRole: 'member', title: bi('Locataires CLCV', 'CLCV tenant rep.') },
  { key: 'secretary', fullName: 'Élodie Garat', orgRole: 'admin', title: bi('Secrétaire CCL, admin', 'CCL secretary, admin') },
  { key: 'observer', fullName: 'Julien Sarrazin', orgRole: 'member', title: bi('Observateur (ville)', 'Observer (city)') },
  { key: 'facilitator', fullName: 'Anaïs Laborde', orgRole: 'member', title: bi('Animatrice ateliers', 'Workshop facilitator') }
];

// Tenant representatives sit for the four years following the last tenant election.
const tenantMandate = { mandateStart: '2023-01-01', mandateEnd: '2026-12-31' };
const landlord = { college: 'landlord', affiliation: 'none' } as const;

export const DEMO_BODIES: readonly DemoBody[] = [
  {
    key: 'ccl',
    kind: 'ccl',
    name: 'Conseil de concertation locative',
    description:
      "CCL de l'ensemble du patrimoine (3 200 logements), à parité : quatre représentants du bailleur et quatre représentants des locataires désignés par la CNL et la CLCV. Se réunit au moins une fois par an ; l'office assure le secrétariat.",
    members: [
      { person: 'chair', role: 'chair', ...landlord, votingRight: true },
      { person: 'viceChair', role: 'member', ...landlord, votingRight: true },
      { person: 'boardMember', role: 'member', ...landlord, votingRight: true },
      { person: 'estateManager', role: 'member', ...landlord, votingRight: true },
      { person: 'cnl1', role: 'member', college: 'tenant', affiliation: 'cnl', affiliationName: 'Amicale CNL des Coteaux', votingRight: true, ...tenantMandate },
      { person: 'cnl2', role: 'member', college: 'tenant', affiliation: 'cnl', affiliationName: 'Amicale CNL des Coteaux', votingRight: true, ...tenantMandate },
      { person: 'clcv1', role: 'member', college: 'tenant', affiliation: 'clcv', affiliationName: 'CLCV, section du Parc des Tilleuls', votingRight: true, ...tenantMandate },
      { person: 'clcv2', role: 'member', college: 'tenant', affiliation: 'clcv', affiliationName: 'CLCV, section du Parc des Tilleuls', votingRight: true, ...tenantMandate },
      { person: 'secretary', role: 'secretary', ...landlord, votingRight: false },
      { person: 'observer', role: 'observer', college: 'other', affiliation: 'none', votingRight: false }
    ]
  },
  {
    key: 'greenSpaces',
    kind: 'working_group',
    parent: 'ccl',
    name: 'Groupe de travail espaces verts',
    description:
      "Prépare avec les représentants des locataires le renouvellement du marché d'entretien des espaces verts (cahier des charges, fréquence des tontes et des tailles, critères de choix) avant son passage en CCL.",
    members: [
      { person: 'estateManager', role: 'chair', ...landlord, votingRight: true },
      { person: 'secretary', role: 'secretary', ...landlord, votingRight: false },
      { person: 'boardMember', role: 'member', ...landlord, votingRight: true },
      { person: 'cnl2', role: 'member', college: 'tenant', affiliation: 'cnl', affiliationName: 'Amicale CNL des Coteaux', votingRight: true },
      { person: 'clcv1', role: 'member', college: 'tenant', affiliation: 'clcv', affiliationName: 'CLCV, section du Parc des Tilleuls', votingRight: true }
    ]
  },
  {
    key: 'seniors',
    kind: 'workshop_group',
    name: 'Les seniors du parc social',
    description:
      "Ateliers en world café pour adapter les logements au vieillissement des locataires : critères (la résidence, le logement, le locataire), travaux et accompagnement, puis plan d'action.",
    members: [
      { person: 'facilitator', role: 'secretary', ...landlord, votingRight: false },
      { person: 'estateManager', role: 'member', ...landlord, votingRight: true },
      { person: 'viceChair', role: 'member', ...landlord, votingRight: true },
      { person: 'cnl1', role: 'member', college: 'tenant', affiliation: 'cnl', affiliationName: 'Amicale CNL des Coteaux', votingRight: true },
      { person: 'clcv2', role: 'member', college: 'tenant', affiliation: 'clcv', affiliationName: 'CLCV, section du Parc des Tilleuls', votingRight: true }
    ]
  }
];

export interface DemoMeeting {
  body: string;
  /** Convened by this person (the body's secretary), through the meeting service. */
  convenedBy: string;
  /** The title is this, then the date: « CCL du 8 décembre 2026 », as councils name their meetings. */
  titlePrefix: string;
  /** Days from the seeding day; at 14:00. */
  inDays: number;
  place: string;
  items: { title: string; kind: 'information' | 'consultation' | 'decision'; plannedMinutes: number; presenter: string; description: string }[];
}

/**
 * The CCL's next meeting, convened, its agenda drawn from the seed CCL of June (a propane supply
 * contract put to the council for an opinion, an information point on energy ratings).
 */
export const DEMO_MEETING: DemoMeeting = {
  body: 'ccl',
  convenedBy: 'secretary',
  titlePrefix: 'CCL du',
  inDays: 14,
  place: "Siège de l'office, salle du conseil",
  items: [
    {
      title: 'Approbation du compte rendu de la séance précédente',
      kind: 'decision',
      plannedMinutes: 5,
      presenter: 'Présidence',
      description: 'Le compte rendu a été envoyé avec la convocation.'
    },
    {
      title: 'Renouvellement du marché de fourniture de gaz propane',
      kind: 'consultation',
      plannedMinutes: 30,
      presenter: 'Service Patrimoine & Cadre de vie',
      description:
        "Quatre résidences chauffées au propane (22 logements). Marché de 4 ans, deux offres reçues, analyse prix (80 %) et technique (20 %). Le CCL rend un avis avant l'attribution."
    },
    {
      title: 'Point information : diagnostics de performance énergétique (DPE)',
      kind: 'information',
      plannedMinutes: 20,
      presenter: 'Service Patrimoine & Cadre de vie',
      description: 'Classement du patrimoine, logements classés F et G, calendrier des travaux.'
    },
    {
      title: 'Questions diverses',
      kind: 'information',
      plannedMinutes: 15,
      presenter: '',
      description: ''
    }
  ]
};

/** The demo meeting's title for its day (`YYYY-MM-DD`): « CCL du 8 décembre 2026 ». */
export const demoMeetingTitle = (day: string): string =>
  `${DEMO_MEETING.titlePrefix} ${new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`))}`;

export interface DemoWorkshop {
  body: string;
  /** Prepared by this person (the workshop group's secretary), through the workshop service. */
  facilitator: string;
  title: string;
  purpose: string;
  roundCount: number;
  roundMinutes: number;
  tables: { name: string; question: string; host: string; grid?: { rows: string[]; columns: string[] } }[];
}

/**
 * The workshop group's first world café, prepared (not started): the three tables of the seed's
 * "seniors du parc social" workshops, the residence's with the criteria grid they filled in
 * (criterion × funding route), the group's members as participants and a host per table.
 */
export const DEMO_WORKSHOP: DemoWorkshop = {
  body: 'seniors',
  facilitator: 'facilitator',
  title: 'Les seniors du parc social – Atelier 1',
  purpose: "Définir les critères pour adapter les logements au vieillissement des locataires : la résidence, le logement, le locataire.",
  roundCount: 3,
  roundMinutes: 20,
  tables: [
    {
      name: 'La résidence',
      question: 'Quelles résidences adapter en priorité ?',
      host: 'estateManager',
      grid: {
        rows: ['Âge de la résidence', 'Âge des locataires', 'Environnement', 'Typologie des logements'],
        columns: ['Programme pluriannuel (fonds de la CARSAT)', 'Demandes ponctuelles (budget des agences)']
      }
    },
    { name: 'Le logement', question: 'Quels logements, et quels travaux ?', host: 'viceChair' },
    { name: 'Le locataire', question: 'Quels locataires, et quel accompagnement ?', host: 'cnl1' }
  ]
};
