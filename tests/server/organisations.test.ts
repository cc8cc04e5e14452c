import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/db.ts';
import { addMembership, createBody, createMemberAccount, createPerson } from '../helpers/api-fixtures.ts';
import {
  api,
  cookieFrom,
  openTestDb,
  resetDb,
  rowCounts,
  setupAdmin,
  startTestServer,
  type AdminSession,
  type TestServer
} from '../helpers/test-server.ts';

let db: Db;
let server: TestServer;
let admin: AdminSession;

beforeAll(async () => {
  db = await openTestDb();
  server = await startTestServer({ db });
});

beforeEach(async () => {
  await resetDb(db);
  admin = await setupAdmin(server.url);
});

afterAll(async () => {
  await server?.close();
  await db?.close();
});

const asAdmin = () => api(server.url, admin.cookie);

/** A second landlord on the same install, as the CLI creates it (`create-admin --org ...`). */
async function secondOrganisation() {
  const { organisation, userId } = await server.concerto.services.organisations.ensureWithAdmin({
    orgName: 'Habitat Sud Atlantique',
    email: 'admin@hsa.test',
    password: 'mot-de-passe-de-hsa'
  });
  const login = await api(server.url).post('/auth/login', { email: 'admin@hsa.test', password: 'mot-de-passe-de-hsa' });
  expect(login.status).toBe(200);
  return { organisationId: organisation.id, userId, cookie: cookieFrom(login.headers) };
}

describe('organisations', () => {
  it('lists, shows and renames the organisation for its administrator', async () => {
    const list = await asAdmin().get('/organisations');
    expect(list.status).toBe(200);
    expect(list.json.organisations).toEqual([expect.objectContaining({ id: admin.organisationId, name: 'Office 64 de l’Habitat' })]);

    const one = await asAdmin().get(`/organisations/${admin.organisationId}`);
    expect(one.status).toBe(200);
    expect(one.json.organisation.id).toBe(admin.organisationId);

    const renamed = await asAdmin().patch(`/organisations/${admin.organisationId}`, { name: 'Office 64' });
    expect(renamed.status).toBe(200);
    expect(renamed.json.organisation.name).toBe('Office 64');
  });

  it('lets the platform administrator create another organisation, which they administer', async () => {
    const res = await asAdmin().post('/organisations', { name: 'Habitat Sud Atlantique' });
    expect(res.status).toBe(201);
    expect(res.json.organisation).toMatchObject({ name: 'Habitat Sud Atlantique', slug: 'habitat-sud-atlantique' });
    const list = await asAdmin().get('/organisations');
    expect(list.json.organisations).toHaveLength(2);
    const body = await asAdmin().post(`/organisations/${res.json.organisation.id}/bodies`, { name: 'CCL HSA', kind: 'ccl' });
    expect(body.status).toBe(201);
  });

  it('refuses a second organisation with the same short name with 409', async () => {
    const first = await asAdmin().post('/organisations', { name: 'Habitat Sud', slug: 'habitat-sud' });
    expect(first.status).toBe(201);
    const again = await asAdmin().post('/organisations', { name: 'Autre Habitat', slug: 'habitat-sud' });
    expect(again.status).toBe(409);
    expect(again.json.error).toMatchObject({ code: 'conflict', fields: { slug: expect.any(String) } });
  });

  it('refuses organisation creation to anyone but a platform administrator with 403', async () => {
    const member = await createMemberAccount(server.url, admin.cookie, admin.organisationId, { person: { orgRole: 'admin' } });
    const res = await api(server.url, member.cookie).post('/organisations', { name: 'Bailleur Pirate' });
    expect(res.status).toBe(403);
    expect(res.json.error).toMatchObject({ code: 'forbidden', message: "Vous n'avez pas le droit de faire cela.", messageEn: 'You are not allowed to do this.' });
    expect(await rowCounts(db, ['organisations'])).toEqual({ organisations: 1 });
  });

  it('asks for a login before anything organisation-related (401)', async () => {
    for (const path of ['/organisations', `/organisations/${admin.organisationId}/bodies`, '/auth/me']) {
      const res = await api(server.url).get(path);
      expect(res.status, path).toBe(401);
      expect(res.json.error.code).toBe('unauthorised');
    }
  });
});

