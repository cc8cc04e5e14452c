import express from 'express';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusOf, toApiError } from '../../server/shared/app-error.ts';
import { registerVoteRoutes } from '../../server/votes/votes.routes.ts';
import type { Db } from '../../server/db/db.ts';
import { verifyMeetingAudit } from '../../server/audit/meeting-audit.ts';
import type { VoteService } from '../../server/votes/votes.service.ts';
import { createBody } from '../helpers/api-fixtures.ts';
import { addParticipant, createCouncil, type Council, type Participant } from '../helpers/meeting-fixtures.ts';
import { openTestDb, setupAdmin, startTestServer, type AdminSession, type TestServer } from '../helpers/test-server.ts';
import { liveMeetingWith, refusal, userOf, voteServiceOf } from '../helpers/vote-fixtures.ts';

// Issue 5, motions in device and hybrid modes. The council (tests/helpers/meeting-fixtures.ts)
// has 7 voting members: 3 landlords (the chair first) and 4 tenants; the secretary, one tenant
// member and the observer have no vote. The default quorum needs 4.

let db: Db;
let server: TestServer;
let admin: AdminSession;
let council: Council;
let votes: VoteService;
let outsider: Participant;

beforeAll(async () => {
  db = await openTestDb();
  server = await startTestServer({ db });
  admin = await setupAdmin(server.url);
  council = await createCouncil(server.url, admin.cookie, admin.organisationId);
  const other = await createBody(server.url, admin.cookie, admin.organisationId, { name: 'CCL Billère', kind: 'ccl' });
  outsider = await addParticipant(server.url, admin.cookie, admin.organisationId, other.id, { name: 'Gérard Lacoste', college: 'tenant', votingRight: true });
  votes = voteServiceOf(server.concerto.services);
});

afterAll(async () => {
  await server?.close();
  await db?.close();
});

const u = userOf;
const services = () => server.concerto.services;

describe('opening a vote', () => {
  it('refuses to open without quorum unless the chair gives a reason, and freezes the electorate', async () => {
    const [chair, l2] = council.landlords;
    const [t1] = council.tenants;
    const { meetingId, itemId } = await liveMeetingWith(server.url, services(), council, [
      [chair, 'present_room'],
      [t1, 'present_remote'],
      [council.nonVoting, 'present_room']
    ]);
    const input = { itemId, question: 'Le CCL donne un avis favorable à l’offre d’ANTARGAZ', mode: 'device' };

    const err = await refusal(votes.open(u(council.chair), meetingId, input), 'conflict');
    expect(err.text.fr).toContain('Le quorum n’est pas atteint (2 membres présents ou représentés, 4 requis)');
    expect(err.text.en).toContain('The quorum is not met');
    expect(await db.query('select 1 from votes where meeting_id = $1', [meetingId])).toEqual([]);

    // Not a manager: refused before anything else.
    await refusal(votes.open(u(t1), meetingId, { ...input, quorumOverrideReason: 'urgence' }), 'forbidden');
    // Bad input: bilingual field messages.
    const bad = await refusal(votes.open(u(council.chair), meetingId, { ...input, mode: 'carrier pigeon' }), 'validation_failed');
    expect(bad.fields?.mode).toBeDefined();

    const vote = await votes.open(u(council.chair), meetingId, { ...input, quorumOverrideReason: 'Délai du marché : avis requis ce jour' });
    expect(vote).toMatchObject({ status: 'open', rule: 'simple_majority', electorateSize: 2, quorumOverrideReason: 'Délai du marché : avis requis ce jour' });
    const electorate = await db.query<{ voting_for_person_id: string }>('select voting_for_person_id from vote_electorate where vote_id = $1 order by 1', [vote.id]);
    expect(electorate.map((e) => e.voting_for_person_id).sort()).toEqual([chair.personId, t1.personId].sort());

    // The electorate is frozen: a member arriving afterwards does not vote.
    await services().meetings.setAttendance(u(council.secretary), meetingId, { personId: l2.personId, status: 'present_room' });
    await refusal(votes.cast(u(l2), vote.id, { choice: 'pour' }), 'forbidden');

    // One open vote at a time.
    await refusal(votes.open(u(council.chair), meetingId, { ...input, quorumOverrideReason: 'x' }), 'conflict');
    const audit = await db.query<{ type: string; data: { quorumOverrideReason: string } }>("select type, data from meeting_audit where meeting_id = $1 and type = 'vote.opened'", [meetingId]);
    expect(audit).toHaveLength(1);
    expect(audit[0].data.quorumOverrideReason).toBe('Délai du marché : avis requis ce jour');
  });
});

