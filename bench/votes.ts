/**
 * Votes under load (issue 5), on the real PostgreSQL, one Concerto instance in this process.
 * 500 voters, each a member account with a session, on a real socket.io-client connection
 * (or HTTP with --http), in one live meeting. The clients run in a child process of their own
 * (forked from this file with --clients), so their work does not share the server's event loop.
 *
 * - latency: the chair opens a vote; the 500 voters cast within one second (each at a random
 *   instant of that second). Per ballot, the time from the cast to its acknowledgement (which
 *   the server sends only after the commit): median and p99. Per client, the time from the last
 *   cast to that client seeing the final tally (every ballot counted) in a 'vote:changed': p99.
 *   The vote is then closed: its counts must equal the ballots cast exactly.
 * - throughput: votes one after another, all 500 voters casting as fast as they can in each,
 *   until at least 20,000 ballots (audit log included, as always): ballots committed per second
 *   while casting. The reference, same run, same database: single-row committed inserts per
 *   second with as many connections as the server's pool (10). ratio = ballots / inserts.
 *
 *   npx tsx bench/votes.ts           500 voters, >= 20,000 ballots
 *   npx tsx bench/votes.ts --quick   100 voters, >= 2,000 ballots
 *   npx tsx bench/votes.ts --http    casts through POST /api/v1/votes/:id/ballots
 *
 * The database `concerto_bench` on the server of BENCH_DATABASE_URL (as the other benches; BENCH_PG still read) (default postgres://postgres@127.0.0.1:5432/) is
 * dropped and created afresh, so the `test` database other tiers use is never touched.
 * Accounts are made directly in SQL with a session each (no invitations or password hashes).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import pg from 'pg';
import pino from 'pino';
import { io as connectSocketIo, type Socket } from 'socket.io-client';
import { createConcerto, type Concerto } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { openPostgres } from '../server/db/pg-db.ts';
import { SESSION_COOKIE } from '../server/auth/sessions.ts';
import type { AuthUser } from '../server/auth/sessions.ts';
import { cpuProfiler } from './lib/cpu-profile.ts';
import { isQuick, median, percentile, printJsonLine, root, round, sleep } from './lib/bench-kit.ts';

const VOTERS = isQuick ? 100 : 500;
const MIN_BALLOTS = isQuick ? 2_000 : 20_000;
const USE_HTTP = process.argv.includes('--http');
const POOL = 10;
const BASE = (process.env.BENCH_DATABASE_URL ?? process.env.BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/').replace(/\/[^/]*$/, '/');
const DB_NAME = 'concerto_bench';
const CHOICES = ['pour', 'contre', 'abstention'] as const;
type Choice = (typeof CHOICES)[number];

function log(line: string) {
  process.stderr.write(`${line}\n`);
}

async function freshDatabase(): Promise<string> {
  const admin = new pg.Client({ connectionString: `${BASE}postgres` });
  await admin.connect();
  await admin.query(`drop database if exists ${DB_NAME} with (force)`);
  await admin.query(`create database ${DB_NAME}`);
  await admin.end();
  return `${BASE}${DB_NAME}`;
}

async function dropDatabase(): Promise<void> {
  const admin = new pg.Client({ connectionString: `${BASE}postgres` });
  await admin.connect();
  await admin.query(`drop database if exists ${DB_NAME} with (force)`);
  await admin.end();
}

interface Voter {
  personId: string;
  userId: string;
  cookie: string;
  user: AuthUser;
}

/** An organisation, a body, `n` voting members with accounts and sessions; the first is the chair. */
async function council(concerto: Concerto, n: number): Promise<{ bodyId: string; voters: Voter[] }> {
  const { db, sessions } = concerto.services;
  const [org] = await db.query<{ id: string }>("insert into organisations (slug, name) values ('office-bench', 'Office Bench') returning id");
  const [body] = await db.query<{ id: string }>("insert into bodies (organisation_id, kind, name) values ($1, 'ccl', 'CCL Bench') returning id", [org.id]);
  const voters: Voter[] = [];
  for (let i = 0; i < n; i++) {
    const name = `Votant ${i + 1}`;
    const email = `votant${i + 1}@bench.invalid`;
    const [user] = await db.query<{ id: string }>('insert into users (email, display_name) values ($1, $2) returning id', [email, name]);
    const [person] = await db.query<{ id: string }>('insert into people (organisation_id, full_name, email, user_id) values ($1, $2, $3, $4) returning id', [
      org.id,
      name,
      email,
      user.id
    ]);
    await db.query('insert into memberships (body_id, person_id, role, college, voting_right) values ($1, $2, $3, $4, true)', [
      body.id,
      person.id,
      i === 0 ? 'chair' : 'member',
      i % 2 ? 'tenant' : 'landlord'
    ]);
    const { token } = await sessions.create(user.id, 'bench/votes.ts');
    voters.push({
      personId: person.id,
      userId: user.id,
      cookie: `${SESSION_COOKIE}=${token}`,
      user: { id: user.id, email, displayName: name, locale: 'fr', isPlatformAdmin: false }
    });
  }
  return { bodyId: body.id, voters };
}

