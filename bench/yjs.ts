/**
 * Co-editing under load (issue 6): our Yjs server, with its authorisation and its persistence
 * on, against a bare reference relay (bench/bare-yjs-relay.ts: y-protocols, no auth, no
 * persistence) in the same run.
 *
 * Latency: 50 stock y-websocket providers (`ws` as the WebSocket, no BroadcastChannel), each a
 * member of a body with its own session cookie, edit the body's notes (`body:<id>:notes`) at 2
 * edits per second each, for 20 s after a 2 s warm-up. Per edit, the time from the local edit
 * to the LAST of the 49 other peers having it (read from the state each peer's 'update' event
 * carries); median and p99. Then all 50 copies must be identical (state vectors, delete sets and
 * content compared).
 *
 * Capacity: 50 light connections (raw `ws` speaking the protocol: sync step 1, then updates;
 * they only count the frames they receive, where stock providers on two cores would saturate
 * long before a server does) send pre-generated updates (each connection its own client's
 * sequence, so every update can be integrated on arrival) as fast as the server reads them. The
 * run ends when every connection has received every other connection's updates AND, for ours,
 * when the `yjs_updates` rows hold all of them (the server process records when each insert
 * committed). Updates per second handled by each server, and the ratio.
 *
 * Memory: each server's VmRSS with the 50 providers connected after the latency run (ours after
 * a GC: it is forked with --expose-gc).
 *
 *   npx tsx bench/yjs.ts            latency 20 s, capacity 50 × 400 updates
 *   npx tsx bench/yjs.ts --quick    latency 5 s, capacity 50 × 100 updates
 *
 * Ours stores in PGlite in a fresh temporary data dir, or in a fresh database on
 * BENCH_DATABASE_URL (dropped at the end). Accounts are made as bench/meeting.ts makes them:
 * bodies through the API, then the server process inserts people, memberships and users and
 * opens a session for each. Last line:
 * {"clients":50,"p50_ms":…,"p99_ms":…,"ref_p99_ms":…,"updates_per_s":…,"ref_updates_per_s":…,"ratio":…,"mb":…,"converged":true}
 */
import { loadavg } from 'node:os';
import * as encoding from 'lib0/encoding';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { collectGarbage, isQuick, median, percentile, printJsonLine, round, stopChild } from './lib/bench-kit.ts';
import { answerRequests, settledMemory, startConcertoHere, call, forkServer, freshStore, must, pool, startBareChild, vmRssKb, type Store } from './lib/forked-server.ts';

const CLIENTS = 50;
const EDITS_PER_S = 2;
const WARMUP_S = 2;
const LATENCY_S = isQuick ? 5 : 20;
const UPDATES_PER_CONNECTION = isQuick ? 100 : 400;
const CONNECT_CONCURRENCY = 10;
const TIMEOUT_MS = 60_000;

const now = () => performance.timeOrigin + performance.now();

// Each y-websocket provider in Node adds an 'exit' listener; 50 of them are expected here.
process.setMaxListeners(CLIENTS * 2 + 10);

// ---------------------------------------------------------------------------------------------
// Server side: `--serve` runs Concerto in this (forked) process and answers the bench over IPC.

type Request =
  | { id: number; type: 'accounts'; organisationId: string; bodyIds: string[]; count: number }
  | { id: number; type: 'memory' }
  | { id: number; type: 'persisted'; doc: string; stateVector: string }
  | { id: number; type: 'stop' };
type Outgoing = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