describe('a named vote on devices', () => {
  it('takes one ballot per voter, two for a proxy holder, refuses non-voters, and closes to an immutable result', async () => {
    const [chair, l2, l3] = council.landlords;
    const [t1, t2, t3, t4] = council.tenants;
    const { meetingId, itemId } = await liveMeetingWith(server.url, services(), council, [
      [chair, 'present_room'],
      [l2, 'present_room'],
      [l3, 'present_remote'],
      [t1, 'present_remote'],
      [t2, 'present_room'],
      [t3, { proxyHolder: t1 }],
      [t4, 'absent'],
      [council.nonVoting, 'present_room']
    ]);
    const vote = await votes.open(u(council.secretary), meetingId, { itemId, question: 'Le CCL donne un avis favorable à l’offre d’ANTARGAZ', mode: 'device' });
    expect(vote.electorateSize).toBe(6);

    // Idempotent retry, then a change of mind refused.
    const first = await votes.cast(u(t1), vote.id, { choice: 'pour' });
    expect(first).toMatchObject({ alreadyCast: false, forPersonId: t1.personId, message: { fr: 'Votre vote « pour » est enregistré.' } });
    expect(await votes.cast(u(t1), vote.id, { choice: 'pour' })).toMatchObject({ alreadyCast: true });
    const changed = await refusal(votes.cast(u(t1), vote.id, { choice: 'contre' }), 'conflict');
    expect(changed.text.fr).toContain('déjà enregistré');
    // Concurrent retries of the same ballot: still one.
    await Promise.all([1, 2, 3].map(() => votes.cast(u(l2), vote.id, { choice: 'pour' })));

    // The proxy holder casts a second, separate ballot for the member represented.
    expect(await votes.cast(u(t1), vote.id, { choice: 'contre', forPersonId: t3.personId })).toMatchObject({ alreadyCast: false, forPersonId: t3.personId });
    const t1Rows = await db.query<{ voting_for_person_id: string; choice: string }>(
      'select voting_for_person_id, choice from ballots where vote_id = $1 and voting_for_person_id = any($2) order by choice desc',
      [vote.id, [t1.personId, t3.personId]]
    );
    expect(t1Rows).toEqual([
      { voting_for_person_id: t1.personId, choice: 'pour' },
      { voting_for_person_id: t3.personId, choice: 'contre' }
    ]);
    expect((await db.query('select 1 from ballots where vote_id = $1 and voting_for_person_id = $2', [vote.id, l2.personId])).length).toBe(1);

    // Not voters: someone else's proxy, an absent member, a member without a vote, the observer,
    // the secretary (no vote); a member of another body does not even see the vote.
    await refusal(votes.cast(u(t2), vote.id, { choice: 'pour', forPersonId: t3.personId }), 'forbidden');
    await refusal(votes.cast(u(t4), vote.id, { choice: 'pour' }), 'forbidden');
    await refusal(votes.cast(u(council.nonVoting), vote.id, { choice: 'pour' }), 'forbidden');
    await refusal(votes.cast(u(council.observer), vote.id, { choice: 'pour' }), 'forbidden');
    await refusal(votes.cast(u(council.secretary), vote.id, { choice: 'pour' }), 'forbidden');
    await refusal(votes.cast(u(outsider), vote.id, { choice: 'pour' }), 'not_found');
    await refusal(votes.cast(null, vote.id, { choice: 'pour' }), 'unauthorised');
    await refusal(votes.cast(u(chair), vote.id, { choice: 'peut-être' }), 'validation_failed');
    // Device mode has no room counts.
    await refusal(votes.setRoomCounts(u(council.secretary), vote.id, { pour: 1, contre: 0, abstention: 0 }), 'conflict');

    await votes.cast(u(chair), vote.id, { choice: 'pour' });
    await votes.cast(u(l3), vote.id, { choice: 'abstention' });
    await votes.cast(u(t2), vote.id, { choice: 'pour' });

    // Only managers close.
    await refusal(votes.close(u(t2), vote.id), 'forbidden');
    const closed = await votes.close(u(council.chair), vote.id);
    expect(closed.status).toBe('closed');
    expect(closed.result?.text.fr).toBe('Adopté : 4 pour, 1 contre, 1 abstention (majorité des suffrages exprimés)');
    expect(closed.result?.text.en).toBe('Adopted: 4 for, 1 against, 1 abstention (majority of votes cast)');
    expect(closed.tally).toMatchObject({ total: { pour: 4, contre: 1, abstention: 1 }, deviceBallots: 6, electorate: 6 });
    // The roll call of a named vote, the member represented shown with the holder who cast it.
    expect(closed.rollCall).toHaveLength(6);
    expect(closed.rollCall!.find((r) => r.personId === t3.personId)).toMatchObject({ castBy: t1.personId, choice: 'contre' });

    // A closed result cannot be changed through the service...
    await refusal(votes.cast(u(t4), vote.id, { choice: 'pour' }), 'conflict');
    await refusal(votes.cast(u(t2), vote.id, { choice: 'contre' }), 'conflict');
    await refusal(votes.close(u(council.chair), vote.id), 'conflict');
    // ... nor by SQL.
    await expect(db.query("update ballots set choice = 'contre' where vote_id = $1", [vote.id])).rejects.toThrow(/closed result cannot be changed/);
    await expect(db.query('delete from ballots where vote_id = $1', [vote.id])).rejects.toThrow(/closed/);
    await expect(db.query("insert into ballots (vote_id, voting_for_person_id, choice) values ($1, $2, 'pour')", [vote.id, t4.personId])).rejects.toThrow(/closed/);
    await expect(db.query('update votes set result = null where id = $1', [vote.id])).rejects.toThrow(/closed/);
    await expect(db.query("update votes set status = 'open', closed_at = null where id = $1", [vote.id])).rejects.toThrow(/closed/);
    await expect(db.query('delete from votes where id = $1', [vote.id])).rejects.toThrow(/closed/);
    await expect(db.query('delete from vote_electorate where vote_id = $1', [vote.id])).rejects.toThrow(/closed/);
    const [still] = await db.query<{ status: string; n: number }>('select v.status, (select count(*)::int from ballots b where b.vote_id = v.id) as n from votes v where v.id = $1', [vote.id]);
    expect(still).toEqual({ status: 'closed', n: 6 });

    // Every action is in the hash-chained audit log; the minutes get a line.
    const types = await db.query<{ type: string }>('select type from meeting_audit where meeting_id = $1 order by seq', [meetingId]);
    expect(types.map((t) => t.type)).toEqual(['vote.opened', ...Array(6).fill('vote.cast'), 'vote.closed']);
    expect(await verifyMeetingAudit(db, meetingId)).toMatchObject({ ok: true, entries: 8 });
    const events = await db.query<{ data: { text: { fr: string } } }>("select data from meeting_events where meeting_id = $1 and type = 'vote.closed'", [meetingId]);
    expect(events[0].data.text.fr).toMatch(/^Adopté : 4 pour/);
  });
});

