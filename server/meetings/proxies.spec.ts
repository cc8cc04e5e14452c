import { describe, expect, it } from 'vitest';
import { checkProxy, DEFAULT_PROXY_RULE, explainProxyRefusal, type ProxyParty } from './proxies.ts';

const p = (personId: string, over: Partial<ProxyParty> = {}): ProxyParty => ({ personId, college: 'tenant', votingRight: true, represented: false, ...over });

describe('proxy rules (domain brief: proxies between members; default one per holder, same college, holder votes)', () => {
  it('accepts a proxy between two voting tenant representatives', () => {
    expect(checkProxy(DEFAULT_PROXY_RULE, p('a'), p('b'), 0)).toBeNull();
  });

  it.each([
    ['to oneself', p('a'), p('a'), 0, 'self'],
    ['from a member without a vote', p('a', { votingRight: false }), p('b'), 0, 'giver_no_vote'],
    ['to a member without a vote', p('a'), p('b', { votingRight: false }), 0, 'holder_no_vote'],
    ['across colleges', p('a'), p('b', { college: 'landlord' }), 0, 'different_college'],
    ['to a holder who already has one', p('a'), p('b'), 1, 'holder_full'],
    ['to someone who is represented', p('a'), p('b', { represented: true }), 0, 'holder_represented']
  ])('refuses a proxy %s', (_label, giver, holder, held, code) => {
    expect(checkProxy(DEFAULT_PROXY_RULE, giver, holder, held)?.code).toBe(code);
  });

  it('refuses chains: a holder must hand proxies back before giving their own', () => {
    expect(checkProxy(DEFAULT_PROXY_RULE, p('a'), p('b'), 0, 1)?.code).toBe('giver_holds_proxies');
  });

  it('follows a looser body rule', () => {
    const rule = { maxPerHolder: 2, sameCollege: false, holderMustHaveVotingRight: false };
    expect(checkProxy(rule, p('a'), p('b', { college: 'landlord', votingRight: false }), 1)).toBeNull();
    expect(checkProxy(rule, p('a'), p('b'), 2)?.code).toBe('holder_full');
  });

  it('explains every refusal in French and English', () => {
    const refusal = checkProxy(DEFAULT_PROXY_RULE, p('a'), p('b', { college: 'landlord' }), 0)!;
    const text = explainProxyRefusal(refusal);
    expect(text.fr).toContain('même collège (locataires)');
    expect(text.en).toContain('same college (tenants)');
    expect(explainProxyRefusal({ code: 'holder_full', max: 2 }).fr).toContain('2 pouvoirs');
  });
});
