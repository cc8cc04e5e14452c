import { describe, expect, it } from 'vitest';
import { DEFAULT_DOT_SETTINGS, checkPlaceDot, checkRemoveDot, clampIndex, progressOf, rankIdeas, resultsVisible, type DotSettings } from './dot-votes.ts';

const five: DotSettings = DEFAULT_DOT_SETTINGS;
const single: DotSettings = { dotsPerPerson: 3, allowStacking: false, resultsMode: 'hidden' };

describe('dot voting (issue 7: five dots each, stacking as the facilitator chooses)', () => {
  it('gives five dots per person by default, results shown live, stacking allowed', () => {
    expect(DEFAULT_DOT_SETTINGS).toEqual({ dotsPerPerson: 5, allowStacking: true, resultsMode: 'live' });
  });

  it('refuses a dot outside the voting phase', () => {
    expect(checkPlaceDot(five, 'grouping', {}, 'a')).toBe('not_voting');
    expect(checkPlaceDot(five, 'closed', {}, 'a')).toBe('not_voting');
    expect(checkRemoveDot('closed', { a: 1 }, 'a')).toBe('not_voting');
  });

  it('allows dots up to the number set, then refuses the next one', () => {
    expect(checkPlaceDot(five, 'voting', { a: 2, b: 2 }, 'c')).toBeNull();
    expect(checkPlaceDot(five, 'voting', { a: 3, b: 2 }, 'c')).toBe('no_dots_left');
    expect(checkPlaceDot(five, 'voting', { a: 5 }, 'a')).toBe('no_dots_left');
  });

  it('allows several dots on one idea only when stacking is on', () => {
    expect(checkPlaceDot(five, 'voting', { a: 1 }, 'a')).toBeNull();
    expect(checkPlaceDot(single, 'voting', { a: 1 }, 'a')).toBe('no_stacking');
    expect(checkPlaceDot(single, 'voting', { a: 1 }, 'b')).toBeNull();
  });

  it('takes back only a dot that is there', () => {
    expect(checkRemoveDot('voting', { a: 1 }, 'a')).toBeNull();
    expect(checkRemoveDot('voting', { a: 0 }, 'a')).toBe('no_dot_here');
    expect(checkRemoveDot('voting', {}, 'b')).toBe('no_dot_here');
  });

  it('never lets any sequence of place and remove exceed the limit (random walk)', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const settings of [five, single, { ...five, dotsPerPerson: 1 }]) {
      const mine: Record<string, number> = {};
      for (let step = 0; step < 2000; step++) {
        const idea = `i${Math.floor(rnd() * 6)}`;
        if (rnd() < 0.7) {
          if (checkPlaceDot(settings, 'voting', mine, idea) === null) mine[idea] = (mine[idea] ?? 0) + 1;
        } else if (checkRemoveDot('voting', mine, idea) === null) mine[idea] -= 1;
        const used = Object.values(mine).reduce((s, n) => s + n, 0);
        expect(used).toBeLessThanOrEqual(settings.dotsPerPerson);
        if (!settings.allowStacking) expect(Math.max(0, ...Object.values(mine))).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe('results shown live or hidden until everyone has voted', () => {
  const done = { used: 5, allowed: 5 };
  const half = { used: 2, allowed: 5 };
  it('shows nothing while grouping', () => {
    expect(resultsVisible(five, 'grouping', [done])).toBe(false);
  });
  it('shows live results at once in live mode', () => {
    expect(resultsVisible(five, 'voting', [half])).toBe(true);
  });
  it('hides results until every voter has placed all their dots', () => {
    expect(resultsVisible(single, 'voting', [])).toBe(false);
    expect(resultsVisible(single, 'voting', [done, half])).toBe(false);
    expect(resultsVisible(single, 'voting', [done, done])).toBe(true);
  });
  it('shows hidden results once voting is closed', () => {
    expect(resultsVisible(single, 'closed', [half])).toBe(true);
  });
  it('counts who has voted', () => {
    expect(progressOf([done, half, done])).toEqual({ voted: 2, voters: 3 });
  });
});

describe('ranking', () => {
  const ideas = [
    { id: 'a', order: 0 },
    { id: 'b', order: 1 },
    { id: 'c', order: 2 },
    { id: 'd', order: 3 }
  ];
  it('ranks by dots, leaves out ideas without dots, ties share a rank in board order', () => {
    expect(rankIdeas(ideas, { a: 2, b: 5, c: 2 })).toEqual([
      { id: 'b', dots: 5, rank: 1 },
      { id: 'a', dots: 2, rank: 2 },
      { id: 'c', dots: 2, rank: 2 }
    ]);
  });
  it('skips the ranks taken by a tie', () => {
    expect(rankIdeas(ideas, { a: 3, b: 3, c: 1 }).map((r) => r.rank)).toEqual([1, 1, 3]);
  });
  it('clamps a move position to the list', () => {
    expect(clampIndex(undefined, 4)).toBe(4);
    expect(clampIndex(-3, 4)).toBe(0);
    expect(clampIndex(9, 4)).toBe(4);
    expect(clampIndex(2.7, 4)).toBe(2);
  });
});
