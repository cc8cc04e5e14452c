/**
 * World-café rotation plan: who sits at which table in each round. Pure and deterministic: the
 * same input and seed give the same plan.
 *
 * Guarantees (checked by `validatePlan`, asserted by rotation.spec.ts over many sizes):
 * - a table's host stays at that table every round and is never assigned elsewhere;
 * - each participant sits at a different table each round while tables remain: rounds are taken
 *   in cycles of as many rounds as there are tables, tables are distinct within a cycle, and
 *   two consecutive rounds never use the same table (when there are two tables or more);
 * - in a fresh plan, each round's table sizes (hosts excluded) differ by at most one.
 * Then, by local search, it maximises the number of distinct people each participant meets
 * (hosts included) and balances colleges (landlord / tenant / other) per table.
 *
 * Late arrivals and departures: `planRotation` with `fixedRounds` keeps the rounds already played
 * as they were and re-plans only the remaining ones for the people present now.
 */
export type College = 'landlord' | 'tenant' | 'other';

export interface RotationTable {
  id: string;
  /** The person (participant id) who hosts the table and stays; null when none. */
  hostId: string | null;
}

export interface RotationParticipant {
  id: string;
  college: College;
}

export interface RotationInput {
  tables: RotationTable[];
  /** Everyone present, hosts included (hosts are recognised by the tables' hostId). */
  participants: RotationParticipant[];
  rounds: number;
  seed: number;
  /** Rounds already played (index 0 = round 1), kept unchanged; only later rounds are planned. */
  fixedRounds?: RoundAssignment[];
  /** Local-search effort; defaults to a size-based budget. */
  iterations?: number;
}

/** participantId → tableId for one round (hosts not listed: they are at their table). */
export type RoundAssignment = Record<string, string>;

export interface RotationPlan {
  rounds: RoundAssignment[];
  seed: number;
}

export interface PlanQuality {
  /** Average, over rotating participants, of the distinct people (hosts included) met across all rounds. */
  averageMet: number;
  /** What averageMet would be with these table sizes and no one met twice (an upper bound). */
  ceiling: number;
  /** Times two people sat at the same table again after having already met. */
  repeatMeetings: number;
  /** (round, table) pairs with both landlord and tenant sides present when both sides take part. */
  mixedTableShare: number;
}

export type ViolationKind =
  | 'unknown_table'
  | 'unknown_participant'
  | 'missing_participant'
  | 'host_moved'
  | 'table_repeated'
  | 'round_count'
  | 'unbalanced'
  | 'single_side';

export interface PlanViolation {
  kind: ViolationKind;
  /** Errors make a plan unusable; warnings are allowed in a hand-edited plan. */
  severity: 'error' | 'warning';
  /** 1-based. */
  round?: number;
  participantId?: string;
  tableId?: string;
}

/** mulberry32: small, fast, good enough for shuffling. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], rnd: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** The tables a participant may not take in `round` (0-based), given their earlier tables. */
function forbiddenTables(history: (number | undefined)[], round: number, tableCount: number): Set<number> {
  const out = new Set<number>();
  if (tableCount < 2) return out;
  const cycleStart = round - (round % tableCount);
  for (let r = cycleStart; r < round; r++) if (history[r] !== undefined) out.add(history[r]!);
  if (round > 0 && history[round - 1] !== undefined) out.add(history[round - 1]!);
  return out;
}

interface Work {
  T: number;
  rounds: number;
  /** rotating participants */
  ids: string[];
  college: number[];
  /** hosts as extra "people" fixed at a table: index into hostIds */
  hostTable: number[];
  hostCollege: number[];
  /** assign[r][p] = table index, or -1 when absent in that round (played rounds only) */
  assign: number[][];
}

const COLLEGES: College[] = ['landlord', 'tenant', 'other'];

