import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createBody, createMemberAccount } from '../helpers/api-fixtures.ts';
import { yjsClient, type YjsClient } from '../helpers/realtime-clients.ts';
import { spawnServer, type ServerProcess } from '../helpers/server-process.ts';
import { setupAdmin } from '../helpers/test-server.ts';
import { waitFor } from '../helpers/wait-for.ts';

// The real server as a child process on an on-disk PGlite (a temporary DATA_DIR), with stock
// y-websocket clients carrying real session cookies on `body:<id>:notes`, which needs an
// editor's rights. Each restart reuses the port, so the clients' own reconnect finds it.
// Several cold starts per test on a loaded two-core machine, hence the long time limits.

const processes: ServerProcess[] = [];
const clients: YjsClient[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.provider.destroy();
  for (const p of processes.splice(0)) {
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await p.exited;
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'concerto-yjs-durability-'));
  dirs.push(dir);
  return join(dir, 'data');
}

async function start(dataDir: string, port?: number): Promise<ServerProcess> {
  const proc = await spawnServer({ DATA_DIR: dataDir, ...(port ? { PORT: String(port) } : {}) }, { timeoutMs: 90_000 });
  processes.push(proc);
  return proc;
}

function client(url: string, docName: string, cookie: string): YjsClient {
  const c = yjsClient(url, docName, { cookie });
  clients.push(c);
  return c;
}

interface Scene {
  dataDir: string;
  server: ServerProcess;
  docName: string;
  cookies: string[];
}

/** An administrator and two members of a body, the body's notes as the document. */
async function scene(): Promise<Scene> {
  const dataDir = newDataDir();
  const server = await start(dataDir);
  const admin = await setupAdmin(server.url);
  const body = await createBody(server.url, admin.cookie, admin.organisationId);
  const members = [];
  for (const fullName of ['Marc Duhalde', 'Jeanne Lacoste']) {
    members.push(
      await createMemberAccount(server.url, admin.cookie, admin.organisationId, {
        person: { fullName },
        bodyId: body.id,
        membership: { role: 'member' }
      })
    );
  }
  return { dataDir, server, docName: `body:${body.id}:notes`, cookies: [admin.cookie, ...members.map((m) => m.cookie)] };
}

const notes = (c: YjsClient) => c.ydoc.getText('notes');

/**
 * Every pair has the same state vector, the same deletions (snapshots compare both) and the
 * same content: the documents are identical, not merely similar-looking.
 */
function expectIdentical(docs: Y.Doc[]): void {
  const [ref, ...rest] = docs;
  for (const doc of rest) {
    expect(Buffer.from(Y.encodeStateVector(doc))).toEqual(Buffer.from(Y.encodeStateVector(ref)));
    expect(Y.equalSnapshots(Y.snapshot(doc), Y.snapshot(ref))).toBe(true);
    expect(doc.getText('notes').toString()).toBe(ref.getText('notes').toString());
    expect(doc.getMap('meta').toJSON()).toEqual(ref.getMap('meta').toJSON());
  }
}

/** Concurrent edits from every client: inserts at both ends, a map entry, a deletion. */
function editConcurrently(all: YjsClient[], round: number): void {
  all.forEach((c, i) => {
    const text = notes(c);
    text.insert(0, `[${round}.${i} début] `);
    text.insert(text.length, ` [${round}.${i} fin]`);
    c.ydoc.getMap('meta').set(`auteur-${i}`, `tour ${round}`);
    if (text.length > 40) text.delete(5, 3);
  });
}

async function converged(all: YjsClient[], timeoutMs = 10_000): Promise<void> {
  await waitFor(() => expectIdentical(all.map((c) => c.ydoc)), { timeoutMs });
}

describe('Yjs documents across server restarts', () => {
  it('makes three stock clients converge, and after a SIGTERM restart they reconnect by themselves to the whole document', async () => {
    const { dataDir, server, docName, cookies } = await scene();
    const all = cookies.map((cookie) => client(server.url, docName, cookie));
    await waitFor(() => all.every((c) => c.provider.synced), { timeoutMs: 10_000 });

    for (let round = 0; round < 3; round++) editConcurrently(all, round);
    await converged(all);
    const before = Y.encodeStateVector(all[0].ydoc);

    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    const restarted = await start(dataDir, server.port);

    // A newcomer with an empty document gets the whole document (the old clients may already be
    // back and have resent theirs; the SIGKILL test below shows the log alone is enough).
    const fresh = client(restarted.url, docName, cookies[0]);
    await waitFor(() => fresh.provider.synced, { timeoutMs: 10_000 });
    expect(Buffer.from(Y.encodeStateVector(fresh.ydoc))).toEqual(Buffer.from(before));
    expectIdentical([fresh.ydoc, all[0].ydoc]);

    // The old clients come back on their own (y-websocket's backoff) and keep editing together.
    await waitFor(() => all.every((c) => c.provider.wsconnected && c.provider.synced), { timeoutMs: 20_000 });
    editConcurrently(all, 3);
    await converged([...all, fresh]);
  }, 240_000);

  it('keeps every edit when the server is killed with SIGKILL one second after the last edit it received', async () => {
    const { dataDir, server, docName, cookies } = await scene();
    const all = cookies.map((cookie) => client(server.url, docName, cookie));
    await waitFor(() => all.every((c) => c.provider.synced), { timeoutMs: 10_000 });

    // A stream of edits, the last ones landing just before the kill.
    for (let round = 0; round < 5; round++) {
      editConcurrently(all, round);
      await converged(all);
    }
    notes(all[2]).insert(0, 'dernière modification ');
    // Seen by the other two clients: the server has received (and relayed) the last edit.
    await converged(all);
    const expected = Y.encodeStateAsUpdate(all[0].ydoc);

    // The server promises every update durable within one second of arrival
    // (server/yjs/yjs-document.ts): that bound is exactly what is tested, so this is a wait by
    // design, not a wait for a condition.
    await delay(1_000);
    server.child.kill('SIGKILL');
    expect(await server.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // The clients must not resend what they hold before the new server has shown what it kept.
    for (const c of all) c.provider.disconnect();

    const restarted = await start(dataDir, server.port);
    const fresh = client(restarted.url, docName, cookies[1]);
    await waitFor(() => fresh.provider.synced, { timeoutMs: 10_000 });
    const reference = new Y.Doc();
    Y.applyUpdate(reference, expected);
    expectIdentical([reference, fresh.ydoc]);
    expect(notes(fresh).toString()).toMatch(/^dernière modification /);

    // The clients resync: nothing to add on either side, and everyone is identical.
    for (const c of all) c.provider.connect();
    await waitFor(() => all.every((c) => c.provider.synced), { timeoutMs: 20_000 });
    await converged([...all, fresh]);
    expectIdentical([reference, ...all.map((c) => c.ydoc)]);
  }, 240_000);
});