describe('a secret hybrid vote', () => {
  it('counts the room by show of hands, remote voters on devices, and keeps no member-to-choice link', async () => {
    const [chair, l2, l3] = council.landlords;
    const [t1, t2, t3] = council.tenants;
    const { meetingId, itemId } = await liveMeetingWith(server.url, services(), council, [
      [chair, 'present_room'],
      [l2, 'present_room'],
      [t2, 'present_room'],
      [t3, { proxyHolder: t2 }],
      [l3, 'present_remote'],
      [t1, 'present_remote']
    ]);
    const vote = await votes.open(u(council.chair), meetingId, { itemId, question: 'Désignation du représentant au comité de suivi', mode: 'hybrid', secret: true, showTally: false });
    expect(vote.electorateSize).toBe(6);

    // Voters in the room raise their hands; they do not vote on a device.
    const inRoom = await refusal(votes.cast(u(t2), vote.id, { choice: 'pour' }), 'conflict');
    expect(inRoom.text.fr).toContain('main levée');

    // Remote voters cast on their phones; a retry is not a second ballot.
    expect(await votes.cast(u(l3), vote.id, { choice: 'pour' })).toMatchObject({ alreadyCast: false, message: { fr: 'Votre vote secret est enregistré.' } });
    await votes.cast(u(t1), vote.id, { choice: 'contre' });
    expect(await votes.cast(u(t1), vote.id, { choice: 'contre' })).toMatchObject({ alreadyCast: true });

    // The tally is hidden from members while open; the secretariat sees it.
    expect((await votes.get(u(t1), vote.id)).tally).toBeNull();
    expect((await votes.get(u(council.secretary), vote.id)).tally?.device).toEqual({ pour: 1, contre: 1, abstention: 0 });

    // Closing before the room is counted is refused.
    await refusal(votes.close(u(council.chair), vote.id), 'conflict');

    // Room counts: 4 eligible in the room (three members and one proxy).
    const tooMany = await refusal(votes.setRoomCounts(u(council.secretary), vote.id, { pour: 3, contre: 1, abstention: 1 }), 'unprocessable');
    expect(tooMany.text.fr).toBe('Total trop élevé : 5 votes saisis, mais 4 votants présents en salle seulement (mandats compris). Vérifiez le décompte.');
    expect(tooMany.text.en).toBe('Total too high: 5 votes entered, but only 4 voters present in the room (proxies included). Please check the count.');
    await refusal(votes.setRoomCounts(u(t2), vote.id, { pour: 3, contre: 1, abstention: 0 }), 'forbidden');
    await refusal(votes.setRoomCounts(u(council.secretary), vote.id, { pour: -1, contre: 1, abstention: 0 }), 'validation_failed');
    await refusal(votes.setRoomCounts(u(council.secretary), vote.id, { college: 'tenant', pour: 1, contre: 0, abstention: 0 }), 'unprocessable');
    await votes.setRoomCounts(u(council.secretary), vote.id, { pour: 3, contre: 1, abstention: 0 });
    // A correction while open, kept in the audit log.
    await votes.setRoomCounts(u(council.secretary), vote.id, { pour: 2, contre: 1, abstention: 1 });

    const closed = await votes.close(u(council.chair), vote.id);
    expect(closed.result?.text.fr).toBe('Adopté : 3 pour, 2 contre, 1 abstention (majorité des suffrages exprimés)');
    expect(closed.tally).toMatchObject({ device: { pour: 1, contre: 1, abstention: 0 }, room: { pour: 2, contre: 1, abstention: 1 }, deviceBallots: 2 });
    expect(closed.rollCall).toBeNull();
    expect(closed.participation).toBe(2);
    await refusal(votes.setRoomCounts(u(council.secretary), vote.id, { pour: 4, contre: 0, abstention: 0 }), 'conflict');
    await expect(db.query("update secret_ballots set choice = 'pour' where vote_id = $1", [vote.id])).rejects.toThrow(/closed/);
    await expect(db.query('update room_counts set pour = 4 where vote_id = $1', [vote.id])).rejects.toThrow(/closed/);

    // The database holds no member-to-choice link: no ballots row, and the secret tables have
    // no column that names a person beside a choice, nor a time or sequence to join on.
    expect(await db.query('select 1 from ballots where vote_id = $1', [vote.id])).toEqual([]);
    const columns = async (table: string) =>
      (await db.query<{ column_name: string }>('select column_name from information_schema.columns where table_name = $1 order by ordinal_position', [table])).map((c) => c.column_name);
    // option_ids: a choice vote's options; receipt_hash: the hash of a receipt only the voter's
    // device holds (changeable secret votes), null here; neither names a person.
    expect(await columns('secret_ballots')).toEqual(['vote_id', 'college', 'choice', 'option_ids', 'receipt_hash']);
    expect(await columns('vote_participation')).toEqual(['vote_id', 'voting_for_person_id']);
    expect((await db.query('select * from secret_ballots where vote_id = $1', [vote.id])).map((r) => Object.keys(r).sort())).toEqual([
      ['choice', 'college', 'option_ids', 'receipt_hash', 'vote_id'],
      ['choice', 'college', 'option_ids', 'receipt_hash', 'vote_id']
    ]);
    expect((await db.query('select 1 from secret_ballots where vote_id = $1 and receipt_hash is not null', [vote.id])).length).toBe(0);
    // Nor does the audit log, nor the meeting's event log.
    const audit = await db.query<{ type: string; data: Record<string, unknown> }>('select type, data from meeting_audit where meeting_id = $1 order by seq', [meetingId]);
    expect(audit.map((a) => a.type)).toEqual(['vote.opened', 'vote.cast', 'vote.cast', 'vote.room_counts', 'vote.room_counts_corrected', 'vote.closed']);
    for (const a of audit.filter((x) => x.type === 'vote.cast')) expect(Object.keys(a.data).sort()).toEqual(['castBy', 'forPersonId', 'voteId']);
    expect(audit[4].data).toMatchObject({ counts: { pour: 2, contre: 1, abstention: 1 }, previous: { pour: 3, contre: 1, abstention: 0 } });
    const events = JSON.stringify(await db.query('select data from meeting_events where meeting_id = $1 and type like $2', [meetingId, 'vote.%']));
    for (const p of [l3, t1]) expect(events).not.toContain(p.personId);
    expect(await verifyMeetingAudit(db, meetingId)).toMatchObject({ ok: true, entries: 6 });

    // Outside the result: a deleted account leaves its reference null, and deleting the whole
    // meeting removes its votes by cascade (a direct delete is refused, above).
    await db.query('update votes set opened_by = null where id = $1', [vote.id]);
    await db.query('update room_counts set updated_by = null where vote_id = $1', [vote.id]);
    await expect(db.query('update room_counts set updated_by = null, pour = 9 where vote_id = $1', [vote.id])).rejects.toThrow(/closed/);
    await db.query('delete from meetings where id = $1', [meetingId]);
    expect(await db.query('select 1 from votes where id = $1', [vote.id])).toEqual([]);
    expect(await db.query('select 1 from secret_ballots where vote_id = $1', [vote.id])).toEqual([]);
  });
});

