import { describe, expect, it } from 'vitest';
import { checkDocument, jsonToYUpdate, plainText, yUpdateToJSON } from '../documents/prosemirror.ts';
import { decideChoice, decideMotion } from '../votes/vote-rules.ts';
import { buildMinutesDraft, regeneratedSection, type MinutesRecord } from './minutes-draft.ts';
import { checkFacts } from './minutes-facts.ts';

// A record shaped like seed 002's "CCL du 6 juin 2024" (invented names): the propane contract
// decided by a vote, the DPE and SLS/OPS information points, and the green-spaces contract
// prepared with tenant representatives, with an advisory vote.
const gas = decideMotion({ rule: 'simple_majority', counts: { pour: 6, contre: 1, abstention: 1 }, electorate: 8 });
const green = decideMotion({ rule: 'advisory', counts: { pour: 7, contre: 0, abstention: 1 }, electorate: 8 });

const person = (personId: string, name: string, extra: Partial<MinutesRecord['attendance'][number]>): MinutesRecord['attendance'][number] => ({
  personId,
  name,
  role: 'member',
  college: 'tenant',
  affiliation: 'none',
  votingRight: true,
  status: 'present_room',
  proxyHolderName: null,
  ...extra
});

const record: MinutesRecord = {
  bodyName: 'Conseil de concertation locative — Office du Sud-Ouest',
  meeting: { title: 'CCL du 6 juin 2024', startsAt: '2024-06-06T12:00:00.000Z', place: 'Siège, salle du conseil', videoUrl: 'https://visio.example.org/ccl' },
  attendance: [
    person('p1', 'Hélène Lafitte', { role: 'chair', college: 'landlord' }),
    person('p2', 'Sébastien Oxandabarat', { role: 'secretary', college: 'landlord', votingRight: false }),
    person('p3', 'Bernard Castaings', { college: 'landlord' }),
    person('p4', 'Aïcha Benali', { affiliation: 'cnl' }),
    person('p5', 'Jean-Marc Lassalle', { affiliation: 'clcv', status: 'present_remote' }),
    person('p6', 'Maite Etchegaray', { affiliation: 'cnl', status: 'represented', proxyHolderName: 'Aïcha Benali' }),
    person('p7', 'Paulette Duboscq', { affiliation: 'afoc', status: 'excused' }),
    person('p8', 'Isabelle Harriet', { college: 'landlord', status: 'absent' })
  ],
  agenda: [
    { id: 'i1', parentId: null, title: 'Renouvellement du marché de gaz propane', kind: 'decision', presenter: 'Service Patrimoine & Cadre de vie', description: 'Deux offres reçues : ANTARGAZ et PRIMAGAZ.\n\nNote prix 80 %, note technique 20 %.', notes: "L'offre d'ANTARGAZ permet une baisse globale de la dépense énergétique de 29 %." },
    { id: 'i1a', parentId: 'i1', title: 'Comparatif des offres précédentes', kind: 'information', presenter: '', description: '', notes: '' },
    { id: 'i2', parentId: null, title: 'Point information DPE', kind: 'information', presenter: '', description: '', notes: '2187 logements diagnostiqués, 1109 en cours.' },
    { id: 'i3', parentId: null, title: 'Marché espaces verts 2025-2027', kind: 'consultation', presenter: 'Groupe de travail du 28 mars', description: '', notes: '- Planning annuel affiché dans les parties communes\n- 7 tontes par an au lieu de 8' }
  ],
  votes: [
    { id: 'v1', itemId: 'i1', question: 'Le CCL approuve le choix de l’offre d’ANTARGAZ', rule: 'simple_majority', mode: 'hybrid', secret: false, status: 'closed', quorumOverrideReason: null, result: gas },
    { id: 'v2', itemId: 'i3', question: 'Avis sur le nouveau cahier des charges', rule: 'advisory', mode: 'hands', secret: false, status: 'closed', quorumOverrideReason: null, result: green }
  ],
  generatedAt: '2024-06-07T08:30:00.000Z'
};

