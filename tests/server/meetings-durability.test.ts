import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addParticipant, attendanceOf, createMeeting, MeetingClient, stateOf, type Participant } from '../helpers/meeting-fixtures.ts';
import { spawnServer, type ServerProcess } from '../helpers/server-process.ts';
import { createBody } from '../helpers/api-fixtures.ts';
import { api, setupAdmin } from '../helpers/test-server.ts';

// Issue 4, "Records": everything persisted as it happens; an acknowledged action survives a
// killed server. The server runs as a process on an on-disk PGlite so it can be killed.

const processes: ServerProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
  MeetingClient.closeAll();
  for (const p of processes.splice(0)) {
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await p.exited;
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(dataDir: string): Promise<ServerProcess> {
  const proc = await spawnServer({ DATA_DIR: dataDir });
  processes.push(proc);
  return proc;
}

describe('durability of meetings', () => {
  it('keeps every acknowledged check-in after the server is killed with SIGKILL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concerto-meetings-durability-'));
    dirs.push(dir);
    const dataDir = join(dir, 'data');
    const first = await start(dataDir);
    const admin = await setupAdmin(first.url);
    const body = await createBody(first.url, admin.cookie, admin.organisationId);
    const add = (name: string, role: 'secretary' | 'member' = 'member') =>
      addParticipant(first.url, admin.cookie, admin.organisationId, body.id, { name, role, college: 'tenant', votingRight: role === 'member' });
    const secretary = await add('Sébastien Oxandabarat', 'secretary');
    const members: Participant[] = [];
    for (const name of ['Aïcha Benali', 'Jean-Marc Lassalle', 'Maite Etchegaray', 'Paulette Duboscq', 'Bernard Castaings', 'Isabelle Harriet']) members.push(await add(name));
    const meeting = await createMeeting(first.url, secretary.cookie, body.id, {}, 'live');

    // The secretary checks four people in at once; two members check themselves in remotely.
    const desk = await MeetingClient.connect(first.url, secretary.cookie);
    await desk.join(meeting.id);
    const phones = await Promise.all(members.slice(4).map((m) => MeetingClient.connect(first.url, m.cookie)));
    const acks = await Promise.all([
      ...members.slice(0, 4).map((m, i) => desk.emit('meeting:attendance', { meetingId: meeting.id, personId: m.personId, status: i % 2 ? 'present_remote' : 'present_room' })),
      ...members.slice(4).map((m, i) => phones[i].emit('meeting:attendance', { meetingId: meeting.id, personId: m.personId, status: 'present_remote' }))
    ]);
    expect(acks).toEqual(members.map(() => ({ ok: true, data: null })));

    // Killed right after the last acknowledgement: no chance to flush anything.
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    MeetingClient.closeAll();

    const second = await start(dataDir);
    const state = await stateOf(second.url, secretary.cookie, meeting.id);
    members.forEach((m, i) => {
      const expected = i < 4 ? (i % 2 ? 'present_remote' : 'present_room') : 'present_remote';
      expect(attendanceOf(state, m.personId), m.name).toMatchObject({ status: expected, arrivedAt: expect.any(String) });
    });
    expect(state.quorum).toMatchObject({ members: 6, present: 6, counted: 6, met: true });
    expect(state.meeting.status).toBe('live');
    // The event log has every check-in too, and a reconnecting client gets the same state.
    const events = await api(second.url, secretary.cookie).get(`/meetings/${meeting.id}/events`);
    const checkIns = events.json.events.filter((e: { type: string }) => e.type === 'attendance.set');
    expect(checkIns.map((e: { data: { personId: string } }) => e.data.personId).sort()).toEqual(members.map((m) => m.personId).sort());
    const phone = await MeetingClient.connect(second.url, members[0].cookie);
    const { state: rejoined } = await phone.join(meeting.id);
    expect(rejoined.rev).toBe(state.rev);
    expect(rejoined.attendance).toEqual(state.attendance);
  }, 180_000);
});