describe('isolation between organisations (members see only their organisation)', () => {
  it("answers 404 to a user of organisation B for everything of organisation A", async () => {
    const body = await createBody(server.url, admin.cookie, admin.organisationId);
    const person = await createPerson(server.url, admin.cookie, admin.organisationId);
    const b = await secondOrganisation();
    const asB = api(server.url, b.cookie);

    const orgs = await asB.get('/organisations');
    expect(orgs.json.organisations.map((o: { id: string }) => o.id)).toEqual([b.organisationId]);

    for (const path of [
      `/organisations/${admin.organisationId}`,
      `/organisations/${admin.organisationId}/bodies`,
      `/organisations/${admin.organisationId}/people`,
      `/organisations/${admin.organisationId}/invitations`,
      `/bodies/${body.id}`,
      `/bodies/${body.id}/memberships`,
      `/people/${person.id}`
    ]) {
      const res = await asB.get(path);
      expect(res.status, path).toBe(404);
      expect(res.json.error.code, path).toBe('not_found');
    }
    const write = await asB.post(`/organisations/${admin.organisationId}/bodies`, { name: 'Intrusion', kind: 'ccl' });
    expect(write.status).toBe(404);
    const patch = await asB.patch(`/bodies/${body.id}`, { name: 'Intrusion' });
    expect(patch.status).toBe(404);
    expect(await rowCounts(db, ['bodies'])).toEqual({ bodies: 1 });
  });

  it('refuses a parent body taken from another organisation with 422', async () => {
    const b = await secondOrganisation();
    const foreignBody = await createBody(server.url, b.cookie, b.organisationId, { name: 'CCL HSA' });
    const res = await asAdmin().post(`/organisations/${admin.organisationId}/bodies`, { name: 'Sous-groupe', kind: 'working_group', parentId: foreignBody.id });
    expect(res.status).toBe(422);
    expect(res.json.error).toMatchObject({ code: 'unprocessable', fields: { parentId: expect.any(String) } });
  });
});