function prepare(input: RotationInput): { w: Work; tableIds: string[]; fixedCount: number } {
  const tableIds = input.tables.map((t) => t.id);
  const T = tableIds.length;
  const hostIds = new Set(input.tables.map((t) => t.hostId).filter((h): h is string => !!h));
  const byId = new Map(input.participants.map((p) => [p.id, p]));
  const rotating = input.participants.filter((p) => !hostIds.has(p.id));
  const fixed = (input.fixedRounds ?? []).slice(0, input.rounds);
  // People who left still count in the rounds they played (they met people there).
  const pastOnly: string[] = [];
  for (const r of fixed) for (const pid of Object.keys(r)) if (!byId.has(pid) && !pastOnly.includes(pid)) pastOnly.push(pid);
  const ids = [...rotating.map((p) => p.id), ...pastOnly];
  const college = ids.map((id) => COLLEGES.indexOf(byId.get(id)?.college ?? 'other'));
  const hostTable: number[] = [];
  const hostCollege: number[] = [];
  input.tables.forEach((t, i) => {
    if (t.hostId) {
      hostTable.push(i);
      hostCollege.push(COLLEGES.indexOf(byId.get(t.hostId)?.college ?? 'other'));
    }
  });
  const tableIndex = new Map(tableIds.map((id, i) => [id, i]));
  const assign: number[][] = [];
  for (let r = 0; r < input.rounds; r++) {
    const row = new Array<number>(ids.length).fill(-1);
    if (r < fixed.length) ids.forEach((id, p) => (row[p] = tableIndex.get(fixed[r][id]) ?? -1));
    assign.push(row);
  }
  return { w: { T, rounds: input.rounds, ids, college, hostTable, hostCollege, assign }, tableIds, fixedCount: fixed.length };
}

/**
 * A valid, even start: people sorted by college are cut into blocks of as many people as tables;
 * each block follows its own random Latin square (row = person, column = round), so in every round
 * each table gets one person of each full block (even sizes, colleges spread), and no one repeats
 * a table within a cycle. Independent squares make blocks mix from round to round.
 */
function latinStart(w: Work, active: number[], rnd: () => number): void {
  const T = w.T;
  const order = shuffle(active, rnd).sort((a, b) => w.college[a] - w.college[b]);
  for (let start = 0; start < order.length; start += T) {
    const block = order.slice(start, start + T);
    const rows = shuffle([...Array(T).keys()], rnd);
    const cols = shuffle([...Array(T).keys()], rnd);
    const symbols = shuffle([...Array(T).keys()], rnd);
    block.forEach((p, i) => {
      for (let r = 0; r < w.rounds; r++) w.assign[r][p] = symbols[(rows[i] + cols[r % T]) % T];
    });
  }
}

/**
 * Kuhn's matching of participants to table slots, one round at a time, with at most
 * ceil(n/T) people per table; slots are tried level by level so tables fill evenly.
 */
function matchRound(w: Work, r: number, active: number[], rnd: () => number): void {
  const n = active.length;
  if (!n) return;
  for (let cap = Math.ceil(n / w.T); cap <= n; cap++) {
    const slots: number[] = [];
    for (let level = 0; level < cap; level++) for (const t of shuffle([...Array(w.T).keys()], rnd)) slots.push(t);
    const slotOwner = new Array<number>(slots.length).fill(-1);
    const allowed = active.map((p) => {
      const f = forbiddenTables(w.assign.map((row) => (row[p] >= 0 ? row[p] : undefined)), r, w.T);
      return slots.map((t, s) => (f.has(t) ? -1 : s)).filter((s) => s >= 0);
    });
    const tryAssign = (i: number, seen: boolean[]): boolean => {
      for (const s of allowed[i]) {
        if (seen[s]) continue;
        seen[s] = true;
        if (slotOwner[s] < 0 || tryAssign(slotOwner[s], seen)) {
          slotOwner[s] = i;
          return true;
        }
      }
      return false;
    };
    let all = true;
    for (const i of shuffle([...Array(n).keys()], rnd)) {
      if (!tryAssign(i, new Array<boolean>(slots.length).fill(false))) {
        all = false;
        break;
      }
    }
    if (all) {
      slotOwner.forEach((i, s) => {
        if (i >= 0) w.assign[r][active[i]] = slots[s];
      });
      evenOut(w, r, active);
      return;
    }
  }
}

