import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/db.ts';
import type { ClientToServerEvents } from '../../src/lib/protocol/events.ts';
import { addParticipant, comparable, createCouncil, createMeeting, MeetingClient, stateOf, type Council, type Participant } from '../helpers/meeting-fixtures.ts';
import { api, cookieFrom, openTestDb, rowCounts, setupAdmin, startTestServer, type AdminSession, type TestServer } from '../helpers/test-server.ts';

// Issue 4, "JSON API and protocol": every event authorised (a member of another body cannot
// join the room; an observer cannot check others in) and validated; unauthorised events are
// refused and change nothing.

let db: Db;
let server: TestServer;
let admin: AdminSession;
let council: Council;
/** A member of another body of the same organisation. */
let neighbour: Participant;
let meetingId: string;
let itemId: string;
let proposalId: string;
let requestId: string;

const FORBIDDEN = { code: 'forbidden', message: "Vous n'avez pas le droit de faire cela.", messageEn: 'You are not allowed to do this.' };
const MEETING_NOT_FOUND = { code: 'not_found', message: 'Réunion introuvable.', messageEn: 'Meeting not found.' };
const MEETING_TABLES = ['meetings', 'meeting_transitions', 'agenda_items', 'attendance', 'speaking_requests', 'meeting_events', 'notifications'] as const;

beforeAll(async () => {
  db = await openTestDb();
  server = await startTestServer({ db });
  admin = await setupAdmin(server.url);
  council = await createCouncil(server.url, admin.cookie, admin.organisationId);
  const otherBody = await api(server.url, admin.cookie).post(`/organisations/${admin.organisationId}/bodies`, { name: 'CCL local Ousse-des-Bois', kind: 'ccl_local' });
  if (otherBody.status !== 201) throw new Error(JSON.stringify(otherBody.json));
  neighbour = await addParticipant(server.url, admin.cookie, admin.organisationId, otherBody.json.body.id, {
    name: 'Gilles Laborde',
    role: 'chair',
    college: 'tenant',
    votingRight: true
  });

  // A live meeting with an item under way, a proposal waiting, the queue open and a request in it.
  const meeting = await createMeeting(server.url, council.secretary.cookie, council.bodyId, {}, 'live');
  meetingId = meeting.id;
  const secretary = await MeetingClient.connect(server.url, council.secretary.cookie);
  itemId = (await secretary.ok('agenda:add', { meetingId, title: 'Charges locatives 2025' })).itemId;
  await secretary.ok('meeting:current-item', { meetingId, itemId });
  await secretary.ok('queue:open', { meetingId, open: true });
  await secretary.ok('meeting:attendance', { meetingId, personId: council.tenants[0].personId, status: 'present_room' });
  await secretary.ok('queue:request', { meetingId, personId: council.tenants[0].personId, source: 'room' });
  const member = await MeetingClient.connect(server.url, council.tenants[1].cookie);
  proposalId = (await member.ok('agenda:add', { meetingId, title: 'Local vélos' })).itemId;
  requestId = (await stateOf(server.url, council.secretary.cookie, meetingId)).queue.pending[0].requestId;
  MeetingClient.closeAll();
});

afterEach(() => MeetingClient.closeAll());

afterAll(async () => {
  await server?.close();
  await db?.close();
});

const client = (who: { cookie: string }) => MeetingClient.connect(server.url, who.cookie);

/** Every event that changes a meeting, with a payload that is valid, so only the permission can refuse it. */
function manageEvents(): [keyof ClientToServerEvents, Record<string, unknown>][] {
  const t0 = council.tenants[0].personId;
  return [
    ['meeting:transition', { meetingId, to: 'closed' }],
    ['meeting:current-item', { meetingId, itemId: null }],
    ['meeting:attendance', { meetingId, personId: t0, status: 'absent' }],
    ['meeting:depart', { meetingId, personId: t0 }],
    ['agenda:add', { meetingId, title: 'Point ajouté sans droit' }],
    ['agenda:update', { itemId, title: 'Titre changé sans droit' }],
    ['agenda:move', { itemId, afterId: null }],
    ['agenda:remove', { itemId: proposalId }],
    ['agenda:decide', { itemId: proposalId, accept: true }],
    ['queue:open', { meetingId, open: false }],
    ['queue:request', { meetingId, personId: t0, source: 'room' }],
    ['queue:withdraw', { meetingId, requestId }],
    ['queue:grant', { meetingId, requestId }],
    ['queue:end', { meetingId }]
  ];
}

