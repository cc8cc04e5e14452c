import { describe, expect, it } from 'vitest';
import { decideChoice, decideMotion, type ChoiceInput, type Counts, type MotionInput, type VoteRule } from './vote-rules.ts';

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

describe('choice among options (issue 5: most votes wins, ties stated)', () => {
  const opts = (...labels: string[]) => labels.map((label, i) => ({ id: `o${i + 1}`, label }));
  const three = opts('ANTARGAZ', 'PRIMAGAZ', 'Butagaz');
  const choose = (optionCounts: Record<string, number>, extra: Partial<ChoiceInput> = {}) =>
    decideChoice({ options: three, optionCounts, blank: 0, seats: 1, ...extra });

  it('words the result for the minutes, in French and English', () => {
    expect(choose({ o1: 5, o2: 2 }, { blank: 1 }).text).toEqual({
      fr: 'Retenu : « ANTARGAZ » — ANTARGAZ 5 voix, PRIMAGAZ 2 voix, Butagaz 0 voix, 1 bulletin blanc (le plus de voix l’emporte)',
      en: 'Retained: “ANTARGAZ” — ANTARGAZ 5 votes, PRIMAGAZ 2 votes, Butagaz 0 votes, 1 blank ballot (most votes wins)'
    });
    expect(choose({ o1: 3, o2: 3 }).text.fr).toBe('Égalité entre « ANTARGAZ » et « PRIMAGAZ » : aucun choix retenu — ANTARGAZ 3 voix, PRIMAGAZ 3 voix, Butagaz 0 voix, 0 bulletin blanc (le plus de voix l’emporte)');
  });

  it.each([
    // counts, extra, outcome, reason, winners, tied
    [{ o1: 5, o2: 2, o3: 1 }, {}, 'adopted', 'most_votes', ['o1'], []],
    [{ o1: 2, o2: 5, o3: 1 }, {}, 'adopted', 'most_votes', ['o2'], []],
    [{ o1: 3, o2: 3, o3: 1 }, {}, 'rejected', 'tie', [], ['o1', 'o2']],
    [{ o1: 3, o2: 3, o3: 3 }, {}, 'rejected', 'tie', [], ['o1', 'o2', 'o3']],
    [{ o1: 3, o2: 3 }, { castingVote: 'o2' }, 'adopted', 'tie_casting_vote', ['o2'], []],
    // A casting vote for an option not in the tie changes nothing.
    [{ o1: 3, o2: 3 }, { castingVote: 'o3' }, 'rejected', 'tie', [], ['o1', 'o2']],
    [{}, { blank: 6 }, 'rejected', 'no_votes_cast', [], []],
    [{ o1: 0, o2: 0, o3: 0 }, {}, 'rejected', 'no_votes_cast', [], []],
    // Multiple choice, two retained.
    [{ o1: 5, o2: 4, o3: 1 }, { seats: 2 }, 'adopted', 'most_votes', ['o1', 'o2'], []],
    [{ o1: 5, o2: 4, o3: 4 }, { seats: 2 }, 'rejected', 'tie', ['o1'], ['o2', 'o3']],
    [{ o1: 5, o2: 4, o3: 4 }, { seats: 2, castingVote: 'o3' }, 'adopted', 'tie_casting_vote', ['o1', 'o3'], []],
    [{ o1: 4, o2: 4, o3: 1 }, { seats: 2 }, 'adopted', 'most_votes', ['o1', 'o2'], []],
    // Only options with votes are retained.
    [{ o1: 4 }, { seats: 2 }, 'adopted', 'most_votes', ['o1'], []],
    // Advisory: a preference, nothing adopted.
    [{ o1: 5, o2: 2 }, { advisory: true }, 'favourable', 'most_votes', ['o1'], []],
    [{ o1: 2, o2: 2 }, { advisory: true }, 'no_opinion', 'tie', [], ['o1', 'o2']]
  ] as const)('%o %o → %s (%s)', (optionCounts, extra, outcome, reason, winners, tied) => {
    const r = choose(optionCounts, extra as Partial<ChoiceInput>);
    expect(r.outcome).toBe(outcome);
    expect(r.reason).toBe(reason);
    expect(r.winners).toEqual(winners);
    expect(r.tied).toEqual(tied);
  });

  it('refuses bad input: unknown options, negative counts, impossible seats', () => {
    expect(() => choose({ o9: 1 })).toThrow(RangeError);
    expect(() => choose({ o1: -1 })).toThrow(RangeError);
    expect(() => choose({ o1: 1 }, { blank: 0.5 })).toThrow(RangeError);
    expect(() => choose({ o1: 1 }, { seats: 4 })).toThrow(RangeError);
    expect(() => choose({ o1: 1 }, { seats: 0 })).toThrow(RangeError);
  });

  it('counts add up, winners have the most votes, ties are never silently broken (property)', () => {
    for (let i = 0; i < 2000; i++) {
      const n = 2 + Math.floor(Math.random() * 5);
      const options = opts(...Array.from({ length: n }, (_, k) => `Option ${k + 1}`));
      const optionCounts = Object.fromEntries(options.map((o) => [o.id, Math.floor(Math.random() * 6)]));
      const seats = 1 + Math.floor(Math.random() * n);
      const blank = Math.floor(Math.random() * 4);
      const r = decideChoice({ options, optionCounts, blank, seats });
      const values = Object.values(optionCounts);
      expect(r.cast).toBe(values.reduce((a, b) => a + b, 0));
      expect(r.counts).toEqual({ pour: 0, contre: 0, abstention: blank });
      expect(r.optionCounts).toEqual(optionCounts);
      expect(r.winners.length + r.tied.length).toBeLessThanOrEqual(Math.max(seats, r.winners.length + r.tied.length));
      expect(r.winners.length).toBeLessThanOrEqual(seats);
      // Every winner has more votes than every option neither retained nor tied.
      const others = options.filter((o) => !r.winners.includes(o.id) && !r.tied.includes(o.id)).map((o) => optionCounts[o.id]);
      for (const w of r.winners) {
        expect(optionCounts[w]).toBeGreaterThan(0);
        for (const x of others) expect(optionCounts[w]).toBeGreaterThanOrEqual(x);
      }
      // Tied options all have the same count, and more would not fit the seats left.
      if (r.tied.length) {
        expect(new Set(r.tied.map((t) => optionCounts[t])).size).toBe(1);
        expect(r.winners.length + r.tied.length).toBeGreaterThan(seats);
        expect(r.outcome).toBe('rejected');
      }
      if (r.outcome === 'adopted') expect(r.tied).toEqual([]);
    }
  });
});
