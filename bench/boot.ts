/**
 * Cold start and idle memory of the production entry (`node scripts/start.mjs`, what `npm start`
 * runs), from spawn to the first `/healthz` 200:
 *   - on a NEW data dir (PGlite creates the cluster, then the migrations run),
 *   - on an EXISTING data dir (opened, nothing to migrate),
 *   - the reference: a bare `node -e` http server, measured in the same run.
 * Idle memory: the server's VmRSS after 3 s without requests (scripts/start.mjs runs the server in
 * its own process, so the spawned pid is the server).
 *
 *   npx tsx bench/boot.ts            5 runs of each, after one warm-up
 *   npx tsx bench/boot.ts --quick    2 runs of each
 *
 * BENCH_DATABASE_URL=postgres://… measures against that server instead: "new" is a freshly
 * created database, "existing" one already migrated; the databases are dropped at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  ensureBuilt,
  freePort,
  isQuick,
  printJsonLine,
  round,
  rssMiB,
  sleep,
  startChild,
  stopChild,
  summarise,
  waitFor200,
  type Summary
} from './lib/bench-kit.ts';

const RUNS = isQuick ? 2 : 5;
const IDLE_MS = 3_000;
const benchDatabaseUrl = process.env.BENCH_DATABASE_URL || null;

interface Sample {
  ms: number;
  rss: number;
  clean: boolean;
}

const tempRoot = mkdtempSync(join(tmpdir(), 'concerto-bench-boot-'));
// Also when interrupted (bench-kit exits on SIGINT/SIGTERM, skipping `finally`).
process.on('exit', () => rmSync(tempRoot, { recursive: true, force: true }));
const createdDatabases: string[] = [];
let cleanExits = true;

function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['DATABASE_URL', 'REDIS_URL', 'ORIGIN', 'SMTP_URL', 'PORT', 'HOST', 'DATA_DIR']) delete env[key];
  env.LOG_LEVEL = 'warn';
  env.NODE_ENV = 'production';
  return env;
}

/** A fresh place for the server's data: a new PGlite dir, or a new database on BENCH_DATABASE_URL. */
async function newStore(label: string): Promise<{ DATA_DIR: string; DATABASE_URL?: string }> {
  // PGlite creates only the last directory of its path: the parent exists, `data` does not.
  const dataDir = join(mkdtempSync(join(tempRoot, `${label}-`)), 'data');
  if (!benchDatabaseUrl) return { DATA_DIR: dataDir };
  const name = `concerto_bench_${process.pid}_${createdDatabases.length}`;
  const client = new pg.Client({ connectionString: benchDatabaseUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists ${name}`);
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  createdDatabases.push(name);
  const url = new URL(benchDatabaseUrl);
  url.pathname = `/${name}`;
  return { DATA_DIR: dataDir, DATABASE_URL: url.toString() };
}

async function dropDatabases(): Promise<void> {
  if (!benchDatabaseUrl || !createdDatabases.length) return;
  const client = new pg.Client({ connectionString: benchDatabaseUrl });
  await client.connect();
  try {
    for (const name of createdDatabases) await client.query(`drop database if exists ${name} with (force)`);
  } finally {
    await client.end();
  }
}

// scripts/start.mjs prints this when it rebuilds the pages before starting.
const REBUILD_LINE = 'Building the pages';
const MAX_ATTEMPTS = 3;

/**
 * Spawns, waits for the first 200 on /healthz, idles, reads VmRSS, stops with SIGTERM. A start
 * that rebuilt the pages (sources edited since the last build) measures the build, not the boot:
 * it is thrown away and measured again.
 */
async function measure(command: string, args: string[], env: NodeJS.ProcessEnv, path: string): Promise<Sample> {
  for (let attempt = 1; ; attempt++) {
    if (command === process.execPath && args[0] === 'scripts/start.mjs') ensureBuilt();
    const sample = await measureOnce(command, args, env, path);
    if (!sample.rebuilt) return sample;
    if (attempt >= MAX_ATTEMPTS) throw new Error(`scripts/start.mjs rebuilt the pages on ${attempt} starts in a row: are sources being edited?`);
    console.log('  (that start rebuilt the pages first: not counted, measuring again)');
  }
}

async function measureOnce(command: string, args: string[], env: NodeJS.ProcessEnv, path: string): Promise<Sample & { rebuilt: boolean }> {
  const port = await freePort();
  const fullEnv = { ...env, PORT: String(port), HOST: '127.0.0.1' };
  const since = performance.now();
  const child = startChild(command, args, fullEnv);
  let ms: number;
  try {
    ms = await waitFor200(`http://127.0.0.1:${port}${path}`, since, child);
  } catch (err) {
    child.proc.kill('SIGKILL');
    throw err;
  }
  const rebuilt = child.output().includes(REBUILD_LINE);
  if (!rebuilt) await sleep(IDLE_MS);
  const rss = rssMiB(child.proc.pid!);
  const clean = await stopChild(child);
  if (!clean) cleanExits = false;
  return { ms, rss, clean, rebuilt };
}

// The reference: the least a Node http server can do. It exits 0 on SIGTERM like ours.
const REFERENCE_SERVER = [
  "const http = require('node:http');",
  "const s = http.createServer((req, res) => { res.setHeader('content-type', 'application/json'); res.end('{\"status\":\"ok\"}'); });",
  "s.listen(Number(process.env.PORT), process.env.HOST);",
  "process.on('SIGTERM', () => s.close(() => process.exit(0)));"
].join(' ');

const reference = () => measure(process.execPath, ['-e', REFERENCE_SERVER], baseEnv(), '/healthz');
const concerto = async (store: { DATA_DIR: string; DATABASE_URL?: string }) =>
  measure(process.execPath, ['scripts/start.mjs'], { ...baseEnv(), ...store }, '/healthz');

function show(label: string, s: Summary, unit: string, ref?: Summary): string {
  const ratio = ref ? `  ×${round(s.median / ref.median)} reference` : '';
  return `  ${label.padEnd(30)} median ${String(s.median).padStart(8)} ${unit}   p99 ${String(s.p99).padStart(8)} ${unit}${ratio}`;
}

async function main(): Promise<void> {
  ensureBuilt();
  const db = benchDatabaseUrl ? 'postgres' : 'pglite';
  const loadBefore = round(loadavg()[0], 2);
  console.log(`Boot benchmark: node scripts/start.mjs on ${db}, ${RUNS} run(s) of each after one warm-up, idle ${IDLE_MS / 1000} s before reading memory.`);
  console.log(`Load average (1 min) before: ${loadBefore} on this machine; other work running at the same time inflates every figure.`);

  // Warm-up (not counted): fills the OS file cache and tsx's transform cache, as on any machine
  // that has started Concerto once.
  await reference();
  await concerto(await newStore('warmup'));

  const refSamples: Sample[] = [];
  const newSamples: Sample[] = [];
  let existing: { DATA_DIR: string; DATABASE_URL?: string } | null = null;
  for (let i = 0; i < RUNS; i++) {
    refSamples.push(await reference());
    const store = await newStore(`new${i}`);
    const s = await concerto(store);
    newSamples.push(s);
    existing ??= store;
    console.log(`  run ${i + 1}/${RUNS}: reference ${round(refSamples[i].ms)} ms, new ${round(s.ms)} ms (${s.rss} MiB idle)`);
  }
  const existingSamples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = await concerto(existing!);
    existingSamples.push(s);
    console.log(`  run ${i + 1}/${RUNS}: existing ${round(s.ms)} ms (${s.rss} MiB idle)`);
  }

  const ref = summarise(refSamples.map((s) => s.ms));
  const coldNew = summarise(newSamples.map((s) => s.ms));
  const coldExisting = summarise(existingSamples.map((s) => s.ms));
  const refRss = summarise(refSamples.map((s) => s.rss));
  const rssNew = summarise(newSamples.map((s) => s.rss));
  const rssExisting = summarise(existingSamples.map((s) => s.rss));

  console.log('\nCold start, spawn to first /healthz 200:');
  console.log(show('bare node http server', ref, 'ms'));
  const store = benchDatabaseUrl ? 'database' : 'data dir';
  console.log(show(`new ${store} (${db})`, coldNew, 'ms', ref));
  console.log(show(`existing ${store} (${db})`, coldExisting, 'ms', ref));
  console.log(`Idle memory (VmRSS after ${IDLE_MS / 1000} s idle):`);
  console.log(show('bare node http server', refRss, 'MiB'));
  console.log(show(`after new ${store}`, rssNew, 'MiB', refRss));
  console.log(show(`after existing ${store}`, rssExisting, 'MiB', refRss));
  console.log(`Every server exited 0 on SIGTERM: ${cleanExits ? 'yes' : 'NO'}`);
  const loadAfter = round(loadavg()[0], 2);
  console.log(`Load average (1 min) after: ${loadAfter}`);

  printJsonLine({
    bench: 'boot',
    db,
    runs: RUNS,
    quick: isQuick,
    coldStartNewMs: coldNew,
    coldStartExistingMs: coldExisting,
    referenceColdStartMs: ref,
    ratioNewToReference: round(coldNew.median / ref.median, 2),
    ratioExistingToReference: round(coldExisting.median / ref.median, 2),
    idleRssNewMiB: rssNew,
    idleRssExistingMiB: rssExisting,
    referenceIdleRssMiB: refRss,
    ratioIdleRssToReference: round(rssExisting.median / refRss.median, 2),
    cleanExits,
    loadAverage1m: { before: loadBefore, after: loadAfter }
  });
}

try {
  await main();
} finally {
  await dropDatabases().catch((err: unknown) => console.error('could not drop the bench databases:', err));
  rmSync(tempRoot, { recursive: true, force: true });
}
if (!cleanExits) process.exitCode = 1;
