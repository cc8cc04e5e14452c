import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/db.ts';
import { addMembership, createBody, createPerson, invite } from '../helpers/api-fixtures.ts';
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

const INVALID_LINK = {
  code: 'not_found',
  message:
    "Ce lien d'invitation n'est pas valable : il a expiré, a déjà servi ou a été annulé. Demandez-en un nouveau au secrétariat.",
  messageEn: 'This invitation link is not valid: it has expired, was already used or was cancelled. Ask the secretariat for a new one.'
};

const accept = (token: string, body: unknown) => api(server.url).post(`/invitations/by-token/${token}/accept`, body);
const preview = (token: string) => api(server.url).get(`/invitations/by-token/${token}`);

describe('invitations by link', () => {
  it('creates a link to hand over, shown to the inviter when no mail server is configured', async () => {
    const person = await createPerson(server.url, admin.cookie, admin.organisationId, { fullName: 'Jeanne Lacoste', email: 'jeanne@exemple.test' });
    const res = await api(server.url, admin.cookie).post(`/people/${person.id}/invitations`);
    expect(res.status).toBe(201);
    expect(res.json.invitation).toMatchObject({
      personId: person.id,
      personName: 'Jeanne Lacoste',
      email: 'jeanne@exemple.test',
      status: 'pending',
      mailed: false,
      url: expect.stringMatching(new RegExp(`^${server.url}/invitation/[a-z0-9_]+\\.[a-z0-9]+$`))
    });
    const expiresIn = new Date(res.json.invitation.expiresAt).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(6 * 24 * 3600 * 1000);
    expect(expiresIn).toBeLessThanOrEqual(7 * 24 * 3600 * 1000);

    const people = await api(server.url, admin.cookie).get(`/organisations/${admin.organisationId}/people`);
    expect(people.json.people.find((p: { id: string }) => p.id === person.id)).toMatchObject({ invitationPending: true, hasAccount: false });
  });

  it('previews the link for the invited person without a login', async () => {
    const person = await createPerson(server.url, admin.cookie, admin.organisationId, { fullName: 'Jeanne Lacoste', email: 'jeanne@exemple.test' });
    const invitation = await invite(server.url, admin.cookie, person.id);
    const res = await preview(invitation.token);
    expect(res.status).toBe(200);
    expect(res.json.invitation).toEqual({
      organisationName: 'Office 64 de l’Habitat',
      personName: 'Jeanne Lacoste',
      email: 'jeanne@exemple.test',
      accountExists: false
    });
  });

  it('on acceptance sets the password, logs the person in and links the account to the person', async () => {
    const ccl = await createBody(server.url, admin.cookie, admin.organisationId);
    const person = await createPerson(server.url, admin.cookie, admin.organisationId, { fullName: 'Jeanne Lacoste', email: 'jeanne@exemple.test' });
    await addMembership(server.url, admin.cookie, ccl.id, person.id, { role: 'member', college: 'tenant', votingRight: true });
    const invitation = await invite(server.url, admin.cookie, person.id);

    const res = await accept(invitation.token, { password: 'mon-mot-de-passe-a-moi' });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ userId: expect.any(String), organisationId: admin.organisationId });
    const cookie = cookieFrom(res.headers);
    expect(res.headers.getSetCookie()[0]).toMatch(/^concerto_session=[^;]+;.*HttpOnly/i);

    const me = await api(server.url, cookie).get('/auth/me');
    expect(me.status).toBe(200);
    expect(me.json.user).toMatchObject({ id: res.json.userId, email: 'jeanne@exemple.test', displayName: 'Jeanne Lacoste', isPlatformAdmin: false });
    const bodies = await api(server.url, cookie).get(`/organisations/${admin.organisationId}/bodies`);
    expect(bodies.json.bodies).toEqual([expect.objectContaining({ id: ccl.id, myRole: 'member' })]);

    const shown = await api(server.url, admin.cookie).get(`/people/${person.id}`);
    expect(shown.json.person).toMatchObject({ hasAccount: true, invitationPending: false });
    const login = await api(server.url).post('/auth/login', { email: 'jeanne@exemple.test', password: 'mon-mot-de-passe-a-moi' });
    expect(login.status).toBe(200);
  });

  it('is single use: a second acceptance answers 404 with the bilingual message and changes nothing', async () => {
    const person = await createPerson(server.url, admin.cookie, admin.organisationId);
    const invitation = await invite(server.url, admin.cookie, person.id);
    expect((await accept(invitation.token, { password: 'mon-mot-de-passe-a-moi' })).status).toBe(201);
    const before = await rowCounts(db, ['users', 'sessions']);

    const again = await accept(invitation.token, { password: 'un-autre-mot-de-passe' });
    expect(again.status).toBe(404);
    expect(again.json.error).toEqual(INVALID_LINK);
    expect(again.headers.getSetCookie()).toEqual([]);
    expect((await preview(invitation.token)).status).toBe(404);
    expect(await rowCounts(db, ['users', 'sessions'])).toEqual(before);
    const login = await api(server.url).post('/auth/login', { email: person.email, password: 'un-autre-mot-de-passe' });
    expect(login.status).toBe(401);
  });

  it('accepts only one of two simultaneous acceptances of the same link', async () => {
    const person = await createPerson(server.url, admin.cookie, admin.organisationId);
    const invitation = await invite(server.url, admin.cookie, person.id);
    const results = await Promise.all([
      accept(invitation.token, { password: 'premier-mot-de-passe' }),
      accept(invitation.token, { password: 'second-mot-de-passe' })
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 404]);
    expect(await db.query('select 1 from users where lower(email) = lower($1)', [person.email])).toHaveLength(1);
  });

  it('expires: a link past its date is refused and the person stays without an account', async () => {
    const person = await createPerson(server.url, admin.cookie, admin.organisationId);
    const invitation = await invite(server.url, admin.cookie, person.id);
    await db.query(`update invitations set expires_at = now() - interval '1 minute' where id = $1`, [invitation.id]);

    expect((await preview(invitation.token)).json.error).toEqual(INVALID_LINK);
    const res = await accept(invitation.token, { password: 'mon-mot-de-passe-a-moi' });
    expect(res.status).toBe(404);
    expect(res.json.error).toEqual(INVALID_LINK);
    expect(await rowCounts(db, ['users'])).toEqual({ users: 1 });
    const list = await api(server.url, admin.cookie).get(`/organisations/${admin.organisationId}/invitations`);
    expect(list.json.invitations).toEqual([expect.objectContaining({ id: invitation.id, status: 'expired' })]);
  });

  it('answers in English for an English-speaking browser', async () => {
    const res = await api(server.url).get('/invitations/by-token/abc.def', { headers: { 'accept-language': 'en' } });
    expect(res.status).toBe(404);
    expect(res.json.error.message).toBe(INVALID_LINK.messageEn);
  });

  it('revokes the previous link when the person is invited again', async () => {
    const person = await createPerson(server.url, admin.cookie, admin.organisationId);
    const first = await invite(server.url, admin.cookie, person.id);
    const second = await invite(server.url, admin.cookie, person.id);

    expect((await preview(first.token)).status).toBe(404);
    expect((await accept(first.token, { password: 'mon-mot-de-passe-a-moi' })).status).toBe(404);
    expect((await preview(second.token)).status).toBe(200);
    const list = await api(server.url, admin.cookie).get(`/organisations/${admin.organisationId}/invitations`);
    const statuses = Object.fromEntries(list.json.invitations.map((i: { id: string; status: string }) => [i.id, i.status]));
    expect(statuses).toEqual({ [first.id]: 'revoked', [second.id]: 'pending' });
    expect((await accept(second.token, { password: 'mon-mot-de-passe-a-moi' })).status).toBe(201);
  });

  it('stops a link the administrator revoked', async () => {
    const person = await createPerson(server.url, admin.cookie, admin.organisationId);
    const invitation = await invite(server.url, admin.cookie, person.id);
    expect((await api(server.url, admin.cookie).delete(`/invitations/${invitation.id}`)).status).toBe(204);
    expect((await accept(invitation.token, { password: 'mon-mot-de-passe-a-moi' })).status).toBe(404);
  });

  it('refuses to invite a person who already has an account with 409', async () => {
    const person = await createPerson(server.url, admin.cookie, admin.organisationId);
    const invitation = await invite(server.url, admin.cookie, person.id);
    await accept(invitation.token, { password: 'mon-mot-de-passe-a-moi' });
    const res = await api(server.url, admin.cookie).post(`/people/${person.id}/invitations`);
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('conflict');
  });

  it('asks a person without an email address for one when accepting', async () => {
    const person = await createPerson(server.url, admin.cookie, admin.organisationId, { email: null });
    const invitation = await invite(server.url, admin.cookie, person.id);
    const missing = await accept(invitation.token, { password: 'mon-mot-de-passe-a-moi' });
    expect(missing.status).toBe(400);
    expect(missing.json.error).toMatchObject({ code: 'validation_failed', fields: { email: 'Adresse e-mail requise.' } });
    const ok = await accept(invitation.token, { password: 'mon-mot-de-passe-a-moi', email: 'sans.adresse@exemple.test' });
    expect(ok.status).toBe(201);
    const shown = await api(server.url, admin.cookie).get(`/people/${person.id}`);
    expect(shown.json.person).toMatchObject({ email: 'sans.adresse@exemple.test', hasAccount: true });
  });

  it('links an existing account from another organisation only with that account’s password', async () => {
    const b = await server.concerto.services.organisations.ensureWithAdmin({
      orgName: 'Habitat Sud Atlantique',
      email: 'admin@hsa.test',
      password: 'mot-de-passe-de-hsa'
    });
    const person = await createPerson(server.url, admin.cookie, admin.organisationId, { email: 'Admin@HSA.test' });
    const invitation = await invite(server.url, admin.cookie, person.id);
    expect((await preview(invitation.token)).json.invitation.accountExists).toBe(true);

    const wrong = await accept(invitation.token, { password: 'pas-le-bon-mot-de-passe' });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.fields).toHaveProperty('password');
    expect((await preview(invitation.token)).status).toBe(200);

    const right = await accept(invitation.token, { password: 'mot-de-passe-de-hsa' });
    expect(right.status).toBe(201);
    expect(right.json.userId).toBe(b.userId);
    const orgs = await api(server.url, cookieFrom(right.headers)).get('/organisations');
    expect(orgs.json.organisations.map((o: { id: string }) => o.id).sort()).toEqual([admin.organisationId, b.organisation.id].sort());
  });

  it('refuses with 409, not a server error, to link an account that already belongs to the organisation', async () => {
    // A person entered without an address; the one who opens the link types the address of an
    // account that already is someone in this organisation (here the administrator's).
    const person = await createPerson(server.url, admin.cookie, admin.organisationId, { fullName: 'Doublon', email: null });
    const invitation = await invite(server.url, admin.cookie, person.id);
    const before = await rowCounts(db, ['users', 'people', 'sessions']);
    const res = await accept(invitation.token, { password: admin.password, email: admin.email });
    expect(res.status).toBe(409);
    expect(res.json.error).toMatchObject({ code: 'conflict', message: expect.any(String), messageEn: expect.any(String) });
    expect(await rowCounts(db, ['users', 'people', 'sessions'])).toEqual(before);
    expect((await preview(invitation.token)).status).toBe(200);
  });
});