describe('bodies', () => {
  it('creates, lists, shows, edits and archives a body, with a sub-body under it', async () => {
    const created = await asAdmin().post(`/organisations/${admin.organisationId}/bodies`, {
      name: 'CCL Pau centre',
      kind: 'ccl',
      description: 'Conseil de concertation locative du patrimoine de Pau'
    });
    expect(created.status).toBe(201);
    const ccl = created.json.body;
    expect(ccl).toMatchObject({ organisationId: admin.organisationId, kind: 'ccl', parentId: null, memberCount: 0 });

    const group = await asAdmin().post(`/organisations/${admin.organisationId}/bodies`, { name: 'Groupe espaces verts', kind: 'working_group', parentId: ccl.id });
    expect(group.status).toBe(201);
    expect(group.json.body.parentId).toBe(ccl.id);

    const list = await asAdmin().get(`/organisations/${admin.organisationId}/bodies`);
    expect(list.json.bodies.map((b: { name: string }) => b.name)).toEqual(['CCL Pau centre', 'Groupe espaces verts']);

    const shown = await asAdmin().get(`/bodies/${ccl.id}`);
    expect(shown.status).toBe(200);
    expect(shown.json).toMatchObject({ body: { id: ccl.id, description: 'Conseil de concertation locative du patrimoine de Pau' }, memberships: [] });

    const edited = await asAdmin().patch(`/bodies/${group.json.body.id}`, { name: 'Groupe jardins', parentId: null });
    expect(edited.status).toBe(200);
    expect(edited.json.body).toMatchObject({ name: 'Groupe jardins', parentId: null, kind: 'working_group' });

    expect((await asAdmin().delete(`/bodies/${group.json.body.id}`)).status).toBe(204);
    const after = await asAdmin().get(`/organisations/${admin.organisationId}/bodies`);
    expect(after.json.bodies.map((b: { name: string }) => b.name)).toEqual(['CCL Pau centre']);
    expect((await asAdmin().get(`/bodies/${group.json.body.id}`)).status).toBe(404);
  });

  it('refuses to archive a body that still has sub-bodies with 409', async () => {
    const ccl = await createBody(server.url, admin.cookie, admin.organisationId);
    await createBody(server.url, admin.cookie, admin.organisationId, { name: 'Sous-groupe', kind: 'working_group', parentId: ccl.id });
    const res = await asAdmin().delete(`/bodies/${ccl.id}`);
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('conflict');
  });

  it('refuses to place a body under itself with 422', async () => {
    const ccl = await createBody(server.url, admin.cookie, admin.organisationId);
    const res = await asAdmin().patch(`/bodies/${ccl.id}`, { parentId: ccl.id });
    expect(res.status).toBe(422);
    expect(res.json.error).toMatchObject({
      code: 'unprocessable',
      message: 'Une instance ne peut pas être placée sous elle-même.',
      messageEn: 'A body cannot sit under itself.',
      fields: { parentId: 'Une instance ne peut pas être placée sous elle-même.' }
    });
    const [row] = await db.query<{ parent_id: string | null }>('select parent_id from bodies where id = $1', [ccl.id]);
    expect(row.parent_id).toBeNull();
  });

  it('refuses to place a body under one of its own descendants with 422', async () => {
    const top = await createBody(server.url, admin.cookie, admin.organisationId, { name: 'CCL' });
    const middle = await createBody(server.url, admin.cookie, admin.organisationId, { name: 'CCL local', kind: 'ccl_local', parentId: top.id });
    const bottom = await createBody(server.url, admin.cookie, admin.organisationId, { name: 'Groupe', kind: 'working_group', parentId: middle.id });
    const res = await asAdmin().patch(`/bodies/${top.id}`, { parentId: bottom.id });
    expect(res.status).toBe(422);
    expect(res.json.error.fields).toHaveProperty('parentId');
  });

  it('refuses body creation to a member who is not an administrator with 403', async () => {
    const member = await createMemberAccount(server.url, admin.cookie, admin.organisationId);
    const res = await api(server.url, member.cookie).post(`/organisations/${admin.organisationId}/bodies`, { name: 'Mon instance', kind: 'ccl' });
    expect(res.status).toBe(403);
    expect(res.json.error).toMatchObject({ code: 'forbidden', messageEn: 'You are not allowed to do this.' });
    expect(await rowCounts(db, ['bodies'])).toEqual({ bodies: 0 });
  });

  it("lets a plain member see the organisation's bodies and their own role", async () => {
    const ccl = await createBody(server.url, admin.cookie, admin.organisationId);
    const member = await createMemberAccount(server.url, admin.cookie, admin.organisationId, { bodyId: ccl.id, membership: { role: 'member', votingRight: true } });
    const list = await api(server.url, member.cookie).get(`/organisations/${admin.organisationId}/bodies`);
    expect(list.status).toBe(200);
    expect(list.json.bodies).toEqual([expect.objectContaining({ id: ccl.id, myRole: 'member', memberCount: 1 })]);
  });

  it("lets a body's secretary manage that body's memberships but not another body's", async () => {
    const ccl = await createBody(server.url, admin.cookie, admin.organisationId, { name: 'CCL' });
    const other = await createBody(server.url, admin.cookie, admin.organisationId, { name: 'Conseil' , kind: 'board' });
    const secretary = await createMemberAccount(server.url, admin.cookie, admin.organisationId, { bodyId: ccl.id, membership: { role: 'secretary', college: 'landlord' } });
    const tenant = await createPerson(server.url, admin.cookie, admin.organisationId);
    const asSecretary = api(server.url, secretary.cookie);
    expect((await asSecretary.post(`/bodies/${ccl.id}/memberships`, { personId: tenant.id, role: 'member', college: 'tenant' })).status).toBe(201);
    expect((await asSecretary.post(`/bodies/${other.id}/memberships`, { personId: tenant.id, role: 'member', college: 'tenant' })).status).toBe(403);
  });
});

