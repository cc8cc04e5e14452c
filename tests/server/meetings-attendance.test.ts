import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/db.ts';
import type { MeetingState } from '../../src/lib/protocol/events.ts';
import { attendanceOf, comparable, createCouncil, createMeeting, expectRefusal, MeetingClient, stateOf, type Council, type Participant } from '../helpers/meeting-fixtures.ts';
import { api, openTestDb, setupAdmin, startTestServer, type AdminSession, type TestServer } from '../helpers/test-server.ts';

// Issue 4, "Attendance" and "Quorum". The council (tests/helpers/meeting-fixtures.ts) has 7
// voting members: 3 landlords (the chair among them) and 4 tenants; the secretary, one tenant
// member and the observer have no vote.

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
const newMeeting = (status: 'draft' | 'convened' | 'live' = 'live') => createMeeting(server.url, council.secretary.cookie, council.bodyId, {}, status);
const quorumNumbers = (s: MeetingState) => {
  const { members, present, represented, counted, required, met } = s.quorum;
  return { members, present, represented, counted, required, met };
};

/** Runs an attendance change from `by` and waits until the projector holds the state after it. */
async function step(by: MeetingClient, watcher: MeetingClient, event: 'meeting:attendance' | 'meeting:depart', payload: Record<string, unknown>): Promise<MeetingState> {
  await by.ok(event, payload as never);
  const { rev } = await stateOf(server.url, council.secretary.cookie, String(payload.meetingId));
  return watcher.waitForRev(rev);
}

