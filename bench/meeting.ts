/**
 * Live-room fan-out (issue 4): 300 participants, each a real member account on a real
 * socket.io-client connection with its session cookie, in one live meeting of 10 agenda items.
 * The secretary changes the current item 50 times, one change at a time: each change waits
 * until all 300 have received the 'meeting:patch' that shows it. Per change we measure the time
 * from the secretary's emit to the LAST participant receiving that state; median and p99.
 * Server memory per participant: the server's VmRSS (after a GC) before and after the
 * participants connect and join, divided by their number.
 * The reference, in the same run: the same fan-out (as many clients, as many changes, the same
 * message) through bench/bare-socketio.ts, a Socket.IO server with no auth and no persistence
 * that relays to a room what its sender sends it: here, the very patch Concerto broadcast for the
 * last change. The ratio of the two p99s is Concerto's over that reference's. A third fan-out,
 * the bare server relaying a 27-byte message, shows what the fan-out costs with next to no
 * payload (its ratio is printed, not the reference: 300 copies of a 400-byte patch take the
 * clients of this one process about 1 ms more to receive than 300 of 27 bytes, with no server
 * work at all). The three are interleaved change by change, each going first in turn, so the
 * machine's passing load falls on all three alike (run one after the other, the ratio of two
 * maxima of 50 samples swung ±40% from run to run with the machine alone).
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
import { preparedName } from '../server/db/db.ts';
import { cpuProfiler } from './lib/cpu-profile.ts';
import { collectGarbage, isQuick, median, percentile, printJsonLine, round, stopChild } from './lib/bench-kit.ts';
import { answerRequests, settledMemory, startConcertoHere, call, forkServer, freshStore, must, pool, startBareChild, vmRssKb, type ForkedServer, type Store } from './lib/forked-server.ts';

const PARTICIPANTS = isQuick ? 50 : 300;
const CHANGES = isQuick ? 10 : 50;
const ITEMS = 10;
/** Changes made before measuring (not counted): JIT, caches and buffers warm up on both servers. */
const WARMUP_CHANGES = 20;
const CONNECT_CONCURRENCY = 20;
const CHANGE_TIMEOUT_MS = 30_000;

