/**
 * Live-room fan-out (issue 4): 300 participants, each a real member account on a real
 * socket.io-client connection with its session cookie, in one live meeting of 10 agenda items.
 * The secretary changes the current item 50 times, one change at a time: each change waits
 * until all 300 have received the 'meeting:patch' that shows it. Per change we measure the time
 * from the secretary's emit to the LAST participant receiving that state; median and p99.
 * Server memory per participant: the server's VmRSS (after a GC) before and after the
 * participants connect and join, divided by their number.
 * The reference, in the same run: the same fan-out (as many clients, as many changes) through
 * bench/bare-socketio.ts, a Socket.IO server with no auth and no persistence that relays a
 * small 'change' to a room; and the ratio of the two p99s.
 *
 *   npx tsx bench/meeting.ts            300 participants, 50 changes
 *   npx tsx bench/meeting.ts --quick    50 participants, 10 changes
 *
 * Each server runs in a process of its own (ours forked with --expose-gc, so its memory is
 * its own and it does not share an event loop with the clients, which all run here). Ours
 * stores in PGlite in a fresh temporary data dir, or in a fresh database on BENCH_DATABASE_URL
 * (dropped at the end). Accounts are made quickly: people and memberships through the API,
 * then the server process itself links a user to each person and opens a session for it
 * (`services.sessions.create`), instead of 300 invitations and password hashes.
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { io as connectSocketIo, type Socket } from 'socket.io-client';
import { cpuProfiler } from './lib/cpu-profile.ts';
import { collectGarbage, isQuick, median, percentile, printJsonLine, round, stopChild } from './lib/bench-kit.ts';
import { answerRequests, settledMemory, startConcertoHere, call, forkServer, freshStore, must, pool, startBareChild, vmRssKb, type Store } from './lib/forked-server.ts';

const PARTICIPANTS = isQuick ? 50 : 300;
const CHANGES = isQuick ? 10 : 50;
const ITEMS = 10;
/** Changes made before measuring (not counted): JIT, caches and buffers warm up on both servers. */
const WARMUP_CHANGES = 20;
const CONNECT_CONCURRENCY = 20;
const CHANGE_TIMEOUT_MS = 30_000;

// ---------------------------------------------------------------------------------------------
// Server side: `--serve` runs Concerto in this (forked) process and answers the bench over IPC.

type Request =
  | { id: number; type: 'accounts'; people: { personId: string; email: string; name: string }[] }
  | { id: number; type: 'memory' }
  | { id: number; type: 'snapshot'; meetingId: string; runs: number }
  | { id: number; type: 'profile'; on: boolean }
  | { id: number; type: 'stop' };
/** A request as the bench writes it; the id is added on sending. */
type Outgoing = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