describe('quorum', () => {
  it('follows check-ins, departures and proxies under the default rule (more than half of the voting members present or represented)', async () => {
    const meeting = await newMeeting();
    const [t1, t2, t3, t4] = council.tenants;
    const [, l2, l3] = council.landlords;
    const secretary = await client(council.secretary);
    const projector = await client(council.observer);
    const t2Phone = await client(t2);
    const t3Phone = await client(t3);
    for (const c of [secretary, projector, t2Phone, t3Phone]) await c.join(meeting.id);
    const m = meeting.id;

    expect(quorumNumbers(projector.latest!)).toEqual({ members: 7, present: 0, represented: 0, counted: 0, required: 4, met: false });
    expect(projector.latest!.quorum.rule).toEqual({ kind: 'majority' });

    let s = await step(secretary, projector, 'meeting:attendance', { meetingId: m, personId: t1.personId, status: 'present_room' });
    expect(quorumNumbers(s)).toEqual({ members: 7, present: 1, represented: 0, counted: 1, required: 4, met: false });
    expect(attendanceOf(s, t1.personId)).toMatchObject({ status: 'present_room', arrivedAt: expect.any(String), departedAt: null });

    s = await step(t2Phone, projector, 'meeting:attendance', { meetingId: m, personId: t2.personId, status: 'present_remote' });
    expect(quorumNumbers(s)).toEqual({ members: 7, present: 2, represented: 0, counted: 2, required: 4, met: false });

    s = await step(secretary, projector, 'meeting:attendance', { meetingId: m, personId: l2.personId, status: 'present_room' });
    expect(quorumNumbers(s)).toMatchObject({ present: 3, counted: 3, met: false });

    // A member without a vote does not count.
    s = await step(secretary, projector, 'meeting:attendance', { meetingId: m, personId: council.nonVoting.personId, status: 'present_room' });
    expect(quorumNumbers(s)).toMatchObject({ present: 3, counted: 3, met: false });

    // An excused member does not count either; one who gives a proxy does.
    s = await step(secretary, projector, 'meeting:attendance', { meetingId: m, personId: t4.personId, status: 'excused' });
    expect(quorumNumbers(s)).toMatchObject({ present: 3, represented: 0, counted: 3, met: false });
    s = await step(t3Phone, projector, 'meeting:attendance', { meetingId: m, personId: t3.personId, status: 'represented', proxyHolderId: t1.personId });
    expect(quorumNumbers(s)).toEqual({ members: 7, present: 3, represented: 1, counted: 4, required: 4, met: true });
    expect(attendanceOf(s, t3.personId)).toMatchObject({ status: 'represented', proxyHolderId: t1.personId });

    // A departure takes the quorum away...
    s = await step(t2Phone, projector, 'meeting:depart', { meetingId: m, personId: t2.personId });
    expect(quorumNumbers(s)).toEqual({ members: 7, present: 2, represented: 1, counted: 3, required: 4, met: false });
    expect(attendanceOf(s, t2.personId)).toMatchObject({ status: 'absent', departedAt: expect.any(String) });

    // ...an arrival brings it back...
    s = await step(secretary, projector, 'meeting:attendance', { meetingId: m, personId: l3.personId, status: 'present_remote' });
    expect(quorumNumbers(s)).toEqual({ members: 7, present: 3, represented: 1, counted: 4, required: 4, met: true });

    // ...and the proxy holder leaving takes the proxy with them.
    s = await step(secretary, projector, 'meeting:depart', { meetingId: m, personId: t1.personId });
    expect(quorumNumbers(s)).toEqual({ members: 7, present: 2, represented: 0, counted: 2, required: 4, met: false });

    // Every view shows the same numbers: the API and the member's phone.
    const api = await stateOf(server.url, t3.cookie, m);
    expect(quorumNumbers(api)).toEqual(quorumNumbers(s));
    expect(quorumNumbers(await t3Phone.waitForRev(api.rev))).toEqual(quorumNumbers(s));
  });

  // A proxy is a vote carried by someone in the meeting: the service already hands proxies back
  // when their holder leaves ("Someone who leaves with proxies in hand cannot use them"), so a
  // proxy whose holder has not arrived (or never comes) cannot make the quorum either.
  it('counts a proxy only while its holder is present', async () => {
    const meeting = await newMeeting();
    const m = meeting.id;
    const [t0, t1] = council.tenants;
    const secretary = await client(council.secretary);
    await secretary.join(m);
    await secretary.ok('meeting:attendance', { meetingId: m, personId: t1.personId, status: 'represented', proxyHolderId: t0.personId });
    let s = await stateOf(server.url, council.secretary.cookie, m);
    expect(quorumNumbers(s)).toEqual({ members: 7, present: 0, represented: 0, counted: 0, required: 4, met: false });

    await secretary.ok('meeting:attendance', { meetingId: m, personId: t0.personId, status: 'present_room' });
    s = await stateOf(server.url, council.secretary.cookie, m);
    expect(quorumNumbers(s)).toEqual({ members: 7, present: 1, represented: 1, counted: 2, required: 4, met: false });
  });

  it('applies a per-college rule set on the body: each college needs more than half of its own voting members', async () => {
    await db.query(`update bodies set quorum_rule = '{"kind":"majority_per_college"}' where id = $1`, [council.bodyId]);
    try {
      const meeting = await newMeeting();
      const secretary = await client(council.secretary);
      await secretary.join(meeting.id);
      expect(secretary.latest!.quorum).toMatchObject({
        rule: { kind: 'majority_per_college' },
        met: false,
        colleges: {
          landlord: { members: 3, counted: 0, required: 2, met: false },
          tenant: { members: 4, counted: 0, required: 3, met: false }
        }
      });

      // Overall 5 of 7 would be a majority, but the landlords are 1 of 3.
      for (const t of council.tenants) await secretary.ok('meeting:attendance', { meetingId: meeting.id, personId: t.personId, status: 'present_room' });
      let s = await secretary.ok('meeting:attendance', { meetingId: meeting.id, personId: council.chair.personId, status: 'present_room' }).then(() =>
        stateOf(server.url, council.secretary.cookie, meeting.id)
      );
      expect(s.quorum).toMatchObject({
        counted: 5,
        met: false,
        colleges: {
          landlord: { members: 3, present: 1, counted: 1, required: 2, met: false },
          tenant: { members: 4, present: 4, counted: 4, required: 3, met: true }
        }
      });

      // A landlord represented by the chair completes the landlord college.
      await secretary.ok('meeting:attendance', { meetingId: meeting.id, personId: council.landlords[1].personId, status: 'represented', proxyHolderId: council.chair.personId });
      s = await secretary.waitForRev((await stateOf(server.url, council.secretary.cookie, meeting.id)).rev);
      expect(s.quorum).toMatchObject({
        met: true,
        colleges: { landlord: { present: 1, represented: 1, counted: 2, required: 2, met: true }, tenant: { met: true } }
      });

      // The rule is read live: a fixed number applies from the next state on.
      await db.query(`update bodies set quorum_rule = '{"kind":"fixed","count":7}' where id = $1`, [council.bodyId]);
      s = await stateOf(server.url, council.secretary.cookie, meeting.id);
      expect(quorumNumbers(s)).toEqual({ members: 7, present: 5, represented: 1, counted: 6, required: 7, met: false });
    } finally {
      await db.query(`update bodies set quorum_rule = '{"kind":"majority"}' where id = $1`, [council.bodyId]);
    }
  });
});

