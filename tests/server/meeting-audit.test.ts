import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendMeetingAudit, verifyMeetingAudit } from '../../server/audit/meeting-audit.ts';
import { runCli } from '../../server/cli/run-cli.ts';
import type { Db } from '../../server/db/db.ts';
import { runMigrations } from '../../server/db/migrate.ts';
import { openPglite } from '../../server/db/pglite-db.ts';

// The audit log the votes issue writes to: vote actions chained by SHA-256, checked by
// `npm run cli -- verify-audit <meeting>` (issue 5, "Audit").
const dir = mkdtempSync(join(tmpdir(), 'concerto-audit-'));
const dataDir = join(dir, 'data');
let meetingId: string;

async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openPglite(dataDir);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function cli(argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) }, { DATABASE_URL: '', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  return { code, out, err };
}

beforeAll(async () => {
  await withDb(async (db) => {
    await runMigrations(db);
    const [org] = await db.query<{ id: string }>(`insert into organisations (slug, name) values ('office-test', 'Office test') returning id`);
    const [body] = await db.query<{ id: string }>(`insert into bodies (organisation_id, kind, name) values ($1, 'ccl', 'CCL test') returning id`, [org.id]);
    const [m] = await db.query<{ id: string }>(
      `insert into meetings (organisation_id, body_id, title, starts_at) values ($1, $2, 'CCL du 6 juin', now()) returning id`,
      [org.id, body.id]
    );
    meetingId = m.id;
    await db.transaction(async (tx) => {
      await appendMeetingAudit(tx, meetingId, { type: 'vote.opened', actorUserId: null, data: { voteId: 'v1', rule: 'simple_majority', electorate: 8 } });
      await appendMeetingAudit(tx, meetingId, { type: 'vote.cast', actorUserId: null, data: { voteId: 'v1' } });
      await appendMeetingAudit(tx, meetingId, { type: 'vote.room_counts', actorUserId: null, data: { voteId: 'v1', pour: 5, contre: 1, abstention: 1 } });
      await appendMeetingAudit(tx, meetingId, { type: 'vote.closed', actorUserId: null, data: { voteId: 'v1', outcome: 'adopted' } });
    });
  });
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('meeting audit log (hash-chained)', () => {
  it('verifies an intact log, through the module and the CLI (exit 0)', async () => {
    expect(await withDb((db) => verifyMeetingAudit(db, meetingId))).toEqual({ ok: true, entries: 4 });
    const res = await cli(['verify-audit', meetingId]);
    expect(res.code).toBe(0);
    expect(res.out).toContain('Journal intact : 4 entrée(s) vérifiée(s). / Log intact: 4 entries verified.');
  });

  it('detects a changed count, and the CLI exits 1 naming the entry', async () => {
    await withDb((db) => db.query(`update meeting_audit set data = jsonb_set(data, '{pour}', '6') where meeting_id = $1 and seq = 3`, [meetingId]));
    expect(await withDb((db) => verifyMeetingAudit(db, meetingId))).toEqual({ ok: false, entries: 4, brokenAt: { seq: 3, reason: 'hash' } });
    const res = await cli(['verify-audit', meetingId]);
    expect(res.code).toBe(1);
    expect(res.err).toContain("Journal altéré à l'entrée 3");
    await withDb((db) => db.query(`update meeting_audit set data = jsonb_set(data, '{pour}', '5') where meeting_id = $1 and seq = 3`, [meetingId]));
    expect((await withDb((db) => verifyMeetingAudit(db, meetingId))).ok).toBe(true);
  });

  it('stays verifiable when the account of someone who acted is deleted (the actor is kept as written)', async () => {
    const result = await withDb(async (db) => {
      const [m] = await db.query<{ id: string }>(`insert into meetings (organisation_id, body_id, title, starts_at) select organisation_id, body_id, 'CCL du 3 octobre', now() from meetings where id = $1 returning id`, [meetingId]);
      const [user] = await db.query<{ id: string }>(`insert into users (email, display_name) values ('depart@office.test', 'Compte supprimé') returning id`);
      await db.transaction(async (tx) => {
        await appendMeetingAudit(tx, m.id, { type: 'vote.opened', actorUserId: user.id, data: { voteId: 'v2' } });
        await appendMeetingAudit(tx, m.id, { type: 'vote.cast', actorUserId: user.id, data: { voteId: 'v2' } });
      });
      await db.query('delete from users where id = $1', [user.id]);
      const [kept] = await db.query<{ actor_user_id: string | null }>('select actor_user_id from meeting_audit where meeting_id = $1 and seq = 1', [m.id]);
      return { verification: await verifyMeetingAudit(db, m.id), actor: kept.actor_user_id, userId: user.id };
    });
    expect(result.actor).toBe(result.userId);
    expect(result.verification).toEqual({ ok: true, entries: 2 });
  });

  it('detects a removed entry', async () => {
    const broken = await withDb(async (db) => {
      await db.query('delete from meeting_audit where meeting_id = $1 and seq = 2', [meetingId]);
      return verifyMeetingAudit(db, meetingId);
    });
    expect(broken.brokenAt).toEqual({ seq: 3, reason: 'sequence' });
  });

  it('refuses a malformed meeting id with a usage error (exit 2)', async () => {
    const res = await cli(['verify-audit', 'not-a-uuid']);
    expect(res.code).toBe(2);
    expect(res.err).toContain('Identifiant de séance invalide');
  });
});