/** One measured change in the server process (epoch ms): arrival, then [start, end] of each step. */
interface ServerTrace {
  arrived: number;
  statement: [number, number];
  broadcast: [number, number];
}
interface ServerProfile {
  /** Database statements during the measured changes, the costliest first. */
  statements: { sql: string; count: number; ms: number; max: number }[];
  traces: ServerTrace[];
}

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
  const profile = new Map<string, { count: number; ms: number; max: number }>();
  let profiling = false;
  const record = (sql: string, ms: number) => {
    if (!profiling) return;
    const key = sql.replace(/\s+/g, ' ').trim().slice(0, 90);
    const entry = profile.get(key) ?? { count: 0, ms: 0, max: 0 };
    entry.count++;
    entry.ms += ms;
    entry.max = Math.max(entry.max, ms);
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
      const trace = profiling && preparedName(sql) === 'meetings.set_current_item' ? traces.at(-1) : undefined;
      if (trace) trace.statement[0] = epochMs();
      enter();
      try {
        return await original(sql, params);
      } finally {
        if (trace) trace.statement[1] = epochMs();
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

  // Where each measured change spends its time in this process, in epoch ms (comparable with the
  // bench's clock on the same machine): the secretary's event arriving, the change's statement,
  // the broadcast to the room (Socket.IO writing to every participant's socket).
  const traces: ServerTrace[] = [];
  const epochMs = () => performance.timeOrigin + performance.now();
  concerto.io.on('connection', (socket) =>
    socket.use(([event], next) => {
      if (profiling && event === 'meeting:current-item') traces.push({ arrived: epochMs(), statement: [NaN, NaN], broadcast: [NaN, NaN] });
      next();
    })
  );
  const broadcasts = Object.getPrototypeOf(concerto.io.to('meeting:bench')) as { emit: (...args: unknown[]) => boolean };
  const emit = broadcasts.emit;
  broadcasts.emit = function (this: unknown, ...args: unknown[]) {
    const trace = profiling && args[0] === 'meeting:patch' ? traces.at(-1) : undefined;
    const t0 = epochMs();
    const sent = emit.apply(this, args);
    if (trace) trace.broadcast = [t0, epochMs()];
    return sent;
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
          traces.length = 0;
          gcPauses.length = 0;
          gcObserver.observe({ entryTypes: ['gc'] });
          await cpu.start();
          return null;
        }
        await cpu.stop();
        gcObserver.disconnect();
        for (const e of gcPauses) record(`(garbage collection: ${e.kind})`, e.ms);
        const statements = [...profile.entries()].map(([sql, e]) => ({ sql, ...e })).sort((a, b) => b.ms - a.ms);
        return { statements, traces } satisfies ServerProfile;
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
  /** When each change was sent (epoch ms), to line it up with the server's trace. */
  sentAt: number[];
}

const newFanOut = (): FanOut => ({ last: [], first: [], ack: [], bytes: 0, sentAt: [] });

/**
 * A room of participants that changes are fanned out to, one change at a time: `change(k, send)`
 * sends change k and resolves once every participant has received a payload that
 * `matches(payload, k)`; its times go `into` a FanOut (none for warm-up changes).
 */
interface Room {
  change(k: number, send: (acked: () => void) => void, into?: FanOut): Promise<void>;
  close(): void;
}

function fanOutRoom(participants: Socket[], event: string, matches: (payload: any, k: number) => boolean): Room {
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
  return {
    async change(k, send, into) {
      // The clients of every server live in this one process (on real phones each has its own):
      // its garbage is collected between changes, so a pause of this harness is not timed as a server's.
      collectGarbage('minor');
      got = new Uint8Array(participants.length);
      received = 0;
      const all = new Promise<void>((resolve) => {
        done = resolve;
      });
      let ackAt = 0;
      current = k;
      const t0 = performance.now();
      into?.sentAt.push(performance.timeOrigin + t0);
      try {
        send(() => {
          ackAt = performance.now();
        });
        await withTimeout(all, CHANGE_TIMEOUT_MS, `change ${k} (${received}/${participants.length} received)`);
      } finally {
        current = -1;
      }
      const lastAt = performance.now();
      into?.last.push(lastAt - t0);
      into?.first.push(firstAt - t0);
      into?.ack.push((ackAt || lastAt) - t0);
    },
    close() {
      for (const off of listeners) off();
    }
  };
}

const fmt = (samples: number[]) => `median ${round(median(samples), 1).toFixed(1).padStart(7)} ms   p99 ${round(percentile(samples, 99), 1).toFixed(1).padStart(7)} ms`;

/** Concerto, set up and joined: a live meeting whose current item the secretary changes. */
interface ConcertoRoom {
  /** Change n moves the room to item n % ITEMS (consecutive changes move it to another item). */
  change(n: number, into?: FanOut): Promise<void>;
  /** The last 'meeting:patch' received: what each participant got for a change of item. */
  lastPatch(): unknown;
  server: ForkedServer<Outgoing>;
  meetingId: string;
  rssBeforeKb: number;
  rssAfterKb: number;
  heapBeforeKb: number;
  heapAfterKb: number;
  gc: boolean;
  close(): Promise<void>;
}

async function startConcerto(store: { DATA_DIR: string; DATABASE_URL?: string }): Promise<ConcertoRoom> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['DATABASE_URL', 'REDIS_URL', 'ORIGIN', 'SMTP_URL', 'PORT', 'HOST', 'DATA_DIR']) delete env[key];
  Object.assign(env, store, { LOG_LEVEL: 'warn' });
  const server = await forkServer<Outgoing>(import.meta.url, env);
  const sockets: Socket[] = [];
  let room: Room | null = null;
  const close = async () => {
    room?.close();
    for (const s of sockets) s.disconnect();
    await server.request({ type: 'stop' }).catch(() => undefined);
    const timer = setTimeout(() => server.proc.kill('SIGKILL'), 15_000);
    await server.exited;
    clearTimeout(timer);
  };
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

    let patch: unknown = null;
    // Broadcasts are 'meeting:patch' (src/lib/protocol/meeting-patch.ts): a participant has the
    // change when a patch carries the new current item.
    room = fanOutRoom(participants, 'meeting:patch', (p: any, n: number) => {
      if ((p?.changes?.room ?? p?.changes?.meeting)?.currentItemId !== items[n % ITEMS]) return false;
      patch = p;
      return true;
    });
    const changes = room;
    return {
      change: (n, into) =>
        changes.change(
          n,
          (acked) =>
            secretary.emit('meeting:current-item', { meetingId, itemId: items[n % ITEMS] }, (res: { ok: boolean }) => {
              if (!res.ok) console.error(`  change ${n} refused: ${JSON.stringify(res)}`);
              acked();
            }),
          into
        ),
      lastPatch: () => patch,
      server,
      meetingId,
      rssBeforeKb: before.rssKb,
      rssAfterKb: after.rssKb,
      heapBeforeKb: before.heapUsedKb,
      heapAfterKb: after.heapUsedKb,
      gc: after.gc,
      close
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The bare Socket.IO server with as many participants in one room; `change(seq, payload)` relays a payload carrying `seq`. */
interface BareRoom {
  change(seq: number, payload: object, into?: FanOut): Promise<void>;
  rssBeforeKb: number;
  rssAfterKb: number;
  close(): Promise<void>;
}

async function startBare(): Promise<BareRoom> {
  const { child, url } = await startBareChild('bench/bare-socketio.ts', 'the bare server');
  const sockets: Socket[] = [];
  let room: Room | null = null;
  const close = async () => {
    room?.close();
    for (const s of sockets) s.disconnect();
    await stopChild(child);
  };
  try {
    const name = 'meeting:bench';
    const sender = await connect(url, null);
    sockets.push(sender);
    await sender.timeout(10_000).emitWithAck('join', name);
    const rssBeforeKb = vmRssKb(child.proc.pid!);
    const participants = await pool(Array.from({ length: PARTICIPANTS }), CONNECT_CONCURRENCY, async () => {
      const socket = await connect(url, null);
      sockets.push(socket);
      await socket.timeout(30_000).emitWithAck('join', name);
      return socket;
    });
    await new Promise((r) => setTimeout(r, 200));
    const rssAfterKb = vmRssKb(child.proc.pid!);
    room = fanOutRoom(participants, 'change', (p: any, seq: number) => p?.seq === seq);
    const changes = room;
    return {
      change: (seq, payload, into) => changes.change(seq, (acked) => sender.emit('change', name, { ...payload, seq }, acked), into),
      rssBeforeKb,
      rssAfterKb,
      close
    };
  } catch (err) {
    await close();
    throw err;
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

  console.log('Concerto (auth, persistence, the patch of each change to the room):');
  const ours = await startConcerto(store.env);
  let bare: BareRoom | null = null;
  try {
    console.log('Bare Socket.IO (no auth, no persistence, relays what the sender sends):');
    bare = await startBare();
    const reference = bare;
    // Three fan-outs, interleaved change by change (in turn, so none always goes first): the
    // machine's passing load falls on all three alike, and the ratio compares like with like.
    //  - ours: the secretary changes the current item in Concerto;
    //  - same: the bare server relays the very patch Concerto sent for the last change (the same
    //    fan-out, with no auth and no persistence): the reference of the ratio;
    //  - small: the bare server relays a 27-byte message (what the fan-out costs with next to no payload).
    const fans = { ours: newFanOut(), same: newFanOut(), small: newFanOut() };
    let n = 1;
    let seq = 0;
    const steps = {
      ours: (into?: FanOut) => ours.change(n++, into),
      same: (into?: FanOut) => reference.change(seq++, ours.lastPatch() as object, into),
      small: (into?: FanOut) => reference.change(seq++, { itemId: `item-${seq % ITEMS}` }, into)
    };
    const order = ['ours', 'same', 'small'] as const;
    // The setup left garbage here (300 full meeting states from the joins): collected now, once,
    // so that no full collection of this process falls among the timed changes.
    collectGarbage('major');
    for (let w = 0; w < WARMUP_CHANGES; w++) for (const step of order) await steps[step]();
    await ours.server.request({ type: 'profile', on: true });
    for (let k = 0; k < CHANGES; k++) {
      for (let i = 0; i < order.length; i++) {
        const step = order[(k + i) % order.length];
        await steps[step](fans[step]);
      }
    }
    const { statements: profile, traces } = await ours.server.request<ServerProfile>({ type: 'profile', on: false });
    const snapshot = await ours.server.request<{ buildMs: number[]; encodeMs: number[]; bytes: number }>({ type: 'snapshot', meetingId: ours.meetingId, runs: 20 });
    const patch = ours.lastPatch();
    fans.ours.bytes = Buffer.byteLength(JSON.stringify(patch));
    fans.same.bytes = Buffer.byteLength(JSON.stringify({ ...(patch as object), seq: 1 }));
    fans.small.bytes = Buffer.byteLength(JSON.stringify({ itemId: 'item-1', seq: 1 }));

    const p50 = round(median(fans.ours.last), 1);
    const p99 = round(percentile(fans.ours.last, 99), 1);
    const bareP99 = round(percentile(fans.same.last, 99), 1);
    const smallP99 = round(percentile(fans.small.last, 99), 1);
    // RSS moves with PGlite's WASM heap and the allocator, and can even fall after a GC; the JS heap
    // measured after a GC is what each connection actually holds, so that is the figure reported.
    const kbPerParticipant = round((ours.heapAfterKb - ours.heapBeforeKb) / PARTICIPANTS, 1);
    const rssKbPerParticipant = round((ours.rssAfterKb - ours.rssBeforeKb) / PARTICIPANTS, 1);
    const bareKb = round((bare.rssAfterKb - bare.rssBeforeKb) / PARTICIPANTS, 1);

    console.log(`\nFrom the sender's emit to the LAST of ${PARTICIPANTS} participants receiving the change (${CHANGES} changes each, interleaved):`);
    console.log(`  Concerto, 'meeting:patch' (${fans.ours.bytes} bytes)`.padEnd(80) + fmt(fans.ours.last));
    console.log(`  bare Socket.IO relaying the same patch (${fans.same.bytes} bytes)`.padEnd(80) + fmt(fans.same.last));
    console.log(`  bare Socket.IO relaying a small message (${fans.small.bytes} bytes)`.padEnd(80) + fmt(fans.small.last));
    console.log(`  p99 ratio Concerto / bare with the same patch: ${round(p99 / bareP99, 2)}   (against the small message: ${round(p99 / smallP99, 2)})`);
    const slowest = (fan: FanOut) =>
      fan.last
        .map((last, k) => ({ k, last, ack: fan.ack[k], first: fan.first[k] }))
        .sort((a, b) => b.last - a.last)
        .slice(0, 3)
        .map((s) => `#${s.k} last ${round(s.last, 1)} ms (ack ${round(s.ack, 1)}, first ${round(s.first, 1)})`)
        .join('; ');
    console.log(`  slowest changes, Concerto: ${slowest(fans.ours)}`);
    console.log(`  slowest changes, bare with the same patch: ${slowest(fans.same)}`);
    console.log(`  slowest changes, bare with the small message: ${slowest(fans.small)}`);
    console.log('Where the time goes:');
    console.log(`  Concerto: emit to the secretary's ack (validate, write, commit, broadcast)`.padEnd(80) + fmt(fans.ours.ack));
    console.log(`  Concerto: emit to the FIRST participant receiving`.padEnd(80) + fmt(fans.ours.first));
    console.log(`  bare, the same patch: emit to the FIRST participant receiving`.padEnd(80) + fmt(fans.same.first));
    console.log(`  bare, the small message: emit to the FIRST participant receiving`.padEnd(80) + fmt(fans.small.first));
    console.log(`  Concerto server: one full state build (meetings.snapshot, sent on join), measured apart`.padEnd(80) + fmt(snapshot.buildMs));
    console.log(`  Concerto server: JSON encoding of that state (${snapshot.bytes} bytes)`.padEnd(80) + fmt(snapshot.encodeMs));
    console.log(`  this process: JSON.parse of one patch × ${PARTICIPANTS} (every client parses its copy here)`.padEnd(80) + fmt(clientParseMs(patch)));
    const busy = profile.find((p) => p.sql.startsWith('(database busy'))?.ms ?? NaN;
    const statements = profile.filter((p) => !p.sql.startsWith('(')).reduce((c, p) => c + p.count, 0);
    console.log(`Database per change on the server: busy ${round(busy / CHANGES, 1)} ms, ${round(statements / CHANGES, 1)} statements; by statement (times include waiting behind statements sent at the same time):`);
    for (const p of profile.filter((e) => !e.sql.startsWith('(database busy') && !e.sql.startsWith('(garbage')).slice(0, 12)) {
      console.log(`  ${round(p.ms / CHANGES, 2).toFixed(2).padStart(7)} ms/change (slowest ${round(p.max, 1)} ms)  ${String(round(p.count / CHANGES, 1)).padStart(4)}×  ${p.sql}`);
    }
    // The server's trace, from the secretary's emit (its clock and this process's agree to a few µs).
    const stepsOf = (k: number) => {
      const t = traces[k];
      const at = (x: number) => `+${round(x - fans.ours.sentAt[k], 1)}`;
      return `arrives ${at(t.arrived)}, statement ${at(t.statement[0])} → ${at(t.statement[1])}, broadcast ${at(t.broadcast[0])} → ${at(t.broadcast[1])} ms`;
    };
    if (traces.length === CHANGES) {
      const med = (f: (t: ServerTrace) => number) => `+${round(median(traces.map((t, k) => f(t) - fans.ours.sentAt[k])), 1)}`;
      console.log(`Concerto's server per change, from the secretary's emit (median): arrives ${med((t) => t.arrived)}, statement ${med((t) => t.statement[0])} → ${med((t) => t.statement[1])}, broadcast to the room ${med((t) => t.broadcast[0])} → ${med((t) => t.broadcast[1])} ms`);
      for (const { k } of fans.ours.last.map((ms, k) => ({ ms, k })).sort((a, b) => b.ms - a.ms).slice(0, 3)) {
        console.log(`  slow change #${k} (last participant at ${round(fans.ours.last[k], 1)} ms): ${stepsOf(k)}`);
      }
    }
    const gcs = profile.filter((p) => p.sql.startsWith('(garbage collection'));
    console.log(`Server garbage collection during the measured changes: ${gcs.map((g) => `${g.sql.slice(21, -1)} ${g.count}× ${round(g.ms, 1)} ms in all`).join(', ') || 'none'}`);
    console.log('Server memory per connected participant:');
    console.log(`  Concerto: ${kbPerParticipant} KB of JS heap (${ours.heapBeforeKb} → ${ours.heapAfterKb} KB${ours.gc ? ', after a GC' : ', no GC available'}); RSS ${rssKbPerParticipant} KB (${ours.rssBeforeKb} → ${ours.rssAfterKb} KB)`);
    console.log(`  bare Socket.IO: ${bareKb} KB of RSS (${bare.rssBeforeKb} → ${bare.rssAfterKb} KB, no GC)`);
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
  } finally {
    await bare?.close();
    await ours.close();
  }
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
