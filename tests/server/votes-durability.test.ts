import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openPglite } from '../../server/db/pglite-db.ts';
import { verifyMeetingAudit } from '../../server/audit/meeting-audit.ts';
import { createCouncil, createMeeting } from '../helpers/meeting-fixtures.ts';
import { spawnServer, type ServerProcess } from '../helpers/server-process.ts';
import { api, setupAdmin } from '../helpers/test-server.ts';

// Issue 5, "Done when": SIGKILL during a vote with acknowledged ballots loses none after
// restart. A ballot is acknowledged only once committed (votes.service.ts, grouped commits), so
// the server is killed while casts are still in flight, right after some were acknowledged.

const processes: ServerProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
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

describe('durability of votes', () => {
  it('keeps every acknowledged ballot after the server is killed with SIGKILL mid-vote', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concerto-votes-durability-'));
    dirs.push(dir);
    const dataDir = join(dir, 'data');
    const first = await start(dataDir);
    const admin = await setupAdmin(first.url);
    const council = await createCouncil(first.url, admin.cookie, admin.organisationId);
    const desk = api(first.url, council.secretary.cookie);
    const meeting = await createMeeting(first.url, council.secretary.cookie, council.bodyId, {}, 'live');
    const item = await desk.post(`/meetings/${meeting.id}/agenda`, { title: 'Renouvellement du marché de gaz propane', kind: 'decision' });
    expect(item.status).toBe(201);
    const voters = [...council.landlords, ...council.tenants];
    for (const v of voters) expect((await desk.call('PUT', `/meetings/${meeting.id}/attendance`, { personId: v.personId, status: 'present_remote' })).status).toBe(200);
    const opened = await desk.post(`/meetings/${meeting.id}/votes`, { itemId: item.json.item.id, question: 'Le CCL donne un avis favorable à l’offre d’ANTARGAZ', mode: 'device' });
    expect(opened.status).toBe(201);
    const voteId: string = opened.json.vote.id;

    // Every voter casts at once; the server dies as soon as four ballots are acknowledged.
    const choices = ['pour', 'pour', 'contre', 'pour', 'abstention', 'pour', 'contre'];
    const acknowledged: { personId: string; choice: string }[] = [];
    let killed = false;
    const casts = voters.map((v, i) =>
      api(first.url, v.cookie)
        .post(`/votes/${voteId}/ballots`, { choice: choices[i] })
        .then((res) => {
          if (res.status === 200 && !killed) {
            acknowledged.push({ personId: v.personId, choice: choices[i] });
            if (acknowledged.length >= 4) {
              killed = true;
              first.child.kill('SIGKILL');
            }
          }
        })
        .catch(() => undefined)
    );
    await Promise.all(casts);
    if (!killed) first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(acknowledged.length).toBeGreaterThanOrEqual(4);

    // After the restart: every acknowledged ballot is there, with its choice.
    const second = await start(dataDir);
    const chair = api(second.url, council.chair.cookie);
    const before = await chair.get(`/votes/${voteId}`);
    expect(before.status).toBe(200);
    expect(before.json.vote.status).toBe('open');
    expect(before.json.vote.participation).toBeGreaterThanOrEqual(acknowledged.length);
    const closed = await chair.post(`/votes/${voteId}/close`, {});
    expect(closed.status).toBe(200);
    const roll = closed.json.vote.rollCall as { personId: string; choice: string }[];
    for (const a of acknowledged) expect(roll).toContainEqual(expect.objectContaining(a));
    const total = closed.json.vote.tally.total as { pour: number; contre: number; abstention: number };
    expect(total.pour + total.contre + total.abstention).toBe(roll.length);

    // The audit chain survived the kill too: one cast entry per ballot stored, all hashes intact.
    second.child.kill('SIGTERM');
    await second.exited;
    const db = await openPglite(dataDir);
    try {
      const report = await verifyMeetingAudit(db, meeting.id);
      expect(report).toEqual({ ok: true, entries: 2 + roll.length });
      const [register] = await db.query<{ n: number }>('select count(*)::int as n from decisions where vote_id = $1', [voteId]);
      expect(register.n).toBe(1);
    } finally {
      await db.close();
    }
  }, 180_000);
});