describe('people and memberships', () => {
  it('creates, lists, shows and edits a person', async () => {
    const created = await asAdmin().post(`/organisations/${admin.organisationId}/people`, {
      fullName: 'Jeanne Lacoste',
      email: 'Jeanne.Lacoste@Exemple.test',
      phone: '06 12 34 56 78'
    });
    expect(created.status).toBe(201);
    const person = created.json.person;
    expect(person).toMatchObject({ fullName: 'Jeanne Lacoste', email: 'jeanne.lacoste@exemple.test', orgRole: 'member', hasAccount: false, invitationPending: false });

    const list = await asAdmin().get(`/organisations/${admin.organisationId}/people`);
    expect(list.json.people.map((p: { fullName: string }) => p.fullName)).toEqual(['Claire Etcheverry', 'Jeanne Lacoste']);

    const edited = await asAdmin().patch(`/people/${person.id}`, { fullName: 'Jeanne Lacoste-Haran', phone: '' });
    expect(edited.status).toBe(200);
    expect(edited.json.person).toMatchObject({ fullName: 'Jeanne Lacoste-Haran', phone: null, email: 'jeanne.lacoste@exemple.test' });

    const shown = await asAdmin().get(`/people/${person.id}`);
    expect(shown.json).toMatchObject({ person: { fullName: 'Jeanne Lacoste-Haran' }, memberships: [] });
  });

  it('refuses a second person with the same email address in one organisation with 409', async () => {
    await createPerson(server.url, admin.cookie, admin.organisationId, { email: 'jeanne@exemple.test' });
    const res = await asAdmin().post(`/organisations/${admin.organisationId}/people`, { fullName: 'Homonyme', email: 'JEANNE@exemple.test' });
    expect(res.status).toBe(409);
    expect(res.json.error).toMatchObject({ code: 'conflict', fields: { email: expect.any(String) } });
  });

  it('refuses people management to a member who is not an administrator with 403', async () => {
    const member = await createMemberAccount(server.url, admin.cookie, admin.organisationId);
    const res = await api(server.url, member.cookie).post(`/organisations/${admin.organisationId}/people`, { fullName: 'Quelqu’un' });
    expect(res.status).toBe(403);
  });

  it('adds a membership with role, college, affiliation, voting right and mandate, then edits and removes it', async () => {
    const ccl = await createBody(server.url, admin.cookie, admin.organisationId);
    const person = await createPerson(server.url, admin.cookie, admin.organisationId, { fullName: 'Marc Duhalde' });
    const added = await asAdmin().post(`/bodies/${ccl.id}/memberships`, {
      personId: person.id,
      role: 'member',
      college: 'tenant',
      affiliation: 'cnl',
      votingRight: true,
      mandateStart: '2025-01-15',
      mandateEnd: '2028-01-14'
    });
    expect(added.status).toBe(201);
    const membership = added.json.membership;
    expect(membership).toEqual({
      id: expect.any(String),
      bodyId: ccl.id,
      personId: person.id,
      personName: 'Marc Duhalde',
      role: 'member',
      college: 'tenant',
      affiliation: 'cnl',
      affiliationName: null,
      votingRight: true,
      mandateStart: '2025-01-15',
      mandateEnd: '2028-01-14'
    });

    const listed = await asAdmin().get(`/bodies/${ccl.id}/memberships`);
    expect(listed.json.memberships).toEqual([membership]);
    const ofPerson = await asAdmin().get(`/people/${person.id}`);
    expect(ofPerson.json.memberships).toEqual([expect.objectContaining({ id: membership.id, bodyName: 'CCL Pau centre' })]);

    const edited = await asAdmin().patch(`/memberships/${membership.id}`, { role: 'chair', affiliation: 'other_association', affiliationName: 'Amicale des Fleurs' });
    expect(edited.status).toBe(200);
    expect(edited.json.membership).toMatchObject({ role: 'chair', affiliation: 'other_association', affiliationName: 'Amicale des Fleurs', votingRight: true, mandateStart: '2025-01-15' });

    expect((await asAdmin().delete(`/memberships/${membership.id}`)).status).toBe(204);
    expect((await asAdmin().get(`/bodies/${ccl.id}/memberships`)).json.memberships).toEqual([]);
  });

  it('refuses the same person twice in one body with 409', async () => {
    const ccl = await createBody(server.url, admin.cookie, admin.organisationId);
    const person = await createPerson(server.url, admin.cookie, admin.organisationId);
    await addMembership(server.url, admin.cookie, ccl.id, person.id);
    const res = await asAdmin().post(`/bodies/${ccl.id}/memberships`, { personId: person.id, role: 'member', college: 'tenant' });
    expect(res.status).toBe(409);
    expect(res.json.error.fields).toHaveProperty('personId');
  });

  // Domain brief: observers, guests and experts see but do not vote.
  it('refuses a voting right to an observer, when added and when edited', async () => {
    const ccl = await createBody(server.url, admin.cookie, admin.organisationId);
    const person = await createPerson(server.url, admin.cookie, admin.organisationId);
    const added = await asAdmin().post(`/bodies/${ccl.id}/memberships`, { personId: person.id, role: 'observer', college: 'other', votingRight: true });
    expect(added.status).toBe(400);
    expect(added.json.error).toMatchObject({
      code: 'validation_failed',
      fields: { votingRight: "Un observateur n'a pas le droit de vote." }
    });
    expect(await rowCounts(db, ['memberships'])).toEqual({ memberships: 0 });

    const observer = await addMembership(server.url, admin.cookie, ccl.id, person.id, { role: 'observer', college: 'other' });
    expect(observer.votingRight).toBe(false);
    const edited = await asAdmin().patch(`/memberships/${observer.id}`, { votingRight: true });
    expect(edited.status).toBe(400);
    expect(edited.json.error.fields).toHaveProperty('votingRight');

    const voter = await createPerson(server.url, admin.cookie, admin.organisationId);
    const voting = await addMembership(server.url, admin.cookie, ccl.id, voter.id, { role: 'member', votingRight: true });
    const demoted = await asAdmin().patch(`/memberships/${voting.id}`, { role: 'observer' });
    expect(demoted.status).toBe(400);
    expect(demoted.json.error.fields).toHaveProperty('votingRight');
    const rows = await db.query<{ role: string; voting_right: boolean }>('select role, voting_right from memberships order by role');
    expect(rows).toEqual([
      { role: 'member', voting_right: true },
      { role: 'observer', voting_right: false }
    ]);
  });

  it('refuses a mandate that ends before it starts', async () => {
    const ccl = await createBody(server.url, admin.cookie, admin.organisationId);
    const person = await createPerson(server.url, admin.cookie, admin.organisationId);
    const res = await asAdmin().post(`/bodies/${ccl.id}/memberships`, {
      personId: person.id,
      role: 'member',
      college: 'tenant',
      mandateStart: '2026-01-01',
      mandateEnd: '2025-01-01'
    });
    expect(res.status).toBe(400);
    expect(res.json.error.fields).toEqual({ mandateEnd: 'La fin du mandat précède son début.' });
  });
});

