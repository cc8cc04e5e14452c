import { describe, expect, it } from 'vitest';
import {
  planQuality,
  planRotation,
  randomPlan,
  seededRandom,
  tableOf,
  validatePlan,
  type College,
  type RotationInput,
  type RotationParticipant,
  type RotationTable
} from './rotation.ts';

function makeInput(people: number, tableCount: number, rounds: number, seed: number, withHosts = true): RotationInput {
  const rnd = seededRandom(seed * 7919 + people);
  const colleges: College[] = ['landlord', 'tenant', 'tenant', 'other'];
  const participants: RotationParticipant[] = Array.from({ length: people }, (_, i) => ({
    id: `p${i}`,
    college: colleges[Math.floor(rnd() * colleges.length)]
  }));
  const tables: RotationTable[] = Array.from({ length: tableCount }, (_, i) => ({
    id: `t${i}`,
    hostId: withHosts && i < people ? `p${i}` : null
  }));
  return { tables, participants, rounds, seed };
}

function tableSizes(input: RotationInput, round: Record<string, string>): number[] {
  return input.tables.map((t) => Object.values(round).filter((x) => x === t.id).length);
}

// Deterministic sample of sizes: 6–60 people, 2–8 tables, 2–5 rounds, several seeds.
const cases: Array<[number, number, number, number]> = [];
{
  const rnd = seededRandom(20240606);
  for (let i = 0; i < 160; i++) {
    const tables = 2 + Math.floor(rnd() * 7);
    const people = Math.max(6, tables * 2) + Math.floor(rnd() * (61 - Math.max(6, tables * 2)));
    cases.push([people, tables, 2 + Math.floor(rnd() * 4), 1 + Math.floor(rnd() * 1000)]);
  }
}

