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