/** Moves people from the fullest to the emptiest table of a round while their history allows it. */
function evenOut(w: Work, r: number, active: number[]): void {
  for (let guard = 0; guard < active.length * w.T; guard++) {
    const sizes = new Array<number>(w.T).fill(0);
    for (const p of active) if (w.assign[r][p] >= 0) sizes[w.assign[r][p]]++;
    const max = Math.max(...sizes);
    const min = Math.min(...sizes);
    if (max - min <= 1) return;
    const to = sizes.indexOf(min);
    const mover = active.find((p) => {
      if (sizes[w.assign[r][p]] !== max) return false;
      const h = historyOf(w, p);
      return !forbiddenTables(h, r, w.T).has(to) && (r + 1 >= w.rounds || h[r + 1] === undefined || h[r + 1] !== to);
    });
    if (mover === undefined) return;
    w.assign[r][mover] = to;
  }
}

/** Weights: one distinct encounter, one unit of college imbalance, one unit of uneven table sizes. */
const MEET_WEIGHT = 1;
const BALANCE_WEIGHT = 0.6;
const SIZE_WEIGHT = 4;

/**
 * Score state for the local search, updated move by move: distinct pairs met (hosts included),
 * college balance and size evenness per (round, table).
 */
class Scorer {
  readonly n: number;
  readonly people: number;
  readonly pairs: Int32Array;
  distinct = 0;
  penalty = 0;
  members: number[][][];
  counts: number[][][];
  sizes: number[][];
  share: number[];
  mean: number[];

  constructor(private readonly w: Work, active: number[]) {
    this.n = w.ids.length;
    this.people = this.n + w.hostTable.length;
    this.pairs = new Int32Array(this.people * this.people);
    this.members = w.assign.map(() => Array.from({ length: w.T }, () => [] as number[]));
    this.counts = w.assign.map(() => Array.from({ length: w.T }, () => [0, 0, 0]));
    this.sizes = w.assign.map(() => new Array<number>(w.T).fill(0));
    const tot = [0, 0, 0];
    for (const p of active) tot[w.college[p]]++;
    w.hostCollege.forEach((c) => tot[c]++);
    const all = tot[0] + tot[1] + tot[2] || 1;
    this.share = tot.map((x) => x / all);
    this.mean = w.assign.map((row) => row.filter((t) => t >= 0).length / w.T);
    for (let r = 0; r < w.rounds; r++) {
      w.hostTable.forEach((t, h) => this.add(r, t, this.n + h, false));
      w.assign[r].forEach((t, p) => {
        if (t >= 0) this.add(r, t, p, true);
      });
    }
    this.penalty = 0;
    for (let r = 0; r < w.rounds; r++) for (let t = 0; t < w.T; t++) this.penalty += this.tablePenalty(r, t);
  }

  get total(): number {
    return MEET_WEIGHT * this.distinct - this.penalty;
  }

  private collegeOf(x: number): number {
    return x < this.n ? this.w.college[x] : this.w.hostCollege[x - this.n];
  }

  private tablePenalty(r: number, t: number): number {
    const c = this.counts[r][t];
    const size = c[0] + c[1] + c[2];
    let pen = 0;
    for (let k = 0; k < 3; k++) pen += (c[k] - size * this.share[k]) ** 2;
    // A table without one of the two sides, when both take part, weighs much more.
    if (this.share[0] > 0 && this.share[1] > 0 && size >= 2 && (c[0] === 0 || c[1] === 0)) pen += 4;
    return BALANCE_WEIGHT * pen + SIZE_WEIGHT * (this.sizes[r][t] - this.mean[r]) ** 2;
  }

  private add(r: number, t: number, x: number, rotating: boolean): void {
    for (const y of this.members[r][t]) this.bump(x, y, 1);
    this.members[r][t].push(x);
    this.counts[r][t][this.collegeOf(x)]++;
    if (rotating) this.sizes[r][t]++;
  }

  private remove(r: number, t: number, x: number): void {
    const list = this.members[r][t];
    list.splice(list.indexOf(x), 1);
    for (const y of list) this.bump(x, y, -1);
    this.counts[r][t][this.collegeOf(x)]--;
    this.sizes[r][t]--;
  }

