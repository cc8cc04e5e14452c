import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/db.ts';
import type { MeetingState } from '../../src/lib/protocol/events.ts';
import { comparable, createCouncil, createMeeting, expectRefusal, MeetingClient, stateOf, type Council, type Participant } from '../helpers/meeting-fixtures.ts';
import { api, openTestDb, setupAdmin, startTestServer, type AdminSession, type TestServer } from '../helpers/test-server.ts';

// Issue 4, "Live room" and "Speaking queue": the chair moves through the items with a timer
// against the plan; members ask to speak from their phone (remote) or by a raised hand the
// secretary records (room), in one queue; the default order favours those who have not spoken
// yet on this item, then request time; a client that reconnects, or joins late, gets the full
// current state.

let db: Db;
let server: TestServer;
let admin: AdminSession;
let council: Council;

beforeAll(async () => {
  db = await openTestDb();
  server = await startTestServer({ db });
  admin = await setupAdmin(server.url);
  council = await createCouncil(server.url, admin.cookie, admin.organisationId);
});

afterEach(() => MeetingClient.closeAll());

afterAll(async () => {
  await server?.close();
  await db?.close();
});

const client = (who: { cookie: string }) => MeetingClient.connect(server.url, who.cookie);

interface Room {
  meetingId: string;
  items: string[];
  secretary: MeetingClient;
  chair: MeetingClient;
  /** Remote members with their phones. */
  phones: Map<string, MeetingClient>;
}

/**
 * A live meeting with three items, the first one current, the queue open; tenants 0, 2 and the
 * landlord 1 are in remotely with their phones, tenant 1 is in the room (no phone).
 */
async function liveRoom(): Promise<Room> {
  const meeting = await createMeeting(server.url, council.secretary.cookie, council.bodyId, {}, 'live');
  const meetingId = meeting.id;
  const secretary = await client(council.secretary);
  const chair = await client(council.chair);
  await secretary.join(meetingId);
  await chair.join(meetingId);
  const items: string[] = [];
  for (const [title, plannedMinutes] of [['Approbation du compte rendu', 5], ['Charges locatives 2025', 30], ['Questions diverses', 15]] as const) {
    items.push((await secretary.ok('agenda:add', { meetingId, title, plannedMinutes })).itemId);
  }
  const phones = new Map<string, MeetingClient>();
  for (const p of [council.tenants[0], council.tenants[2], council.landlords[1]]) {
    const phone = await client(p);
    await phone.join(meetingId);
    await phone.ok('meeting:attendance', { meetingId, personId: p.personId, status: 'present_remote' });
    phones.set(p.personId, phone);
  }
  await secretary.ok('meeting:attendance', { meetingId, personId: council.tenants[1].personId, status: 'present_room' });
  await chair.ok('meeting:current-item', { meetingId, itemId: items[0] });
  await chair.ok('queue:open', { meetingId, open: true });
  return { meetingId, items, secretary, chair, phones };
}

const pendingNames = (s: MeetingState) => s.queue.pending.map((e) => `${e.name} (${e.source})`);
const requestOf = (s: MeetingState, p: Participant) => {
  const entry = s.queue.pending.find((e) => e.personId === p.personId) ?? (s.queue.speaking?.personId === p.personId ? s.queue.speaking : null);
  if (!entry) throw new Error(`${p.name} has no request`);
  return entry.requestId;
};

/** Waits until the chair's console holds what GET state says now. */
async function settled(room: Room): Promise<MeetingState> {
  const { rev } = await stateOf(server.url, council.secretary.cookie, room.meetingId);
  return room.chair.waitForRev(rev);
}