async function serve(): Promise<void> {
  const { concerto, port, sessionCookie: SESSION_COOKIE } = await startConcertoHere();
  const { db, sessions, meetings } = concerto.services;

  // Instrumentation of this process only (the server code is untouched): every statement the
  // services send, with its time, while profiling is on. The services call `db.query` and
  // `db.transaction` on this very object, so wrapping its methods sees them all.
  const profile = new Map<string, { count: number; ms: number }>();
  let profiling = false;
  const record = (sql: string, ms: number) => {
    if (!profiling) return;
    const key = sql.replace(/\s+/g, ' ').trim().slice(0, 90);
    const entry = profile.get(key) ?? { count: 0, ms: 0 };
    entry.count++;
    entry.ms += ms;
    profile.set(key, entry);
  };
  // Statements sent together (the state build sends four at once) queue behind each other on
  // PGlite's single connection, so their times overlap; the busy time counts each instant once.
  let inFlight = 0;
  let busySince = 0;
  const enter = () => {
    if (inFlight++ === 0) busySince = performance.now();
  };
  const leave = () => {
    if (--inFlight === 0) record('(database busy: some statement or transaction under way)', performance.now() - busySince);
  };
  const timed = <Q extends { query: (sql: string, params?: unknown[]) => Promise<unknown> }>(q: Q): Q['query'] => {
    const original = q.query.bind(q);
    return (async (sql: string, params?: unknown[]) => {
      const t0 = performance.now();
      enter();
      try {
        return await original(sql, params);
      } finally {
        leave();
        record(sql, performance.now() - t0);
      }
    }) as Q['query'];
  };
  db.query = timed(db);
  const originalTransaction = db.transaction.bind(db);
  db.transaction = async (fn) => {
    const t0 = performance.now();
    enter();
    try {
      return await originalTransaction((tx) => fn({ query: timed(tx) }));
    } finally {
      leave();
      record('(whole transaction, begin and commit included)', performance.now() - t0);
    }
  };

  // BENCH_CPU_PROFILE=<file.cpuprofile>: a CPU profile of this process over the measured changes
  // only (open it in Chrome's DevTools, or summarise it with bench/lib/cpu-profile.ts).
  const cpu = cpuProfiler(process.env.BENCH_CPU_PROFILE);
  // The server's garbage collections during the measured changes (a pause delays every broadcast under way).
  const gcPauses: { kind: string; ms: number }[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      gcPauses.push({ kind: kind === constants.NODE_PERFORMANCE_GC_MINOR ? 'minor' : kind === constants.NODE_PERFORMANCE_GC_MAJOR ? 'major' : 'other', ms: e.duration });
    }
  });

  const handle = async (msg: Request): Promise<unknown> => {
    switch (msg.type) {
      case 'accounts': {
        const cookies: string[] = [];
        for (const p of msg.people) {
          const [user] = await db.query<{ id: string }>('insert into users (email, display_name) values ($1, $2) returning id', [p.email, p.name]);
          await db.query('update people set user_id = $2 where id = $1', [p.personId, user.id]);
          const { token } = await sessions.create(user.id, 'bench/meeting.ts');
          cookies.push(`${SESSION_COOKIE}=${token}`);
        }
        return { cookies };
      }
      case 'memory':
        return settledMemory();
      case 'snapshot': {
        // Where the time of one broadcast goes on the server: building the state, encoding it.
        const buildMs: number[] = [];
        const encodeMs: number[] = [];
        let bytes = 0;
        for (let i = 0; i < msg.runs; i++) {
          const t0 = performance.now();
          const state = await meetings.snapshot(msg.meetingId);
          const t1 = performance.now();
          bytes = Buffer.byteLength(JSON.stringify(state));
          encodeMs.push(performance.now() - t1);
          buildMs.push(t1 - t0);
        }
        return { buildMs, encodeMs, bytes };
      }
      case 'profile': {
        profiling = msg.on;
        if (msg.on) {
          profile.clear();
          gcPauses.length = 0;
          gcObserver.observe({ entryTypes: ['gc'] });
          await cpu.start();
          return null;
        }
        await cpu.stop();
        gcObserver.disconnect();
        for (const e of gcPauses) record(`(garbage collection: ${e.kind})`, e.ms);
        return [...profile.entries()].map(([sql, e]) => ({ sql, ...e })).sort((a, b) => b.ms - a.ms);
      }
      case 'stop':
        await concerto.close();
        setImmediate(() => process.exit(0));
        return null;
    }
  };
  answerRequests(port, handle);
}

// ---------------------------------------------------------------------------------------------
// Bench side.

function connect(url: string, cookie: string | null): Promise<Socket> {
  const socket = connectSocketIo(url, {
    path: '/socket.io/',
    transports: ['websocket'],
    extraHeaders: cookie ? { cookie } : {},
    reconnection: false,
    forceNew: true
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => reject(err));
  });
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
    })
  ]);
}

interface FanOut {
  /** Emit to the last participant, per change (ms). */
  last: number[];
  /** Emit to the first participant, per change (ms). */
  first: number[];
  /** Emit to the sender's acknowledgement, per change (ms). */
  ack: number[];
  /** Bytes of the last message received. */
  bytes: number;
}

/**
 * Runs `count` changes: `send(k)` starts change k; a participant has it when `matches(payload, k)`.
 * Each change waits for every participant before the next starts.
 */