  private bump(x: number, y: number, d: number): void {
    const i = x * this.people + y;
    const before = this.pairs[i];
    this.pairs[i] += d;
    this.pairs[y * this.people + x] += d;
    if (before === 0 && d > 0) this.distinct++;
    if (before + d === 0 && d < 0) this.distinct--;
  }

  /** Moves rotating participant p to table `to` in round r. */
  move(r: number, p: number, to: number): void {
    const from = this.w.assign[r][p];
    if (from === to) return;
    this.penalty -= this.tablePenalty(r, from) + this.tablePenalty(r, to);
    this.remove(r, from, p);
    this.w.assign[r][p] = to;
    this.add(r, to, p, true);
    this.penalty += this.tablePenalty(r, from) + this.tablePenalty(r, to);
  }

  evenRound(r: number): boolean {
    return Math.max(...this.sizes[r]) - Math.min(...this.sizes[r]) <= 1;
  }
}

function historyOf(w: Work, p: number): (number | undefined)[] {
  return w.assign.map((row) => (row[p] >= 0 ? row[p] : undefined));
}

function isValidFor(w: Work, x: number): boolean {
  const h = historyOf(w, x);
  for (let k = 0; k < w.rounds; k++) {
    if (h[k] !== undefined && forbiddenTables(h.slice(0, k), k, w.T).has(h[k]!)) return false;
  }
  return true;
}

export function planRotation(input: RotationInput): RotationPlan {
  const { w, tableIds, fixedCount } = prepare(input);
  const rnd = seededRandom(input.seed);
  if (w.T === 0) return { rounds: Array.from({ length: input.rounds }, () => ({})), seed: input.seed };
  const activeCount = input.participants.filter((p) => !input.tables.some((t) => t.hostId === p.id)).length;
  const active = [...Array(activeCount).keys()];
  if (fixedCount === 0) latinStart(w, active, rnd);
  else for (let r = fixedCount; r < w.rounds; r++) matchRound(w, r, active, rnd);

  const free = w.rounds - fixedCount;
  if (free > 0 && active.length > 1 && w.T > 1) {
    const scorer = new Scorer(w, active);
    // A fresh plan starts even and must stay so; a re-plan may start uneven and is pulled even by SIZE_WEIGHT.
    const wasEven = Array.from({ length: w.rounds }, (_, r) => scorer.evenRound(r));
    const budget = input.iterations ?? Math.min(40000, 300 * active.length * free);
    for (let it = 0; it < budget; it++) {
      const r = fixedCount + Math.floor(rnd() * free);
      const p = active[Math.floor(rnd() * active.length)];
      const a = w.assign[r][p];
      const moves: Array<[number, number, number]> = [];
      const kind = rnd();
      if (kind < 0.4) {
        // Two people swap tables in one round.
        const q = active[Math.floor(rnd() * active.length)];
        if (q === p || w.assign[r][q] === a) continue;
        moves.push([r, p, w.assign[r][q]], [r, q, a]);
      } else if (kind < 0.85 && free > 1) {
        // One person takes their tables of two rounds in the other order; when every table is
        // full, someone who sits the other way round does the same, so sizes stay even.
        const r2 = fixedCount + Math.floor(rnd() * free);
        const b = w.assign[r2][p];
        if (r2 === r || b === a) continue;
        moves.push([r, p, b], [r2, p, a]);
        if (kind >= 0.55) {
          const start = Math.floor(rnd() * active.length);
          let q = -1;
          for (let k = 0; k < active.length && q < 0; k++) {
            const c = active[(start + k) % active.length];
            if (w.assign[r][c] === b && w.assign[r2][c] === a) q = c;
          }
          if (q < 0) continue;
          moves.push([r, q, a], [r2, q, b]);
        }
      } else {
        // One person moves to another table.
        const to = Math.floor(rnd() * w.T);
        if (to === a) continue;
        moves.push([r, p, to]);
      }
      const before = scorer.total;
      const undo = moves.map(([rr, pp]) => [rr, pp, w.assign[rr][pp]] as [number, number, number]).reverse();
      for (const [rr, pp, t] of moves) scorer.move(rr, pp, t);
      const gain = scorer.total - before;
      // Sideways moves are taken too, so the search can cross plateaus.
      const better = gain > 1e-9 || (Math.abs(gain) <= 1e-9 && rnd() < 0.5);
      const touched = [...new Set(moves.map(([, pp]) => pp))];
      const rounds = [...new Set(moves.map(([rr]) => rr))];
      if (better && touched.every((x) => isValidFor(w, x)) && rounds.every((rr) => !wasEven[rr] || scorer.evenRound(rr))) continue;
      for (const [rr, pp, t] of undo) scorer.move(rr, pp, t);
    }
  }

  const rounds: RoundAssignment[] = [];
  for (let r = 0; r < w.rounds; r++) {
    if (r < fixedCount) {
      rounds.push({ ...input.fixedRounds![r] });
      continue;
    }
    const row: RoundAssignment = {};
    active.forEach((p) => {
      if (w.assign[r][p] >= 0) row[w.ids[p]] = tableIds[w.assign[r][p]];
    });
    rounds.push(row);
  }
  return { rounds, seed: input.seed };
}