describe('rotation plan (world café, DOMAIN.md: hosts stay, participants rotate)', () => {
  it('keeps every guarantee over 160 sizes and seeds (hosts stay, a new table each round, even tables)', () => {
    for (const [people, tableCount, rounds, seed] of cases) {
      const input = makeInput(people, tableCount, rounds, seed);
      const plan = planRotation({ ...input, iterations: 4000 });
      const label = `${people} people, ${tableCount} tables, ${rounds} rounds, seed ${seed}`;
      expect(plan.rounds, label).toHaveLength(rounds);
      expect(validatePlan(input, plan).filter((v) => v.severity === 'error' || v.kind === 'unbalanced'), label).toEqual([]);
      for (const t of input.tables) {
        for (let r = 0; r < rounds; r++) {
          if (t.hostId) expect(tableOf(input, plan, t.hostId, r), label).toBe(t.id);
          if (t.hostId) expect(plan.rounds[r][t.hostId], label).toBeUndefined();
        }
      }
      for (const p of input.participants) {
        if (input.tables.some((t) => t.hostId === p.id)) continue;
        const visited = plan.rounds.map((r) => r[p.id]);
        const firstCycle = visited.slice(0, tableCount);
        expect(new Set(firstCycle).size, label).toBe(firstCycle.length);
        for (let r = 1; r < rounds; r++) expect(visited[r], label).not.toBe(visited[r - 1]);
      }
      for (const round of plan.rounds) {
        const sizes = tableSizes(input, round);
        expect(Math.max(...sizes) - Math.min(...sizes), label).toBeLessThanOrEqual(1);
      }
    }
  });

  it('is deterministic: same input and seed, same plan; another seed, another plan', () => {
    const input = makeInput(24, 3, 3, 42);
    expect(planRotation(input)).toEqual(planRotation(input));
    expect(planRotation({ ...input, seed: 43 }).rounds).not.toEqual(planRotation(input).rounds);
  });

  it('meets more new people than a random plan that obeys the same rule, and mixes both sides (quality printed)', () => {
    const sizes: Array<[number, number, number]> = [
      [24, 3, 3],
      [12, 4, 4],
      [30, 5, 3],
      [40, 6, 4],
      [60, 8, 3],
      [60, 8, 5]
    ];
    const lines: string[] = ['rotation quality: average distinct people met per participant (hosts count), mean of 5 seeds'];
    for (const [people, tables, rounds] of sizes) {
      const sum = { planned: 0, ceiling: 0, free: 0, ordered: 0, mixed: 0, freeMixed: 0 };
      const seeds = [1, 2, 3, 4, 5];
      for (const seed of seeds) {
        const input = makeInput(people, tables, rounds, seed);
        const q = planQuality(input, planRotation(input));
        const free = planQuality(input, randomPlan(input, 'valid'));
        sum.planned += q.averageMet / seeds.length;
        sum.ceiling += q.ceiling / seeds.length;
        sum.mixed += q.mixedTableShare / seeds.length;
        sum.free += free.averageMet / seeds.length;
        sum.freeMixed += free.mixedTableShare / seeds.length;
        sum.ordered += planQuality(input, randomPlan(input, 'free')).averageMet / seeds.length;
      }
      lines.push(
        `  ${people} people / ${tables} tables / ${rounds} rounds: planned ${sum.planned.toFixed(2)} (ceiling ${sum.ceiling.toFixed(2)}) ` +
          `vs random plan obeying the rotation rule ${sum.free.toFixed(2)} (random plan ignoring it: ${sum.ordered.toFixed(2)}); ` +
          `tables mixing landlord and tenant sides ${(sum.mixed * 100).toFixed(0)}% vs random ${(sum.freeMixed * 100).toFixed(0)}%`
      );
      expect(sum.planned).toBeGreaterThan(sum.free);
      expect(sum.mixed).toBeGreaterThanOrEqual(sum.freeMixed);
    }
    console.log(lines.join('\n'));
  });

  it('re-plans only the remaining rounds for a late arrival and a departure', () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const input = makeInput(24, 3, 3, seed);
      const plan = planRotation(input);
      const leaving = 'p10';
      const participants: RotationParticipant[] = [...input.participants.filter((p) => p.id !== leaving), { id: 'late1', college: 'tenant' }, { id: 'late2', college: 'landlord' }];
      const next = planRotation({ ...input, participants, fixedRounds: plan.rounds.slice(0, 1) });
      expect(next.rounds[0]).toEqual(plan.rounds[0]);
      for (const r of [1, 2]) {
        expect(next.rounds[r][leaving]).toBeUndefined();
        expect(next.rounds[r].late1).toBeDefined();
        expect(next.rounds[r].late2).toBeDefined();
      }
      const after = { ...input, participants };
      expect(validatePlan(after, next, 1).filter((v) => v.severity === 'error')).toEqual([]);
      for (const round of next.rounds.slice(1)) {
        const sizes = tableSizes(after, round);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('re-plans after two rounds of four, late arrivals included, over many sizes', () => {
    for (const [people, tableCount, , seed] of cases.slice(0, 60)) {
      const input = makeInput(people, tableCount, 4, seed);
      const plan = planRotation({ ...input, iterations: 2000 });
      const participants = [...input.participants.filter((_, i) => i % 5 !== 4 || i < tableCount), { id: 'late', college: 'other' as const }];
      const next = planRotation({ ...input, participants, fixedRounds: plan.rounds.slice(0, 2), iterations: 2000 });
      expect(next.rounds.slice(0, 2)).toEqual(plan.rounds.slice(0, 2));
      expect(validatePlan({ ...input, participants }, next, 2).filter((v) => v.severity === 'error')).toEqual([]);
    }
  });

  it('reports the violations of a hand-edited plan', () => {
    const input = makeInput(12, 3, 3, 9);
    const plan = planRotation(input);
    const someone = input.participants.find((p) => !input.tables.some((t) => t.hostId === p.id))!.id;
    const edited = structuredClone(plan.rounds);
    edited[1][someone] = edited[0][someone]; // same table twice
    edited[2]['p0'] = 't2'; // a host sent elsewhere
    edited[2][input.participants[5].id] = 'nowhere';
    const kinds = validatePlan(input, { rounds: edited }).map((v) => `${v.kind}@${v.round}`);
    expect(kinds).toContain('table_repeated@2');
    expect(kinds).toContain('host_moved@3');
    expect(kinds).toContain('unknown_table@3');
    delete edited[0][input.participants[6].id];
    expect(validatePlan(input, { rounds: edited }).map((v) => v.kind)).toContain('missing_participant');
  });

  it('copes with a table without host, more rounds than tables, and tiny groups', () => {
    const input = makeInput(7, 2, 5, 3, false);
    const plan = planRotation(input);
    expect(validatePlan(input, plan).filter((v) => v.severity === 'error')).toEqual([]);
    const solo = planRotation({ tables: [{ id: 't', hostId: null }], participants: [{ id: 'a', college: 'tenant' }], rounds: 2, seed: 1 });
    expect(solo.rounds).toEqual([{ a: 't' }, { a: 't' }]);
  });
});