async function fanOut(
  participants: Socket[],
  event: string,
  count: number,
  send: (k: number, acked: () => void) => void,
  matches: (payload: any, k: number) => boolean
): Promise<FanOut> {
  const result: FanOut = { last: [], first: [], ack: [], bytes: 0 };
  let current = -1;
  let got = new Uint8Array(participants.length);
  let received = 0;
  let firstAt = 0;
  let done: () => void = () => undefined;
  const listeners = participants.map((socket, idx) => {
    const onMessage = (payload: unknown) => {
      if (current < 0 || got[idx] || !matches(payload, current)) return;
      got[idx] = 1;
      if (received++ === 0) firstAt = performance.now();
      if (received === participants.length) done();
    };
    socket.on(event, onMessage);
    return () => socket.off(event, onMessage);
  });
  try {
    for (let k = 0; k < count; k++) {
      // The 300 clients live in this one process (on real phones each has its own): its garbage
      // is collected between changes, so a pause of this harness is not timed as the server's.
      collectGarbage('minor');
      got = new Uint8Array(participants.length);
      received = 0;
      const all = new Promise<void>((resolve) => {
        done = resolve;
      });
      let ackAt = 0;
      current = k;
      const t0 = performance.now();
      send(k, () => {
        ackAt = performance.now();
      });
      await withTimeout(all, CHANGE_TIMEOUT_MS, `change ${k} (${received}/${participants.length} received)`);
      const lastAt = performance.now();
      result.last.push(lastAt - t0);
      result.first.push(firstAt - t0);
      result.ack.push((ackAt || lastAt) - t0);
    }
  } finally {
    current = -1;
    for (const off of listeners) off();
  }
  return result;
}

const fmt = (samples: number[]) => `median ${round(median(samples), 1).toFixed(1).padStart(7)} ms   p99 ${round(percentile(samples, 99), 1).toFixed(1).padStart(7)} ms`;

interface ConcertoRun {
  fan: FanOut;
  rssBeforeKb: number;
  rssAfterKb: number;
  heapBeforeKb: number;
  heapAfterKb: number;
  gc: boolean;
  snapshot: { buildMs: number[]; encodeMs: number[]; bytes: number };
  statePayload: unknown;
  /** Database statements during the measured changes, the costliest first. */
  profile: { sql: string; count: number; ms: number }[];
}

