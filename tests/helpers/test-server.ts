import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RequestHandler } from 'express';
import { createConcerto, type Concerto } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import type { Db } from '../../server/db/db.ts';

export { openTestDb, resetDb, rowCounts } from './test-db.ts';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const packageVersion = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

export interface TestServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  port: number;
  concerto: Concerto;
  close(): Promise<void>;
}

export interface StartTestServerOptions {
  /** The file's shared database; without it the server opens its own in a temporary DATA_DIR. */
  db?: Db;
  env?: Record<string, string>;
  /** Also serve the pages from the SvelteKit build (build/handler.js, `npm run build`). */
  web?: boolean;
}

/**
 * The real server (the same composition root as `npm start`) on a free port of 127.0.0.1.
 * API-only unless `web` is set.
 *
 * @example
 * const server = await startTestServer({ db });
 * const res = await fetch(`${server.url}/healthz`);
 * await server.close();
 */
export async function startTestServer(opts: StartTestServerOptions = {}): Promise<TestServer> {
  const env: Record<string, string> = { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...opts.env };
  let tempDataDir: string | null = null;
  if (!opts.db && !env.DATABASE_URL && !env.DATA_DIR) {
    tempDataDir = mkdtempSync(join(tmpdir(), 'concerto-test-'));
    env.DATA_DIR = join(tempDataDir, 'data');
  }
  const config = loadConfig(env, packageVersion);
  const webHandler = opts.web ? await loadWebHandler() : undefined;
  const concerto = await createConcerto({ config, db: opts.db, webHandler });
  const { port } = await concerto.listen(0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    concerto,
    async close() {
      await concerto.close();
      if (tempDataDir) rmSync(tempDataDir, { recursive: true, force: true });
    }
  };
}

/** Mounts the built pages exactly as server/main.ts does. */
async function loadWebHandler(): Promise<RequestHandler> {
  const handlerPath = join(repoRoot, 'build', 'handler.js');
  if (!existsSync(handlerPath)) throw new Error('build/handler.js is missing: run `npm run build` first');
  // adapter-node reads the header name when the module loads (STACK.md trap 3).
  process.env.PROTOCOL_HEADER = 'x-concerto-proto';
  const { handler } = (await import(pathToFileURL(handlerPath).href)) as { handler: RequestHandler };
  return (req, res, next) => {
    req.headers['x-concerto-proto'] = req.protocol;
    handler(req, res, next);
  };
}

// ---------------------------------------------------------------------------------------------
// A small JSON client for /api/v1.

export interface ApiResponse<T = any> {
  status: number;
  /** Parsed body when it is JSON, otherwise null. */
  json: T;
  headers: Headers;
}

export interface ApiCallOptions {
  headers?: Record<string, string>;
  /** Sent as is instead of JSON-encoding `body` (malformed JSON, other content types). */
  rawBody?: string;
}

export interface ApiClient {
  call<T = any>(method: string, path: string, body?: unknown, opts?: ApiCallOptions): Promise<ApiResponse<T>>;
  get<T = any>(path: string, opts?: ApiCallOptions): Promise<ApiResponse<T>>;
  post<T = any>(path: string, body?: unknown, opts?: ApiCallOptions): Promise<ApiResponse<T>>;
  patch<T = any>(path: string, body?: unknown, opts?: ApiCallOptions): Promise<ApiResponse<T>>;
  delete<T = any>(path: string, opts?: ApiCallOptions): Promise<ApiResponse<T>>;
}

/**
 * `fetch` for the JSON API; `path` is relative to `/api/v1`.
 *
 * @example
 * const res = await api(server.url, admin.cookie).post(`/organisations/${orgId}/bodies`, { name: 'CCL', kind: 'ccl' });
 * expect(res.status).toBe(201);
 */
export function api(baseUrl: string, cookie?: string): ApiClient {
  async function call<T>(method: string, path: string, body?: unknown, opts: ApiCallOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (cookie) headers.cookie = cookie;
    let payload: string | undefined;
    if (opts.rawBody !== undefined) {
      headers['content-type'] = 'application/json';
      payload = opts.rawBody;
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    Object.assign(headers, opts.headers);
    const res = await fetch(`${baseUrl}/api/v1${path}`, { method, headers, body: payload, redirect: 'manual' });
    const text = await res.text();
    let json: unknown = null;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) json = JSON.parse(text);
    return { status: res.status, json: json as T, headers: res.headers };
  }
  return {
    call,
    get: (path, opts) => call('GET', path, undefined, opts),
    post: (path, body, opts) => call('POST', path, body, opts),
    patch: (path, body, opts) => call('PATCH', path, body, opts),
    delete: (path, opts) => call('DELETE', path, undefined, opts)
  };
}

/** `name=value` pairs of every Set-Cookie of a response, ready for a Cookie header. */
export function cookieFrom(headers: Headers): string {
  return headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

// ---------------------------------------------------------------------------------------------
// First-run setup.

export interface SetupInput {
  organisationName: string;
  adminName: string;
  email: string;
  password: string;
}

export const ADMIN: Readonly<SetupInput> = {
  organisationName: 'Office 64 de l’Habitat',
  adminName: 'Claire Etcheverry',
  email: 'claire@office64.test',
  password: 'mot-de-passe-solide-64'
};

export interface AdminSession {
  /** Cookie header carrying the admin's session. */
  cookie: string;
  organisationId: string;
  userId: string;
  email: string;
  password: string;
  /** The setup response as the server sent it. */
  response: ApiResponse;
}

/** POST /api/v1/setup on a fresh install: the first organisation and its administrator, logged in. */
export async function setupAdmin(baseUrl: string, input: Partial<SetupInput> = {}): Promise<AdminSession> {
  const body = { ...ADMIN, ...input };
  const res = await api(baseUrl).post('/setup', body);
  if (res.status !== 201) throw new Error(`setup answered ${res.status}: ${JSON.stringify(res.json)}`);
  return {
    cookie: cookieFrom(res.headers),
    organisationId: res.json.organisation.id,
    userId: res.json.user.id,
    email: body.email,
    password: body.password,
    response: res
  };
}
