import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * What every benchmark in bench/ shares: options, statistics, free ports, the build check,
 * child processes and the closing JSON line. A benchmark prints its figures; it is not a test.
 */

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const isQuick = process.argv.includes('--quick');

export interface Summary {
  median: number;
  p99: number;
  min: number;
  max: number;
  n: number;
}

/** Nearest-rank percentile: with fewer than 100 samples, p99 is the largest. */
export function percentile(samples: number[], p: number): number {
  if (!samples.length) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function median(samples: number[]): number {
  if (!samples.length) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarise(samples: number[]): Summary {
  return {
    median: round(median(samples)),
    p99: round(percentile(samples, 99)),
    min: round(Math.min(...samples)),
    max: round(Math.max(...samples)),
    n: samples.length
  };
}

export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A port nobody listens on right now (the kernel's pick, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'paraglide' || entry === 'node_modules') continue;
    max = Math.max(max, newestMtime(join(path, entry)));
  }
  return max;
}

/**
 * Builds the pages when `npm start` would (same sources, same stamp as scripts/start.mjs), so a
 * measured start never includes a build.
 */
export function ensureBuilt(): void {
  const stamp = join(root, 'build', '.built');
  const sources = ['src', 'static', 'messages', 'svelte.config.js', 'vite.config.ts', 'package-lock.json', 'server'];
  const newest = Math.max(...sources.map((s) => newestMtime(join(root, s))));
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= newest && existsSync(join(root, 'build', 'handler.js'))) return;
  console.log('Building the pages before measuring (npm run build)…');
  const res = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  if (res.status !== 0) {
    process.stderr.write(`${res.stdout ?? ''}${res.stderr ?? ''}`);
    throw new Error(`npm run build failed (exit ${res.status})`);
  }
  writeFileSync(stamp, new Date().toISOString());
}

/** GET `url` once; resolves to the status code, or null when nothing answered. */
export function httpStatus(url: string, timeoutMs = 1000): Promise<number | null> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? null);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

/** A child process whose output is kept (the last 64 KiB) to show if it misbehaves. */
export interface Child {
  proc: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startChild(command: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const proc = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString('utf8')).slice(-65_536);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('exit', (code, signal) => resolve({ code, signal }));
  });
  children.add(proc);
  void exited.then(() => children.delete(proc));
  return { proc, output: () => out, exited };
}

const children = new Set<ChildProcess>();
// Never leave a server behind, whatever happens to the benchmark.
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const c of children) c.kill('SIGKILL');
    process.exit(130);
  });
}

/** Polls `url` every `intervalMs` until it answers 200; resolves to the time that took from `since`. */
export async function waitFor200(url: string, since: number, child: Child, { intervalMs = 20, timeoutMs = 120_000 } = {}): Promise<number> {
  const deadline = since + timeoutMs;
  let gone = false;
  void child.exited.then(() => {
    gone = true;
  });
  for (;;) {
    const status = await httpStatus(url, 1000);
    if (status === 200) return performance.now() - since;
    if (gone) throw new Error(`the server exited before answering 200:\n${child.output()}`);
    if (performance.now() > deadline) throw new Error(`no 200 from ${url} within ${timeoutMs} ms:\n${child.output()}`);
    await sleep(intervalMs);
  }
}

/** Resident memory of a process in MiB, from /proc/<pid>/status (VmRSS). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return round(Number(m[1]) / 1024);
}

/** SIGTERM, then the exit status; SIGKILL after `graceMs`. True when it exited 0. */
export async function stopChild(child: Child, graceMs = 15_000): Promise<boolean> {
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), graceMs);
  const { code, signal } = await child.exited;
  clearTimeout(timer);
  if (code !== 0) {
    console.error(`  child exited with ${code ?? signal} instead of 0; its last output:\n${child.output().slice(-4000)}`);
  }
  return code === 0;
}

/** The last line a benchmark prints: its figures as one JSON object. */
export function printJsonLine(figures: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

let exposedGc: ((options?: { type: 'minor' | 'major' }) => void) | null = null;
/**
 * A collection in this process (the bench's clients), outside what is timed; V8 lets `gc` be
 * exposed at run time. 'major' (the default) between phases; 'minor', a scavenge of young
 * objects only, between samples: quick, and it leaves compiled code and caches alone.
 */
export function collectGarbage(type: 'minor' | 'major' = 'major'): void {
  if (!exposedGc) {
    setFlagsFromString('--expose-gc');
    exposedGc = runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;
  }
  exposedGc({ type });
}