// ---------------------------------------------------------------------------------------------
// The clients' side: `--clients` runs the voters' connections in this (forked) process and
// answers the bench over IPC. Times are absolute (performance.timeOrigin + now) in this process.

type ClientRequest =
  | { id: number; type: 'connect'; url: string; cookies: string[]; meetingId: string }
  | { id: number; type: 'round'; voteId: string; choices: Choice[]; spreadMs: number; watchFinal: boolean }
  | { id: number; type: 'watchClosed'; voteId: string }
  | { id: number; type: 'awaitClosed'; voteId: string }
  | { id: number; type: 'stop' };
type ClientOutgoing = ClientRequest extends infer R ? (R extends ClientRequest ? Omit<R, 'id'> : never) : never;

export interface RoundResult {
  acks: number[];
  castingMs: number;
  /** Per client, ms from the last cast to seeing every ballot counted in a 'vote:changed'. */
  tallyMs: number[] | null;
}

const now = () => performance.timeOrigin + performance.now();

function connect(url: string, cookie: string): Promise<Socket> {
  const socket = connectSocketIo(url, { path: '/socket.io/', transports: ['websocket'], extraHeaders: { cookie }, reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => reject(err));
  });
}

type AckResult = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string } };

function emit(socket: Socket, event: string, payload: unknown, timeoutMs = 30_000): Promise<AckResult> {
  return new Promise((resolve, reject) => {
    socket.timeout(timeoutMs).emit(event, payload, (err: Error | null, res: AckResult) => (err ? reject(err) : resolve(res)));
  });
}

