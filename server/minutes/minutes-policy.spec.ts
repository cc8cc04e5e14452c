import { describe, expect, it } from 'vitest';
import { minutesRights, type MeetingStatus, type MinutesAsker, type MinutesState, type MinutesStatus } from './minutes-policy.ts';

const secretariat: MinutesAsker = { manager: true, tenantRep: false, member: true };
const tenantRep: MinutesAsker = { manager: false, tenantRep: true, member: true };
const member: MinutesAsker = { manager: false, tenantRep: false, member: true };
const stranger: MinutesAsker = { manager: false, tenantRep: false, member: false };

const state = (meetingStatus: MeetingStatus, status: MinutesStatus, exists = true): MinutesState => ({ meetingStatus, status, exists, generations: exists ? 1 : 0 });
const rights = (who: MinutesAsker, s: MinutesState) =>
  Object.entries(minutesRights(who, s))
    .filter(([, v]) => v)
    .map(([k]) => k)
    .join(' ');

// Issue 6: "the secretary and the association representatives finish it together; it is approved
// at the next meeting by a vote and then published to all members."
describe('minutes rights', () => {
  it.each([
    ['secretariat, meeting convened', secretariat, state('convened', 'draft', false), ''],
    ['secretariat, live meeting, nothing generated', secretariat, state('live', 'draft', false), 'read edit generate'],
    ['secretariat, closed meeting, draft', secretariat, state('closed', 'draft'), 'read edit generate submit'],
    ['secretariat, submitted', secretariat, state('closed', 'submitted'), 'read reopen linkApproval'],
    ['secretariat, approved', secretariat, state('closed', 'approved'), 'read publish'],
    ['secretariat, published', secretariat, state('closed', 'published'), 'read'],
    ['tenant representative, live meeting', tenantRep, state('live', 'draft'), ''],
    ['tenant representative, closed, nothing generated', tenantRep, state('closed', 'draft', false), ''],
    ['tenant representative, closed, draft', tenantRep, state('closed', 'draft'), 'read edit'],
    ['tenant representative, submitted', tenantRep, state('closed', 'submitted'), 'read'],
    ['tenant representative, published', tenantRep, state('closed', 'published'), 'read'],
    ['member, draft', member, state('closed', 'draft'), ''],
    ['member, approved (not yet published)', member, state('closed', 'approved'), ''],
    ['member, published', member, state('closed', 'published'), 'read'],
    ['someone outside the body, published', stranger, state('closed', 'published'), '']
  ])('%s: %s', (_name, who, s, expected) => {
    expect(rights(who, s)).toBe(expected);
  });

  it('never lets anyone edit once submitted', () => {
    for (const status of ['submitted', 'approved', 'published'] as const) {
      for (const who of [secretariat, tenantRep, member]) expect(minutesRights(who, state('closed', status)).edit).toBe(false);
    }
  });
});