async function runConcerto(store: { DATA_DIR: string; DATABASE_URL?: string }): Promise<ConcertoRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['DATABASE_URL', 'REDIS_URL', 'ORIGIN', 'SMTP_URL', 'PORT', 'HOST', 'DATA_DIR']) delete env[key];
  Object.assign(env, store, { LOG_LEVEL: 'warn' });
  const server = await forkServer<Outgoing>(import.meta.url, env);
  const sockets: Socket[] = [];
  try {
    const url = server.url;
    const t = performance.now();
    const setup = await must(201, call(url, null, 'POST', '/setup', { organisationName: 'Office 64 de l’Habitat', adminName: 'Claire Etcheverry', email: 'claire@office64.test', password: 'mot-de-passe-solide-64' }), 'setup');
    const admin = setup.cookie;
    const orgId: string = setup.json.organisation.id;
    const body = await must(201, call(url, admin, 'POST', `/organisations/${orgId}/bodies`, { name: 'CCL Pau centre', kind: 'ccl' }), 'body');
    const bodyId: string = body.json.body.id;

    const people = [{ name: 'Sébastien Oxandabarat', role: 'secretary', college: 'landlord' }].concat(
      Array.from({ length: PARTICIPANTS }, (_, i) => ({ name: `Participant ${String(i + 1).padStart(3, '0')}`, role: 'member', college: i % 3 ? 'tenant' : 'landlord' }))
    );
    const created = await pool(people, 8, async (p, i) => {
      const email = `participant${i}@bench.test`;
      const person = await must(201, call(url, admin, 'POST', `/organisations/${orgId}/people`, { fullName: p.name, email }), 'person');
      await must(201, call(url, admin, 'POST', `/bodies/${bodyId}/memberships`, { personId: person.json.person.id, role: p.role, college: p.college, votingRight: p.role === 'member' }), 'membership');
      return { personId: person.json.person.id as string, email, name: p.name };
    });
    const { cookies } = await server.request<{ cookies: string[] }>({ type: 'accounts', people: created });
    const [secretaryCookie, ...participantCookies] = cookies;

    const meeting = await must(201, call(url, secretaryCookie, 'POST', `/bodies/${bodyId}/meetings`, { title: 'CCL du 6 juin', startsAt: '2026-06-06T14:00', place: 'Siège, salle du conseil' }), 'meeting');
    const meetingId: string = meeting.json.meeting.id;
    for (const to of ['convened', 'live']) await must(200, call(url, secretaryCookie, 'POST', `/meetings/${meetingId}/transitions`, { to }), `transition ${to}`);
    const items: string[] = [];
    for (let i = 0; i < ITEMS; i++) {
      const item = await must(201, call(url, secretaryCookie, 'POST', `/meetings/${meetingId}/agenda`, { title: `Point ${i + 1}`, plannedMinutes: 10 + i, kind: i % 3 ? 'information' : 'decision' }), 'item');
      items.push(item.json.item.id);
    }
    const secretary = await connect(url, secretaryCookie);
    sockets.push(secretary);
    const joinAck = (await secretary.timeout(10_000).emitWithAck('meeting:join', { meetingId })) as { ok: boolean };
    if (!joinAck.ok) throw new Error(`secretary join: ${JSON.stringify(joinAck)}`);
    console.log(`  set up ${PARTICIPANTS} member accounts, a live meeting of ${ITEMS} items (${round((performance.now() - t) / 1000)} s)`);

    const before = await server.request<{ rssKb: number; heapUsedKb: number; gc: boolean }>({ type: 'memory' });
    const tc = performance.now();
    const participants = await pool(participantCookies, CONNECT_CONCURRENCY, async (cookie) => {
      const socket = await connect(url, cookie);
      sockets.push(socket);
      const ack = (await socket.timeout(30_000).emitWithAck('meeting:join', { meetingId })) as { ok: boolean; error?: unknown };
      if (!ack.ok) throw new Error(`join refused: ${JSON.stringify(ack)}`);
      return socket;
    });
    console.log(`  ${PARTICIPANTS} participants connected and joined in ${round((performance.now() - tc) / 1000)} s`);
    const after = await server.request<{ rssKb: number; heapUsedKb: number; gc: boolean }>({ type: 'memory' });

    let statePayload: unknown = null;
    // Broadcasts are 'meeting:patch' (src/lib/protocol/meeting-patch.ts): a participant has the
    // change when a patch carries the new current item.
    const matches = (patch: any, k: number) => {
      if ((patch?.changes?.room ?? patch?.changes?.meeting)?.currentItemId !== items[k % ITEMS]) return false;
      statePayload = patch;
      return true;
    };
    const send = (k: number, acked: () => void) => {
      secretary.emit('meeting:current-item', { meetingId, itemId: items[k % ITEMS] }, (res: { ok: boolean }) => {
        if (!res.ok) console.error(`  change ${k} refused: ${JSON.stringify(res)}`);
        acked();
      });
    };
    await fanOut(participants, 'meeting:patch', WARMUP_CHANGES, (k, acked) => send(k + 1, acked), (s, k) => matches(s, k + 1));
    // Starts on an item other than the one the warm-up left current.
    await server.request({ type: 'profile', on: true });
    const fan = await fanOut(participants, 'meeting:patch', CHANGES, (k, acked) => send(k + WARMUP_CHANGES + 1, acked), (s, k) => matches(s, k + WARMUP_CHANGES + 1));
    const profile = await server.request<{ sql: string; count: number; ms: number }[]>({ type: 'profile', on: false });
    fan.bytes = Buffer.byteLength(JSON.stringify(statePayload));
    const snapshot = await server.request<{ buildMs: number[]; encodeMs: number[]; bytes: number }>({ type: 'snapshot', meetingId, runs: 20 });
    return {
      fan,
      rssBeforeKb: before.rssKb,
      rssAfterKb: after.rssKb,
      heapBeforeKb: before.heapUsedKb,
      heapAfterKb: after.heapUsedKb,
      gc: after.gc,
      snapshot,
      statePayload,
      profile
    };
  } finally {
    for (const s of sockets) s.disconnect();
    await server.request({ type: 'stop' }).catch(() => undefined);
    const timer = setTimeout(() => server.proc.kill('SIGKILL'), 15_000);
    await server.exited;
    clearTimeout(timer);
  }
}

interface BareRun {
  small: FanOut;
  /** The same fan-out carrying a payload as large as our meeting state. */
  large: FanOut | null;
  rssBeforeKb: number;
  rssAfterKb: number;
}