describe('guest codes', () => {
  it('lets someone without an account join a body with a code and a display name', async () => {
    const ccl = await createBody(server.url, admin.cookie, admin.organisationId);
    const created = await asAdmin().post(`/organisations/${admin.organisationId}/guest-codes`, { targetKind: 'body', targetId: ccl.id });
    expect(created.status).toBe(201);
    const guestCode = created.json.guestCode;
    expect(guestCode.code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    expect(guestCode.joinUrl).toBe(`${server.url}/join?code=${guestCode.code}`);
    expect(guestCode.qrSvg).toMatch(/^<svg/);

    const spaced = `${guestCode.code.slice(0, 3).toLowerCase()} ${guestCode.code.slice(3)}`;
    const joined = await api(server.url).post('/guests/join', { code: spaced, displayName: 'Mme Irigoyen' });
    expect(joined.status).toBe(201);
    expect(joined.json.guest).toMatchObject({ displayName: 'Mme Irigoyen', targetKind: 'body', targetId: ccl.id, organisationId: admin.organisationId });
    expect(joined.headers.getSetCookie()[0]).toMatch(/^concerto_guest=[^;]+;.*HttpOnly/i);

    const me = await api(server.url, cookieFrom(joined.headers)).get('/guests/me');
    expect(me.status).toBe(200);
    expect(me.json.guest.id).toBe(joined.json.guest.id);
    // A guest is not a user: nothing of the organisation opens to it.
    expect((await api(server.url, cookieFrom(joined.headers)).get(`/bodies/${ccl.id}`)).status).toBe(401);
  });

  it('refuses an unknown or expired code with 404 naming the code field', async () => {
    const ccl = await createBody(server.url, admin.cookie, admin.organisationId);
    const created = await asAdmin().post(`/organisations/${admin.organisationId}/guest-codes`, { targetKind: 'body', targetId: ccl.id });
    await db.query(`update guest_codes set expires_at = now() - interval '1 minute'`);
    for (const code of [created.json.guestCode.code, 'ZZZZZZ']) {
      const res = await api(server.url).post('/guests/join', { code, displayName: 'Visiteur' });
      expect(res.status).toBe(404);
      expect(res.json.error).toMatchObject({
        code: 'not_found',
        message: 'Code inconnu ou expiré. Vérifiez-le auprès de l’animateur.',
        messageEn: 'Unknown or expired code. Check it with the facilitator.',
        fields: { code: 'Code inconnu ou expiré.' }
      });
    }
    expect(await rowCounts(db, ['guests'])).toEqual({ guests: 0 });
  });

  it('refuses a guest code to a plain member with 403', async () => {
    const ccl = await createBody(server.url, admin.cookie, admin.organisationId);
    const member = await createMemberAccount(server.url, admin.cookie, admin.organisationId, { bodyId: ccl.id });
    const res = await api(server.url, member.cookie).post(`/organisations/${admin.organisationId}/guest-codes`, { targetKind: 'body', targetId: ccl.id });
    expect(res.status).toBe(403);
    expect(await rowCounts(db, ['guest_codes'])).toEqual({ guest_codes: 0 });
  });
});
