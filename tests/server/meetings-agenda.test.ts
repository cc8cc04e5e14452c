import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/db.ts';
import type { MeetingState } from '../../src/lib/protocol/events.ts';
import { agendaTitles, comparable, createCouncil, createMeeting, expectRefusal, MeetingClient, stateOf, type Council } from '../helpers/meeting-fixtures.ts';
import { api, openTestDb, setupAdmin, startTestServer, type AdminSession, type TestServer } from '../helpers/test-server.ts';

// Issue 4, "Shared agenda": co-edited live, concurrent reorders converge to one order for
// everyone, nothing is lost; proposals from association members, accepted or declined with a
// reason the proposer sees; sub-items one level deep.

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

const client = (cookie: string) => MeetingClient.connect(server.url, cookie);
const newMeeting = (status: 'draft' | 'convened' | 'live' = 'draft') => createMeeting(server.url, council.secretary.cookie, council.bodyId, {}, status);
const itemByTitle = (s: MeetingState, title: string) => {
  const item = s.agenda.find((i) => i.title === title);
  if (!item) throw new Error(`no item "${title}" in ${JSON.stringify(agendaTitles(s))}`);
  return item;
};

describe('shared agenda', () => {
  it("shows the chair's and the secretary's edits to each other within a second while both edit at once", async () => {
    const meeting = await newMeeting('convened');
    const chair = await client(council.chair.cookie);
    const secretary = await client(council.secretary.cookie);
    await chair.join(meeting.id);
    await secretary.join(meeting.id);
    const { itemId: shared } = await secretary.ok('agenda:add', { meetingId: meeting.id, title: 'Charges locatives 2025' });
    await chair.waitForState((s) => s.agenda.some((i) => i.id === shared));

    // Both at once: each adds an item and edits a different field of the shared one.
    const started = performance.now();
    const [chairAdd, secretaryAdd] = await Promise.all([
      chair.ok('agenda:add', { meetingId: meeting.id, title: 'Travaux de la résidence Saragosse', kind: 'consultation' }),
      secretary.ok('agenda:add', { meetingId: meeting.id, title: 'Plan de concertation locative', kind: 'decision' }),
      chair.ok('agenda:update', { itemId: shared, presenter: 'Hélène Lafitte', baseVersion: 1 }),
      secretary.ok('agenda:update', { itemId: shared, plannedMinutes: 25, baseVersion: 1 })
    ]);
    const seenByChair = chair.waitForState(
      (s) => s.agenda.some((i) => i.id === secretaryAdd.itemId) && s.agenda.find((i) => i.id === shared)?.plannedMinutes === 25,
      1_000
    );
    const seenBySecretary = secretary.waitForState(
      (s) => s.agenda.some((i) => i.id === chairAdd.itemId) && s.agenda.find((i) => i.id === shared)?.presenter === 'Hélène Lafitte',
      1_000
    );
    const [a, b] = await Promise.all([seenByChair, seenBySecretary]);
    expect(performance.now() - started).toBeLessThan(1_000);

    for (const s of [a, b]) {
      expect(itemByTitle(s, 'Charges locatives 2025')).toMatchObject({ presenter: 'Hélène Lafitte', plannedMinutes: 25, version: 3 });
    }
    const final = await stateOf(server.url, council.chair.cookie, meeting.id);
    await chair.waitForRev(final.rev);
    await secretary.waitForRev(final.rev);
    expect(comparable(chair.latest!)).toEqual(comparable(final));
    expect(comparable(secretary.latest!)).toEqual(comparable(final));
  });

  it('converges concurrent reorders from two clients to one order that every client and GET state show, losing no item', async () => {
    const meeting = await newMeeting('convened');
    const chair = await client(council.chair.cookie);
    const secretary = await client(council.secretary.cookie);
    const member = await client(council.tenants[0].cookie);
    const projector = await client(council.observer.cookie);
    for (const c of [chair, secretary, member, projector]) await c.join(meeting.id);

    const ids: string[] = [];
    for (let i = 1; i <= 8; i++) ids.push((await secretary.ok('agenda:add', { meetingId: meeting.id, title: `Point ${i}` })).itemId);

    // Deterministic pseudo-random moves, fired all at once from both managers, with adds mixed in.
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 25; i++) {
      for (const who of [chair, secretary]) {
        const itemId = ids[rand(ids.length)];
        const others = ids.filter((id) => id !== itemId);
        const afterId = rand(5) === 0 ? null : others[rand(others.length)];
        calls.push(who.ok('agenda:move', { itemId, afterId }));
      }
      if (i % 5 === 0) {
        calls.push(chair.ok('agenda:add', { meetingId: meeting.id, title: `Ajout président ${i}` }));
        calls.push(secretary.ok('agenda:add', { meetingId: meeting.id, title: `Ajout secrétaire ${i}`, afterId: ids[rand(ids.length)] }));
      }
    }
    await Promise.all(calls);

    const final = await stateOf(server.url, council.secretary.cookie, meeting.id);
    const order = final.agenda.map((i) => i.id);
    for (const c of [chair, secretary, member, projector]) {
      const last = await c.waitForRev(final.rev);
      expect(last.rev).toBe(final.rev);
      expect(last.agenda.map((i) => i.id)).toEqual(order);
    }
    // Nothing lost: the 8 items and the 10 added concurrently are all there, once each.
    expect(new Set(order).size).toBe(order.length);
    expect(order).toHaveLength(18);
    expect(order).toEqual(expect.arrayContaining(ids));
    expect(agendaTitles(final).filter((t) => t.startsWith('Ajout'))).toHaveLength(10);
    // The order shown is the order of the stored keys (the one a late joiner would compute).
    const positions = final.agenda.map((i) => i.position);
    expect(positions).toEqual([...positions].sort());
  });

  it("receives a tenant member's proposal as 'proposed'; the chair declines it with a reason and the proposer sees the reason", async () => {
    const meeting = await newMeeting('convened');
    const proposer = council.tenants[1];
    const member = await client(proposer.cookie);
    const chair = await client(council.chair.cookie);
    await member.join(meeting.id);
    await chair.join(meeting.id);
    expect(member.capabilities).toEqual({ personId: proposer.personId, canManage: false, canTakePart: true });

    const { itemId } = await member.ok('agenda:add', { meetingId: meeting.id, title: 'Ascenseur en panne, bâtiment C', description: 'Trois semaines sans ascenseur.' });
    const proposed = (await chair.waitForState((s) => s.agenda.some((i) => i.id === itemId))).agenda.find((i) => i.id === itemId)!;
    expect(proposed).toMatchObject({
      status: 'proposed',
      proposedBy: { personId: proposer.personId, name: proposer.name },
      decisionReason: null,
      decidedAt: null
    });

    const reason = 'Relève du conseil de résidence du bâtiment C, pas du CCL.';
    await chair.ok('agenda:decide', { itemId, accept: false, reason });
    const seen = await member.waitForState((s) => s.agenda.find((i) => i.id === itemId)?.status === 'declined');
    expect(seen.agenda.find((i) => i.id === itemId)).toMatchObject({ status: 'declined', decisionReason: reason, decidedAt: expect.any(String) });

    const notes = await api(server.url, proposer.cookie).get(`/organisations/${admin.organisationId}/notifications`);
    expect(notes.status).toBe(200);
    expect(notes.json.notifications).toContainEqual(
      expect.objectContaining({ kind: 'proposal.declined', read: false, data: { meetingId: meeting.id, itemId, title: 'Ascenseur en panne, bâtiment C', reason } })
    );
    // Deciding twice is refused.
    expectRefusal(await chair.refused('agenda:decide', { itemId, accept: true }), 'conflict');
  });

  it('accepts a proposal, which then counts as an agenda item, and tells the proposer', async () => {
    const meeting = await newMeeting('convened');
    const proposer = council.tenants[2];
    const member = await client(proposer.cookie);
    await member.join(meeting.id);
    const { itemId } = await member.ok('agenda:add', { meetingId: meeting.id, title: 'Bilan des charges de chauffage' });
    const res = await api(server.url, council.secretary.cookie).post(`/agenda-items/${itemId}/decision`, { accept: true });
    expect(res.status).toBe(200);
    expect(res.json.item).toMatchObject({ status: 'accepted', decisionReason: null });
    await member.waitForState((s) => s.agenda.find((i) => i.id === itemId)?.status === 'accepted');
    const notes = await api(server.url, proposer.cookie).get(`/organisations/${admin.organisationId}/notifications`);
    expect(notes.json.notifications).toContainEqual(expect.objectContaining({ kind: 'proposal.accepted', data: expect.objectContaining({ itemId }) }));
  });

  it('refuses to decline a proposal without a reason (422) and changes nothing', async () => {
    const meeting = await newMeeting('convened');
    const member = await client(council.tenants[3].cookie);
    const chair = await client(council.chair.cookie);
    await member.join(meeting.id);
    await chair.join(meeting.id);
    const { itemId } = await member.ok('agenda:add', { meetingId: meeting.id, title: 'Stationnement résidence Ousse' });
    const before = await stateOf(server.url, council.chair.cookie, meeting.id);

    for (const reason of [undefined, '', '   ']) {
      const res = await api(server.url, council.chair.cookie).post(`/agenda-items/${itemId}/decision`, { accept: false, ...(reason === undefined ? {} : { reason }) });
      expect(res.status, JSON.stringify(reason)).toBe(422);
      expect(res.json.error).toMatchObject({
        code: 'unprocessable',
        message: 'Indiquez la raison du refus : elle est montrée à la personne qui a proposé le point.',
        messageEn: 'Give the reason for declining: it is shown to the person who proposed the item.',
        fields: { reason: expect.any(String) }
      });
    }
    expectRefusal(await chair.refused('agenda:decide', { itemId, accept: false, reason: ' ' }), 'unprocessable');

    const after = await stateOf(server.url, council.chair.cookie, meeting.id);
    expect(after.rev).toBe(before.rev);
    expect(comparable(after)).toEqual(comparable(before));
    expect(after.agenda.find((i) => i.id === itemId)).toMatchObject({ status: 'proposed', decisionReason: null });
    const notes = await api(server.url, council.tenants[3].cookie).get(`/organisations/${admin.organisationId}/notifications`);
    expect(notes.json.notifications.filter((n: { data: { itemId?: string } }) => n.data.itemId === itemId)).toEqual([]);
  });

  it('refuses a stale baseVersion on the same field with 409 and merges a change to a different field', async () => {
    const meeting = await newMeeting();
    const chair = await client(council.chair.cookie);
    const secretary = await client(council.secretary.cookie);
    await chair.join(meeting.id);
    await secretary.join(meeting.id);
    const { itemId } = await secretary.ok('agenda:add', { meetingId: meeting.id, title: 'Règlement intérieur' });
    // Both opened the item at version 1; the chair saves first.
    await chair.ok('agenda:update', { itemId, title: 'Règlement intérieur du CCL', baseVersion: 1 });
    const before = await stateOf(server.url, council.secretary.cookie, meeting.id);

    const stale = await api(server.url, council.secretary.cookie).patch(`/agenda-items/${itemId}`, { title: 'Règlement intérieur (projet)', baseVersion: 1 });
    expect(stale.status).toBe(409);
    expect(stale.json.error).toMatchObject({
      code: 'conflict',
      messageEn: 'Someone changed this item at the same time: read their version before saving.',
      fields: { title: 'Modifié par quelqu’un d’autre.' }
    });
    const staleBySocket = await secretary.refused('agenda:update', { itemId, title: 'Règlement intérieur (projet)', description: 'Texte joint', baseVersion: 1 });
    expect(staleBySocket.code).toBe('conflict');
    expect(Object.keys(staleBySocket.fields ?? {})).toEqual(['title']);
    const unchanged = await stateOf(server.url, council.secretary.cookie, meeting.id);
    expect(unchanged.rev).toBe(before.rev);
    expect(comparable(unchanged)).toEqual(comparable(before));

    await secretary.ok('agenda:update', { itemId, description: 'Projet envoyé avec la convocation.', plannedMinutes: 20, baseVersion: 1 });
    const merged = await chair.waitForState((s) => s.agenda.find((i) => i.id === itemId)?.plannedMinutes === 20);
    expect(merged.agenda.find((i) => i.id === itemId)).toMatchObject({
      title: 'Règlement intérieur du CCL',
      description: 'Projet envoyé avec la convocation.',
      plannedMinutes: 20,
      version: 3
    });
  });

  it('tells the members in-app once when a convened agenda changes, not on every edit', async () => {
    const meeting = await newMeeting('convened');
    const member = council.tenants[0];
    const notes = () => api(server.url, member.cookie).get(`/organisations/${admin.organisationId}/notifications`);
    const ofMeeting = async (kind: string) =>
      ((await notes()).json.notifications as { kind: string; data: { meetingId?: string } }[]).filter((n) => n.kind === kind && n.data.meetingId === meeting.id);
    expect(await ofMeeting('meeting.convened')).toHaveLength(1);
    const secretary = await client(council.secretary.cookie);
    const { itemId } = await secretary.ok('agenda:add', { meetingId: meeting.id, title: 'Diagnostic amiante' });
    await secretary.ok('agenda:update', { itemId, plannedMinutes: 15 });
    expect(await ofMeeting('agenda.changed')).toHaveLength(1);
    // Once read, the next change tells them again.
    expect((await api(server.url, member.cookie).post(`/organisations/${admin.organisationId}/notifications/read`, {})).status).toBe(200);
    await secretary.ok('agenda:move', { itemId, afterId: null });
    const changed = await ofMeeting('agenda.changed');
    expect(changed).toHaveLength(2);
    expect(changed.filter((n) => !(n as unknown as { read: boolean }).read)).toHaveLength(1);
  });

  it('allows sub-items one level deep only', async () => {
    const meeting = await newMeeting();
    const secretary = await client(council.secretary.cookie);
    await secretary.join(meeting.id);
    const add = (title: string, extra: { parentId?: string; afterId?: string | null } = {}) =>
      secretary.ok('agenda:add', { meetingId: meeting.id, title, ...extra }).then((d) => d.itemId as string);
    const works = await add('Travaux');
    const finance = await add('Finances');
    const lifts = await add('Ascenseurs', { parentId: works });
    await add('Façades', { parentId: works });

    const tooDeep = await secretary.refused('agenda:add', { meetingId: meeting.id, title: 'Bâtiment C', parentId: lifts });
    expectRefusal(tooDeep, 'unprocessable', 'Les sous-points ne vont que sur un niveau.', 'Sub-items go one level deep only.');
    expect(tooDeep.fields).toEqual({ parentId: 'Les sous-points ne vont que sur un niveau.' });
    const before = await stateOf(server.url, council.secretary.cookie, meeting.id);
    // An item with sub-items cannot become a sub-item; a sub-item cannot take sub-items.
    expectRefusal(await secretary.refused('agenda:move', { itemId: works, afterId: null, parentId: finance }), 'unprocessable', 'Les sous-points ne vont que sur un niveau.');
    expectRefusal(await secretary.refused('agenda:move', { itemId: finance, afterId: null, parentId: lifts }), 'unprocessable', 'Les sous-points ne vont que sur un niveau.');
    const viaApi = await api(server.url, council.secretary.cookie).post(`/meetings/${meeting.id}/agenda`, { title: 'Bâtiment C', parentId: lifts });
    expect(viaApi.status).toBe(422);
    expect((await stateOf(server.url, council.secretary.cookie, meeting.id)).rev).toBe(before.rev);

    // A sub-item may move under another top-level item.
    await secretary.ok('agenda:move', { itemId: lifts, afterId: null, parentId: finance });
    const s = await secretary.waitForState((st) => st.agenda.find((i) => i.id === lifts)?.parentId === finance);
    expect(agendaTitles(s)).toEqual(['Travaux', '  Façades', 'Finances', '  Ascenseurs']);
  });
});
