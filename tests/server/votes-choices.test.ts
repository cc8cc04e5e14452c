import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/db.ts';
import { verifyMeetingAudit } from '../../server/audit/meeting-audit.ts';
import type { ChoiceResult } from '../../server/votes/vote-rules.ts';
import type { VoteService } from '../../server/votes/votes.service.ts';
import { createCouncil, type Council } from '../helpers/meeting-fixtures.ts';
import { openTestDb, setupAdmin, startTestServer, api, type AdminSession, type TestServer } from '../helpers/test-server.ts';
import { liveMeetingWith, refusal, userOf as u, voteServiceOf } from '../helpers/vote-fixtures.ts';

// Issue 5, choices among options (single or multiple with a maximum; most votes wins, ties
// stated) and changeable ballots. The council (tests/helpers/meeting-fixtures.ts) has 7 voting
// members: 3 landlords (the chair first) and 4 tenants; the default quorum needs 4.

let db: Db;
let server: TestServer;
let admin: AdminSession;
let council: Council;
let votes: VoteService;

beforeAll(async () => {
  db = await openTestDb();
  server = await startTestServer({ db });
  admin = await setupAdmin(server.url);
  council = await createCouncil(server.url, admin.cookie, admin.organisationId);
  votes = voteServiceOf(server.concerto.services);
});

afterAll(async () => {
  await server?.close();
  await db?.close();
});

const services = () => server.concerto.services;
const OFFERS = ['ANTARGAZ', 'PRIMAGAZ', 'Butagaz'];

async function everyonePresent(mode: 'room' | 'remote' = 'remote') {
  const status = mode === 'room' ? 'present_room' : 'present_remote';
  return liveMeetingWith(server.url, services(), council, [...council.landlords, ...council.tenants].map((p) => [p, status] as const) as never);
}