/** Who sits at each table in one round, hosts first. */
export function tableMembers(input: Pick<RotationInput, 'tables'>, round: RoundAssignment): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const t of input.tables) out[t.id] = t.hostId ? [t.hostId] : [];
  for (const [pid, tid] of Object.entries(round)) if (out[tid]) out[tid].push(pid);
  return out;
}

/** The table a person sits at in a round (0-based), hosts included; null when not planned. */
export function tableOf(input: Pick<RotationInput, 'tables'>, plan: RotationPlan, personId: string, round: number): string | null {
  const hosted = input.tables.find((t) => t.hostId === personId);
  if (hosted) return hosted.id;
  return plan.rounds[round]?.[personId] ?? null;
}

/**
 * Checks a plan (e.g. edited by hand) against the guarantees. `fromRound` (0-based) limits the
 * completeness and balance checks to rounds not yet played.
 */
export function validatePlan(input: Omit<RotationInput, 'seed'>, plan: Pick<RotationPlan, 'rounds'>, fromRound = 0): PlanViolation[] {
  const out: PlanViolation[] = [];
  const T = input.tables.length;
  const tableIndex = new Map(input.tables.map((t, i) => [t.id, i]));
  const hostOf = new Map(input.tables.filter((t) => t.hostId).map((t) => [t.hostId!, t.id]));
  const known = new Map(input.participants.map((p) => [p.id, p]));
  if (plan.rounds.length !== input.rounds) out.push({ kind: 'round_count', severity: 'error' });
  const histories = new Map<string, (number | undefined)[]>();
  plan.rounds.forEach((round, r) => {
    for (const [pid, tid] of Object.entries(round)) {
      if (!tableIndex.has(tid)) {
        out.push({ kind: 'unknown_table', severity: 'error', round: r + 1, participantId: pid, tableId: tid });
        continue;
      }
      if (hostOf.has(pid)) {
        if (hostOf.get(pid) !== tid) out.push({ kind: 'host_moved', severity: 'error', round: r + 1, participantId: pid, tableId: tid });
        continue;
      }
      if (r >= fromRound && !known.has(pid)) out.push({ kind: 'unknown_participant', severity: 'error', round: r + 1, participantId: pid });
      const h = histories.get(pid) ?? new Array<number | undefined>(plan.rounds.length).fill(undefined);
      h[r] = tableIndex.get(tid);
      histories.set(pid, h);
    }
  });
  for (const [pid, h] of histories) {
    h.forEach((t, r) => {
      if (t === undefined || r < fromRound) return;
      if (forbiddenTables(h, r, T).has(t)) out.push({ kind: 'table_repeated', severity: 'error', round: r + 1, participantId: pid, tableId: input.tables[t].id });
    });
  }
  const bothSides = input.participants.some((p) => p.college === 'landlord') && input.participants.some((p) => p.college === 'tenant');
  plan.rounds.forEach((round, r) => {
    if (r < fromRound) return;
    for (const p of input.participants) {
      if (!hostOf.has(p.id) && !(p.id in round)) out.push({ kind: 'missing_participant', severity: 'error', round: r + 1, participantId: p.id });
    }
    const members = tableMembers(input, round);
    const sizes = input.tables.map((t) => members[t.id].length - (t.hostId ? 1 : 0));
    if (sizes.length && Math.max(...sizes) - Math.min(...sizes) > 1) out.push({ kind: 'unbalanced', severity: 'warning', round: r + 1 });
    if (bothSides) {
      for (const t of input.tables) {
        const cols = new Set(members[t.id].map((id) => known.get(id)?.college));
        if (members[t.id].length >= 2 && (!cols.has('landlord') || !cols.has('tenant'))) out.push({ kind: 'single_side', severity: 'warning', round: r + 1, tableId: t.id });
      }
    }
  });
  return out;
}

