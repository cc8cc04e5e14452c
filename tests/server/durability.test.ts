import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBody, createPerson, invite } from '../helpers/api-fixtures.ts';
import { yjsClient, type YjsClient } from '../helpers/realtime-clients.ts';
import { spawnServer, type ServerProcess } from '../helpers/server-process.ts';
import { api, setupAdmin } from '../helpers/test-server.ts';
import { waitFor } from '../helpers/wait-for.ts';

// Each test runs the real server as a process on an on-disk PGlite in a temporary DATA_DIR,
// so that it can be killed like a production process. Two cold starts per test, hence the
// longer time limit on a loaded two-core machine.

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
  const dir = mkdtempSync(join(tmpdir(), 'concerto-durability-'));
  dirs.push(dir);
  return join(dir, 'data');
}

async function start(dataDir: string): Promise<ServerProcess> {
  const proc = await spawnServer({ DATA_DIR: dataDir });
  processes.push(proc);
  return proc;
}

function notesClient(url: string, docName: string, cookie: string): YjsClient {
  const client = yjsClient(url, docName, { cookie });
  clients.push(client);
  return client;
}

describe('durability of the server process', () => {
  it('keeps an acknowledged invitation after the server is killed with SIGKILL', async () => {
    const dataDir = newDataDir();
    const first = await start(dataDir);
    const admin = await setupAdmin(first.url);
    const person = await createPerson(first.url, admin.cookie, admin.organisationId, { fullName: 'Jeanne Lacoste', email: 'jeanne@exemple.test' });
    const invitation = await invite(first.url, admin.cookie, person.id);

    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    const second = await start(dataDir);
    const listed = await api(second.url, admin.cookie).get(`/organisations/${admin.organisationId}/invitations`);
    expect(listed.status).toBe(200);
    expect(listed.json.invitations).toEqual([expect.objectContaining({ id: invitation.id, personId: person.id, status: 'pending' })]);
    const preview = await api(second.url).get(`/invitations/by-token/${invitation.token}`);
    expect(preview.status).toBe(200);
    expect(preview.json.invitation).toMatchObject({ personName: 'Jeanne Lacoste', email: 'jeanne@exemple.test' });
    const accepted = await api(second.url).post(`/invitations/by-token/${invitation.token}/accept`, { password: 'mon-mot-de-passe-a-moi' });
    expect(accepted.status).toBe(201);
  }, 120_000);

  it('flushes pending edits, closes its clients and exits 0 on SIGTERM', async () => {
    const dataDir = newDataDir();
    const first = await start(dataDir);
    const admin = await setupAdmin(first.url);
    const body = await createBody(first.url, admin.cookie, admin.organisationId);
    const docName = `body:${body.id}:notes`;

    const writer = notesClient(first.url, docName, admin.cookie);
    const watcher = notesClient(first.url, docName, admin.cookie);
    const closeCodes: number[] = [];
    writer.provider.on('connection-close', (event) => {
      if (event) closeCodes.push(event.code);
    });
    await waitFor(() => writer.provider.synced && watcher.provider.synced);
    writer.ydoc.getText('notes').insert(0, 'relevé de décisions');
    // Seen by the other client: the server holds the edit, possibly not yet written.
    await waitFor(() => watcher.ydoc.getText('notes').toString() === 'relevé de décisions');

    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(closeCodes[0]).toBe(1001);
    for (const c of clients.splice(0)) c.provider.destroy();

    const second = await start(dataDir);
    expect((await api(second.url, admin.cookie).get('/auth/me')).status).toBe(200);
    const reader = notesClient(second.url, docName, admin.cookie);
    await waitFor(() => reader.provider.synced, { timeoutMs: 10_000 });
    expect(reader.ydoc.getText('notes').toString()).toBe('relevé de décisions');
  }, 120_000);
});