async function runClients(): Promise<void> {
  let url = '';
  let cookies: string[] = [];
  let sockets: Socket[] = [];
  const closed = new Map<string, Promise<void>>();

  /** One cast, resolved when acknowledged; the time it took. */
  const cast = async (i: number, voteId: string, choice: Choice): Promise<number> => {
    const t0 = performance.now();
    if (USE_HTTP) {
      const res = await fetch(`${url}/api/v1/votes/${voteId}/ballots`, {
        method: 'POST',
        headers: { cookie: cookies[i], 'content-type': 'application/json' },
        body: JSON.stringify({ choice })
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`cast: HTTP ${res.status}`);
    } else {
      const res = await emit(sockets[i], 'vote:cast', { voteId, choice });
      if (!res.ok) throw new Error(`cast: ${res.error.code} ${res.error.message}`);
    }
    return performance.now() - t0;
  };

  /** Per client, when it has seen the vote with `expected` device ballots in a 'vote:changed'. */
  const watchFinal = (voteId: string, expected: number): Promise<number[]> =>
    Promise.all(
      sockets.map(
        (socket) =>
          new Promise<number>((resolve) => {
            const onChange = (payload: { vote: { id: string; participation: number; tally: { deviceBallots: number } | null } }) => {
              if (payload.vote.id !== voteId) return;
              if ((payload.vote.tally?.deviceBallots ?? payload.vote.participation) >= expected) {
                socket.off('vote:changed', onChange);
                resolve(now());
              }
            };
            socket.on('vote:changed', onChange);
          })
      )
    );

  const handle = async (msg: ClientRequest): Promise<unknown> => {
    switch (msg.type) {
      case 'connect': {
        ({ url, cookies } = msg);
        sockets = new Array<Socket>(cookies.length);
        if (USE_HTTP) return null;
        for (let i = 0; i < cookies.length; i += 50) {
          await Promise.all(
            cookies.slice(i, i + 50).map(async (cookie, k) => {
              const socket = await connect(url, cookie);
              sockets[i + k] = socket;
              const listed = await emit(socket, 'vote:list', { meetingId: msg.meetingId });
              if (!listed.ok) throw new Error(`vote:list: ${listed.error.message}`);
            })
          );
        }
        return null;
      }
      case 'round': {
        const seen = msg.watchFinal && !USE_HTTP ? watchFinal(msg.voteId, msg.choices.length) : null;
        let lastCastAt = 0;
        const t0 = performance.now();
        const start = t0 + (msg.spreadMs ? 50 : 0);
        const acks = await Promise.all(
          msg.choices.map(async (choice, i) => {
            if (msg.spreadMs) await sleep(Math.max(0, start + Math.random() * msg.spreadMs - performance.now()));
            lastCastAt = Math.max(lastCastAt, now());
            return cast(i, msg.voteId, choice);
          })
        );
        const castingMs = performance.now() - t0;
        const tallyMs = seen ? (await seen).map((t) => t - lastCastAt) : null;
        return { acks, castingMs, tallyMs } satisfies RoundResult;
      }
      case 'watchClosed': {
        // The closing broadcast carries the roll call (500 names) to every client: the next
        // vote waits until they have all read it.
        if (!USE_HTTP) {
          closed.set(
            msg.voteId,
            Promise.all(
              sockets.map(
                (socket) =>
                  new Promise<void>((resolve) => {
                    const onChange = (payload: { vote: { id: string; status: string } }) => {
                      if (payload.vote.id !== msg.voteId || payload.vote.status !== 'closed') return;
                      socket.off('vote:changed', onChange);
                      resolve();
                    };
                    socket.on('vote:changed', onChange);
                  })
              )
            ).then(() => undefined)
          );
        }
        return null;
      }
      case 'awaitClosed':
        await closed.get(msg.voteId);
        closed.delete(msg.voteId);
        return null;
      case 'stop':
        for (const socket of sockets) socket?.disconnect();
        setImmediate(() => process.exit(0));
        return null;
    }
  };
  process.on('message', (msg: ClientRequest) => {
    handle(msg).then(
      (data) => process.send!({ id: msg.id, ok: true, data }),
      (err: Error) => process.send!({ id: msg.id, ok: false, error: String(err?.stack ?? err) })
    );
  });
  process.send!({ type: 'ready' });
}

interface Clients {
  request<T>(msg: ClientOutgoing): Promise<T>;
  proc: ChildProcess;
}

function startClients(): Promise<Clients> {
  const proc = fork(fileURLToPath(import.meta.url), ['--clients', ...process.argv.slice(2)], {
    cwd: root,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  });
  process.on('exit', () => proc.kill('SIGKILL'));
  let next = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  proc.on('message', (m: { id?: number; ok?: boolean; data?: unknown; error?: string }) => {
    if (m.id === undefined) return;
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.ok) p?.resolve(m.data);
    else p?.reject(new Error(m.error));
  });
  const request = <T>(msg: ClientOutgoing) =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      proc.send({ ...msg, id });
    });
  return new Promise((resolve, reject) => {
    proc.once('message', () => resolve({ request, proc }));
    proc.once('exit', (code) => reject(new Error(`the clients' process exited (${code})`)));
  });
}

/** Single-row committed inserts per second with `connections` connections, for `ms` ms. */
async function insertRate(url: string, connections: number, ms: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  await pool.query('create table if not exists bench_inserts (id bigserial primary key, vote_id uuid not null, person_id uuid not null, choice text not null, at timestamptz not null default now())');
  const vote = randomUUID();
  let n = 0;
  const end = performance.now() + ms;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        await pool.query('insert into bench_inserts (vote_id, person_id, choice) values ($1, $2, $3)', [vote, randomUUID(), CHOICES[n % 3]]);
        n++;
      }
    })
  );
  const rate = n / ((performance.now() - t0) / 1000);
  await pool.query('drop table bench_inserts');
  await pool.end();
  return rate;
}

