/**
 * Quorum, computed from attendance. The law sets no rule for a CCL (domain brief, "Votes"), so
 * each body chooses: more than half of its voting members present or represented (default),
 * the same in each college, a fixed number, or none.
 */
export type College = 'landlord' | 'tenant' | 'other';
export type AttendanceStatus = 'present_room' | 'present_remote' | 'excused' | 'absent' | 'represented';

export type QuorumRule =
  | { kind: 'majority' }
  | { kind: 'majority_per_college' }
  | { kind: 'fixed'; count: number }
  | { kind: 'none' };

export const DEFAULT_QUORUM_RULE: QuorumRule = { kind: 'majority' };

export interface VotingMember {
  personId: string;
  college: College;
  votingRight: boolean;
  status: AttendanceStatus;
}

export interface QuorumCount {
  /** Voting members of the body (or the college). */
  members: number;
  present: number;
  represented: number;
  /** Present or represented, the figure compared with `required`. */
  counted: number;
  required: number;
  met: boolean;
}

export interface QuorumResult extends QuorumCount {
  rule: QuorumRule;
  /** Per college, filled for `majority_per_college` (landlord and tenant sides). */
  colleges?: Partial<Record<College, QuorumCount>>;
}

const isPresent = (s: AttendanceStatus) => s === 'present_room' || s === 'present_remote';

function count(members: VotingMember[], required: (n: number) => number): QuorumCount {
  const voting = members.filter((m) => m.votingRight);
  const present = voting.filter((m) => isPresent(m.status)).length;
  const represented = voting.filter((m) => m.status === 'represented').length;
  const counted = present + represented;
  const req = required(voting.length);
  return { members: voting.length, present, represented, counted, required: req, met: counted >= req };
}

/** "More than half": 8 members need 5, 7 need 4. */
export const moreThanHalf = (n: number) => Math.floor(n / 2) + 1;

export function computeQuorum(rule: QuorumRule, members: VotingMember[]): QuorumResult {
  switch (rule.kind) {
    case 'none': {
      const c = count(members, () => 0);
      return { ...c, rule, met: true };
    }
    case 'fixed':
      return { ...count(members, () => rule.count), rule };
    case 'majority':
      return { ...count(members, moreThanHalf), rule };
    case 'majority_per_college': {
      const overall = count(members, moreThanHalf);
      const colleges: Partial<Record<College, QuorumCount>> = {};
      for (const college of ['landlord', 'tenant'] as const) {
        colleges[college] = count(
          members.filter((m) => m.college === college),
          moreThanHalf
        );
      }
      // A college with no voting member cannot hold a meeting up, but it cannot make one either.
      const met = (['landlord', 'tenant'] as const).every((c) => colleges[c]!.members === 0 || colleges[c]!.met) && overall.counted > 0;
      return { ...overall, rule, met, colleges };
    }
  }
}