async function runBare(largePayload: unknown): Promise<BareRun> {
  const { child, url } = await startBareChild('bench/bare-socketio.ts', 'the bare server');
  const sockets: Socket[] = [];
  try {
    const room = 'meeting:bench';
    const sender = await connect(url, null);
    sockets.push(sender);
    await sender.timeout(10_000).emitWithAck('join', room);
    const rssBeforeKb = vmRssKb(child.proc.pid!);
    const participants = await pool(Array.from({ length: PARTICIPANTS }), CONNECT_CONCURRENCY, async () => {
      const socket = await connect(url, null);
      sockets.push(socket);
      await socket.timeout(30_000).emitWithAck('join', room);
      return socket;
    });
    await new Promise((r) => setTimeout(r, 200));
    const rssAfterKb = vmRssKb(child.proc.pid!);
    const send = (payload: (k: number) => unknown) => (k: number, acked: () => void) => sender.emit('change', room, payload(k), acked);
    const small = (k: number) => ({ itemId: `item-${k % ITEMS}`, seq: k });
    const isSeq = (p: any, k: number) => p?.seq === k;
    await fanOut(participants, 'change', WARMUP_CHANGES, send((k) => small(k + 1000)), (p, k) => isSeq(p, k + 1000));
    const smallRun = await fanOut(participants, 'change', CHANGES, send(small), isSeq);
    let largeRun: FanOut | null = null;
    if (largePayload) {
      const large = (k: number) => ({ ...(largePayload as object), seq: k });
      largeRun = await fanOut(participants, 'change', CHANGES, send(large), isSeq);
      largeRun.bytes = Buffer.byteLength(JSON.stringify(large(0)));
    }
    smallRun.bytes = Buffer.byteLength(JSON.stringify(small(0)));
    return { small: smallRun, large: largeRun, rssBeforeKb, rssAfterKb };
  } finally {
    for (const s of sockets) s.disconnect();
    await stopChild(child);
  }
}

/**
 * What the clients of this one process spend decoding one change: every participant parses its
 * own copy of the state (on real phones that happens in parallel, here on one thread).
 */
function clientParseMs(payload: unknown): number[] {
  const text = JSON.stringify(payload);
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < PARTICIPANTS; i++) JSON.parse(text);
    runs.push(performance.now() - t0);
  }
  return runs;
}