describe('speaking queue', () => {
  it('puts those who have not spoken yet on this item first, then orders by request time, room and remote requests in one queue', async () => {
    const room = await liveRoom();
    const [aicha, jeanMarc, maite] = council.tenants;
    const bernard = council.landlords[1];
    const { meetingId } = room;
    const phone = (p: Participant) => room.phones.get(p.personId)!;

    await phone(aicha).ok('queue:request', { meetingId });
    // Jean-Marc raises his hand in the room; the secretary records it for him.
    await room.secretary.ok('queue:request', { meetingId, personId: jeanMarc.personId, source: 'room' });
    await phone(maite).ok('queue:request', { meetingId, source: 'remote' });
    let s = await settled(room);
    expect(pendingNames(s)).toEqual(['Aïcha Benali (remote)', 'Jean-Marc Lassalle (room)', 'Maite Etchegaray (remote)']);

    await room.chair.ok('queue:grant', { meetingId, requestId: requestOf(s, aicha) });
    await room.chair.ok('queue:end', { meetingId });
    // Aïcha asks again, then Bernard asks for the first time: Bernard goes before her.
    await phone(aicha).ok('queue:request', { meetingId });
    await phone(bernard).ok('queue:request', { meetingId });
    s = await settled(room);
    expect(pendingNames(s)).toEqual(['Jean-Marc Lassalle (room)', 'Maite Etchegaray (remote)', 'Bernard Castaings (remote)', 'Aïcha Benali (remote)']);
    expect(s.queue.speaking).toBeNull();

    // Every phone shows the same queue.
    for (const p of room.phones.values()) expect(pendingNames(await p.waitForRev(s.rev))).toEqual(pendingNames(s));
    // On the next item, nobody has spoken yet and the queue is empty.
    await room.chair.ok('meeting:current-item', { meetingId, itemId: room.items[1] });
    s = await settled(room);
    expect(s.queue).toMatchObject({ itemId: room.items[1], pending: [], speaking: null, spoken: {} });
    await phone(aicha).ok('queue:request', { meetingId });
    await phone(maite).ok('queue:request', { meetingId });
    expect(pendingNames(await settled(room))).toEqual(['Aïcha Benali (remote)', 'Maite Etchegaray (remote)']);
  });

  it('grants the floor, ends it, moves it on, and lets a member withdraw', async () => {
    const room = await liveRoom();
    const { meetingId } = room;
    const [aicha, jeanMarc, maite] = council.tenants;
    const phone = (p: Participant) => room.phones.get(p.personId)!;
    await phone(aicha).ok('queue:request', { meetingId });
    await room.secretary.ok('queue:request', { meetingId, personId: jeanMarc.personId, source: 'room' });
    await phone(maite).ok('queue:request', { meetingId });
    let s = await settled(room);

    await room.chair.ok('queue:grant', { meetingId, requestId: requestOf(s, jeanMarc) });
    s = await phone(aicha).waitForState((st) => st.queue.speaking?.personId === jeanMarc.personId);
    expect(s.queue.speaking).toMatchObject({ name: 'Jean-Marc Lassalle', source: 'room', grantedAt: expect.any(String) });
    expect(pendingNames(s)).toEqual(['Aïcha Benali (remote)', 'Maite Etchegaray (remote)']);

    // Granting the next one ends the current turn.
    await room.chair.ok('queue:grant', { meetingId, requestId: requestOf(s, maite) });
    s = await settled(room);
    expect(s.queue.speaking?.personId).toBe(maite.personId);
    expect(Object.keys(s.queue.spoken).sort()).toEqual([jeanMarc.personId, maite.personId].sort());

    // The speaker may give the floor back herself; Aïcha withdraws her request.
    await phone(maite).ok('queue:withdraw', { meetingId, requestId: requestOf(s, maite) });
    await phone(aicha).ok('queue:withdraw', { meetingId, requestId: requestOf(s, aicha) });
    s = await settled(room);
    expect(s.queue.speaking).toBeNull();
    expect(s.queue.pending).toEqual([]);

    // A member cannot withdraw someone else's request, nor grant the floor.
    await phone(aicha).ok('queue:request', { meetingId });
    s = await settled(room);
    const aichaRequest = requestOf(s, aicha);
    expectRefusal(await phone(maite).refused('queue:withdraw', { meetingId, requestId: aichaRequest }), 'forbidden');
    expectRefusal(await phone(maite).refused('queue:grant', { meetingId, requestId: aichaRequest }), 'forbidden');
    expectRefusal(await phone(maite).refused('queue:end', { meetingId }), 'forbidden');
    // A request no longer waiting cannot be granted.
    await phone(aicha).ok('queue:withdraw', { meetingId, requestId: aichaRequest });
    expectRefusal(await room.chair.refused('queue:grant', { meetingId, requestId: aichaRequest }), 'conflict', "Cette demande n'est plus en attente.", 'This request is no longer waiting.');
    const events = await api(server.url, council.secretary.cookie).get(`/meetings/${meetingId}/events`);
    expect(events.json.events.map((e: { type: string }) => e.type).filter((t: string) => t.startsWith('queue.'))).toEqual([
      'queue.opened',
      'queue.requested',
      'queue.requested',
      'queue.requested',
      'queue.granted',
      'queue.granted',
      'queue.withdrawn',
      'queue.withdrawn',
      'queue.requested',
      'queue.withdrawn'
    ]);
  });

  it('counts asking twice as one request', async () => {
    const room = await liveRoom();
    const { meetingId } = room;
    const aicha = council.tenants[0];
    const phone = room.phones.get(aicha.personId)!;
    await Promise.all([phone.ok('queue:request', { meetingId }), phone.ok('queue:request', { meetingId })]);
    await phone.ok('queue:request', { meetingId });
    await room.secretary.ok('queue:request', { meetingId, personId: aicha.personId, source: 'room' });
    const s = await settled(room);
    expect(pendingNames(s)).toEqual(['Aïcha Benali (remote)']);
    const rows = await db.query('select id from speaking_requests where meeting_id = $1', [meetingId]);
    expect(rows).toHaveLength(1);
    // Asking while speaking is not a second request either.
    await room.chair.ok('queue:grant', { meetingId, requestId: requestOf(s, aicha) });
    await phone.ok('queue:request', { meetingId });
    const after = await settled(room);
    expect(after.queue.pending).toEqual([]);
    expect(after.queue.speaking?.personId).toBe(aicha.personId);
  });

  it('refuses requests while the queue is closed, and from members who are not present', async () => {
    const room = await liveRoom();
    const { meetingId } = room;
    const aicha = council.tenants[0];
    await room.chair.ok('queue:open', { meetingId, open: false });
    const before = await settled(room);
    expect(before.meeting.queueOpen).toBe(false);

    const err = await room.phones.get(aicha.personId)!.refused('queue:request', { meetingId });
    expect(err).toEqual({
      code: 'conflict',
      message: 'La liste des prises de parole est fermée.',
      messageEn: 'The speaking list is closed.',
      fields: undefined
    });
    expectRefusal(await room.secretary.refused('queue:request', { meetingId, personId: council.tenants[1].personId, source: 'room' }), 'conflict');
    const res = await api(server.url, aicha.cookie).post(`/meetings/${meetingId}/queue/requests`, {});
    expect(res.status).toBe(409);
    const after = await stateOf(server.url, council.secretary.cookie, meetingId);
    expect(after.rev).toBe(before.rev);
    expect(after.queue.pending).toEqual([]);

    await room.chair.ok('queue:open', { meetingId, open: true });
    // Paulette is not checked in: she has to be present to ask.
    const paulette = await client(council.tenants[3]);
    await paulette.join(meetingId);
    expectRefusal(
      await paulette.refused('queue:request', { meetingId }),
      'unprocessable',
      'Il faut être présent (en salle ou à distance) pour demander la parole.',
      'You must be present (in the room or remote) to ask to speak.'
    );
  });

  it('shows speaking time: the running turn, and the sum of the turns on the item', async () => {
    const room = await liveRoom();
    const { meetingId } = room;
    const aicha = council.tenants[0];
    const phone = room.phones.get(aicha.personId)!;
    await phone.ok('queue:request', { meetingId });
    let s = await settled(room);
    await room.chair.ok('queue:grant', { meetingId, requestId: requestOf(s, aicha) });
    // As if she had been speaking for 42 seconds.
    await db.query(`update speaking_requests set granted_at = granted_at - interval '42 seconds' where meeting_id = $1`, [meetingId]);
    s = await stateOf(server.url, aicha.cookie, meetingId);
    expect(s.queue.spoken[aicha.personId]).toBeGreaterThanOrEqual(42);
    expect(s.queue.spoken[aicha.personId]).toBeLessThanOrEqual(44);

    await room.chair.ok('queue:end', { meetingId });
    await phone.ok('queue:request', { meetingId });
    s = await settled(room);
    await room.chair.ok('queue:grant', { meetingId, requestId: requestOf(s, aicha) });
    await db.query(`update speaking_requests set granted_at = granted_at - interval '18 seconds' where meeting_id = $1 and ended_at is null`, [meetingId]);
    await room.chair.ok('queue:end', { meetingId });
    s = await settled(room);
    expect(s.queue.spoken[aicha.personId]).toBeGreaterThanOrEqual(60);
    expect(s.queue.spoken[aicha.personId]).toBeLessThanOrEqual(63);
    expect(s.queue.speaking).toBeNull();
  });
});

