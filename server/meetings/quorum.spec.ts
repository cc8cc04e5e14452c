import { describe, expect, it } from 'vitest';
import { computeQuorum, moreThanHalf, type AttendanceStatus, type College, type VotingMember } from './quorum.ts';

const member = (college: College, status: AttendanceStatus, votingRight = true, id = Math.random().toString(36)): VotingMember => ({
  personId: id,
  college,
  status,
  votingRight
});

// A CCL at parity: 4 landlord, 4 tenant representatives (domain brief: "Bodies").
const parity = (landlordPresent: number, tenantPresent: number, tenantRepresented = 0): VotingMember[] => [
  ...Array.from({ length: 4 }, (_, i) => member('landlord', i < landlordPresent ? 'present_room' : 'absent')),
  ...Array.from({ length: 4 }, (_, i) =>
    member('tenant', i < tenantPresent ? 'present_remote' : i < tenantPresent + tenantRepresented ? 'represented' : 'excused')
  )
];

describe('quorum (domain brief: no legal rule for a CCL; chosen per body)', () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 2],
    [7, 4],
    [8, 5],
    [0, 1]
  ])('more than half of %i members is %i', (n, expected) => {
    expect(moreThanHalf(n)).toBe(expected);
  });

  it('is met with 5 of 8 voting members present or represented, not with 4', () => {
    expect(computeQuorum({ kind: 'majority' }, parity(3, 1, 1))).toMatchObject({ members: 8, present: 4, represented: 1, counted: 5, required: 5, met: true });
    expect(computeQuorum({ kind: 'majority' }, parity(2, 1, 1)).met).toBe(false);
  });

  it('counts only members with a voting right', () => {
    const members = [...parity(2, 2), member('other', 'present_room', false), member('landlord', 'present_room', false)];
    expect(computeQuorum({ kind: 'majority' }, members)).toMatchObject({ members: 8, counted: 4, met: false });
  });

  it('per college: a full landlord side does not make up for an empty tenant side', () => {
    const r = computeQuorum({ kind: 'majority_per_college' }, parity(4, 0, 1));
    expect(r.colleges?.landlord).toMatchObject({ counted: 4, required: 3, met: true });
    expect(r.colleges?.tenant).toMatchObject({ counted: 1, required: 3, met: false });
    expect(r.met).toBe(false);
    expect(computeQuorum({ kind: 'majority_per_college' }, parity(3, 2, 1)).met).toBe(true);
  });

  it('per college: a college with no voting members does not block', () => {
    const members = [member('landlord', 'present_room'), member('landlord', 'absent')];
    expect(computeQuorum({ kind: 'majority_per_college' }, members).met).toBe(false);
    expect(computeQuorum({ kind: 'majority_per_college' }, [member('landlord', 'present_room'), member('landlord', 'present_room')]).met).toBe(true);
  });

  it('fixed number and none', () => {
    expect(computeQuorum({ kind: 'fixed', count: 3 }, parity(2, 1))).toMatchObject({ required: 3, counted: 3, met: true });
    expect(computeQuorum({ kind: 'fixed', count: 4 }, parity(2, 1)).met).toBe(false);
    expect(computeQuorum({ kind: 'none' }, parity(0, 0)).met).toBe(true);
  });

  it('never counts a member twice and counts add up', () => {
    for (let trial = 0; trial < 200; trial++) {
      const statuses: AttendanceStatus[] = ['present_room', 'present_remote', 'excused', 'absent', 'represented'];
      const members = Array.from({ length: 1 + Math.floor(Math.random() * 30) }, () =>
        member(Math.random() < 0.5 ? 'landlord' : 'tenant', statuses[Math.floor(Math.random() * 5)], Math.random() < 0.8)
      );
      const r = computeQuorum({ kind: 'majority' }, members);
      expect(r.counted).toBe(r.present + r.represented);
      expect(r.counted).toBeLessThanOrEqual(r.members);
      expect(r.met).toBe(r.counted >= r.required);
    }
  });
});
