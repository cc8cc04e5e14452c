import { describe, expect, it } from 'vitest';
import { decideMotion, type Counts, type MotionInput, type VoteRule } from './vote-rules.ts';

const c = (pour: number, contre: number, abstention = 0): Counts => ({ pour, contre, abstention });
const decide = (rule: VoteRule, counts: Counts, extra: Partial<MotionInput> = {}) => decideMotion({ rule, counts, electorate: 8, ...extra });

describe('motion rules (domain brief, "Votes": rule chosen per body or per vote)', () => {
  it('words the result as the minutes do', () => {
    expect(decide('simple_majority', c(6, 1, 1)).text).toEqual({
      fr: 'Adopté : 6 pour, 1 contre, 1 abstention (majorité des suffrages exprimés)',
      en: 'Adopted: 6 for, 1 against, 1 abstention (majority of votes cast)'
    });
  });

  it.each([
    // rule, counts, extra, outcome, reason
    ['simple_majority', c(6, 1, 1), {}, 'adopted', 'majority'],
    ['simple_majority', c(3, 4, 0), {}, 'rejected', 'majority_against'],
    ['simple_majority', c(3, 3, 2), {}, 'rejected', 'tie'],
    ['simple_majority', c(3, 3, 2), { castingVote: 'pour' }, 'adopted', 'tie_casting_vote'],
    ['simple_majority', c(3, 3, 2), { castingVote: 'contre' }, 'rejected', 'tie_casting_vote'],
    ['simple_majority', c(0, 0, 8), {}, 'rejected', 'no_votes_cast'],
    ['simple_majority', c(1, 0, 7), {}, 'adopted', 'majority'],
    ['absolute_majority_members', c(5, 0, 3), { electorate: 8 }, 'adopted', 'absolute_majority'],
    ['absolute_majority_members', c(4, 0, 4), { electorate: 8 }, 'rejected', 'below_absolute_majority'],
    ['absolute_majority_members', c(4, 0, 0), { electorate: 7 }, 'adopted', 'absolute_majority'],
    ['absolute_majority_members', c(0, 0, 0), { electorate: 0 }, 'rejected', 'below_absolute_majority'],
    ['two_thirds', c(4, 2, 2), {}, 'adopted', 'two_thirds'],
    ['two_thirds', c(5, 3, 0), {}, 'rejected', 'below_two_thirds'],
    ['two_thirds', c(0, 0, 5), {}, 'rejected', 'no_votes_cast'],
    ['consensus', c(7, 0, 1), {}, 'adopted', 'consensus'],
    ['consensus', c(7, 1, 0), {}, 'rejected', 'objection'],
    ['consensus', c(0, 0, 8), {}, 'rejected', 'no_votes_cast'],
    ['advisory', c(5, 2, 1), {}, 'favourable', 'advisory'],
    ['advisory', c(2, 5, 1), {}, 'unfavourable', 'advisory'],
    ['advisory', c(3, 3, 0), {}, 'no_opinion', 'advisory']
  ] as const)('%s with %o %o → %s (%s)', (rule, counts, extra, outcome, reason) => {
    const r = decide(rule, counts, extra as Partial<MotionInput>);
    expect(r.outcome).toBe(outcome);
    expect(r.reason).toBe(reason);
  });

  describe('majority in each college (landlord side and tenant side separately)', () => {
    const each = (landlord: Counts, tenant: Counts) =>
      decide('majority_each_college', c(landlord.pour + tenant.pour, landlord.contre + tenant.contre, landlord.abstention + tenant.abstention), { colleges: { landlord, tenant } });

    it('adopts when both sides have a majority', () => {
      expect(each(c(3, 1), c(3, 1)).outcome).toBe('adopted');
    });
    it('rejects when the tenant side is against, whatever the total', () => {
      const r = each(c(4, 0), c(1, 3));
      expect(r.outcome).toBe('rejected');
      expect(r.reason).toBe('college_tenant_majority_against');
    });
    it('rejects when a college cast no vote (empty college)', () => {
      expect(each(c(4, 0), c(0, 0, 4)).reason).toBe('college_tenant_no_votes_cast');
    });
    it('refuses college counts that do not add up to the total', () => {
      expect(() => decide('majority_each_college', c(5, 0), { colleges: { landlord: c(3, 0), tenant: c(1, 0) } })).toThrow(RangeError);
    });
  });

  it('refuses negative or fractional counts', () => {
    expect(() => decide('simple_majority', c(-1, 0))).toThrow(RangeError);
    expect(() => decide('simple_majority', c(1.5, 0))).toThrow(RangeError);
  });

  it('counts add up and abstentions are never cast, whatever the rule (property)', () => {
    const rules: VoteRule[] = ['simple_majority', 'absolute_majority_members', 'two_thirds', 'consensus', 'advisory'];
    for (let i = 0; i < 2000; i++) {
      const counts = c(Math.floor(Math.random() * 50), Math.floor(Math.random() * 50), Math.floor(Math.random() * 50));
      const electorate = counts.pour + counts.contre + counts.abstention + Math.floor(Math.random() * 10);
      for (const rule of rules) {
        const r = decideMotion({ rule, counts, electorate });
        expect(r.cast).toBe(counts.pour + counts.contre);
        expect(r.counts).toEqual(counts);
        if (rule !== 'advisory') expect(['adopted', 'rejected']).toContain(r.outcome);
        // More votes for never turns an adoption into a rejection (monotonic).
        const more = decideMotion({ rule, counts: { ...counts, pour: counts.pour + 1 }, electorate: electorate + 1 });
        if (r.outcome === 'adopted' && rule !== 'absolute_majority_members') expect(more.outcome).toBe('adopted');
      }
    }
  });
});