describe('a show-of-hands vote with a majority in each college', () => {
  it('takes counts per college, refuses a college total above its voters, and decides per college', async () => {
    const [chair, l2, l3] = council.landlords;
    const [t1, t2, t3, t4] = council.tenants;
    const { meetingId, itemId } = await liveMeetingWith(server.url, services(), council, [
      [chair, 'present_room'],
      [l2, 'present_room'],
      [l3, 'present_room'],
      [t1, 'present_room'],
      [t2, 'present_remote'],
      [t3, 'present_room'],
      [t4, 'excused']
    ]);
    const vote = await votes.open(u(council.chair), meetingId, { itemId, question: 'Programme de travaux 2027', mode: 'hands', rule: 'majority_each_college' });
    expect(vote.electorateSize).toBe(6);
    await refusal(votes.cast(u(t1), vote.id, { choice: 'pour' }), 'conflict');
    // The rule needs counts per college.
    await refusal(votes.setRoomCounts(u(council.secretary), vote.id, { pour: 3, contre: 0, abstention: 0 }), 'unprocessable');
    const tooMany = await refusal(votes.setRoomCounts(u(council.secretary), vote.id, { college: 'tenant', pour: 2, contre: 2, abstention: 0 }), 'unprocessable');
    expect(tooMany.text.fr).toBe('Total trop élevé : 4 votes saisis, mais 3 votants du collège locataire seulement (mandats compris). Vérifiez le décompte.');
    await votes.setRoomCounts(u(council.secretary), vote.id, { college: 'landlord', pour: 2, contre: 1, abstention: 0 });
    await votes.setRoomCounts(u(council.secretary), vote.id, { college: 'tenant', pour: 1, contre: 2, abstention: 0 });
    const closed = await votes.close(u(council.secretary), vote.id);
    expect(closed.result).toMatchObject({ outcome: 'rejected', reason: 'college_tenant_majority_against' });
    expect(closed.result?.text.fr).toBe('Rejeté : 3 pour, 3 contre, 0 abstention (majorité dans chaque collège)');
    expect(closed.tally?.colleges).toMatchObject({ landlord: { pour: 2, contre: 1, abstention: 0 }, tenant: { pour: 1, contre: 2, abstention: 0 } });
  });
});