describe('proxies', () => {
  interface Case {
    name: string;
    giver: () => Participant;
    holder: () => Participant;
    fr: string;
    en: string;
  }
  const cases: Case[] = [
    {
      name: 'to oneself',
      giver: () => council.tenants[2],
      holder: () => council.tenants[2],
      fr: 'On ne peut pas se donner pouvoir à soi-même.',
      en: 'You cannot give a proxy to yourself.'
    },
    {
      name: 'across colleges',
      giver: () => council.tenants[2],
      holder: () => council.landlords[1],
      fr: 'Le pouvoir doit rester dans le même collège (locataires), or ce membre est du collège bailleur.',
      en: 'The proxy must stay within the same college (tenants), but this member is in the landlord college.'
    },
    {
      name: 'to a holder who already holds one',
      giver: () => council.tenants[2],
      holder: () => council.tenants[0],
      fr: 'Ce membre détient déjà un pouvoir, le maximum permis par cette instance.',
      en: 'This member already holds a proxy, the most this body allows.'
    },
    {
      name: 'to a holder without a voting right',
      giver: () => council.tenants[2],
      holder: () => council.nonVoting,
      fr: "Le pouvoir ne peut être donné qu'à un membre qui a le droit de vote.",
      en: 'A proxy can only be given to a member with a voting right.'
    },
    {
      name: 'to a holder who is represented himself (a chain)',
      giver: () => council.tenants[2],
      holder: () => council.tenants[1],
      fr: 'Ce membre est lui-même représenté : il ne peut pas recevoir de pouvoir.',
      en: 'This member is represented by someone else and cannot hold a proxy.'
    },
    {
      name: 'from a member who holds a proxy (a chain)',
      giver: () => council.tenants[0],
      holder: () => council.tenants[3],
      fr: "Ce membre détient des pouvoirs : ils doivent d'abord être rendus.",
      en: 'This member holds proxies: they must be handed back first.'
    },
    {
      name: 'from a member without a voting right',
      giver: () => council.nonVoting,
      holder: () => council.tenants[3],
      fr: "Ce membre n'a pas le droit de vote : il n'a pas de pouvoir à donner.",
      en: 'This member has no voting right, so no proxy to give.'
    }
  ];

  it('refuses each proxy the default rule forbids, with the reason in French and English, and changes nothing', async () => {
    const meeting = await newMeeting();
    const m = meeting.id;
    const secretary = await client(council.secretary);
    await secretary.join(m);
    // Tenant 0 is present and holds tenant 1's proxy.
    await secretary.ok('meeting:attendance', { meetingId: m, personId: council.tenants[0].personId, status: 'present_room' });
    await secretary.ok('meeting:attendance', { meetingId: m, personId: council.tenants[1].personId, status: 'represented', proxyHolderId: council.tenants[0].personId });
    const before = await stateOf(server.url, council.secretary.cookie, m);
    const eventsBefore = await db.query('select id from meeting_events where meeting_id = $1', [m]);

    for (const c of cases) {
      const giver = c.giver();
      const payload = { meetingId: m, personId: giver.personId, status: 'represented', proxyHolderId: c.holder().personId };
      // The giver from their phone, and the secretary for them, are refused alike.
      const phone = await client(giver);
      for (const by of [phone, secretary]) {
        const error = await by.refused('meeting:attendance', payload);
        expect(error, c.name).toEqual({ code: 'unprocessable', message: c.fr, messageEn: c.en, fields: { proxyHolderId: c.fr } });
      }
      const res = await api(server.url, council.secretary.cookie).call('PUT', `/meetings/${m}/attendance`, payload);
      expect(res.status, c.name).toBe(422);
      expect(res.json.error, c.name).toMatchObject({ message: c.fr, messageEn: c.en });
    }

    const after = await stateOf(server.url, council.secretary.cookie, m);
    expect(after.rev).toBe(before.rev);
    expect(comparable(after)).toEqual(comparable(before));
    expect(await db.query('select id from meeting_events where meeting_id = $1', [m])).toEqual(eventsBefore);
  });

  it('accepts a proxy the rule allows, and a body rule allowing two per holder', async () => {
    const meeting = await newMeeting();
    const m = meeting.id;
    const secretary = await client(council.secretary);
    await secretary.join(m);
    const [t0, t1, t2] = council.tenants;
    await secretary.ok('meeting:attendance', { meetingId: m, personId: t1.personId, status: 'represented', proxyHolderId: t0.personId });
    expectRefusal(await secretary.refused('meeting:attendance', { meetingId: m, personId: t2.personId, status: 'represented', proxyHolderId: t0.personId }), 'unprocessable');

    await db.query(`update bodies set proxy_rule = '{"maxPerHolder":2,"sameCollege":true,"holderMustHaveVotingRight":true}' where id = $1`, [council.bodyId]);
    try {
      await secretary.ok('meeting:attendance', { meetingId: m, personId: t2.personId, status: 'represented', proxyHolderId: t0.personId });
      const s = await stateOf(server.url, council.secretary.cookie, m);
      expect(s.attendance.filter((a) => a.proxyHolderId === t0.personId).map((a) => a.personId).sort()).toEqual([t1.personId, t2.personId].sort());
      expect(s.meeting.proxyRule).toEqual({ maxPerHolder: 2, sameCollege: true, holderMustHaveVotingRight: true });
    } finally {
      await db.query(`update bodies set proxy_rule = '{"maxPerHolder":1,"sameCollege":true,"holderMustHaveVotingRight":true}' where id = $1`, [council.bodyId]);
    }
  });

  it('releases the proxies a member held when they leave, by departure or by a change of attendance', async () => {
    const meeting = await newMeeting();
    const m = meeting.id;
    const [t0, t1, t2, t3] = council.tenants;
    const secretary = await client(council.secretary);
    const phone = await client(t1);
    await secretary.join(m);
    await phone.join(m);
    await secretary.ok('meeting:attendance', { meetingId: m, personId: t0.personId, status: 'present_room' });
    await phone.ok('meeting:attendance', { meetingId: m, personId: t1.personId, status: 'represented', proxyHolderId: t0.personId });
    let s = await phone.waitForState((st) => attendanceOf(st, t1.personId).status === 'represented');
    expect(s.quorum).toMatchObject({ present: 1, represented: 1, counted: 2 });

    await secretary.ok('meeting:depart', { meetingId: m, personId: t0.personId });
    s = await phone.waitForState((st) => attendanceOf(st, t0.personId).status === 'absent');
    expect(attendanceOf(s, t0.personId)).toMatchObject({ status: 'absent', departedAt: expect.any(String) });
    expect(attendanceOf(s, t1.personId)).toMatchObject({ status: 'absent', proxyHolderId: null });
    expect(s.quorum).toMatchObject({ present: 0, represented: 0, counted: 0 });
    const events = await api(server.url, council.secretary.cookie).get(`/meetings/${m}/events`);
    expect(events.json.events.at(-1)).toMatchObject({ type: 'attendance.departed', data: { personId: t0.personId, proxiesReleased: [t1.personId] } });

    // Marking a present holder as excused releases too.
    await secretary.ok('meeting:attendance', { meetingId: m, personId: t2.personId, status: 'present_remote' });
    await secretary.ok('meeting:attendance', { meetingId: m, personId: t3.personId, status: 'represented', proxyHolderId: t2.personId });
    await secretary.ok('meeting:attendance', { meetingId: m, personId: t2.personId, status: 'excused' });
    s = await stateOf(server.url, council.secretary.cookie, m);
    expect(attendanceOf(s, t2.personId)).toMatchObject({ status: 'excused', departedAt: expect.any(String) });
    expect(attendanceOf(s, t3.personId)).toMatchObject({ status: 'absent', proxyHolderId: null });
  });
});

