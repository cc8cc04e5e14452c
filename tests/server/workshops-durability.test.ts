import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkshopState } from '../../src/lib/workshops/workshop-state.ts';
import { addNote, readNotes } from '../../src/lib/workshops/tablecloth.ts';
import { createBody } from '../helpers/api-fixtures.ts';
import { addParticipant } from '../helpers/meeting-fixtures.ts';
import { yjsClient, type YjsClient } from '../helpers/realtime-clients.ts';
import { spawnServer, type ServerProcess } from '../helpers/server-process.ts';
import { api, setupAdmin } from '../helpers/test-server.ts';
import { waitFor } from '../helpers/wait-for.ts';

// Issue 7, "persistence across a SIGKILL": the live run is rows in PostgreSQL (round, timer,
// message, plan, locks) and each tablecloth is the Yjs update log; a killed server comes back
// with the workshop where it was. The server runs as a process on an on-disk PGlite.

const processes: ServerProcess[] = [];
const dirs: string[] = [];
const docs: YjsClient[] = [];

afterEach(async () => {
  for (const d of docs.splice(0)) d.provider.destroy();
  for (const p of processes.splice(0)) {
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await p.exited;
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('durability of workshops', () => {
  it('keeps the round, timer, message, plan, lock and a written note after the server is killed with SIGKILL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concerto-workshops-durability-'));
    dirs.push(dir);
    const dataDir = join(dir, 'data');
    const first = await spawnServer({ DATA_DIR: dataDir, LOG_LEVEL: 'debug' });
    processes.push(first);
    const admin = await setupAdmin(first.url);
    const body = await createBody(first.url, admin.cookie, admin.organisationId, { name: 'Groupe seniors', kind: 'working_group' });
    const facilitator = await addParticipant(first.url, admin.cookie, admin.organisationId, body.id, { name: 'Nadia Ferrand', role: 'secretary', college: 'landlord' });
    const rose = await addParticipant(first.url, admin.cookie, admin.organisationId, body.id, { name: 'Rose Darrigrand', college: 'tenant' });
    const f = api(first.url, facilitator.cookie);
    const created = await f.post(`/bodies/${body.id}/workshops`, { title: 'Atelier durable', roundCount: 2, roundMinutes: 20, tables: [{ name: 'La résidence' }, { name: 'Le logement' }] });
    const workshopId = created.json.workshop.id as string;
    await f.post(`/workshops/${workshopId}/participants/body-members`, {});
    await f.post(`/workshops/${workshopId}/control`, { action: 'start' });
    await f.post(`/workshops/${workshopId}/control`, { action: 'extend', minutes: 3 });
    await f.post(`/workshops/${workshopId}/control`, { action: 'message', text: 'On garde le cap' });
    const before = (await f.get(`/workshops/${workshopId}`)).json.state as WorkshopState;
    const tableId = before.tables[0].id;

    const writer = yjsClient(first.url, `tablecloth:${tableId}`, { cookie: rose.cookie });
    docs.push(writer);
    await waitFor(() => expect(writer.provider.synced).toBe(true));
    addNote(writer.ydoc, { text: 'Une rampe à l’entrée', authorName: 'Rose Darrigrand', colour: 'pink', round: 1 });
    await waitFor(() => expect(writer.ydoc.getArray('notes').length).toBe(1));
    // The phone leaves: the server flushes the tablecloth's updates to the log, then evicts it
    // from memory (its debug log says so); then the server dies without warning.
    writer.provider.destroy();
    await waitFor(() => first.stderr().split('\n').some((l) => l.includes('evicted an idle document') && l.includes(`tablecloth:${tableId}`)), { timeoutMs: 10_000 });
    // The host locks the round once its notes are written (a lock makes the tablecloth read-only).
    expect((await f.post(`/workshops/${workshopId}/locks`, { tableId, round: 1 })).status).toBe(204);
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    for (const d of docs.splice(0)) d.provider.destroy();

    const second = await spawnServer({ DATA_DIR: dataDir });
    processes.push(second);
    const after = (await api(second.url, facilitator.cookie).get(`/workshops/${workshopId}`)).json.state as WorkshopState;
    expect(after.rev).toBe(before.rev + 1); // the lock
    expect(after.workshop.status).toBe('live');
    expect(after.round.current).toBe(1);
    expect(after.round.endsAt).toBe(before.round.endsAt);
    expect(after.message?.text).toBe('On garde le cap');
    expect(after.plan).toEqual(before.plan);
    expect(after.locks[tableId]).toEqual([1]);
    const reader = yjsClient(second.url, `tablecloth:${tableId}`, { cookie: facilitator.cookie });
    docs.push(reader);
    await waitFor(() => expect(readNotes(reader.ydoc).map((n) => [n.text, n.round, n.colour])).toEqual([['Une rampe à l’entrée', 1, 'pink']]), { timeoutMs: 10_000 });
  }, 180_000);
});
