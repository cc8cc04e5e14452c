import { m } from '$lib/paraglide/messages';

/** The words for a voting rule and a register entry's kind, in the page's language. */
const RULES: Record<string, () => string> = {
  simple_majority: () => m.dec_rule_simple_majority(),
  absolute_majority_members: () => m.dec_rule_absolute_majority_members(),
  two_thirds: () => m.dec_rule_two_thirds(),
  majority_each_college: () => m.dec_rule_majority_each_college(),
  consensus: () => m.dec_rule_consensus(),
  advisory: () => m.dec_rule_advisory()
};

export const RULE_VALUES = Object.keys(RULES);

export const ruleText = (rule: string) => RULES[rule]?.() ?? rule;

const KINDS: Record<string, () => string> = {
  decision: () => m.dec_kind_decision(),
  opinion: () => m.dec_kind_opinion(),
  choice: () => m.dec_kind_choice()
};

export const kindText = (kind: string) => KINDS[kind]?.() ?? kind;
