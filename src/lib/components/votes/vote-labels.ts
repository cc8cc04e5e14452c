import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import type { LiveVote, VoteChoice, VoteCollege, VoteMode, VoteRule } from '$lib/protocol/vote-state';

/** Words for the vote codes, in the page's language (never the raw code). */

export function choiceLabel(choice: VoteChoice | string): string {
  switch (choice) {
    case 'pour':
      return m.vote_choice_pour();
    case 'contre':
      return m.vote_choice_contre();
    case 'abstention':
      return m.vote_choice_abstention();
    default:
      return choice;
  }
}

/** The choice as a word inside a sentence: « pour », “for”. */
export function choiceWord(choice: VoteChoice | string): string {
  switch (choice) {
    case 'pour':
      return m.vote_word_pour();
    case 'contre':
      return m.vote_word_contre();
    case 'abstention':
      return m.vote_word_abstention();
    default:
      return choice;
  }
}

/** The full label of a ballot button: screen-reader users hear exactly what it does. */
export function castButtonLabel(choice: VoteChoice, proxyName: string | null): string {
  if (proxyName) {
    if (choice === 'pour') return m.vote_button_pour_for({ name: proxyName });
    if (choice === 'contre') return m.vote_button_contre_for({ name: proxyName });
    return m.vote_button_abstention_for({ name: proxyName });
  }
  if (choice === 'pour') return m.vote_button_pour();
  if (choice === 'contre') return m.vote_button_contre();
  return m.vote_button_abstention();
}

export function ruleLabel(rule: VoteRule | string): string {
  switch (rule) {
    case 'simple_majority':
      return m.vote_rule_simple_majority();
    case 'absolute_majority_members':
      return m.vote_rule_absolute_majority_members();
    case 'two_thirds':
      return m.vote_rule_two_thirds();
    case 'majority_each_college':
      return m.vote_rule_majority_each_college();
    case 'consensus':
      return m.vote_rule_consensus();
    case 'advisory':
      return m.vote_rule_advisory();
    default:
      return rule;
  }
}

export function modeLabel(mode: VoteMode): string {
  if (mode === 'device') return m.vote_mode_device();
  if (mode === 'hybrid') return m.vote_mode_hybrid();
  return m.vote_mode_hands();
}

export function collegeLabel(college: VoteCollege): string {
  if (college === 'landlord') return m.vote_college_landlord();
  if (college === 'tenant') return m.vote_college_tenant();
  return m.vote_college_other();
}

/** The service's bilingual sentence in the page's language. */
export const localText = (text: { fr: string; en: string }) => (getLocale() === 'en' ? text.en : text.fr);

export interface Bar {
  key: string;
  label: string;
  count: number;
}

/** The bars of a vote's tally: pour / contre / abstention, or one per option of a choice vote. */
export function barsOf(vote: LiveVote): Bar[] | null {
  const tally = vote.tally;
  if (!tally) return null;
  if (vote.kind === 'choice' && vote.options) {
    const bars = vote.options.map((o) => ({ key: o.id, label: o.label, count: tally.options?.[o.id] ?? 0 }));
    if (tally.total?.abstention) bars.push({ key: 'abstention', label: m.vote_choice_abstention(), count: tally.total.abstention });
    return bars;
  }
  return (['pour', 'contre', 'abstention'] as const).map((c) => ({ key: c, label: choiceLabel(c), count: tally.total[c] }));
}

/** Device ballots the vote has received, against the frozen electorate. */
export const participationText = (vote: LiveVote) => m.vote_participation({ count: vote.participation, total: vote.electorateSize });