describe('live room', () => {
  it('accumulates the time spent on each item across changes of the current item', async () => {
    const room = await liveRoom();
    const { meetingId, items, chair } = room;
    const rewind = (seconds: number) =>
      db.query(`update meetings set current_item_started_at = current_item_started_at - make_interval(secs => $2) where id = $1`, [meetingId, seconds]);
    const spent = (s: MeetingState, id: string) => s.agenda.find((i) => i.id === id)!.spentSeconds;

    let s = await settled(room);
    expect(s.meeting.currentItemId).toBe(items[0]);
    expect(s.meeting.currentItemStartedAt).toEqual(expect.any(String));
    await rewind(90);
    await chair.ok('meeting:current-item', { meetingId, itemId: items[1] });
    s = await settled(room);
    expect(spent(s, items[0])).toBeGreaterThanOrEqual(90);
    expect(spent(s, items[0])).toBeLessThanOrEqual(92);
    expect(spent(s, items[1])).toBe(0);

    await rewind(30);
    await chair.ok('meeting:current-item', { meetingId, itemId: items[0] });
    await rewind(20);
    await chair.ok('meeting:current-item', { meetingId, itemId: items[2] });
    s = await settled(room);
    expect(spent(s, items[0])).toBeGreaterThanOrEqual(110);
    expect(spent(s, items[0])).toBeLessThanOrEqual(113);
    expect(spent(s, items[1])).toBeGreaterThanOrEqual(30);
    expect(spent(s, items[1])).toBeLessThanOrEqual(32);
    expect(s.agenda.find((i) => i.id === items[1])!.plannedMinutes).toBe(30);
    // The console got there by patches alone, and holds exactly what GET state says. A change of
    // item carries the room, the time of the item left and the new item's queue, nothing else.
    expect(comparable(s)).toEqual(comparable(await stateOf(server.url, council.secretary.cookie, meetingId)));
    const moved = chair.patches.filter((p) => p.changes.room?.currentItemId === items[2]).at(-1)!;
    expect(Object.keys(moved.changes).sort()).toEqual(['queue', 'room', 'spent']);
    expect(moved.changes.spent).toEqual({ [items[0]]: spent(s, items[0]) });

    // Choosing the current item again is not a change; no current item stops the clock.
    await chair.ok('meeting:current-item', { meetingId, itemId: items[2] });
    await rewind(5);
    await chair.ok('meeting:current-item', { meetingId, itemId: null });
    s = await settled(room);
    expect(s.meeting).toMatchObject({ currentItemId: null, currentItemStartedAt: null });
    expect(spent(s, items[2])).toBeGreaterThanOrEqual(5);
    expect(spent(s, items[2])).toBeLessThanOrEqual(7);
    // Only the secretariat moves the meeting on.
    expectRefusal(await room.phones.get(council.tenants[0].personId)!.refused('meeting:current-item', { meetingId, itemId: items[1] }), 'forbidden');
  });

  it('closing the meeting adds the time of the item under way, ends the turn and closes the queue', async () => {
    const room = await liveRoom();
    const { meetingId, items, chair } = room;
    const aicha = council.tenants[0];
    await room.phones.get(aicha.personId)!.ok('queue:request', { meetingId });
    const s0 = await settled(room);
    await chair.ok('queue:grant', { meetingId, requestId: requestOf(s0, aicha) });
    await db.query(`update meetings set current_item_started_at = current_item_started_at - make_interval(secs => 40) where id = $1`, [meetingId]);
    await chair.ok('meeting:transition', { meetingId, to: 'closed' });

    const s = await settled(room);
    expect(s.meeting).toMatchObject({ status: 'closed', currentItemId: null, currentItemStartedAt: null, queueOpen: false });
    const spent = s.agenda.find((i) => i.id === items[0])!.spentSeconds;
    expect(spent).toBeGreaterThanOrEqual(40);
    expect(spent).toBeLessThanOrEqual(43);
    const [turn] = await db.query<{ ended: boolean }>('select ended_at is not null as ended from speaking_requests where meeting_id = $1 and granted_at is not null', [meetingId]);
    expect(turn.ended).toBe(true);
  });

  it('gives a client that reconnects the full current state when it joins again', async () => {
    const room = await liveRoom();
    const { meetingId, items, chair } = room;
    const aicha = council.tenants[0];
    const phone = room.phones.get(aicha.personId)!;
    await phone.waitForRev((await stateOf(server.url, aicha.cookie, meetingId)).rev);

    phone.socket.disconnect();
    // While the phone is away, the meeting moves on.
    await chair.ok('meeting:current-item', { meetingId, itemId: items[1] });
    await room.secretary.ok('queue:request', { meetingId, personId: council.tenants[1].personId, source: 'room' });
    await room.secretary.ok('meeting:attendance', { meetingId, personId: council.tenants[3].personId, status: 'present_room' });
    const now = await stateOf(server.url, aicha.cookie, meetingId);
    expect(phone.latest!.rev).toBeLessThan(now.rev);

    await new Promise<void>((resolve, reject) => {
      phone.socket.once('connect', () => resolve());
      phone.socket.once('connect_error', reject);
      phone.socket.connect();
    });
    const { state, capabilities } = await phone.join(meetingId);
    expect(comparable(state)).toEqual(comparable(now));
    expect(capabilities).toEqual({ personId: aicha.personId, canManage: false, canTakePart: true });
    expect(state.meeting.currentItemId).toBe(items[1]);

    // And it follows the next changes again.
    await chair.ok('queue:grant', { meetingId, requestId: state.queue.pending[0].requestId });
    const next = await phone.waitForState((s) => s.queue.speaking !== null);
    expect(next.queue.speaking?.personId).toBe(council.tenants[1].personId);
  });

  it('gives a phone whose connection dropped the current state when it comes back and joins again', async () => {
    const room = await liveRoom();
    const { meetingId, items, chair } = room;
    const maite = council.tenants[2];
    const phone = room.phones.get(maite.personId)!;
    const dropped = new Promise<void>((resolve) => phone.socket.once('disconnect', () => resolve()));
    // The network goes: the transport closes without a goodbye.
    phone.socket.io.engine.close();
    await dropped;
    await chair.ok('meeting:current-item', { meetingId, itemId: items[2] });
    const now = await stateOf(server.url, maite.cookie, meetingId);

    await new Promise<void>((resolve, reject) => {
      phone.socket.once('connect', () => resolve());
      phone.socket.once('connect_error', reject);
      phone.socket.connect();
    });
    const { state } = await phone.join(meetingId);
    expect(comparable(state)).toEqual(comparable(now));
    expect(comparable(await phone.waitForRev(now.rev))).toEqual(comparable(now));
  });

  it('gives a late joiner the full current state', async () => {
    const room = await liveRoom();
    const { meetingId, items, chair } = room;
    await chair.ok('meeting:current-item', { meetingId, itemId: items[1] });
    await room.secretary.ok('queue:request', { meetingId, personId: council.tenants[1].personId, source: 'room' });
    const now = await stateOf(server.url, council.secretary.cookie, meetingId);

    const late = await client(council.tenants[3]);
    const { state } = await late.join(meetingId);
    expect(comparable(state)).toEqual(comparable(now));
    expect(state.agenda.map((i) => i.title)).toEqual(['Approbation du compte rendu', 'Charges locatives 2025', 'Questions diverses']);
    expect(state.queue.pending.map((e) => e.name)).toEqual(['Jean-Marc Lassalle']);
    expect(state.attendance.filter((a) => a.status === 'present_remote' || a.status === 'present_room')).toHaveLength(4);
    // The projector (an observer's screen) too.
    const projector = await client(council.observer);
    expect(comparable((await projector.join(meetingId)).state)).toEqual(comparable(now));
  });
});