describe('check-in', () => {
  it('lets a member check themselves in remotely, but in the room only with the room code, and never someone else', async () => {
    const meeting = await newMeeting();
    const m = meeting.id;
    const [t0, t1, t2] = council.tenants;
    const phone0 = await client(t0);
    const phone1 = await client(t1);
    await phone0.join(m);
    await phone1.join(m);

    await phone0.ok('meeting:attendance', { meetingId: m, personId: t0.personId, status: 'present_remote' });
    const before = await stateOf(server.url, council.secretary.cookie, m);
    expect(attendanceOf(before, t0.personId).status).toBe('present_remote');

    // The code is shown in the room (managers get it; members do not).
    const forMember = await api(server.url, t1.cookie).get(`/meetings/${m}`);
    expect(forMember.json.meeting.checkinCode).toBeNull();
    expect(forMember.json.capabilities).toEqual({ personId: t1.personId, canManage: false, canTakePart: true });
    const forSecretary = await api(server.url, council.secretary.cookie).get(`/meetings/${m}`);
    const code: string = forSecretary.json.meeting.checkinCode;
    expect(code).toMatch(/^[0-9a-f]{16}$/);
    expect((await api(server.url, council.chair.cookie).get(`/meetings/${m}`)).json.meeting.checkinCode).toBe(code);
    expect((await api(server.url, council.observer.cookie).get(`/meetings/${m}`)).json.meeting.checkinCode).toBeNull();

    for (const checkinCode of [undefined, 'not-the-code', code.slice(1)]) {
      const err = await phone1.refused('meeting:attendance', { meetingId: m, personId: t1.personId, status: 'present_room', ...(checkinCode ? { checkinCode } : {}) });
      expect(err).toEqual({
        code: 'forbidden',
        message: 'Pour vous déclarer présent en salle, scannez le QR code affiché dans la salle.',
        messageEn: 'To check in in the room, scan the QR code shown in the room.',
        fields: { checkinCode: 'Code de salle incorrect.' }
      });
    }
    // Nor someone else, remotely or in the room, even with the code.
    expectRefusal(await phone1.refused('meeting:attendance', { meetingId: m, personId: t2.personId, status: 'present_remote' }), 'forbidden');
    expectRefusal(await phone1.refused('meeting:attendance', { meetingId: m, personId: t2.personId, status: 'present_room', checkinCode: code }), 'forbidden');
    expectRefusal(await phone1.refused('meeting:attendance', { meetingId: m, personId: t0.personId, status: 'excused' }), 'forbidden');
    expectRefusal(await phone1.refused('meeting:depart', { meetingId: m, personId: t0.personId }), 'forbidden');
    const res = await api(server.url, t1.cookie).call('PUT', `/meetings/${m}/attendance`, { personId: t2.personId, status: 'present_remote' });
    expect(res.status).toBe(403);
    const unchanged = await stateOf(server.url, council.secretary.cookie, m);
    expect(unchanged.rev).toBe(before.rev);
    expect(comparable(unchanged)).toEqual(comparable(before));

    await phone1.ok('meeting:attendance', { meetingId: m, personId: t1.personId, status: 'present_room', checkinCode: code });
    const s = await phone0.waitForState((st) => attendanceOf(st, t1.personId).status === 'present_room');
    expect(attendanceOf(s, t1.personId).arrivedAt).toEqual(expect.any(String));
  });

  it('refuses an observer checking others in, or themselves, and changes nothing', async () => {
    const meeting = await newMeeting();
    const m = meeting.id;
    const observer = await client(council.observer);
    const watcher = await client(council.secretary);
    await observer.join(m);
    await watcher.join(m);
    expect(observer.capabilities).toEqual({ personId: council.observer.personId, canManage: false, canTakePart: false });
    const before = await stateOf(server.url, council.secretary.cookie, m);

    for (const personId of [council.tenants[0].personId, council.observer.personId]) {
      for (const status of ['present_room', 'present_remote', 'excused']) {
        expectRefusal(await observer.refused('meeting:attendance', { meetingId: m, personId, status }), 'forbidden', "Vous n'avez pas le droit de faire cela.", 'You are not allowed to do this.');
      }
    }
    const res = await api(server.url, council.observer.cookie).call('PUT', `/meetings/${m}/attendance`, { personId: council.tenants[0].personId, status: 'present_room' });
    expect(res.status).toBe(403);

    await watcher.fence();
    expect(watcher.received.filter((st) => st.rev > before.rev)).toEqual([]);
    const after = await stateOf(server.url, council.secretary.cookie, m);
    expect(after.rev).toBe(before.rev);
    expect(comparable(after)).toEqual(comparable(before));
  });

  it('refuses to check in someone who is not a member of the body', async () => {
    const meeting = await newMeeting();
    const outsider = await api(server.url, admin.cookie).post(`/organisations/${admin.organisationId}/people`, { fullName: 'Hors instance' });
    const secretary = await client(council.secretary);
    await secretary.join(meeting.id);
    const err = await secretary.refused('meeting:attendance', { meetingId: meeting.id, personId: outsider.json.person.id, status: 'present_room' });
    expectRefusal(err, 'unprocessable', "Cette personne n'est pas membre de l'instance.", 'This person is not a member of the body.');
  });
});