async function main(): Promise<void> {
  const url = await freshDatabase();
  const db = await openPostgres(url, { max: POOL });
  // Statement counts while casting (the bench's own instrumentation, for the closing note).
  const stats = { queries: 0, transactions: 0, txMs: 0, on: false };
  const bySql = new Map<string, { n: number; ms: number }>();
  if (process.env.BENCH_PROFILE) {
    const timed = (run: (sql: string, params?: unknown[]) => Promise<unknown>) =>
      (async (sql: string, params?: unknown[]) => {
        const t0 = performance.now();
        try {
          return await run(sql, params);
        } finally {
          if (stats.on) {
            stats.queries++;
            const k = sql.replace(/\s+/g, ' ').trim().slice(0, 70);
            const e = bySql.get(k) ?? { n: 0, ms: 0 };
            e.n++;
            e.ms += performance.now() - t0;
            bySql.set(k, e);
          }
        }
      }) as typeof db.query;
    db.query = timed(db.query.bind(db));
    const t = db.transaction.bind(db);
    db.transaction = (async (fn: Parameters<typeof db.transaction>[0]) => {
      const t0 = performance.now();
      try {
        return await t((tx) => fn({ query: timed(tx.query.bind(tx)) }));
      } finally {
        if (stats.on) {
          stats.transactions++;
          stats.txMs += performance.now() - t0;
        }
      }
    }) as typeof db.transaction;
  }
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: url }, '0.0.0-bench');
  const concerto = await createConcerto({ config, db, logger: pino({ level: 'warn' }, pino.destination(2)) });
  const { url: serverUrl } = await concerto.listen(0, '127.0.0.1');
  const { meetings, votes } = concerto.services;
  let exitCode = 0;
  try {
    log(`Setting up ${VOTERS} voters…`);
    const { bodyId, voters } = await council(concerto, VOTERS);
    const chair = voters[0];
    const meeting = await meetings.create(chair.user, bodyId, { title: 'CCL du banc d’essai', startsAt: '2026-06-06T14:00', place: 'Salle du conseil' });
    await meetings.transition(chair.user, meeting.id, { to: 'convened' });
    await meetings.transition(chair.user, meeting.id, { to: 'live' });
    const item = await meetings.addItem(chair.user, meeting.id, { title: 'Renouvellement du marché de gaz propane', kind: 'decision' });
    for (const v of voters) await meetings.setAttendance(chair.user, meeting.id, { personId: v.personId, status: 'present_remote' });

    log(`Connecting ${VOTERS} ${USE_HTTP ? 'HTTP' : 'Socket.IO'} clients (in a process of their own)…`);
    const clients = await startClients();
    await clients.request({ type: 'connect', url: serverUrl, cookies: voters.map((v) => v.cookie), meetingId: meeting.id });
    const open = (question: string) => votes.open(chair.user, meeting.id, { itemId: item.id, question, mode: 'device' });
    const choiceOf = (i: number, round: number): Choice => CHOICES[(i * 7 + round) % 3];
    const choicesOf = (round: number) => voters.map((_, i) => choiceOf(i, round));
    const countOf = (choices: Choice[]) => ({ pour: choices.filter((c) => c === 'pour').length, contre: choices.filter((c) => c === 'contre').length, abstention: choices.filter((c) => c === 'abstention').length });
    const close = async (voteId: string) => {
      await clients.request({ type: 'watchClosed', voteId });
      const done = await votes.close(chair.user, voteId);
      await clients.request({ type: 'awaitClosed', voteId });
      return done;
    };

    // Warm-up vote (not measured): JIT, pool connections, statement caches.
    {
      const warm = await open('Vote d’échauffement');
      await clients.request<RoundResult>({ type: 'round', voteId: warm.id, choices: choicesOf(0), spreadMs: 0, watchFinal: false });
      await close(warm.id);
    }

    // Latency ---------------------------------------------------------------------------------
    log('Latency: every voter casts within one second…');
    const vote = await open('Le CCL donne un avis favorable à l’offre d’ANTARGAZ');
    const latency = await clients.request<RoundResult>({ type: 'round', voteId: vote.id, choices: choicesOf(1), spreadMs: 1000, watchFinal: true });
    const acks = latency.acks;
    const tallyMs = latency.tallyMs ?? [];
    const expected = countOf(choicesOf(1));
    const closed = await close(vote.id);
    const counts = closed.result!.counts;
    const countsExact = counts.pour === expected.pour && counts.contre === expected.contre && counts.abstention === expected.abstention && closed.tally!.deviceBallots === VOTERS;
    log(`  ack p50 ${round(median(acks))} ms, p99 ${round(percentile(acks, 99))} ms; final tally seen by all, p99 ${USE_HTTP ? 'n/a (HTTP)' : `${round(percentile(tallyMs, 99))} ms`}`);
    log(`  counts ${JSON.stringify(counts)} expected ${JSON.stringify(expected)}: ${countsExact ? 'exact' : 'WRONG'}`);

    // Throughput ------------------------------------------------------------------------------
    log(`Throughput: votes one after another until ${MIN_BALLOTS} ballots…`);
    let ballots = 0;
    let castingMs = 0;
    let exactAll = countsExact;
    stats.on = true;
    // BENCH_CPU_PROFILE=<file.cpuprofile>: a CPU profile of this process (the server) over the
    // throughput part (summarise it with bench/lib/cpu-profile.ts).
    const cpu = cpuProfiler(process.env.BENCH_CPU_PROFILE, 200);
    await cpu.start();
    for (let r = 2; ballots < MIN_BALLOTS; r++) {
      const v = await open(`Vote de série n° ${r - 1}`);
      const round = await clients.request<RoundResult>({ type: 'round', voteId: v.id, choices: choicesOf(r), spreadMs: 0, watchFinal: false });
      castingMs += round.castingMs;
      ballots += VOTERS;
      const done = await close(v.id);
      const want = countOf(choicesOf(r));
      const c = done.result!.counts;
      exactAll &&= c.pour === want.pour && c.contre === want.contre && c.abstention === want.abstention;
    }
    const ballotsPerS = ballots / (castingMs / 1000);
    stats.on = false;
    await cpu.stop();
    if (process.env.BENCH_PROFILE) {
      log(`  profile: ${JSON.stringify({ ...stats, txMs: round(stats.txMs) })}`);
      for (const [sql, e] of [...bySql].sort((a, b) => b[1].ms - a[1].ms).slice(0, 14)) log(`    ${round(e.ms)} ms  ${e.n}×  ${sql}`);
    }
    log(`  ${ballots} ballots in ${round(castingMs / 1000, 2)} s of casting: ${round(ballotsPerS)} ballots/s`);
    const [audit] = await db.query<{ n: number }>("select count(*)::int as n from meeting_audit where meeting_id = $1 and type = 'vote.cast'", [meeting.id]);
    log(`  audit entries for casts: ${audit.n}`);

    log(`Reference: single-row committed inserts with ${POOL} connections…`);
    const insertsPerS = await insertRate(url, POOL, isQuick ? 3000 : 8000);
    log(`  ${round(insertsPerS)} inserts/s; load average ${loadavg().map((l) => round(l, 2)).join(' ')}`);
    log(`Transport: ${USE_HTTP ? 'HTTP (POST /api/v1/votes/:id/ballots), tally not measured' : "Socket.IO ('vote:cast', tally from 'vote:changed')"}`);

    printJsonLine({
      voters: VOTERS,
      ack_p50_ms: round(median(acks)),
      ack_p99_ms: round(percentile(acks, 99)),
      tally_p99_ms: USE_HTTP ? null : round(percentile(tallyMs, 99)),
      ballots_per_s: round(ballotsPerS),
      db_inserts_per_s: round(insertsPerS),
      ratio: round(ballotsPerS / insertsPerS, 2),
      counts_exact: exactAll && audit.n === ballots + VOTERS * 2
    });
  } catch (err) {
    exitCode = 1;
    console.error(err);
  } finally {
    await concerto.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    if (!process.env.BENCH_KEEP) await dropDatabase().catch(() => undefined);
  }
  process.exit(exitCode);
}

if (process.argv.includes('--clients')) await runClients();
else await main();