describe('the JSON routes', () => {
  it('open, cast, read and close a vote over HTTP on a bare express app, errors in the API shape', async () => {
    const [chair, l2] = council.landlords;
    const [t1, t2] = council.tenants;
    const { meetingId, itemId } = await liveMeetingWith(server.url, services(), council, [
      [chair, 'present_room'],
      [l2, 'present_remote'],
      [t1, 'present_remote'],
      [t2, 'present_remote']
    ]);
    const people = { chair, secretary: council.secretary, l2, t1, t2 } as const;
    const app = express();
    app.use(express.json());
    // Stands in for the API router's authentication: the test names the account in a header.
    app.use((req, _res, next) => {
      const who = req.get('x-test-user') as keyof typeof people | undefined;
      req.identity = { user: who ? u(people[who]) : null } as never;
      next();
    });
    const r = express.Router();
    registerVoteRoutes(r, { ...services(), votes });
    app.use('/api/v1', r);
    app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(statusOf(err)).json({ error: toApiError(err, 'fr') });
    });
    const http = app.listen(0, '127.0.0.1');
    await new Promise((ok) => http.once('listening', ok));
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/api/v1`;
    const call = async (who: keyof typeof people | null, method: string, path: string, body?: unknown) => {
      const res = await fetch(base + path, {
        method,
        headers: { 'content-type': 'application/json', ...(who ? { 'x-test-user': who } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body)
      });
      return { status: res.status, json: (await res.json()) as any };
    };
    try {
      const opened = await call('secretary', 'POST', `/meetings/${meetingId}/votes`, { itemId, question: 'Approbation du compte rendu', mode: 'device' });
      expect(opened.status).toBe(201);
      const voteId = opened.json.vote.id as string;
      expect((await call('t1', 'POST', `/votes/${voteId}/ballots`, { choice: 'pour' })).json.ballot).toMatchObject({ alreadyCast: false });
      expect((await call('t1', 'POST', `/votes/${voteId}/ballots`, { choice: 'pour' })).json.ballot).toMatchObject({ alreadyCast: true });
      const twice = await call('t1', 'POST', `/votes/${voteId}/ballots`, { choice: 'contre' });
      expect(twice.status).toBe(409);
      expect(twice.json.error).toMatchObject({ code: 'conflict', message: expect.stringContaining('déjà enregistré'), messageEn: expect.stringContaining('already recorded') });
      expect((await call(null, 'POST', `/votes/${voteId}/ballots`, { choice: 'pour' })).status).toBe(401);
      expect((await call('t2', 'POST', `/votes/${voteId}/ballots`, { choice: 'moi' })).status).toBe(400);
      await call('t2', 'POST', `/votes/${voteId}/ballots`, { choice: 'contre' });
      await call('l2', 'POST', `/votes/${voteId}/ballots`, { choice: 'pour' });
      expect((await call('t2', 'POST', `/votes/${voteId}/close`)).status).toBe(403);
      const closed = await call('chair', 'POST', `/votes/${voteId}/close`);
      expect(closed.status).toBe(200);
      expect(closed.json.vote.result.text.fr).toBe('Adopté : 2 pour, 1 contre, 0 abstention (majorité des suffrages exprimés)');
      const list = await call('t2', 'GET', `/meetings/${meetingId}/votes`);
      expect(list.json.votes).toHaveLength(1);
      expect((await call('t2', 'GET', `/votes/${voteId}`)).json.vote.rollCall).toHaveLength(3);
    } finally {
      await new Promise((ok) => http.close(ok));
    }
  });
});