describe('minutes draft from the meeting record (seed 002 shape)', () => {
  const draft = buildMinutesDraft(record);
  const text = plainText(draft.doc);

  it('is a valid document of the shared model that survives the trip through Yjs', () => {
    expect(yUpdateToJSON(jsonToYUpdate(draft.doc))).toEqual(checkDocument(draft.doc));
  });

  it('opens with the header: title, council, date and place', () => {
    const lines = text.split('\n');
    expect(lines[0]).toBe('Compte rendu — CCL du 6 juin 2024');
    expect(lines[1]).toBe('Conseil de concertation locative — Office du Sud-Ouest');
    expect(lines[2]).toBe('Réunion du jeudi 6 juin 2024 à 14:00');
    expect(lines[3]).toBe('Lieu : Siège, salle du conseil');
  });

  it('lists attendance by status, with each proxy and its holder', () => {
    expect(text).toContain('Présents dans la salle (4)\nAïcha Benali (CNL)\nBernard Castaings (collège bailleur)\nHélène Lafitte (présidence, collège bailleur)\nSébastien Oxandabarat (secrétariat, collège bailleur, sans voix délibérative)');
    expect(text).toContain('Présents à distance (1)\nJean-Marc Lassalle (CLCV)');
    expect(text).toContain('Représentés (1)\nMaite Etchegaray, pouvoir donné à Aïcha Benali (CNL)');
    expect(text).toContain('Excusés (1)\nPaulette Duboscq (AFOC)');
    expect(text).toContain('Absents (1)\nIsabelle Harriet');
    expect(text).toContain('Membres avec voix délibérative présents ou représentés : 5 sur 7.');
  });

  it('numbers items as the seed does, with notes under "Sujets évoqués", votes and "Décisions"', () => {
    expect(text).toContain('Ordre du jour\nRenouvellement du marché de gaz propane\nComparatif des offres précédentes\nPoint information DPE');
    expect(text).toContain('I. Renouvellement du marché de gaz propane\nPoint de décision — présenté par Service Patrimoine & Cadre de vie\nDeux offres reçues : ANTARGAZ et PRIMAGAZ.\nNote prix 80 %, note technique 20 %.\nSujets évoqués\nL\'offre d\'ANTARGAZ');
    expect(text).toContain('Vote : Le CCL approuve le choix de l’offre d’ANTARGAZ\nRègle : majorité des suffrages exprimés — vote mixte (salle et à distance)\n\tPour\tContre\tAbstention\nTotal\t6\t1\t1\nAdopté : 6 pour, 1 contre, 1 abstention (majorité des suffrages exprimés)');
    expect(text).toContain('Décisions\nLe CCL approuve le choix de l’offre d’ANTARGAZ : adopté.');
    expect(text).toContain('I.1. Comparatif des offres précédentes');
    expect(text).toContain('II. Point information DPE');
    expect(text).toContain('Point d’information, sans décision.');
    expect(text).toContain('III. Marché espaces verts 2025-2027\nConsultation (avis) — présenté par Groupe de travail du 28 mars\nSujets évoqués\nPlanning annuel affiché dans les parties communes\n7 tontes par an au lieu de 8');
    expect(text).toContain('Avis favorable : 7 pour, 0 contre, 1 abstention (avis consultatif)');
    expect(text).toContain('Relevé des décisions\nPoint\tQuestion\tRésultat\nI. Renouvellement du marché de gaz propane\tLe CCL approuve le choix de l’offre d’ANTARGAZ\tAdopté\nIII. Marché espaces verts 2025-2027\tAvis sur le nouveau cahier des charges\tAvis favorable');
  });

  it('marks the facts it took from the record: date, place, attendance, proxies, vote results', () => {
    const byKind = (k: string) => draft.facts.filter((f) => f.kind === k).map((f) => f.text);
    expect(byKind('header')).toEqual(['jeudi 6 juin 2024 à 14:00', 'Siège, salle du conseil']);
    expect(byKind('attendance')).toHaveLength(7);
    expect(byKind('proxy')).toEqual(['Maite Etchegaray, pouvoir donné à Aïcha Benali']);
    expect(byKind('vote')).toEqual([gas.text.fr, green.text.fr]);
    expect(draft.facts.find((f) => f.id === 'vote:v1')?.counts).toEqual({ pour: 6, contre: 1, abstention: 1 });
    expect(checkFacts(draft.facts, text)).toEqual({ ok: true, missing: [], contradictions: [] });
  });

  it('says when a vote was not closed, and records no result for it', () => {
    const open = buildMinutesDraft({ ...record, votes: [{ ...record.votes[0], status: 'open', result: null }] });
    expect(plainText(open.doc)).toContain('Vote non clos à la fin de la réunion : aucun résultat.');
    expect(open.facts.some((f) => f.kind === 'vote')).toBe(false);
    expect(plainText(open.doc)).toContain('Aucun vote n’a eu lieu pendant cette réunion.');
  });

  it('shows a choice among options with the votes per option and blank ballots', () => {
    const options = [
      { id: 'a', label: 'ANTARGAZ' },
      { id: 'b', label: 'PRIMAGAZ' }
    ];
    const result = decideChoice({ options, optionCounts: { a: 5, b: 2 }, blank: 1, seats: 1 });
    const withChoice = buildMinutesDraft({
      ...record,
      votes: [{ id: 'v3', itemId: 'i1', question: 'Quel fournisseur retenir ?', rule: 'simple_majority', mode: 'device', secret: true, status: 'closed', quorumOverrideReason: null, result, choice: { options, optionCounts: result.optionCounts, blank: result.blank } }]
    });
    const t = plainText(withChoice.doc);
    expect(t).toContain('Vote : Quel fournisseur retenir ?\nRègle : majorité des suffrages exprimés — vote sur appareil — scrutin secret\nOption\tVoix\nANTARGAZ\t5\nPRIMAGAZ\t2\nBulletins blancs\t1\n' + result.text.fr);
    const fact = withChoice.facts.find((f) => f.id === 'vote:v3');
    expect(fact?.text).toBe(result.text.fr);
    expect(fact?.counts).toBeUndefined();
  });

  it('a regenerated draft is a new dated section, without a second title', () => {
    const section = regeneratedSection(draft, '2024-06-08T08:00:00.000Z');
    const lines = plainText(section).split('\n');
    expect(lines[0]).toBe('Nouvelle version du registre — samedi 8 juin 2024 à 10:00');
    expect(lines).not.toContain('Compte rendu — CCL du 6 juin 2024');
  });
});

describe('checking the text against the record', () => {
  const { facts, doc } = buildMinutesDraft(record);
  const text = plainText(doc);

  it('warns when a count is changed: the recorded result is missing and the new count contradicts it', () => {
    const edited = text.replace('Adopté : 6 pour, 1 contre', 'Adopté : 7 pour, 1 contre');
    const check = checkFacts(facts, edited);
    expect(check.ok).toBe(false);
    expect(check.missing.map((f) => f.id)).toEqual(['vote:v1']);
    expect(check.contradictions).toEqual([{ text: '7 pour, 1 contre, 1 abstention' }]);
  });

  it('warns when an attendee or a proxy disappears', () => {
    const check = checkFacts(facts, text.replace('Paulette Duboscq', 'P. Duboscq').replace('pouvoir donné à Aïcha Benali', 'pouvoir donné à Jean-Marc Lassalle'));
    expect(check.missing.map((f) => f.id).sort()).toEqual(['attendance:p7', 'proxy:p6']);
  });

  it('is not fooled by spacing, apostrophes or case', () => {
    const check = checkFacts(facts, text.replace(/ /gu, '\u00a0').replace(/’/gu, "'").toUpperCase());
    expect(check.ok).toBe(true);
  });
});
