/**
 * The rule engine for motions (pour / contre / abstention). Pure: counts in, result out. The law
 * sets no voting rule for a CCL (domain brief, "Votes"), so each body chooses one and may change
 * it per vote; the rule is recorded with the result. Abstentions are never votes cast.
 */
export type VoteRule =
  | 'simple_majority'
  | 'absolute_majority_members'
  | 'two_thirds'
  | 'majority_each_college'
  | 'consensus'
  | 'advisory';

export interface Counts {
  pour: number;
  contre: number;
  abstention: number;
}

export interface MotionInput {
  rule: VoteRule;
  counts: Counts;
  /** Per college, for `majority_each_college` (landlord and tenant sides). */
  colleges?: { landlord: Counts; tenant: Counts };
  /** Voting members of the body (the frozen electorate), for `absolute_majority_members`. */
  electorate: number;
  /** The body gives its chair a casting vote on a tie: how the chair decided. */
  castingVote?: 'pour' | 'contre' | null;
}

export type Outcome = 'adopted' | 'rejected' | 'favourable' | 'unfavourable' | 'no_opinion';

export interface MotionResult {
  outcome: Outcome;
  /** Why, for the record: e.g. 'majority', 'tie', 'tie_casting_vote', 'college_tenant_against'. */
  reason: string;
  cast: number;
  counts: Counts;
  rule: VoteRule;
  /** "Adopté : 6 pour, 1 contre, 1 abstention (majorité des suffrages exprimés)" and its English. */
  text: { fr: string; en: string };
  /** Whether the body gave its chair a casting vote, and how it was used (recorded with the result). */
  castingVote?: { allowed: boolean; used: string | null };
}

const RULE_TEXT: Record<VoteRule, { fr: string; en: string }> = {
  simple_majority: { fr: 'majorité des suffrages exprimés', en: 'majority of votes cast' },
  absolute_majority_members: { fr: 'majorité absolue des membres', en: 'absolute majority of members' },
  two_thirds: { fr: 'deux tiers des suffrages exprimés', en: 'two thirds of votes cast' },
  majority_each_college: { fr: 'majorité dans chaque collège', en: 'majority in each college' },
  consensus: { fr: 'consensus, sans vote contre', en: 'consensus, no vote against' },
  advisory: { fr: 'avis consultatif', en: 'advisory opinion' }
};

const OUTCOME_TEXT: Record<Outcome, { fr: string; en: string }> = {
  adopted: { fr: 'Adopté', en: 'Adopted' },
  rejected: { fr: 'Rejeté', en: 'Rejected' },
  favourable: { fr: 'Avis favorable', en: 'Favourable opinion' },
  unfavourable: { fr: 'Avis défavorable', en: 'Unfavourable opinion' },
  no_opinion: { fr: "Pas d'avis majoritaire", en: 'No majority opinion' }
};

const plural = (n: number, fr: string, frPlural: string) => `${n} ${n > 1 ? frPlural : fr}`;

export function countsText(c: Counts): { fr: string; en: string } {
  return {
    fr: `${c.pour} pour, ${c.contre} contre, ${plural(c.abstention, 'abstention', 'abstentions')}`,
    en: `${c.pour} for, ${c.contre} against, ${c.abstention} ${c.abstention === 1 ? 'abstention' : 'abstentions'}`
  };
}

function validate(c: Counts): void {
  for (const v of [c.pour, c.contre, c.abstention]) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError('counts must be non-negative integers');
  }
}

const sum = (a: Counts, b: Counts): Counts => ({ pour: a.pour + b.pour, contre: a.contre + b.contre, abstention: a.abstention + b.abstention });

