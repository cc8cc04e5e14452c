/**
 * Dot voting at a world-café harvest, as plain rules over plain data (no database, no transport).
 * The service applies them inside a transaction that holds the voter's row lock, and the
 * database's check constraint (`harvest_voters.dots_used <= dots_allowed`) backs the limit.
 */

export const RESULTS_MODES = ['live', 'hidden'] as const;
/** `live`: the ranking shows as dots are placed; `hidden`: only once everyone has voted or voting is closed. */
export type ResultsMode = (typeof RESULTS_MODES)[number];

export const HARVEST_PHASES = ['grouping', 'voting', 'closed'] as const;
export type HarvestPhase = (typeof HARVEST_PHASES)[number];

export interface DotSettings {
  dotsPerPerson: number;
  /** Several dots of one person on the same idea. */
  allowStacking: boolean;
  resultsMode: ResultsMode;
}

export const DEFAULT_DOT_SETTINGS: DotSettings = { dotsPerPerson: 5, allowStacking: true, resultsMode: 'live' };

export type DotRefusal = 'not_voting' | 'no_dots_left' | 'no_stacking' | 'no_dot_here';

/** May this voter put one more dot on `ideaId`? `mine` counts the voter's dots per idea. */
export function checkPlaceDot(settings: DotSettings, phase: HarvestPhase, mine: Record<string, number>, ideaId: string): DotRefusal | null {
  if (phase !== 'voting') return 'not_voting';
  const used = Object.values(mine).reduce((s, n) => s + n, 0);
  if (used >= settings.dotsPerPerson) return 'no_dots_left';
  if (!settings.allowStacking && (mine[ideaId] ?? 0) > 0) return 'no_stacking';
  return null;
}

/** May this voter take one of their dots back from `ideaId`? */
export function checkRemoveDot(phase: HarvestPhase, mine: Record<string, number>, ideaId: string): DotRefusal | null {
  if (phase !== 'voting') return 'not_voting';
  if ((mine[ideaId] ?? 0) <= 0) return 'no_dot_here';
  return null;
}

export interface VoterProgress {
  used: number;
  allowed: number;
}

/** Voters who have placed all their dots, out of those who joined the harvest. */
export function progressOf(voters: VoterProgress[]): { voted: number; voters: number } {
  return { voted: voters.filter((v) => v.allowed > 0 && v.used >= v.allowed).length, voters: voters.length };
}

/**
 * Whether the ranking may be shown: always in live mode; in hidden mode once voting is closed,
 * or once everyone who joined has placed all their dots (and at least one person has).
 */
export function resultsVisible(settings: DotSettings, phase: HarvestPhase, voters: VoterProgress[]): boolean {
  if (phase === 'grouping') return false;
  if (settings.resultsMode === 'live' || phase === 'closed') return true;
  const p = progressOf(voters);
  return p.voters > 0 && p.voted === p.voters;
}

export interface RankableIdea {
  id: string;
  /** Board order, to break ties the same way for everyone. */
  order: number;
}

export interface RankedIdea {
  id: string;
  dots: number;
  /** 1-based; ideas with as many dots share a rank ("ex aequo"), the next rank skips. */
  rank: number;
}

/** Ideas with at least one dot, most dots first; ties keep board order and share their rank. */
export function rankIdeas(ideas: RankableIdea[], dots: Record<string, number>): RankedIdea[] {
  const withDots = ideas
    .map((i) => ({ id: i.id, order: i.order, dots: dots[i.id] ?? 0 }))
    .filter((i) => i.dots > 0)
    .sort((a, b) => b.dots - a.dots || a.order - b.order);
  const out: RankedIdea[] = [];
  withDots.forEach((i, index) => {
    const rank = index > 0 && withDots[index - 1].dots === i.dots ? out[index - 1].rank : index + 1;
    out.push({ id: i.id, dots: i.dots, rank });
  });
  return out;
}

/** The position an item takes when moved to `index` of a list of `count` others (clamped). */
export function clampIndex(index: number | null | undefined, count: number): number {
  if (index === null || index === undefined || !Number.isFinite(index)) return count;
  return Math.max(0, Math.min(count, Math.trunc(index)));
}