export function planQuality(input: Omit<RotationInput, 'seed'>, plan: Pick<RotationPlan, 'rounds'>): PlanQuality {
  const hostIds = new Set(input.tables.map((t) => t.hostId).filter(Boolean));
  const college = new Map(input.participants.map((p) => [p.id, p.college]));
  const met = new Map<string, Set<string>>();
  let repeats = 0;
  let mixed = 0;
  let tablesSeen = 0;
  const bothSides = [...college.values()].includes('landlord') && [...college.values()].includes('tenant');
  for (const round of plan.rounds) {
    const members = tableMembers(input, round);
    for (const list of Object.values(members)) {
      if (list.length >= 2) {
        tablesSeen++;
        const cols = new Set(list.map((id) => college.get(id)));
        if (!bothSides || (cols.has('landlord') && cols.has('tenant'))) mixed++;
      }
      for (const a of list) {
        for (const b of list) {
          if (a >= b) continue;
          const sa = met.get(a) ?? new Set<string>();
          if (sa.has(b)) repeats++;
          sa.add(b);
          met.set(a, sa);
          const sb = met.get(b) ?? new Set<string>();
          sb.add(a);
          met.set(b, sb);
        }
      }
    }
  }
  const rotating = input.participants.filter((p) => !hostIds.has(p.id));
  const total = rotating.reduce((s, p) => s + (met.get(p.id)?.size ?? 0), 0);
  const everyone = input.participants.length + [...new Set(plan.rounds.flatMap((r) => Object.keys(r)))].filter((id) => !college.has(id)).length;
  let ceilingTotal = 0;
  for (const p of rotating) {
    let seats = 0;
    for (const round of plan.rounds) {
      const t = round[p.id];
      if (t) seats += tableMembers(input, round)[t].length - 1;
    }
    ceilingTotal += Math.min(seats, everyone - 1);
  }
  return {
    averageMet: rotating.length ? total / rotating.length : 0,
    ceiling: rotating.length ? ceilingTotal / rotating.length : 0,
    repeatMeetings: repeats, mixedTableShare: tablesSeen ? mixed / tablesSeen : 1 };
}

/**
 * Baselines the generator is measured against. `valid`: a random plan that obeys the same rule
 * (each person a new table each round) with even tables, unoptimised; `free`: anyone anywhere each
 * round with even tables (breaks the rule: people may come back to a table).
 */
export function randomPlan(input: RotationInput, kind: 'valid' | 'free' = 'valid'): RotationPlan {
  const rnd = seededRandom(input.seed);
  const hostIds = new Set(input.tables.map((t) => t.hostId).filter(Boolean));
  const rotating = input.participants.filter((p) => !hostIds.has(p.id));
  const T = input.tables.length;
  const rounds: RoundAssignment[] = Array.from({ length: input.rounds }, () => ({}));
  if (kind === 'free') {
    for (const row of rounds) shuffle(rotating, rnd).forEach((p, k) => (row[p.id] = input.tables[k % T].id));
    return { rounds, seed: input.seed };
  }
  const order = shuffle(rotating, rnd);
  for (let start = 0; start < order.length; start += T) {
    const rows = shuffle([...Array(T).keys()], rnd);
    const cols = shuffle([...Array(T).keys()], rnd);
    order.slice(start, start + T).forEach((p, i) => {
      for (let r = 0; r < input.rounds; r++) rounds[r][p.id] = input.tables[(rows[i] + cols[r % T]) % T].id;
    });
  }
  return { rounds, seed: input.seed };
}