/** Snapshot of everything a refused event could have changed. */
async function everything() {
  return { state: comparable(await stateOf(server.url, council.secretary.cookie, meetingId)), rows: await rowCounts(db, MEETING_TABLES) };
}

describe('who may join a meeting', () => {
  it('refuses meeting:join to a member of another body of the same organisation, who then receives no state', async () => {
    const stranger = await client(neighbour);
    expect(await stranger.emit('meeting:join', { meetingId })).toEqual({ ok: false, error: MEETING_NOT_FOUND });
    // The presence room of the meeting is the same room: closed to them too.
    expect(await stranger.emit('presence:join', { room: `meeting:${meetingId}` })).toEqual({ ok: false, error: FORBIDDEN });

    const watcher = await client(council.chair);
    await watcher.join(meetingId);
    await watcher.ok('agenda:update', { itemId, presenter: 'Hélène Lafitte' });
    const { rev } = await stateOf(server.url, council.chair.cookie, meetingId);
    await watcher.waitForRev(rev);
    // Anything broadcast to a room the stranger were in would have reached them before this answer.
    await stranger.fence();
    expect(stranger.patches).toEqual([]);

    // Every other event about the meeting says it does not exist.
    for (const [event, payload] of manageEvents()) {
      const res = await stranger.emit(event, payload as never);
      expect(res.ok, event).toBe(false);
      if (!res.ok) expect(res.error.code, event).toBe('not_found');
    }
  });

  it('refuses the administrator of another organisation like a stranger', async () => {
    const { organisation } = await server.concerto.services.organisations.ensureWithAdmin({
      orgName: 'Habitat Sud Atlantique',
      email: 'admin@hsa.test',
      password: 'mot-de-passe-de-hsa'
    });
    expect(organisation.id).not.toBe(admin.organisationId);
    const login = await api(server.url).post('/auth/login', { email: 'admin@hsa.test', password: 'mot-de-passe-de-hsa' });
    const other = await MeetingClient.connect(server.url, cookieFrom(login.headers));
    expect(await other.emit('meeting:join', { meetingId })).toEqual({ ok: false, error: MEETING_NOT_FOUND });
    expect(await other.emit('meeting:attendance', { meetingId, personId: council.tenants[1].personId, status: 'present_room' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('answers not_found for a meeting that does not exist', async () => {
    const chair = await client(council.chair);
    expect(await chair.emit('meeting:join', { meetingId: randomUUID() })).toEqual({ ok: false, error: MEETING_NOT_FOUND });
    expect(await chair.emit('agenda:update', { itemId: randomUUID(), title: 'x' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('refuses a connection without a session, and a guest any meeting event or state', async () => {
    const anonymous = await MeetingClient.connect(server.url, null).then(
      () => null,
      (err: Error & { data?: Record<string, unknown> }) => err
    );
    expect(anonymous?.message).toBe('unauthorised');
    expect(anonymous?.data).toMatchObject({ code: 'unauthorised', closeCode: 4401 });

    // A guest code opened on this very meeting.
    const code = await api(server.url, council.secretary.cookie).post(`/organisations/${admin.organisationId}/guest-codes`, { targetKind: 'meeting', targetId: meetingId });
    expect(code.status).toBe(201);
    const joined = await api(server.url).post('/guests/join', { code: code.json.guestCode.code, displayName: 'M. Expert' });
    expect(joined.status).toBe(201);
    const guest = await MeetingClient.connect(server.url, cookieFrom(joined.headers));
    const before = await everything();
    expect(await guest.emit('meeting:join', { meetingId })).toEqual({ ok: false, error: FORBIDDEN });
    for (const [event, payload] of manageEvents()) {
      expect(await guest.emit(event, payload as never), event).toEqual({ ok: false, error: FORBIDDEN });
    }
    expect(await everything()).toEqual(before);

    // Nor through the presence room, which carries the meeting's states.
    await guest.emit('presence:join', { room: `meeting:${meetingId}` });
    const watcher = await client(council.chair);
    await watcher.join(meetingId);
    await watcher.ok('agenda:update', { itemId, presenter: 'Sébastien Oxandabarat' });
    await watcher.waitForRev((await stateOf(server.url, council.chair.cookie, meetingId)).rev);
    await guest.fence();
    expect(guest.patches).toEqual([]);
  });
});

describe('observers', () => {
  it("refuses every manage event from an observer with 'forbidden' and changes nothing", async () => {
    const observer = await client(council.observer);
    const watcher = await client(council.secretary);
    const joined = await observer.join(meetingId);
    expect(joined.capabilities).toEqual({ personId: council.observer.personId, canManage: false, canTakePart: false });
    await watcher.join(meetingId);
    const before = await everything();

    for (const [event, payload] of manageEvents()) {
      expect(await observer.emit(event, payload as never), event).toEqual({ ok: false, error: FORBIDDEN });
    }
    // Their own attendance and a request to speak for themselves are refused too.
    for (const [event, payload] of [
      ['meeting:attendance', { meetingId, personId: council.observer.personId, status: 'present_remote' }],
      ['queue:request', { meetingId }]
    ] as const) {
      expect(await observer.emit(event, payload as never), event).toEqual({ ok: false, error: FORBIDDEN });
    }

    expect(await everything()).toEqual(before);
    await watcher.fence();
    expect(watcher.received.filter((s) => s.rev > before.state.rev)).toEqual([]);
  });
});

describe('validation', () => {
  const cases = (): [keyof ClientToServerEvents, unknown, string][] => [
    ['meeting:join', {}, 'meetingId'],
    ['meeting:join', { meetingId: 'salle-des-fetes' }, 'meetingId'],
    ['meeting:transition', { meetingId, to: 'cancelled' }, 'to'],
    ['meeting:attendance', { meetingId, personId: 'jean', status: 'present_room' }, 'personId'],
    ['meeting:attendance', { meetingId, personId: council.tenants[1].personId, status: 'late' }, 'status'],
    ['meeting:current-item', { meetingId, itemId: 42 }, 'itemId'],
    ['agenda:add', { meetingId, title: '' }, 'title'],
    ['agenda:add', { meetingId, title: 'Point', kind: 'vote' }, 'kind'],
    ['agenda:add', { meetingId, title: 'Point', plannedMinutes: 601 }, 'plannedMinutes'],
    ['agenda:update', { itemId, plannedMinutes: -5 }, 'plannedMinutes'],
    ['agenda:update', { itemId, colour: 'rouge' }, 'colour'],
    ['agenda:move', { itemId, afterId: 'premier' }, 'afterId'],
    ['agenda:decide', { itemId: proposalId, accept: 'oui' }, 'accept'],
    ['queue:open', { meetingId, open: 'yes' }, 'open'],
    ['queue:request', { meetingId, source: 'balcony' }, 'source'],
    ['queue:grant', { meetingId, requestId: 'next' }, 'requestId']
  ];

  it('answers invalid payloads with validation_failed, naming each bad field in French and in English', async () => {
    // One manager in French (the default) and one in English.
    const english = await addParticipant(server.url, admin.cookie, admin.organisationId, council.bodyId, { name: 'Tom Walker', role: 'secretary', college: 'landlord' });
    await db.query(`update users set locale = 'en' where id = $1`, [english.userId]);
    const fr = await client(council.secretary);
    const en = await client(english);
    const before = await everything();

    for (const [event, payload, field] of cases()) {
      const inFrench = await fr.emit(event, payload as never);
      const inEnglish = await en.emit(event, payload as never);
      const label = `${event} ${JSON.stringify(payload)}`;
      expect(inFrench.ok, label).toBe(false);
      expect(inEnglish.ok, label).toBe(false);
      if (inFrench.ok || inEnglish.ok) continue;
      expect(inFrench.error.code, label).toBe('validation_failed');
      expect(inFrench.error.message, label).toMatch(new RegExp(`^Vérifiez ces champs : .*${field}`));
      expect(inFrench.error.messageEn, label).toMatch(new RegExp(`^Please check these fields: .*${field}`));
      expect(Object.keys(inFrench.error.fields ?? {}), label).toContain(field);
      expect(inEnglish.error).toMatchObject({ code: 'validation_failed', message: inFrench.error.messageEn, messageEn: inFrench.error.messageEn });
      expect(Object.keys(inEnglish.error.fields ?? {}), label).toEqual(Object.keys(inFrench.error.fields ?? {}));
      // The same field, explained in each language.
      expect(inEnglish.error.fields![field], label).toEqual(expect.any(String));
      expect(inEnglish.error.fields![field], label).not.toBe(inFrench.error.fields![field]);
    }
    expect((await fr.emit('meeting:join', { meetingId: 'x' })).ok).toBe(false);
    const invalidId = await en.emit('meeting:join', { meetingId: 'x' });
    expect(invalidId).toEqual({ ok: false, error: { code: 'validation_failed', message: 'Please check these fields: meetingId.', messageEn: 'Please check these fields: meetingId.', fields: { meetingId: 'Invalid identifier.' } } });

    // Not an object at all.
    for (const payload of [null, 'meeting', 42, []]) {
      const res = await fr.emit('meeting:join', payload as never);
      expect(res, JSON.stringify(payload)).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    }
    expect(await everything()).toEqual(before);
    // The connection is still usable.
    expect((await fr.join(meetingId)).state.meeting.id).toBe(meetingId);
  });
});

describe('JSON API', () => {
  it('answers 401 without a session, 404 to a member of another body and to a missing meeting, 403 to an observer', async () => {
    const before = await everything();
    const missing = randomUUID();
    const routes: [string, string, unknown?][] = [
      ['GET', `/meetings/${meetingId}`],
      ['GET', `/meetings/${meetingId}/state`],
      ['GET', `/meetings/${meetingId}/events`],
      ['GET', `/meetings/${meetingId}/convocation.ics`],
      ['PATCH', `/meetings/${meetingId}`, { title: 'Changé' }],
      ['POST', `/meetings/${meetingId}/transitions`, { to: 'closed' }],
      ['POST', `/meetings/${meetingId}/agenda`, { title: 'Ajouté' }],
      ['PATCH', `/agenda-items/${itemId}`, { title: 'Changé' }],
      ['POST', `/agenda-items/${itemId}/move`, { afterId: null }],
      ['POST', `/agenda-items/${proposalId}/decision`, { accept: true }],
      ['DELETE', `/agenda-items/${proposalId}`],
      ['PUT', `/meetings/${meetingId}/attendance`, { personId: council.tenants[0].personId, status: 'absent' }],
      ['POST', `/meetings/${meetingId}/departures`, { personId: council.tenants[0].personId }],
      ['POST', `/meetings/${meetingId}/current-item`, { itemId: null }],
      ['POST', `/meetings/${meetingId}/queue/open`, { open: false }],
      ['POST', `/meetings/${meetingId}/queue/requests`, { personId: council.tenants[0].personId, source: 'room' }],
      ['POST', `/meetings/${meetingId}/queue/withdraw`, { requestId }],
      ['POST', `/meetings/${meetingId}/queue/grant`, { requestId }],
      ['POST', `/meetings/${meetingId}/queue/end`, {}]
    ];
    const reads = new Set(['GET']);
    for (const [method, path, body] of routes) {
      const label = `${method} ${path}`;
      expect((await api(server.url).call(method, path, body)).status, `anonymous ${label}`).toBe(401);
      expect((await api(server.url, neighbour.cookie).call(method, path, body)).status, `neighbour ${label}`).toBe(404);
      const asObserver = await api(server.url, council.observer.cookie).call(method, path, body);
      expect(asObserver.status, `observer ${label}`).toBe(reads.has(method) ? 200 : 403);
      if (!reads.has(method)) expect(asObserver.json.error, `observer ${label}`).toMatchObject({ code: 'forbidden', messageEn: 'You are not allowed to do this.' });
    }
    for (const path of [`/meetings/${missing}`, `/meetings/${missing}/state`, '/meetings/pas-un-identifiant/state', `/agenda-items/${missing}`]) {
      const method = path.startsWith('/agenda') ? 'PATCH' : 'GET';
      expect((await api(server.url, council.chair.cookie).call(method, path, method === 'PATCH' ? { title: 'x' } : undefined)).status, path).toBe(404);
    }
    // The body's meeting list and creating a meeting follow the same rules.
    expect((await api(server.url).get(`/bodies/${council.bodyId}/meetings`)).status).toBe(401);
    expect((await api(server.url, neighbour.cookie).get(`/bodies/${council.bodyId}/meetings`)).status).toBe(404);
    expect((await api(server.url, council.observer.cookie).post(`/bodies/${council.bodyId}/meetings`, { title: 'Réunion pirate', startsAt: '2026-07-01T18:00' })).status).toBe(403);
    expect((await api(server.url, council.tenants[0].cookie).post(`/bodies/${council.bodyId}/meetings`, { title: 'Réunion pirate', startsAt: '2026-07-01T18:00' })).status).toBe(403);
    expect(await everything()).toEqual(before);
  });
});