describe('a named single choice on devices', () => {
  it('takes one option per voter (or a blank ballot), refuses unknown or extra options, and retains the option with most votes', async () => {
    const [chair, l2, l3] = council.landlords;
    const [t1, t2, t3, t4] = council.tenants;
    const { meetingId, itemId } = await everyonePresent();

    // Opening: options needed for a choice, none for a motion; rules other than most votes refused.
    await refusal(votes.open(u(chair), meetingId, { itemId, question: 'Quel fournisseur de propane ?', mode: 'device', kind: 'choice' }), 'unprocessable');
    await refusal(votes.open(u(chair), meetingId, { itemId, question: 'Avis ?', mode: 'device', options: ['A', 'B'] }), 'unprocessable');
    const badRule = await refusal(votes.open(u(chair), meetingId, { itemId, question: 'Quel fournisseur ?', mode: 'device', kind: 'choice', options: OFFERS, rule: 'two_thirds' }), 'unprocessable');
    expect(badRule.fields?.rule?.fr).toContain('plus de voix');
    const tooMany = await refusal(votes.open(u(chair), meetingId, { itemId, question: 'Quel fournisseur ?', mode: 'device', kind: 'choice', options: OFFERS, maxChoices: 4 }), 'unprocessable');
    expect(tooMany.fields?.maxChoices).toBeDefined();
    await refusal(votes.open(u(chair), meetingId, { itemId, question: 'Quel fournisseur ?', mode: 'device', kind: 'choice', options: ['A', 'a'] }), 'unprocessable');
    await refusal(votes.open(u(chair), meetingId, { itemId, question: 'Quel fournisseur ?', mode: 'device', kind: 'choice', options: ['Seule'] }), 'validation_failed');

    const vote = await votes.open(u(chair), meetingId, { itemId, question: 'Quel fournisseur de propane retenir ?', mode: 'device', kind: 'choice', options: OFFERS });
    expect(vote).toMatchObject({
      kind: 'choice',
      options: [
        { id: 'o1', label: 'ANTARGAZ' },
        { id: 'o2', label: 'PRIMAGAZ' },
        { id: 'o3', label: 'Butagaz' }
      ],
      maxChoices: 1,
      changeable: false,
      castingVoteAllowed: false,
      rule: 'simple_majority',
      electorateSize: 7,
      tally: { options: { o1: 0, o2: 0, o3: 0 } }
    });

    expect(await votes.cast(u(chair), vote.id, { optionIds: ['o1'] })).toMatchObject({ alreadyCast: false, message: { fr: 'Votre vote « ANTARGAZ » est enregistré.' } });
    // One option given as `choice` works too; a retry is not a second ballot.
    await votes.cast(u(l2), vote.id, { choice: 'o1' });
    expect(await votes.cast(u(l2), vote.id, { optionIds: ['o1'] })).toMatchObject({ alreadyCast: true });
    const unknown = await refusal(votes.cast(u(l3), vote.id, { optionIds: ['o9'] }), 'unprocessable');
    expect(unknown.fields?.optionIds?.fr).toBe('Option inconnue : o9.');
    const two = await refusal(votes.cast(u(l3), vote.id, { optionIds: ['o1', 'o2'] }), 'unprocessable');
    expect(two.fields?.optionIds?.en).toBe('Only one option may be chosen.');
    await refusal(votes.cast(u(l3), vote.id, { choice: 'pour' }), 'unprocessable');
    await refusal(votes.cast(u(l3), vote.id, { choice: 'o1', optionIds: ['o1'] }), 'unprocessable');
    // Not changeable (the body's default): a different option is refused.
    const changed = await refusal(votes.cast(u(chair), vote.id, { optionIds: ['o2'] }), 'conflict');
    expect(changed.text.fr).toContain('« ANTARGAZ » est déjà enregistré');

    // The rest vote at once: the casts share commits, each acknowledged.
    const acks = await Promise.all([
      votes.cast(u(l3), vote.id, { optionIds: ['o2'] }),
      votes.cast(u(t1), vote.id, { optionIds: ['o2'] }),
      votes.cast(u(t2), vote.id, { optionIds: ['o1'] }),
      votes.cast(u(t3), vote.id, { optionIds: [] }),
      votes.cast(u(t4), vote.id, { optionIds: ['o3'] })
    ]);
    expect(acks.map((a) => a.alreadyCast)).toEqual([false, false, false, false, false]);
    expect(acks[3].message.fr).toBe('Votre vote blanc est enregistré.');
    // Each answer carries the voter's part as committed (for the realtime ack, without a query).
    expect(acks[4].mine).toEqual({
      voteId: vote.id,
      how: 'device',
      ballots: [{ forPersonId: t4.personId, name: t4.name, self: true, cast: true, choice: null, optionIds: ['o3'] }]
    });
    expect((await votes.get(u(t1), vote.id)).tally).toMatchObject({ options: { o1: 3, o2: 2, o3: 1 }, total: { abstention: 1 }, deviceBallots: 7 });

    const closed = await votes.close(u(chair), vote.id);
    const result = closed.result as ChoiceResult;
    expect(result).toMatchObject({ outcome: 'adopted', reason: 'most_votes', winners: ['o1'], tied: [], optionCounts: { o1: 3, o2: 2, o3: 1 }, blank: 1 });
    expect(result.text.fr).toBe('Retenu : « ANTARGAZ » — ANTARGAZ 3 voix, PRIMAGAZ 2 voix, Butagaz 1 voix, 1 bulletin blanc (le plus de voix l’emporte)');
    expect(closed.rollCall?.find((r) => r.personId === t4.personId)).toMatchObject({ choice: null, optionIds: ['o3'] });
    expect(closed.rollCall?.find((r) => r.personId === t3.personId)).toMatchObject({ optionIds: [] });

    // Still one row per voter, and the closed ballots are out of reach of SQL.
    expect((await db.query('select 1 from ballots where vote_id = $1', [vote.id])).length).toBe(7);
    await expect(db.query("update ballots set option_ids = '{o2}' where vote_id = $1", [vote.id])).rejects.toThrow(/closed/);
    expect(await verifyMeetingAudit(db, meetingId)).toMatchObject({ ok: true, entries: 9 });
    const [decision] = await db.query<{ kind: string; winners: string[]; result_fr: string }>('select kind, winners, result_fr from decisions where vote_id = $1', [vote.id]);
    expect(decision).toEqual({ kind: 'choice', winners: ['o1'], result_fr: result.text.fr });
    await services().meetings.transition(u(chair), meetingId, { to: 'closed' });
  });
});

