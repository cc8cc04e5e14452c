import type { College } from './quorum.ts';

/**
 * Proxies (*pouvoirs*): a member who cannot come lets another member act for them. Rules are set
 * per body; the default is one proxy per holder, within the same college, only to a member with a
 * voting right (domain brief, "Votes": proxies between members are common).
 */
export interface ProxyRule {
  maxPerHolder: number;
  sameCollege: boolean;
  holderMustHaveVotingRight: boolean;
}

export const DEFAULT_PROXY_RULE: ProxyRule = { maxPerHolder: 1, sameCollege: true, holderMustHaveVotingRight: true };

export interface ProxyParty {
  personId: string;
  college: College;
  votingRight: boolean;
  /** Is this person represented by someone else already (then they can't hold a proxy)? */
  represented: boolean;
}

export type ProxyRefusal =
  | { code: 'self' }
  | { code: 'giver_no_vote' }
  | { code: 'holder_no_vote' }
  | { code: 'different_college'; giverCollege: College; holderCollege: College }
  | { code: 'holder_full'; max: number }
  | { code: 'holder_represented' }
  | { code: 'giver_holds_proxies' };

/**
 * Checks one proxy against the rule. `holderCurrentProxies` counts the proxies the holder
 * already holds in this meeting (not counting one from this giver).
 */
export function checkProxy(rule: ProxyRule, giver: ProxyParty, holder: ProxyParty, holderCurrentProxies: number, giverHeldProxies = 0): ProxyRefusal | null {
  if (giver.personId === holder.personId) return { code: 'self' };
  if (!giver.votingRight) return { code: 'giver_no_vote' };
  if (rule.holderMustHaveVotingRight && !holder.votingRight) return { code: 'holder_no_vote' };
  if (rule.sameCollege && giver.college !== holder.college) return { code: 'different_college', giverCollege: giver.college, holderCollege: holder.college };
  if (holder.represented) return { code: 'holder_represented' };
  // Proxies do not chain: someone who holds proxies and leaves must hand them back first.
  if (giverHeldProxies > 0) return { code: 'giver_holds_proxies' };
  if (holderCurrentProxies >= rule.maxPerHolder) return { code: 'holder_full', max: rule.maxPerHolder };
  return null;
}

const COLLEGE = {
  landlord: { fr: 'bailleur', en: 'landlord' },
  tenant: { fr: 'locataires', en: 'tenants' },
  other: { fr: 'autre', en: 'other' }
} as const;

/** Why a proxy was refused, in words a member understands. */
export function explainProxyRefusal(r: ProxyRefusal): { fr: string; en: string } {
  switch (r.code) {
    case 'self':
      return { fr: 'On ne peut pas se donner pouvoir à soi-même.', en: 'You cannot give a proxy to yourself.' };
    case 'giver_no_vote':
      return { fr: "Ce membre n'a pas le droit de vote : il n'a pas de pouvoir à donner.", en: 'This member has no voting right, so no proxy to give.' };
    case 'holder_no_vote':
      return { fr: "Le pouvoir ne peut être donné qu'à un membre qui a le droit de vote.", en: 'A proxy can only be given to a member with a voting right.' };
    case 'different_college':
      return {
        fr: `Le pouvoir doit rester dans le même collège (${COLLEGE[r.giverCollege].fr}), or ce membre est du collège ${COLLEGE[r.holderCollege].fr}.`,
        en: `The proxy must stay within the same college (${COLLEGE[r.giverCollege].en}), but this member is in the ${COLLEGE[r.holderCollege].en} college.`
      };
    case 'holder_full':
      return {
        fr: `Ce membre détient déjà ${r.max === 1 ? 'un pouvoir' : `${r.max} pouvoirs`}, le maximum permis par cette instance.`,
        en: `This member already holds ${r.max === 1 ? 'a proxy' : `${r.max} proxies`}, the most this body allows.`
      };
    case 'holder_represented':
      return { fr: 'Ce membre est lui-même représenté : il ne peut pas recevoir de pouvoir.', en: 'This member is represented by someone else and cannot hold a proxy.' };
    case 'giver_holds_proxies':
      return { fr: "Ce membre détient des pouvoirs : ils doivent d'abord être rendus.", en: 'This member holds proxies: they must be handed back first.' };
  }
}
