import { describe, expect, it } from 'vitest';
import type { OrgAccess } from '../auth/policy.ts';
import { allowedTransition, charterPolicy } from './charter-policy.ts';
import { CHARTER_STATUSES } from './charters.schemas.ts';

const BODY = 'b1';
const access = (role: OrgAccess['bodyRoles'][string] | null, orgRole: OrgAccess['orgRole'] = 'member'): OrgAccess => ({
  organisationId: 'o1',
  personId: 'p1',
  orgRole,
  bodyRoles: role ? { [BODY]: role } : {},
  isPlatformAdmin: false
});

describe('charter policy', () => {
  it('lets members edit a draft or a text in review, never an adopted one; observers and other bodies never', () => {
    expect(charterPolicy.edit(access('member'), BODY, 'draft')).toBe(true);
    expect(charterPolicy.edit(access('member'), BODY, 'in_review')).toBe(true);
    for (const s of ['adopted', 'signed', 'published'] as const) expect(charterPolicy.edit(access('secretary', 'admin'), BODY, s)).toBe(false);
    expect(charterPolicy.edit(access('observer'), BODY, 'draft')).toBe(false);
    expect(charterPolicy.edit(access(null), BODY, 'draft')).toBe(false);
    expect(charterPolicy.read(access(null))).toBe(true);
    expect(charterPolicy.read(null)).toBe(false);
  });

  it('lets only the chair, secretary or admin manage; signing only once adopted', () => {
    expect(charterPolicy.manage(access('chair'), BODY)).toBe(true);
    expect(charterPolicy.manage(access('member'), BODY)).toBe(false);
    expect(charterPolicy.sign(access('member'), BODY, 'in_review')).toBe(false);
    expect(charterPolicy.sign(access('member'), BODY, 'adopted')).toBe(true);
    expect(charterPolicy.sign(access('observer'), BODY, 'adopted')).toBe(false);
  });

  it('never lets a person set “adopted”: only draft ⇄ in review, adopted → signed → published', () => {
    const allowed = CHARTER_STATUSES.flatMap((from) => CHARTER_STATUSES.filter((to) => allowedTransition(from, to)).map((to) => `${from}→${to}`));
    expect(allowed).toEqual(['draft→in_review', 'in_review→draft', 'adopted→signed', 'signed→published']);
  });
});
