/**
 * World café under load (issue 7): 60 participants over 8 tables (8 hosts who stay, 52 who
 * rotate), 3 rounds. Every participant is a real socket.io-client connection with its session
 * cookie (joined to the workshop with 'workshop:join') and a real y-websocket provider on the
 * tablecloth of its table in the current round. In each round every participant writes notes
 * one after another; per note we measure, for each other participant at that table, the time
 * from the writer's addNote to that participant's document showing it ("note" figures). Between
 * rounds the facilitator emits 'workshop:control' {action:'next'}; per round change we measure
 * the time from the emit to the LAST phone receiving the 'workshop:state' of the new round
 * ("round" figures). Server memory: VmRSS of the server process after a GC, with everyone
 * connected.
 *
 *   npx tsx bench/workshop.ts            60 participants, 3 notes each per round
 *   npx tsx bench/workshop.ts --quick    24 participants over 4 tables, 1 note each per round
 *
 * The server runs in a forked process (--expose-gc) on PGlite in a temporary data dir. Accounts
 * are made in that process (user, person, membership, session) instead of 60 invitations and
 * password hashes. Last line: {"participants":…,"note_p50_ms":…,"note_p99_ms":…,"round_p99_ms":…,"mb":…}
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connectSocketIo, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { isQuick, median, percentile, printJsonLine, round } from './lib/bench-kit.ts';
import { answerRequests, settledMemory, startConcertoHere, call, forkServer, must } from './lib/forked-server.ts';
import { addNote, notesArray } from '../src/lib/workshops/tablecloth.ts';
import type { WorkshopCapabilities, WorkshopState } from '../src/lib/workshops/workshop-state.ts';
import { tableFor } from '../src/lib/workshops/workshop-state.ts';

const PARTICIPANTS = isQuick ? 24 : 60;
const TABLES = isQuick ? 4 : 8;
const ROUNDS = 3;
const NOTES_PER_ROUND = isQuick ? 1 : 3;
const TIMEOUT_MS = 30_000;

// ---------------------------------------------------------------------------------------------
// Server side: `--serve` runs Concerto in this (forked) process and answers over IPC.

type Request = { id: number; type: 'people'; organisationId: string; bodyId: string; count: number } | { id: number; type: 'memory' } | { id: number; type: 'stop' };

async function serve(): Promise<void> {
  const { concerto, port, sessionCookie: SESSION_COOKIE } = await startConcertoHere();
  const { db, sessions } = concerto.services;
  const handle = async (msg: Request): Promise<unknown> => {
    switch (msg.type) {
      case 'people': {
        const cookies: string[] = [];
        for (let i = 0; i < msg.count; i++) {
          const name = `Participant ${String(i + 1).padStart(2, '0')}`;
          const [person] = await db.query<{ id: string }>('insert into people (organisation_id, full_name, org_role) values ($1, $2, $3) returning id', [msg.organisationId, name, 'member']);
          await db.query('insert into memberships (body_id, person_id, role, college) values ($1, $2, $3, $4)', [msg.bodyId, person.id, 'member', i % 2 ? 'tenant' : 'landlord']);
          const [user] = await db.query<{ id: string }>('insert into users (email, display_name) values ($1, $2) returning id', [`p${i}@bench.test`, name]);
          await db.query('update people set user_id = $2 where id = $1', [person.id, user.id]);
          const { token } = await sessions.create(user.id, 'bench/workshop.ts');
          cookies.push(`${SESSION_COOKIE}=${token}`);
        }
        return { cookies };
      }
      case 'memory':
        return settledMemory();
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

type Outgoing = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

function until(check: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + TIMEOUT_MS;
    const tick = () => {
      if (check()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 2);
    };
    tick();
  });
}

interface Phone {
  cookie: string;
  socket: Socket;
  participantId: string;
  state: WorkshopState;
  /** When each round's state first arrived (performance.now()). */
  roundSeenAt: Map<number, number>;
  doc: Y.Doc | null;
  provider: WebsocketProvider | null;
  tableId: string | null;
}

function cookieSocket(cookie: string) {
  return class extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers: { cookie } });
    }
  };
}

