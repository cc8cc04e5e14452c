import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MeetingState } from '../../src/lib/protocol/events.ts';
import { addParticipant, comparable, createCouncil, createMeeting, expectRefusal, MeetingClient, stateOf, type Council } from '../helpers/meeting-fixtures.ts';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres-database.ts';
import { createBody } from '../helpers/api-fixtures.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { setupAdmin, startTestServer, type AdminSession, type TestServer } from '../helpers/test-server.ts';

const baseUrl = process.env.TEST_DATABASE_URL;

// Issue 4, "Live room", on a real PostgreSQL: a change of the current item is one prepared
// statement that commits on its own, with the permission (policy.manageMeeting's rule, in SQL)
// checked inside it (PGlite runs the same statement; tests/server/meetings-room.test.ts and
// meetings-auth.test.ts cover it there).
describe.skipIf(!baseUrl)('the live room on a real PostgreSQL', () => {
  let temp: TempDatabase;
  let server: TestServer;
  let sql: pg.Client;
  let council: Council;
  let admin: AdminSession;

  beforeAll(async () => {
    temp = await createTempDatabase(baseUrl!);
    server = await startTestServer({ env: { DATABASE_URL: temp.url } });
    sql = new pg.Client({ connectionString: temp.url });
    await sql.connect();
    admin = await setupAdmin(server.url);
    council = await createCouncil(server.url, admin.cookie, admin.organisationId);
  });

  afterEach(() => MeetingClient.closeAll());

  afterAll(async () => {
    await sql?.end();
    await server?.close();
    await temp?.drop();
  });

  const revOf = async (meetingId: string) => Number((await sql.query('select rev from meetings where id = $1', [meetingId])).rows[0].rev);
  const eventsOf = async (meetingId: string) =>
    (await sql.query<{ type: string; data: { itemId: string | null; previousItemId: string | null } }>("select type, data from meeting_events where meeting_id = $1 and type = 'room.current_item' order by id", [meetingId])).rows;

  async function liveMeeting() {
    const meeting = await createMeeting(server.url, council.secretary.cookie, council.bodyId, {}, 'live');
    const chair = await MeetingClient.connect(server.url, council.chair.cookie);
    await chair.join(meeting.id);
    const items: string[] = [];
    for (const [title, plannedMinutes] of [['Approbation du compte rendu', 5], ['Charges locatives 2025', 30], ['Questions diverses', 15]] as const) {
      items.push((await chair.ok('agenda:add', { meetingId: meeting.id, title, plannedMinutes })).itemId);
    }
    return { meetingId: meeting.id, items, chair };
  }

  it('moves through the items, adds the time spent, logs each move and keeps a console equal to the stored state', async () => {
    const { meetingId, items, chair } = await liveMeeting();
    const spent = (s: MeetingState, id: string) => s.agenda.find((i) => i.id === id)!.spentSeconds;
    await chair.ok('meeting:current-item', { meetingId, itemId: items[0] });
    await sql.query('update meetings set current_item_started_at = current_item_started_at - make_interval(secs => 90) where id = $1', [meetingId]);
    await chair.ok('meeting:current-item', { meetingId, itemId: items[1] });
    await chair.ok('meeting:current-item', { meetingId, itemId: items[1] }); // already current: no change
    await chair.ok('meeting:current-item', { meetingId, itemId: null });

    const stored = await stateOf(server.url, council.secretary.cookie, meetingId);
    const seen = await chair.waitForRev(stored.rev);
    expect(comparable(seen)).toEqual(comparable(stored));
    expect(stored.meeting).toMatchObject({ currentItemId: null, currentItemStartedAt: null });
    expect(spent(stored, items[0])).toBeGreaterThanOrEqual(90);
    expect(spent(stored, items[0])).toBeLessThanOrEqual(93);
    expect(await eventsOf(meetingId)).toEqual([
      { type: 'room.current_item', data: { itemId: items[0], previousItemId: null } },
      { type: 'room.current_item', data: { itemId: items[1], previousItemId: items[0] } },
      { type: 'room.current_item', data: { itemId: null, previousItemId: items[1] } }
    ]);
    // The move to item 1 carried the room, the time of item 0 and item 1's queue.
    const move = chair.patches.find((p) => p.changes.room?.currentItemId === items[1])!;
    expect(Object.keys(move.changes).sort()).toEqual(['queue', 'room', 'spent']);
    expect(move.changes.queue?.itemId).toBe(items[1]);
  });

  it('refuses an item of no agenda, a member who does not manage the meeting, and a meeting not live, changing nothing', async () => {
    const { meetingId, items, chair } = await liveMeeting();
    await chair.ok('meeting:current-item', { meetingId, itemId: items[0] });
    const before = await revOf(meetingId);

    expectRefusal(await chair.refused('meeting:current-item', { meetingId, itemId: '00000000-0000-4000-8000-000000000000' }), 'unprocessable');
    const member = await MeetingClient.connect(server.url, council.tenants[0].cookie);
    await member.join(meetingId);
    expectRefusal(await member.refused('meeting:current-item', { meetingId, itemId: items[2] }), 'forbidden');
    const outsider = await MeetingClient.connect(server.url, council.observer.cookie);
    expectRefusal(await outsider.refused('meeting:current-item', { meetingId, itemId: items[2] }), 'forbidden');

    expect(await revOf(meetingId)).toBe(before);
    expect((await eventsOf(meetingId)).length).toBe(1);
    expect((await stateOf(server.url, council.secretary.cookie, meetingId)).meeting.currentItemId).toBe(items[0]);

    await chair.ok('meeting:transition', { meetingId, to: 'closed' });
    expectRefusal(await chair.refused('meeting:current-item', { meetingId, itemId: items[1] }), 'conflict');
    expect((await stateOf(server.url, council.secretary.cookie, meetingId)).meeting.currentItemId).toBeNull();
  });

  it('lets exactly those who manage the meeting move the room: the organisation admin and the body admin too; a member of another body finds no meeting, an admin of another organisation is refused', async () => {
    const { meetingId, items } = await liveMeeting();
    const bodyAdmin = await addParticipant(server.url, admin.cookie, admin.organisationId, council.bodyId, { name: 'Gracianne Bordenave', role: 'admin', college: 'landlord' });
    const neighbourBody = await createBody(server.url, admin.cookie, admin.organisationId, { name: 'CCL Pau nord', kind: 'ccl' });
    const neighbour = await addParticipant(server.url, admin.cookie, admin.organisationId, neighbourBody.id, { name: 'Ramuntxo Irigoyen', role: 'chair', college: 'tenant' });

    let expected = await revOf(meetingId);
    for (const [who, cookie, itemId] of [['organisation admin', admin.cookie, items[0]], ['body admin', bodyAdmin.cookie, items[1]], ['secretary', council.secretary.cookie, items[2]]] as const) {
      const manager = await MeetingClient.connect(server.url, cookie);
      await manager.ok('meeting:current-item', { meetingId, itemId });
      expect(await revOf(meetingId), who).toBe(++expected);
    }
    const stranger = await MeetingClient.connect(server.url, neighbour.cookie);
    const refusal = await stranger.refused('meeting:current-item', { meetingId, itemId: items[0] });
    expectRefusal(refusal, 'not_found');
    // Being an admin of another organisation gives nothing here: a tenant of this body who is one stays a member.
    const other = await sql.query<{ id: string }>("insert into organisations (slug, name) values ('autre-office', 'Autre office') returning id");
    await sql.query("insert into people (organisation_id, full_name, email, user_id, org_role) values ($1, 'Aïcha Benali', $2, $3, 'admin')", [
      other.rows[0].id,
      council.tenants[0].email,
      council.tenants[0].userId
    ]);
    const tenant = await MeetingClient.connect(server.url, council.tenants[0].cookie);
    expectRefusal(await tenant.refused('meeting:current-item', { meetingId, itemId: items[0] }), 'forbidden');
    expect(await revOf(meetingId)).toBe(expected);
    expect((await eventsOf(meetingId)).map((e) => e.data.itemId)).toEqual(items);
  });

  it('reads after a change that committed while it waited for the meeting: a turn granted meanwhile on the item left is ended', async () => {
    const { meetingId, items, chair } = await liveMeeting();
    await chair.ok('meeting:current-item', { meetingId, itemId: items[0] });
    // Another connection holds the meeting while it grants the floor on item 1, as grantFloor does.
    const holder = new pg.Client({ connectionString: temp.url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select 1 from meetings where id = $1 for update', [meetingId]);
      const granted = await holder.query<{ id: string }>(
        "insert into speaking_requests (meeting_id, item_id, person_id, source, granted_at) values ($1, $2, $3, 'room', now()) returning id",
        [meetingId, items[0], council.tenants[0].personId]
      );
      await holder.query('update meetings set rev = rev + 1 where id = $1', [meetingId]);
      const move = chair.ok('meeting:current-item', { meetingId, itemId: items[1] });
      // The move waits for the meeting's lock, its statement's snapshot taken before the grant commits.
      await waitFor(async () => {
        const waiting = await sql.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'");
        expect(waiting.rows[0].n).toBeGreaterThan(0);
      });
      await holder.query('commit');
      await move;
      const request = await sql.query('select ended_at from speaking_requests where id = $1', [granted.rows[0].id]);
      expect(request.rows[0].ended_at).not.toBeNull();
      expect((await stateOf(server.url, council.secretary.cookie, meetingId)).meeting.currentItemId).toBe(items[1]);
      expect((await eventsOf(meetingId)).map((e) => e.data.itemId)).toEqual([items[0], items[1]]);
    } finally {
      await holder.end();
    }
  });

  it('applies concurrent moves from two consoles one at a time: one rev and one log entry per move made', async () => {
    const { meetingId, items, chair } = await liveMeeting();
    const secretary = await MeetingClient.connect(server.url, council.secretary.cookie);
    await secretary.join(meetingId);
    const before = await revOf(meetingId);
    const moves = Array.from({ length: 12 }, (_, k) => [k % 2 ? chair : secretary, items[k % 3]] as const);
    await Promise.all(moves.map(([client, itemId]) => client.ok('meeting:current-item', { meetingId, itemId })));

    const logged = await eventsOf(meetingId);
    expect(await revOf(meetingId)).toBe(before + logged.length);
    // Each logged move starts from where the previous one left the room.
    logged.forEach((e, k) => expect(e.data.previousItemId).toBe(k === 0 ? null : logged[k - 1].data.itemId));
    const stored = await stateOf(server.url, council.secretary.cookie, meetingId);
    expect(stored.meeting.currentItemId).toBe(logged.at(-1)!.data.itemId);
    expect(comparable(await chair.waitForRev(stored.rev))).toEqual(comparable(stored));
    expect(comparable(await secretary.waitForRev(stored.rev))).toEqual(comparable(stored));
  });
});