describe('a multiple choice in a hybrid meeting', () => {
  it('counts the room per option within what the room can hold, adds remote ballots, and states a tie', async () => {
    const [chair, l2, l3] = council.landlords;
    const [t1, t2, t3, t4] = council.tenants;
    const { meetingId, itemId } = await liveMeetingWith(server.url, services(), council, [
      [chair, 'present_room'],
      [l2, 'present_room'],
      [l3, 'present_room'],
      [t1, 'present_room'],
      [t2, 'present_remote'],
      [t3, 'present_remote'],
      [t4, { proxyHolder: t1 }]
    ]);
    const priorities = ['Ascenseurs', 'Éclairage des parkings', 'Interphones', 'Espaces verts'];
    const vote = await votes.open(u(council.secretary), meetingId, { itemId, question: 'Deux priorités de travaux pour 2026', mode: 'hybrid', kind: 'choice', options: priorities, maxChoices: 2 });
    expect(vote.maxChoices).toBe(2);

    await refusal(votes.cast(u(chair), vote.id, { optionIds: ['o1'] }), 'conflict'); // in the room: hands
    await votes.cast(u(t2), vote.id, { optionIds: ['o1', 'o2'] });
    await votes.cast(u(t3), vote.id, { optionIds: ['o3'] });
    await refusal(votes.cast(u(t3), vote.id, { optionIds: ['o1', 'o2', 'o3'] }), 'unprocessable');

    // 5 may be counted in the room (4 present, 1 proxy): no option above 5, not more than 10 votes.
    const above = await refusal(votes.setRoomCounts(u(council.secretary), vote.id, { options: { o1: 6 } }), 'unprocessable');
    expect(above.fields?.['options.o1']?.fr).toContain('6 votes saisis, mais 5 votants présents en salle');
    const total = await refusal(votes.setRoomCounts(u(council.secretary), vote.id, { options: { o1: 5, o2: 5, o3: 1 } }), 'unprocessable');
    expect(total.text.fr).toContain('11 voix saisies');
    await refusal(votes.setRoomCounts(u(council.secretary), vote.id, { options: { o7: 1 } }), 'unprocessable');
    await refusal(votes.setRoomCounts(u(council.secretary), vote.id, { pour: 1, contre: 0, abstention: 0 }), 'validation_failed');
    await refusal(votes.setRoomCounts(u(t2), vote.id, { options: { o1: 1 } }), 'forbidden');
    await votes.setRoomCounts(u(council.secretary), vote.id, { options: { o1: 2, o2: 2, o3: 4 }, abstention: 0 });
    // A correction, kept in the audit log.
    const corrected = await votes.setRoomCounts(u(council.secretary), vote.id, { options: { o1: 3, o2: 2, o3: 3 }, abstention: 1 });
    expect(corrected.tally).toMatchObject({ options: { o1: 4, o2: 3, o3: 4, o4: 0 }, roomOptions: { o1: 3, o2: 2, o3: 3 }, total: { abstention: 1 } });

    const closed = await votes.close(u(chair), vote.id);
    const result = closed.result as ChoiceResult;
    // Two seats, o1 and o3 on 4 each: both retained, no tie.
    expect(result).toMatchObject({ outcome: 'adopted', winners: ['o1', 'o3'], tied: [] });
    const audit = await db.query<{ type: string }>('select type from meeting_audit where meeting_id = $1 order by seq', [meetingId]);
    expect(audit.map((a) => a.type)).toEqual(['vote.opened', 'vote.cast', 'vote.cast', 'vote.room_counts', 'vote.room_counts_corrected', 'vote.closed']);
    const [d] = await db.query<{ participation: number }>('select participation from decisions where vote_id = $1', [vote.id]);
    // 2 device ballots, 1 blank in the room, and at least 3 people raising hands in the room.
    expect(d.participation).toBe(6);
  });
});

