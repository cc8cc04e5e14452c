/**
 * What the benches that fork a Concerto server share: the child side answering requests over
 * IPC, the parent side forking it and sending requests, a bare reference server started as a
 * child, fresh storage (PGlite directory or a new PostgreSQL database), and a small API client.
 *
 * @example
 * // in the bench file, run as `--serve` in the child:
 * if (process.argv.includes('--serve')) answerRequests(port, (msg: Request) => handle(msg));
 * // in the parent:
 * const store = await freshStore('meeting');
 * const server = await forkServer<Outgoing>(import.meta.url, { ...process.env, ...store.env });
 * const { rssKb } = await server.request<{ rssKb: number }>({ type: 'memory' });
 * await store.dispose();
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { root, startChild, type Child } from './bench-kit.ts';

/**
 * Child side: starts Concerto in this process as `npm start` would (configuration from the
 * environment, which the parent set), on 127.0.0.1 and a free port. Imported here, not above, so
 * the parent side of a bench does not load the server.
 */
export async function startConcertoHere() {
  const [{ default: pino }, { createConcerto }, { loadConfig }, { SESSION_COOKIE }] = await Promise.all([
    import('pino'),
    import('../../server/app.ts'),
    import('../../server/config.ts'),
    import('../../server/auth/sessions.ts')
  ]);
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1' }, version);
  const logger = pino({ level: config.logLevel, base: { app: 'concerto' } }, pino.destination(2));
  const concerto = await createConcerto({ config, logger });
  const { port } = await concerto.listen(0, '127.0.0.1');
  return { concerto, port, sessionCookie: SESSION_COOKIE };
}

/**
 * Child side: this process's memory once collected (three collections, a pause, one more; a
 * process forked with --expose-gc). The plain `gc()`: bench-kit's collectGarbage (gc taken from a
 * new vm context, with a type) left about 100 KB per participant uncollected here.
 */
export async function settledMemory(): Promise<{ rssKb: number; heapUsedKb: number; gc: boolean }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) gc?.();
  await new Promise((r) => setTimeout(r, 200));
  gc?.();
  return { rssKb: vmRssKb(process.pid), heapUsedKb: Math.round(process.memoryUsage().heapUsed / 1024), gc: !!gc };
}

/** Child side: tells the parent the port it listens on, then answers each `{id, …}` request. */
export function answerRequests<R extends { id: number }>(port: number, handle: (msg: R) => Promise<unknown>): void {
  process.on('message', (msg: R) => {
    handle(msg).then(
      (data) => process.send!({ id: msg.id, ok: true, data }),
      (err: Error) => process.send!({ id: msg.id, ok: false, error: String(err?.stack ?? err) })
    );
  });
  process.send!({ type: 'ready', port });
}

export interface ForkedServer<Req> {
  proc: ChildProcess;
  url: string;
  exited: Promise<void>;
  request<T>(req: Req): Promise<T>;
}

const forked = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of forked) c.kill('SIGKILL');
});

/**
 * Parent side: forks `moduleUrl` with `--serve` (tsx, GC exposed, plus `execArgv`), resolves once
 * it says it is ready. Forked children are killed when this process exits.
 */
export function forkServer<Req extends object>(moduleUrl: string, env: NodeJS.ProcessEnv, execArgv: string[] = []): Promise<ForkedServer<Req>> {
  const proc = fork(fileURLToPath(moduleUrl), ['--serve'], {
    cwd: root,
    env,
    execArgv: ['--expose-gc', ...execArgv, '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  });
  forked.add(proc);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  void exited.then(() => forked.delete(proc));
  let next = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Concerto did not start within 120 s')), 120_000);
    void exited.then(() => reject(new Error('Concerto exited before it was ready')));
    proc.on('message', (msg: { type?: string; port?: number; id?: number; ok?: boolean; data?: unknown; error?: string }) => {
      if (msg.type === 'ready') {
        clearTimeout(timer);
        resolve({
          proc,
          url: `http://127.0.0.1:${msg.port}`,
          exited,
          request<T>(req: Req) {
            const id = next++;
            return new Promise<T>((res, rej) => {
              pending.set(id, { resolve: res as (v: unknown) => void, reject: rej });
              proc.send({ ...req, id });
            });
          }
        });
        return;
      }
      const p = msg.id === undefined ? undefined : pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id!);
      if (msg.ok) p.resolve(msg.data);
      else p.reject(new Error(msg.error));
    });
  });
}

/** A reference server in a child process that prints `{"port":…}` once it listens. */
export async function startBareChild(script: string, what: string, nodeArgs: string[] = []): Promise<{ child: Child; url: string }> {
  const child = startChild(process.execPath, [...nodeArgs, '--import', 'tsx', script], { ...process.env, PORT: '0', HOST: '127.0.0.1' });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const line = child.output().split('\n').find((l) => l.startsWith('{"port"'));
    if (line) return { child, url: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}` };
    if (Date.now() > deadline) throw new Error(`${what} did not start:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function vmRssKb(pid: number): number {
  return Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
}

export interface Store {
  /** `DATA_DIR`, and `DATABASE_URL` when BENCH_DATABASE_URL is set. */
  env: { DATA_DIR: string; DATABASE_URL?: string };
  kind: 'postgres' | 'pglite';
  /** Drops the database made for the run and removes the temporary directory. */
  dispose(): Promise<void>;
}

/**
 * Fresh storage for one server: a new PGlite directory, or with BENCH_DATABASE_URL a new database
 * `concerto_bench_<name>_<pid>` on that server (dropped by `dispose`).
 */
export async function freshStore(name: string): Promise<Store> {
  const tempRoot = mkdtempSync(join(tmpdir(), `concerto-bench-${name}-`));
  const dataDir = join(tempRoot, 'data');
  const admin = process.env.BENCH_DATABASE_URL || null;
  const removeDir = () => rmSync(tempRoot, { recursive: true, force: true });
  if (!admin) return { env: { DATA_DIR: dataDir }, kind: 'pglite', dispose: async () => removeDir() };
  const database = `concerto_bench_${name}_${process.pid}`;
  const adminQuery = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await adminQuery(`drop database if exists ${database}`);
  await adminQuery(`create database ${database}`);
  const url = new URL(admin);
  url.pathname = `/${database}`;
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    kind: 'postgres',
    async dispose() {
      try {
        await adminQuery(`drop database if exists ${database} with (force)`);
      } finally {
        removeDir();
      }
    }
  };
}

export interface ApiAnswer {
  status: number;
  json: any;
  cookie: string;
}

/** A tiny JSON client for the API (what an administrator's browser would send). */
export async function call(baseUrl: string, cookie: string | null, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  const res = await fetch(`${baseUrl}/api/v1${path}`, {
    method,
    headers: { ...(cookie ? { cookie } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  const text = await res.text();
  const json = text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : null;
  const setCookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { status: res.status, json, cookie: setCookie };
}

export async function must(expected: number, p: Promise<ApiAnswer>, what: string): Promise<ApiAnswer> {
  const res = await p;
  if (res.status !== expected) throw new Error(`${what}: expected ${expected}, got ${res.status} ${JSON.stringify(res.json)}`);
  return res;
}

/** Runs `fn` over `items` with at most `limit` at a time, keeping the order of the results. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let nextIndex = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (;;) {
        const i = nextIndex++;
        if (i >= items.length) return;
        out[i] = await fn(items[i], i);
      }
    })
  );
  return out;
}