async function serve(): Promise<void> {
  const { concerto, port, sessionCookie: SESSION_COOKIE } = await startConcertoHere();
  const { db, sessions } = concerto.services;

  // Instrumentation of this process only (the server code is untouched): when each append to
  // the update log committed, per document.
  const lastInsert = new Map<string, number>();
  const query = db.query.bind(db);
  db.query = (async (sql: string, params?: unknown[]) => {
    const result = await query(sql, params);
    if (sql.startsWith('insert into yjs_updates')) lastInsert.set(String(params?.[0]), now());
    return result;
  }) as typeof db.query;

  const handle = async (msg: Request): Promise<unknown> => {
    switch (msg.type) {
      case 'accounts': {
        const cookies: string[] = [];
        for (let i = 0; i < msg.count; i++) {
          const name = `Participant ${String(i + 1).padStart(2, '0')}`;
          const [person] = await db.query<{ id: string }>('insert into people (organisation_id, full_name, org_role) values ($1, $2, $3) returning id', [msg.organisationId, name, 'member']);
          for (const bodyId of msg.bodyIds) {
            await db.query('insert into memberships (body_id, person_id, role, college) values ($1, $2, $3, $4)', [bodyId, person.id, 'member', i % 2 ? 'tenant' : 'landlord']);
          }
          const [user] = await db.query<{ id: string }>('insert into users (email, display_name) values ($1, $2) returning id', [`p${i}@bench.test`, name]);
          await db.query('update people set user_id = $2 where id = $1', [person.id, user.id]);
          const { token } = await sessions.create(user.id, 'bench/yjs.ts');
          cookies.push(`${SESSION_COOKIE}=${token}`);
        }
        return { cookies };
      }
      case 'memory':
        return settledMemory();
      case 'persisted': {
        // Does the log hold everything up to this state vector? If so, since when.
        const rows = await query<{ update: Uint8Array }>('select update from yjs_updates where doc = $1 order by id', [msg.doc]);
        const stored = rows.length ? Y.decodeStateVector(Y.encodeStateVectorFromUpdate(Y.mergeUpdates(rows.map((r) => r.update)))) : new Map<number, number>();
        const wanted = Y.decodeStateVector(Buffer.from(msg.stateVector, 'base64'));
        const complete = [...wanted].every(([client, clock]) => (stored.get(client) ?? 0) >= clock);
        return { complete, rows: rows.length, lastInsertAt: lastInsert.get(msg.doc) ?? null };
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

async function until(check: () => boolean, what: string, timeoutMs = TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: still not done after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** y-websocket builds its socket as `new WebSocket(url, protocols)`: the cookie goes on by the class. */
function webSocketWith(headers: Record<string, string>): typeof globalThis.WebSocket {
  return class extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  } as unknown as typeof globalThis.WebSocket;
}

interface Peer {
  ydoc: Y.Doc;
  provider: WebsocketProvider;
}

function identical(docs: Y.Doc[]): boolean {
  const [ref, ...rest] = docs;
  const sv = Buffer.from(Y.encodeStateVector(ref));
  const snap = Y.snapshot(ref);
  const text = ref.getText('notes').toString();
  return rest.every((d) => sv.equals(Buffer.from(Y.encodeStateVector(d))) && Y.equalSnapshots(snap, Y.snapshot(d)) && d.getText('notes').toString() === text);
}

interface LatencyRun {
  samples: number[];
  edits: number;
  converged: boolean;
  peers: Peer[];
}

/**
 * 50 stock providers edit one document at 2 edits per second each. An edit is identified by its
 * client and its clock after the edit; a peer has it once an 'update' it applied reaches that
 * clock (`Y.parseUpdateMeta`). The sample is the time at which the last of the other peers has it.
 */
async function latency(baseUrl: string, docName: string, headers: (i: number) => Record<string, string>): Promise<LatencyRun> {
  const wsUrl = `${baseUrl.replace(/^http/, 'ws')}/yjs`;
  const peers = await pool(Array.from({ length: CLIENTS }), CONNECT_CONCURRENCY, async (_, i) => {
    const ydoc = new Y.Doc();
    const provider = new WebsocketProvider(wsUrl, docName, ydoc, { WebSocketPolyfill: webSocketWith(headers(i)), disableBc: true });
    await until(() => provider.synced, `provider ${i} synced`);
    return { ydoc, provider };
  });

  interface Edit {
    clock: number;
    at: number;
    seen: number;
    measured: boolean;
  }
  const editsOf = new Map<number, Edit[]>(); // by client id, in clock order
  // Per peer, per client: index of the first edit of that client the peer has not seen yet.
  const cursors = peers.map(() => new Map<number, number>());
  const samples: number[] = [];
  let measuring = false;
  let outstanding = 0;
  peers.forEach((peer, p) => {
    peer.ydoc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== peer.provider) return; // its own edits
      const t = performance.now();
      for (const [client, clock] of Y.parseUpdateMeta(update).to) {
        const edits = editsOf.get(client);
        if (!edits) continue;
        let k = cursors[p].get(client) ?? 0;
        while (k < edits.length && edits[k].clock <= clock) {
          const e = edits[k++];
          if (++e.seen === CLIENTS - 1) {
            outstanding--;
            if (e.measured) samples.push(t - e.at);
          }
        }
        cursors[p].set(client, k);
      }
    });
  });

  let edits = 0;
  const timers: NodeJS.Timeout[] = [];
  const edit = (peer: Peer) => {
    const text = peer.ydoc.getText('notes');
    const at = performance.now();
    text.insert(Math.floor(Math.random() * (text.length + 1)), `${edits % 10}é `);
    const id = peer.ydoc.clientID;
    let list = editsOf.get(id);
    if (!list) editsOf.set(id, (list = []));
    list.push({ clock: Y.getState(peer.ydoc.store, id), at, seen: 0, measured: measuring });
    outstanding++;
    if (measuring) edits++;
  };
  // Each client's edits are spread over the period, not all at the same instant.
  const periodMs = 1000 / EDITS_PER_S;
  for (const peer of peers) {
    const start = setTimeout(() => {
      edit(peer);
      timers.push(setInterval(() => edit(peer), periodMs));
    }, Math.random() * periodMs);
    timers.push(start);
  }
  await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
  measuring = true;
  await new Promise((r) => setTimeout(r, LATENCY_S * 1000));
  for (const t of timers) clearInterval(t);
  await until(() => outstanding === 0, `every edit seen by every peer (${outstanding} left)`);
  let converged = false;
  try {
    await until(() => identical(peers.map((p) => p.ydoc)), 'all copies identical', 10_000);
    converged = true;
  } catch (err) {
    console.error(`  ${(err as Error).message}`);
  }
  return { samples, edits, converged, peers };
}

function leave(peers: Peer[]): void {
  for (const p of peers) {
    p.provider.destroy();
    p.ydoc.destroy();
  }
}

/** Pre-generated updates: connection i sends its own client's sequence of inserts, in order. */
function generateUpdates(): { messages: Uint8Array[][]; stateVector: Uint8Array } {
  const all = new Y.Doc();
  const messages = Array.from({ length: CLIENTS }, (_, i) => {
    const source = new Y.Doc();
    const out: Uint8Array[] = [];
    source.on('update', (update: Uint8Array) => {
      Y.applyUpdate(all, update);
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 0);
      syncProtocol.writeUpdate(encoder, update);
      out.push(encoding.toUint8Array(encoder));
    });
    const text = source.getText('notes');
    for (let k = 0; k < UPDATES_PER_CONNECTION; k++) text.insert(text.length, `${i}:${k} `);
    return out;
  });
  return { messages, stateVector: Y.encodeStateVector(all) };
}