async function openCloth(url: string, phone: Phone, tableId: string): Promise<void> {
  phone.provider?.destroy();
  phone.doc?.destroy();
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${url.replace(/^http/, 'ws')}/yjs`, `tablecloth:${tableId}`, doc, {
    WebSocketPolyfill: cookieSocket(phone.cookie) as unknown as typeof globalThis.WebSocket,
    disableBc: true
  });
  phone.doc = doc;
  phone.provider = provider;
  phone.tableId = tableId;
  await until(() => provider.synced, 'a tablecloth to sync');
}

async function main(): Promise<void> {
  // Each y-websocket provider in Node listens for the process's exit.
  process.setMaxListeners(0);
  const dir = mkdtempSync(join(tmpdir(), 'concerto-bench-workshop-'));
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', DATA_DIR: join(dir, 'data') };
  for (const key of ['DATABASE_URL', 'REDIS_URL', 'ORIGIN', 'SMTP_URL']) delete env[key];
  const server = await forkServer<Outgoing>(import.meta.url, env);
  const url = server.url;
  const phones: Phone[] = [];
  try {
    const setup = await must(201, call(url, null, 'POST', '/setup', { organisationName: 'Office Bench', adminName: 'Camille Banc', email: 'admin@bench.test', password: 'un mot de passe de banc' }), 'setup');
    const admin = setup.cookie;
    const organisationId = setup.json.organisation.id as string;
    const body = await must(201, call(url, admin, 'POST', `/organisations/${organisationId}/bodies`, { name: 'Groupe seniors', kind: 'working_group' }), 'body');
    const bodyId = body.json.body?.id ?? body.json.id;
    const { cookies } = await server.request<{ cookies: string[] }>({ type: 'people', organisationId, bodyId, count: PARTICIPANTS });

    const created = await must(201, call(url, admin, 'POST', `/bodies/${bodyId}/workshops`, {
      title: 'Banc d’essai',
      roundCount: ROUNDS,
      roundMinutes: 20,
      tables: Array.from({ length: TABLES }, (_, i) => ({ name: `Table ${i + 1}` }))
    }), 'workshop');
    const workshopId = created.json.workshop.id as string;
    await must(200, call(url, admin, 'POST', `/workshops/${workshopId}/participants/body-members`, {}), 'participants');
    const st = (await must(200, call(url, admin, 'GET', `/workshops/${workshopId}`), 'state')).json.state as WorkshopState;
    for (let i = 0; i < TABLES; i++) {
      await must(200, call(url, admin, 'PATCH', `/workshop-tables/${st.tables[i].id}`, { hostParticipantId: st.participants[i].id }), 'host');
    }

    // Everyone connects and joins (a few at a time).
    for (let start = 0; start < cookies.length; start += 10) {
      await Promise.all(
        cookies.slice(start, start + 10).map(async (cookie) => {
          const socket = connectSocketIo(url, { path: '/socket.io/', transports: ['websocket'], extraHeaders: { cookie }, forceNew: true, reconnection: false });
          const joined = await new Promise<{ state: WorkshopState; capabilities: WorkshopCapabilities }>((resolve, reject) => {
            socket.once('connect_error', reject);
            socket.once('connect', () =>
              socket.emit('workshop:join', { workshopId }, (res: { ok: boolean; data: { state: WorkshopState; capabilities: WorkshopCapabilities }; error?: unknown }) =>
                res.ok ? resolve(res.data) : reject(new Error(JSON.stringify(res.error)))
              )
            );
          });
          const phone: Phone = { cookie, socket, participantId: joined.capabilities.participantId!, state: joined.state, roundSeenAt: new Map(), doc: null, provider: null, tableId: null };
          socket.on('workshop:state', (s: WorkshopState) => {
            if (s.rev < phone.state.rev) return;
            phone.state = s;
            if (!phone.roundSeenAt.has(s.round.current)) phone.roundSeenAt.set(s.round.current, performance.now());
          });
          phones.push(phone);
        })
      );
    }
    const facilitator = connectSocketIo(url, { path: '/socket.io/', transports: ['websocket'], extraHeaders: { cookie: admin }, forceNew: true, reconnection: false });
    await new Promise<void>((resolve) => facilitator.once('connect', () => resolve()));
    const control = (action: string) =>
      new Promise<void>((resolve, reject) =>
        facilitator.emit('workshop:control', { workshopId, action }, (res: { ok: boolean; error?: unknown }) => (res.ok ? resolve() : reject(new Error(JSON.stringify(res.error)))))
      );

    const noteMs: number[] = [];
    const roundMs: number[] = [];
    let memoryKb = 0;
    let heapUsedKb = 0;
    for (let r = 1; r <= ROUNDS; r++) {
      const t0 = performance.now();
      await control(r === 1 ? 'start' : 'next');
      await until(() => phones.every((p) => p.roundSeenAt.has(r)), `every phone to see round ${r}`);
      roundMs.push(Math.max(...phones.map((p) => p.roundSeenAt.get(r)!)) - t0);

      // Each phone opens its table's tablecloth for this round.
      for (let start = 0; start < phones.length; start += 10) {
        await Promise.all(phones.slice(start, start + 10).map((p) => openCloth(url, p, tableFor(p.state, p.participantId, r)!.id)));
      }
      if (r === 1) ({ rssKb: memoryKb, heapUsedKb } = await server.request<{ rssKb: number; heapUsedKb: number }>({ type: 'memory' }));

      // Notes, one writer at a time per table, tables in parallel.
      const byTable = new Map<string, Phone[]>();
      for (const p of phones) byTable.set(p.tableId!, [...(byTable.get(p.tableId!) ?? []), p]);
      await Promise.all(
        [...byTable.values()].map(async (group) => {
          for (let n = 0; n < NOTES_PER_ROUND; n++) {
            for (const writer of group) {
              const others = group.filter((p) => p !== writer);
              const text = `Idée ${r}.${n} de ${writer.participantId.slice(0, 8)}`;
              const arrived = new Map<Phone, number>();
              const observers = others.map((p) => {
                const f = () => {
                  if (!arrived.has(p) && notesArray(p.doc!).toArray().some((m) => m.get('text') === text)) arrived.set(p, performance.now());
                };
                notesArray(p.doc!).observe(f);
                return () => notesArray(p.doc!).unobserve(f);
              });
              const sent = performance.now();
              addNote(writer.doc!, { text, authorName: null, colour: 'yellow', round: r });
              await until(() => arrived.size === others.length, 'a note to reach its table');
              for (const t of arrived.values()) noteMs.push(t - sent);
              for (const off of observers) off();
            }
          }
        })
      );
    }

    const figures = {
      participants: PARTICIPANTS,
      tables: TABLES,
      rounds: ROUNDS,
      notes: phones.length * NOTES_PER_ROUND * ROUNDS,
      note_deliveries: noteMs.length,
      note_p50_ms: round(median(noteMs)),
      note_p99_ms: round(percentile(noteMs, 99)),
      round_p50_ms: round(median(roundMs)),
      round_p99_ms: round(percentile(roundMs, 99)),
      mb: round(memoryKb / 1024)
    };
    console.log(`world café: ${PARTICIPANTS} participants, ${TABLES} tables, ${ROUNDS} rounds, ${figures.notes} notes (${noteMs.length} deliveries)`);
    console.log(`  note to the others at its table: median ${figures.note_p50_ms} ms, p99 ${figures.note_p99_ms} ms`);
    console.log(`  round change to every phone: median ${figures.round_p50_ms} ms, p99 ${figures.round_p99_ms} ms (${roundMs.length} changes)`);
    console.log(`  server memory (VmRSS after GC, everyone connected): ${figures.mb} MB, of which JS heap ${round(heapUsedKb / 1024)} MB (the rest is mostly PGlite's WebAssembly Postgres)`);
    facilitator.disconnect();
    printJsonLine({ participants: figures.participants, note_p50_ms: figures.note_p50_ms, note_p99_ms: figures.note_p99_ms, round_p99_ms: figures.round_p99_ms, mb: figures.mb });
  } finally {
    for (const p of phones) {
      p.provider?.destroy();
      p.socket.disconnect();
    }
    await server.request({ type: 'stop' }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--serve')) {
  void serve();
} else {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    }
  );
}