export function decideMotion(input: MotionInput): MotionResult {
  const { rule, counts, electorate } = input;
  validate(counts);
  const cast = counts.pour + counts.contre;
  let outcome: Outcome;
  let reason: string;

  const majorityOfCast = (c: Counts): { outcome: 'adopted' | 'rejected'; reason: string } => {
    if (c.pour + c.contre === 0) return { outcome: 'rejected', reason: 'no_votes_cast' };
    if (c.pour > c.contre) return { outcome: 'adopted', reason: 'majority' };
    if (c.pour < c.contre) return { outcome: 'rejected', reason: 'majority_against' };
    // A tie is rejected unless the body gives its chair a casting vote.
    if (input.castingVote === 'pour') return { outcome: 'adopted', reason: 'tie_casting_vote' };
    if (input.castingVote === 'contre') return { outcome: 'rejected', reason: 'tie_casting_vote' };
    return { outcome: 'rejected', reason: 'tie' };
  };

  switch (rule) {
    case 'simple_majority':
      ({ outcome, reason } = majorityOfCast(counts));
      break;
    case 'absolute_majority_members': {
      const needed = Math.floor(electorate / 2) + 1;
      outcome = electorate > 0 && counts.pour >= needed ? 'adopted' : 'rejected';
      reason = outcome === 'adopted' ? 'absolute_majority' : 'below_absolute_majority';
      break;
    }
    case 'two_thirds':
      if (cast === 0) {
        outcome = 'rejected';
        reason = 'no_votes_cast';
      } else {
        // Integer arithmetic: 2/3 exactly is enough (pour × 3 ≥ cast × 2).
        outcome = counts.pour * 3 >= cast * 2 ? 'adopted' : 'rejected';
        reason = outcome === 'adopted' ? 'two_thirds' : 'below_two_thirds';
      }
      break;
    case 'majority_each_college': {
      const colleges = input.colleges;
      if (!colleges) throw new RangeError('majority_each_college needs counts per college');
      validate(colleges.landlord);
      validate(colleges.tenant);
      const landlord = majorityOfCast(colleges.landlord);
      const tenant = majorityOfCast(colleges.tenant);
      if (landlord.outcome === 'adopted' && tenant.outcome === 'adopted') {
        outcome = 'adopted';
        reason = 'majority_each_college';
      } else {
        outcome = 'rejected';
        reason = landlord.outcome !== 'adopted' ? `college_landlord_${landlord.reason}` : `college_tenant_${tenant.reason}`;
      }
      const total = sum(colleges.landlord, colleges.tenant);
      if (total.pour !== counts.pour || total.contre !== counts.contre || total.abstention !== counts.abstention) {
        throw new RangeError('college counts must add up to the total');
      }
      break;
    }
    case 'consensus':
      outcome = counts.contre === 0 && counts.pour > 0 ? 'adopted' : 'rejected';
      reason = counts.contre > 0 ? 'objection' : counts.pour === 0 ? 'no_votes_cast' : 'consensus';
      break;
    case 'advisory': {
      // An opinion is recorded, nothing is adopted.
      if (counts.pour > counts.contre) outcome = 'favourable';
      else if (counts.pour < counts.contre) outcome = 'unfavourable';
      else outcome = 'no_opinion';
      reason = 'advisory';
      break;
    }
  }

  const ct = countsText(counts);
  return {
    outcome,
    reason,
    cast,
    counts,
    rule,
    text: {
      fr: `${OUTCOME_TEXT[outcome].fr} : ${ct.fr} (${RULE_TEXT[rule].fr})`,
      en: `${OUTCOME_TEXT[outcome].en}: ${ct.en} (${RULE_TEXT[rule].en})`
    }
  };
}

// Choices among options ------------------------------------------------------------------------

export interface ChoiceOption {
  id: string;
  label: string;
}

export interface ChoiceInput {
  options: ChoiceOption[];
  /** Votes per option id (a multiple-choice ballot counts once for each option it names). */
  optionCounts: Record<string, number>;
  /** Blank ballots (no option chosen): counted like abstentions, never as votes cast. */
  blank: number;
  /** How many options are retained: 1 for a single choice, the maximum for a multiple choice. */
  seats: number;
  /** An advisory choice records a preference; nothing is adopted. */
  advisory?: boolean;
  /** The body gives its chair a casting vote: the option the chair picks among those tied. */
  castingVote?: string | null;
}

/**
 * A choice's result has the shape of a motion's (so every view reads `outcome` and `text` the
 * same way), plus the options retained and those tied. `counts` holds the blank ballots as
 * abstentions, and `cast` the votes given to options.
 */
export interface ChoiceResult extends MotionResult {
  winners: string[];
  tied: string[];
  optionCounts: Record<string, number>;
  blank: number;
}

const quoted = (labels: string[], and: string) =>
  labels.length <= 1 ? labels.map((l) => `« ${l} »`).join('') : `${labels.slice(0, -1).map((l) => `« ${l} »`).join(', ')} ${and} « ${labels.at(-1)} »`;
const quotedEn = (labels: string[]) =>
  labels.length <= 1 ? labels.map((l) => `“${l}”`).join('') : `${labels.slice(0, -1).map((l) => `“${l}”`).join(', ')} and “${labels.at(-1)}”`;

/**
 * Most votes wins: the `seats` options with the most votes are retained. When options tie for
 * the last seat, the tie is stated and those options are not retained, unless the body gives its
 * chair a casting vote and only one seat remains (the chair picks one of the tied options).
 * Options with no vote are never retained.
 */