const SYNC_STEP1_EMPTY = (() => {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  syncProtocol.writeSyncStep1(encoder, new Y.Doc());
  return encoding.toUint8Array(encoder);
})();

interface CapacityRun {
  updates: number;
  relayMs: number;
  /** From the start to the point every update is relayed and (ours) in the log. */
  totalMs: number;
  perSecond: number;
}

async function capacity(
  baseUrl: string,
  docName: string,
  headers: (i: number) => Record<string, string>,
  generated: { messages: Uint8Array[][] },
  persistedSince?: () => Promise<number | null>
): Promise<CapacityRun> {
  const wsUrl = `${baseUrl.replace(/^http/, 'ws')}/yjs/${encodeURIComponent(docName)}`;
  const perConnection = UPDATES_PER_CONNECTION;
  const expected = (CLIENTS - 1) * perConnection;
  let complete = 0;
  const conns = await pool(Array.from({ length: CLIENTS }), CONNECT_CONCURRENCY, async (_, i) => {
    const ws = new WebSocket(wsUrl, { headers: headers(i) });
    const conn = { ws, received: 0, synced: false };
    ws.on('message', (data: Buffer) => {
      if (data[0] !== 0) return; // awareness
      if (data[1] === 2) {
        if (++conn.received === expected) complete++;
      } else if (data[1] === 1) conn.synced = true;
    });
    ws.on('error', (err) => console.error(`  light connection ${i}: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('close', (code) => reject(new Error(`light connection ${i} closed with ${code}`)));
    });
    ws.send(SYNC_STEP1_EMPTY);
    await until(() => conn.synced, `light connection ${i} synced`);
    return conn;
  });

  const t0 = now();
  await Promise.all(
    conns.map(async (conn, i) => {
      const mine = generated.messages[i];
      for (let k = 0; k < mine.length; k++) {
        // Backpressure: every 50 frames, wait until ws has handed them to the kernel.
        if (k % 50 === 49) await new Promise<void>((resolve) => conn.ws.send(mine[k], () => resolve()));
        else conn.ws.send(mine[k]);
      }
    })
  );
  await until(() => complete === CLIENTS, `every update relayed (${conns.reduce((n, c) => n + c.received, 0)} of ${expected * CLIENTS} frames)`, 300_000);
  const relayedAt = now();
  let end = relayedAt;
  if (persistedSince) {
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      const at = await persistedSince();
      if (at !== null) {
        end = Math.max(relayedAt, at);
        break;
      }
      if (Date.now() > deadline) throw new Error('the updates never all reached the log');
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  for (const c of conns) c.ws.terminate();
  const updates = CLIENTS * perConnection;
  return { updates, relayMs: relayedAt - t0, totalMs: end - t0, perSecond: updates / ((end - t0) / 1000) };
}


const fmt = (samples: number[]) => `median ${round(median(samples)).toFixed(1).padStart(7)} ms   p99 ${round(percentile(samples, 99)).toFixed(1).padStart(7)} ms   (${samples.length} edits)`;

async function main(store: Store): Promise<void> {
  const dbKind = store.kind;
  console.log(`Yjs benchmark: ${CLIENTS} clients, ${EDITS_PER_S} edits/s each for ${LATENCY_S} s (after ${WARMUP_S} s not counted); capacity ${CLIENTS} × ${UPDATES_PER_CONNECTION} updates; ours on ${dbKind}.`);
  const loadBefore = round(loadavg()[0], 2);
  console.log(`Load average (1 min) before: ${loadBefore}; other work running at the same time inflates every figure.`);
  const generated = generateUpdates();

  // Ours.
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['DATABASE_URL', 'REDIS_URL', 'ORIGIN', 'SMTP_URL', 'PORT', 'HOST', 'DATA_DIR']) delete env[key];
  Object.assign(env, store.env, { LOG_LEVEL: 'warn' });
  // BENCH_CPU_PROF=<dir>: V8 CPU profiles of our server process (and of the relay, in <dir>/bare), written when they exit.
  const prof = (dir: string) => (process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []);
  const server = await forkServer<Outgoing>(import.meta.url, env, prof(process.env.BENCH_CPU_PROF ?? ''));
  let ours: LatencyRun;
  let oursCapacity: CapacityRun;
  let oursRss: { rssKb: number; gc: boolean };
  let oursIdle: { rssKb: number; gc: boolean };
  // The reference runs beside ours from the start; each phase runs on one server at a time, and
  // both latency phases come before the capacity phases, whose garbage would otherwise be
  // collected in this process during the next latency phase.
  const { child, url: bareUrl } = await startBareChild('bench/bare-yjs-relay.ts', 'the bare relay', prof(`${process.env.BENCH_CPU_PROF}/bare`));
  let ref: LatencyRun;
  let refCapacity: CapacityRun;
  let refRssKb: number;
  const refIdleKb = vmRssKb(child.proc.pid!);
  try {
    const url = server.url;
    const setup = await must(201, call(url, null, 'POST', '/setup', { organisationName: 'Office 64 de l’Habitat', adminName: 'Claire Etcheverry', email: 'claire@office64.test', password: 'mot-de-passe-solide-64' }), 'setup');
    const admin = setup.cookie;
    const orgId: string = setup.json.organisation.id;
    const bodyIds: string[] = [];
    for (const name of ['Groupe de travail charte', 'Groupe de travail capacité']) {
      const body = await must(201, call(url, admin, 'POST', `/organisations/${orgId}/bodies`, { name, kind: 'working_group' }), 'body');
      bodyIds.push(body.json.body.id);
    }
    const { cookies } = await server.request<{ cookies: string[] }>({ type: 'accounts', organisationId: orgId, bodyIds, count: CLIENTS });
    const headers = (i: number) => ({ cookie: cookies[i] });
    oursIdle = await server.request({ type: 'memory' });

    collectGarbage();
    console.log('Concerto (session cookies, edit rights checked, every update persisted):');
    ours = await latency(url, `body:${bodyIds[0]}:notes`, headers);
    console.log(`  latency: ${fmt(ours.samples)}, converged: ${ours.converged}`);
    oursRss = await server.request({ type: 'memory' });
    leave(ours.peers);

    collectGarbage();
    console.log('Bare relay (y-protocols, no auth, no persistence):');
    ref = await latency(bareUrl, 'bench-latency', () => ({}));
    console.log(`  latency: ${fmt(ref.samples)}, converged: ${ref.converged}`);
    refRssKb = vmRssKb(child.proc.pid!);
    leave(ref.peers);

    collectGarbage();
    const capDoc = `body:${bodyIds[1]}:notes`;
    oursCapacity = await capacity(url, capDoc, headers, generated, async () => {
      const res = await server.request<{ complete: boolean; rows: number; lastInsertAt: number | null }>({
        type: 'persisted',
        doc: capDoc,
        stateVector: Buffer.from(generated.stateVector).toString('base64')
      });
      return res.complete ? res.lastInsertAt : null;
    });
    console.log(`  Concerto capacity: ${Math.round(oursCapacity.perSecond)} updates/s (${oursCapacity.updates} updates relayed in ${round(oursCapacity.relayMs)} ms, all in the log at ${round(oursCapacity.totalMs)} ms)`);

    collectGarbage();
    refCapacity = await capacity(bareUrl, 'bench-capacity', () => ({}), generated);
    console.log(`  bare relay capacity: ${Math.round(refCapacity.perSecond)} updates/s (${refCapacity.updates} updates relayed in ${round(refCapacity.relayMs)} ms)`);
  } finally {
    await server.request({ type: 'stop' }).catch(() => undefined);
    const timer = setTimeout(() => server.proc.kill('SIGKILL'), 15_000);
    await server.exited;
    clearTimeout(timer);
    await stopChild(child);
  }

  const p50 = round(median(ours.samples));
  const p99 = round(percentile(ours.samples, 99));
  const refP99 = round(percentile(ref.samples, 99));
  const ratio = round(oursCapacity.perSecond / refCapacity.perSecond, 2);
  const mb = round(oursRss.rssKb / 1024);
  console.log(`\nFrom an edit to the LAST of the ${CLIENTS - 1} other peers having it:`);
  console.log(`  Concerto`.padEnd(40) + fmt(ours.samples));
  console.log(`  bare relay`.padEnd(40) + fmt(ref.samples));
  console.log(`Capacity: Concerto ${Math.round(oursCapacity.perSecond)} updates/s (relayed and persisted), bare ${Math.round(refCapacity.perSecond)} updates/s (relayed); ratio ${ratio}`);
  console.log(
    `Server memory (VmRSS): Concerto ${round(oursIdle.rssKb / 1024)} MiB idle → ${mb} MiB with ${CLIENTS} clients${oursRss.gc ? ' (after a GC)' : ''}; ` +
      `bare ${round(refIdleKb / 1024)} MiB → ${round(refRssKb / 1024)} MiB`
  );
  console.log(`All ${CLIENTS} copies identical: Concerto ${ours.converged}, bare ${ref.converged}`);
  console.log(`Load average (1 min) after: ${round(loadavg()[0], 2)}`);
  if (!ours.converged || !ref.converged) process.exitCode = 1;

  printJsonLine({
    clients: CLIENTS,
    p50_ms: p50,
    p99_ms: p99,
    ref_p99_ms: refP99,
    updates_per_s: Math.round(oursCapacity.perSecond),
    ref_updates_per_s: Math.round(refCapacity.perSecond),
    ratio,
    mb,
    converged: ours.converged && ref.converged
  });
}

if (process.argv.includes('--serve')) {
  await serve();
} else {
  // Fresh storage, as bench/meeting.ts does it.
  const store = await freshStore('yjs');
  try {
    await main(store);
  } finally {
    await store.dispose().catch((err: unknown) => console.error('could not drop the bench database:', err));
  }
  process.exit(process.exitCode ?? 0);
}