async function main(store: Store): Promise<void> {
  const db = store.kind;
  const loadBefore = round(loadavg()[0], 2);
  console.log(`Meeting fan-out benchmark: ${PARTICIPANTS} participants, ${CHANGES} changes of the current item (after ${WARMUP_CHANGES} not counted), on ${db}.`);
  console.log(`Load average (1 min) before: ${loadBefore}; other work running at the same time inflates every figure.`);

  console.log('Concerto (auth, persistence, full state to the room):');
  const ours = await runConcerto(store.env);
  console.log('Bare Socket.IO (no auth, no persistence, relays a small change):');
  const bare = await runBare(ours.statePayload);

  const p50 = round(median(ours.fan.last), 1);
  const p99 = round(percentile(ours.fan.last, 99), 1);
  const bareP99 = round(percentile(bare.small.last, 99), 1);
  // RSS moves with PGlite's WASM heap and the allocator, and can even fall after a GC; the JS heap
  // measured after a GC is what each connection actually holds, so that is the figure reported.
  const kbPerParticipant = round((ours.heapAfterKb - ours.heapBeforeKb) / PARTICIPANTS, 1);
  const rssKbPerParticipant = round((ours.rssAfterKb - ours.rssBeforeKb) / PARTICIPANTS, 1);
  const bareKb = round((bare.rssAfterKb - bare.rssBeforeKb) / PARTICIPANTS, 1);

  console.log(`\nFrom the secretary's emit to the LAST of ${PARTICIPANTS} participants receiving the change (${CHANGES} changes):`);
  console.log(`  Concerto, 'meeting:patch' (${ours.fan.bytes} bytes)`.padEnd(80) + fmt(ours.fan.last));
  console.log(`  bare Socket.IO, small 'change' (${bare.small.bytes} bytes)`.padEnd(80) + fmt(bare.small.last));
  if (bare.large) console.log(`  bare Socket.IO, 'change' as large as our state (${bare.large.bytes} bytes)`.padEnd(80) + fmt(bare.large.last));
  console.log(`  p99 ratio Concerto / bare: ${round(p99 / bareP99, 2)}` + (bare.large ? `   (against the same payload size: ${round(p99 / percentile(bare.large.last, 99), 2)})` : ''));
  const slowest = (fan: FanOut) =>
    fan.last
      .map((last, k) => ({ k, last, ack: fan.ack[k], first: fan.first[k] }))
      .sort((a, b) => b.last - a.last)
      .slice(0, 3)
      .map((s) => `#${s.k} last ${round(s.last, 1)} ms (ack ${round(s.ack, 1)}, first ${round(s.first, 1)})`)
      .join('; ');
  console.log(`  slowest changes, Concerto: ${slowest(ours.fan)}`);
  console.log(`  slowest changes, bare: ${slowest(bare.small)}`);
  console.log('Where the time goes (Concerto):');
  console.log(`  emit to the secretary's ack (validate, lock, write, commit)`.padEnd(80) + fmt(ours.fan.ack));
  console.log(`  emit to the FIRST participant receiving`.padEnd(80) + fmt(ours.fan.first));
  console.log(`  server: one state build (meetings.snapshot), measured apart`.padEnd(80) + fmt(ours.snapshot.buildMs));
  console.log(`  server: JSON encoding of that state`.padEnd(80) + fmt(ours.snapshot.encodeMs));
  console.log(`  bare, emit to the FIRST participant receiving`.padEnd(80) + fmt(bare.small.first));
  if (bare.large) console.log(`  bare, as large as our state: emit to the FIRST participant receiving`.padEnd(80) + fmt(bare.large.first));
  console.log(`  this process: JSON.parse of one state × ${PARTICIPANTS} (every client parses its copy here)`.padEnd(80) + fmt(clientParseMs(ours.statePayload)));
  const busy = ours.profile.find((p) => p.sql.startsWith('(database busy'))?.ms ?? NaN;
  const statements = ours.profile.filter((p) => !p.sql.startsWith('(')).reduce((n, p) => n + p.count, 0);
  console.log(`Database per change on the server: busy ${round(busy / CHANGES, 1)} ms, ${round(statements / CHANGES, 1)} statements; by statement (times include waiting behind statements sent at the same time):`);
  for (const p of ours.profile.filter((e) => !e.sql.startsWith('(database busy') && !e.sql.startsWith('(garbage')).slice(0, 12)) {
    console.log(`  ${round(p.ms / CHANGES, 2).toFixed(2).padStart(7)} ms/change  ${String(round(p.count / CHANGES, 1)).padStart(4)}×  ${p.sql}`);
  }
  const gcs = ours.profile.filter((p) => p.sql.startsWith('(garbage collection'));
  console.log(`Server garbage collection during the ${CHANGES} changes: ${gcs.map((g) => `${g.sql.slice(21, -1)} ${g.count}× ${round(g.ms, 1)} ms in all`).join(', ') || 'none'}`);
  console.log('Server memory per connected participant (VmRSS delta / participants):');
  console.log(`  Concerto: ${kbPerParticipant} KB of JS heap (${ours.heapBeforeKb} → ${ours.heapAfterKb} KB${ours.gc ? ', after a GC' : ', no GC available'}); RSS ${rssKbPerParticipant} KB (${ours.rssBeforeKb} → ${ours.rssAfterKb} KB)`);
  console.log(`  bare Socket.IO: ${bareKb} KB (${bare.rssBeforeKb} → ${bare.rssAfterKb} KB, no GC)`);
  console.log(`Load average (1 min) after: ${round(loadavg()[0], 2)}`);

  printJsonLine({
    participants: PARTICIPANTS,
    changes: CHANGES,
    p50_ms: p50,
    p99_ms: p99,
    bare_p99_ms: bareP99,
    p99_ratio: round(p99 / bareP99, 2),
    kb_per_participant: kbPerParticipant
  });
}

if (process.argv.includes('--serve')) {
  await serve();
} else {
  // Fresh storage, as bench/boot.ts does it.
  const store = await freshStore('meeting');
  try {
    await main(store);
  } finally {
    await store.dispose().catch((err: unknown) => console.error('could not drop the bench database:', err));
  }
  // socket.io-client keeps nothing alive after disconnect, but a stray timer must not hold the result.
  process.exit(process.exitCode ?? 0);
}
