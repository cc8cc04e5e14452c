import { describe, expect, it } from 'vitest';
import { policy, type OrgAccess } from './policy.ts';

const access = (over: Partial<OrgAccess> = {}): OrgAccess => ({
  organisationId: 'org',
  personId: 'p',
  orgRole: 'member',
  bodyRoles: {},
  isPlatformAdmin: false,
  ...over
});

describe('policy', () => {
  it('shows an organisation only to its own people', () => {
    expect(policy.viewOrganisation(null)).toBe(false);
    expect(policy.viewOrganisation(access())).toBe(true);
    expect(policy.viewBody(null)).toBe(false);
  });

  it('lets only organisation admins manage people and create bodies', () => {
    expect(policy.managePeople(access())).toBe(false);
    expect(policy.managePeople(access({ orgRole: 'admin' }))).toBe(true);
    expect(policy.createBody(access({ bodyRoles: { b: 'secretary' } }))).toBe(false);
    expect(policy.createBody(access({ orgRole: 'admin' }))).toBe(true);
  });

  it("lets a body's secretary manage that body but not another", () => {
    const a = access({ bodyRoles: { b1: 'secretary', b2: 'member' } });
    expect(policy.manageBody(a, 'b1')).toBe(true);
    expect(policy.manageBody(a, 'b2')).toBe(false);
    expect(policy.manageBody(a, 'b3')).toBe(false);
  });

  it('never lets an observer write (domain brief: observers see, do not vote)', () => {
    const a = access({ bodyRoles: { b: 'observer' } });
    expect(policy.editBodyDocuments(a, 'b')).toBe(false);
    expect(policy.readBodyDocuments(a)).toBe(true);
    expect(policy.manageBody(a, 'b')).toBe(false);
  });

  it('lets members co-edit the texts of bodies they belong to only', () => {
    const a = access({ bodyRoles: { b: 'member' } });
    expect(policy.editBodyDocuments(a, 'b')).toBe(true);
    expect(policy.editBodyDocuments(a, 'other')).toBe(false);
  });

  it('treats a platform admin as admin of any organisation it is given access to', () => {
    const a = access({ isPlatformAdmin: true });
    expect(policy.managePeople(a)).toBe(true);
  });

  it('keeps a meeting to its body: a member of another body cannot join the room', () => {
    const a = access({ bodyRoles: { ccl: 'member' } });
    expect(policy.viewMeeting(a, 'ccl')).toBe(true);
    expect(policy.viewMeeting(a, 'other')).toBe(false);
    expect(policy.viewMeeting(access({ orgRole: 'admin' }), 'other')).toBe(true);
  });

  it('lets the chair and secretary run a meeting, and members take part, but not observers', () => {
    expect(policy.manageMeeting(access({ bodyRoles: { b: 'chair' } }), 'b')).toBe(true);
    expect(policy.manageMeeting(access({ bodyRoles: { b: 'secretary' } }), 'b')).toBe(true);
    expect(policy.manageMeeting(access({ bodyRoles: { b: 'member' } }), 'b')).toBe(false);
    expect(policy.takePartInMeeting(access({ bodyRoles: { b: 'member' } }), 'b')).toBe(true);
    expect(policy.takePartInMeeting(access({ bodyRoles: { b: 'observer' } }), 'b')).toBe(false);
  });
});