export function decideChoice(input: ChoiceInput): ChoiceResult {
  const { options, blank, seats } = input;
  if (!options.length) throw new RangeError('a choice needs options');
  if (!Number.isInteger(seats) || seats < 1 || seats > options.length) throw new RangeError('seats must be between 1 and the number of options');
  if (!Number.isInteger(blank) || blank < 0) throw new RangeError('counts must be non-negative integers');
  const optionCounts: Record<string, number> = {};
  for (const o of options) {
    const n = input.optionCounts[o.id] ?? 0;
    if (!Number.isInteger(n) || n < 0) throw new RangeError('counts must be non-negative integers');
    optionCounts[o.id] = n;
  }
  for (const id of Object.keys(input.optionCounts)) if (!(id in optionCounts)) throw new RangeError(`unknown option ${id}`);

  // Stable order: by votes, then as the options were listed.
  const ranked = options.map((o, i) => ({ ...o, n: optionCounts[o.id], i })).sort((a, b) => b.n - a.n || a.i - b.i);
  const cast = ranked.reduce((s, o) => s + o.n, 0);
  let winners: string[] = [];
  let tied: string[] = [];
  let reason: string;
  if (cast === 0) {
    reason = 'no_votes_cast';
  } else {
    const boundary = ranked[seats - 1].n;
    const above = ranked.filter((o) => o.n > boundary);
    const atBoundary = ranked.filter((o) => o.n === boundary);
    if (boundary === 0) {
      winners = above.map((o) => o.id);
      reason = 'most_votes';
    } else if (above.length + atBoundary.length <= seats) {
      winners = [...above, ...atBoundary].map((o) => o.id);
      reason = 'most_votes';
    } else if (input.castingVote && seats - above.length === 1 && atBoundary.some((o) => o.id === input.castingVote)) {
      winners = [...above.map((o) => o.id), input.castingVote];
      reason = 'tie_casting_vote';
    } else {
      winners = above.map((o) => o.id);
      tied = atBoundary.map((o) => o.id);
      reason = 'tie';
    }
  }

  const label = (id: string) => options.find((o) => o.id === id)!.label;
  const advisory = !!input.advisory;
  let outcome: Outcome;
  if (advisory) outcome = winners.length ? 'favourable' : 'no_opinion';
  else outcome = winners.length && !tied.length ? 'adopted' : 'rejected';

  const list = ranked.map((o) => `${o.label} ${plural(o.n, 'voix', 'voix')}`).join(', ');
  const listEn = ranked.map((o) => `${o.label} ${o.n} ${o.n === 1 ? 'vote' : 'votes'}`).join(', ');
  const blankFr = `${plural(blank, 'bulletin blanc', 'bulletins blancs')}`;
  const blankEn = `${blank} blank ${blank === 1 ? 'ballot' : 'ballots'}`;
  const w = winners.map(label);
  const t = tied.map(label);
  let headFr: string;
  let headEn: string;
  if (reason === 'no_votes_cast') {
    headFr = 'Aucun choix retenu, aucun suffrage exprimé';
    headEn = 'No option retained, no votes cast';
  } else if (advisory) {
    headFr = t.length && !w.length ? `Pas de préférence majoritaire, égalité entre ${quoted(t, 'et')}` : `Avis : préférence pour ${quoted(w, 'et')}${t.length ? `, égalité entre ${quoted(t, 'et')}` : ''}`;
    headEn = t.length && !w.length ? `No majority preference, tie between ${quotedEn(t)}` : `Opinion: preference for ${quotedEn(w)}${t.length ? `, tie between ${quotedEn(t)}` : ''}`;
  } else if (tied.length) {
    headFr = `Égalité entre ${quoted(t, 'et')} : ${w.length ? `seul${w.length > 1 ? 's' : ''} ${quoted(w, 'et')} retenu${w.length > 1 ? 's' : ''}` : 'aucun choix retenu'}`;
    headEn = `Tie between ${quotedEn(t)}: ${w.length ? `only ${quotedEn(w)} retained` : 'no option retained'}`;
  } else {
    headFr = `Retenu${w.length > 1 ? 's' : ''} : ${quoted(w, 'et')}${reason === 'tie_casting_vote' ? ' (voix prépondérante de la présidence)' : ''}`;
    headEn = `Retained: ${quotedEn(w)}${reason === 'tie_casting_vote' ? ' (chair’s casting vote)' : ''}`;
  }
  const ruleFr = advisory ? 'avis consultatif, le plus de voix' : 'le plus de voix l’emporte';
  const ruleEn = advisory ? 'advisory opinion, most votes' : 'most votes wins';
  return {
    outcome,
    reason,
    cast,
    counts: { pour: 0, contre: 0, abstention: blank },
    rule: advisory ? 'advisory' : 'simple_majority',
    winners,
    tied,
    optionCounts,
    blank,
    text: { fr: `${headFr} — ${list}, ${blankFr} (${ruleFr})`, en: `${headEn} — ${listEn}, ${blankEn} (${ruleEn})` }
  };
}