describe('changeable ballots (body setting)', () => {
  it('lets a named voter change their ballot until close, one row per voter, every change in the audit with the choice', async () => {
    const res = await api(server.url, council.secretary.cookie).call('PUT', `/bodies/${council.bodyId}/vote-settings`, {
      defaultRule: 'simple_majority',
      chairCastingVote: false,
      ballotsChangeable: true
    });
    expect(res.status).toBe(200);
    const [chair] = council.landlords;
    const [t1] = council.tenants;
    const { meetingId, itemId } = await everyonePresent();
    const vote = await votes.open(u(chair), meetingId, { itemId, question: 'Le CCL approuve la charte de bon voisinage', mode: 'device' });
    expect(vote.changeable).toBe(true);

    await votes.cast(u(t1), vote.id, { choice: 'pour' });
    expect(await votes.cast(u(t1), vote.id, { choice: 'pour' })).toMatchObject({ alreadyCast: true, changed: false });
    expect(await votes.cast(u(t1), vote.id, { choice: 'contre' })).toMatchObject({
      alreadyCast: false,
      changed: true,
      message: { fr: 'Votre vote est changé : « contre » est enregistré.' }
    });
    expect(await db.query('select choice from ballots where vote_id = $1', [vote.id])).toEqual([{ choice: 'contre' }]);
    const audit = await db.query<{ type: string; data: Record<string, unknown> }>("select type, data from meeting_audit where meeting_id = $1 and type like 'vote.cast%' order by seq", [meetingId]);
    expect(audit).toEqual([
      { type: 'vote.cast', data: expect.objectContaining({ choice: 'pour' }) },
      { type: 'vote.cast_changed', data: expect.objectContaining({ choice: 'contre', previous: { choice: 'pour' } }) }
    ]);
    await votes.close(u(chair), vote.id);
    await refusal(votes.cast(u(t1), vote.id, { choice: 'pour' }), 'conflict');
  });

  it('lets a secret voter change their ballot only with the receipt their device holds, with no choice in the audit', async () => {
    const [chair] = council.landlords;
    const [t1, t2] = council.tenants;
    const { meetingId, itemId } = await everyonePresent();
    const vote = await votes.open(u(chair), meetingId, { itemId, question: 'Quel prestataire pour les espaces verts ?', mode: 'device', kind: 'choice', options: OFFERS, secret: true });
    expect(vote.changeable).toBe(true);

    const first = await votes.cast(u(t1), vote.id, { optionIds: ['o1'] });
    expect(first.receipt).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(first.message.fr).toBe('Votre vote secret est enregistré.');
    const other = await votes.cast(u(t2), vote.id, { optionIds: ['o1'] });
    // A secret ballot is reported as cast, never with its choice.
    expect(other.mine?.ballots).toEqual([{ forPersonId: t2.personId, name: t2.name, self: true, cast: true, choice: null, optionIds: null }]);

    // Without the receipt (a retry from a reconnecting phone) the first ballot stands.
    expect(await votes.cast(u(t1), vote.id, { optionIds: ['o2'] })).toMatchObject({ alreadyCast: true, changed: false });
    // A wrong receipt is refused; the right one changes the ballot.
    await refusal(votes.cast(u(t1), vote.id, { optionIds: ['o2'], receipt: 'not-a-receipt' }), 'unprocessable');
    expect(await votes.cast(u(t1), vote.id, { optionIds: ['o2'], receipt: first.receipt })).toMatchObject({ changed: true, message: { fr: 'Votre vote secret est changé et enregistré.' } });
    expect((await votes.get(u(chair), vote.id)).tally?.options).toEqual({ o1: 1, o2: 1, o3: 0 });

    // The tables still hold no link: two participation rows, two ballots with hashes of receipts.
    expect((await db.query('select 1 from vote_participation where vote_id = $1', [vote.id])).length).toBe(2);
    const stored = await db.query<{ receipt_hash: string }>('select receipt_hash from secret_ballots where vote_id = $1', [vote.id]);
    expect(stored).toHaveLength(2);
    expect(stored.map((s) => s.receipt_hash)).not.toContain(first.receipt);
    expect(stored.map((s) => s.receipt_hash)).not.toContain(other.receipt);
    const audit = await db.query<{ type: string; data: Record<string, unknown> }>("select type, data from meeting_audit where meeting_id = $1 and type like 'vote.cast%' order by seq", [meetingId]);
    expect(audit.map((a) => a.type)).toEqual(['vote.cast', 'vote.cast', 'vote.cast_changed']);
    for (const a of audit) expect(Object.keys(a.data).sort()).toEqual(['castBy', 'forPersonId', 'voteId']);
    expect(await verifyMeetingAudit(db, meetingId)).toMatchObject({ ok: true });
  });
});
