import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/db.ts';
import { createMemberAccount } from '../helpers/api-fixtures.ts';
import { connected, socketClient } from '../helpers/realtime-clients.ts';
import {
  ADMIN,
  api,
  cookieFrom,
  openTestDb,
  resetDb,
  rowCounts,
  setupAdmin,
  startTestServer,
  type TestServer
} from '../helpers/test-server.ts';

let db: Db;
let server: TestServer;

beforeAll(async () => {
  db = await openTestDb();
  server = await startTestServer({ db });
});

beforeEach(async () => {
  await resetDb(db);
});

afterAll(async () => {
  await server?.close();
  await db?.close();
});

const login = (email: string, password: string, headers: Record<string, string> = {}) =>
  api(server.url).post('/auth/login', { email, password }, { headers });

describe('first-run setup', () => {
  it('tells a fresh install that setup is still to do', async () => {
    const res = await api(server.url).get('/setup');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ setupDone: false });
  });

  it('creates the organisation and its administrator and logs the administrator in with an HttpOnly SameSite=Lax cookie', async () => {
    const res = await api(server.url).post('/setup', ADMIN);
    expect(res.status).toBe(201);
    expect(res.json.organisation).toMatchObject({ name: ADMIN.organisationName, slug: expect.stringMatching(/^office-64/) });
    expect(res.json.user).toMatchObject({ email: ADMIN.email, displayName: ADMIN.adminName, isPlatformAdmin: true });

    const [setCookie] = res.headers.getSetCookie();
    expect(setCookie).toMatch(/^concerto_session=[^;]+/);
    expect(setCookie).toMatch(/;\s*HttpOnly/i);
    expect(setCookie).toMatch(/;\s*SameSite=Lax/i);
    expect(setCookie).toMatch(/;\s*Path=\//i);
    // Served over plain http here: a Secure cookie would never come back.
    expect(setCookie).not.toMatch(/;\s*Secure/i);

    const me = await api(server.url, cookieFrom(res.headers)).get('/auth/me');
    expect(me.status).toBe(200);
    expect(me.json.user.email).toBe(ADMIN.email);
    expect(me.json.organisations).toEqual([expect.objectContaining({ id: res.json.organisation.id })]);
    expect((await api(server.url).get('/setup')).json).toEqual({ setupDone: true });
    expect(await rowCounts(db, ['organisations', 'users', 'people'])).toEqual({ organisations: 1, users: 1, people: 1 });
  });

  it('refuses a second setup with 409 setup_done and changes nothing', async () => {
    await setupAdmin(server.url);
    const before = await rowCounts(db, ['organisations', 'users', 'people', 'sessions']);

    const res = await api(server.url).post('/setup', {
      organisationName: 'Bailleur Pirate',
      adminName: 'Intrus',
      email: 'intrus@pirate.test',
      password: 'un-mot-de-passe-long'
    });
    expect(res.status).toBe(409);
    expect(res.json.error).toMatchObject({
      code: 'setup_done',
      message: 'Concerto est déjà configuré. Connectez-vous.',
      messageEn: 'Concerto is already set up. Please log in.'
    });
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await rowCounts(db, ['organisations', 'users', 'people', 'sessions'])).toEqual(before);
    expect(await db.query('select 1 from users where email = $1', ['intrus@pirate.test'])).toEqual([]);
  });
});

describe('login and sessions', () => {
  it('sets the session cookie and returns the user on a correct login', async () => {
    const admin = await setupAdmin(server.url);
    const res = await login(admin.email, admin.password);
    expect(res.status).toBe(200);
    expect(res.json.user).toMatchObject({ id: admin.userId, email: admin.email });
    const [setCookie] = res.headers.getSetCookie();
    expect(setCookie).toMatch(/^concerto_session=[^;]+;.*HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);

    const me = await api(server.url, cookieFrom(res.headers)).get('/auth/me');
    expect(me.status).toBe(200);
    expect(me.json.user.id).toBe(admin.userId);
  });

  it('marks the cookie Secure when the request came over https through the local proxy', async () => {
    const admin = await setupAdmin(server.url);
    const res = await login(admin.email, admin.password, { 'x-forwarded-proto': 'https' });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()[0]).toMatch(/;\s*Secure/i);
  });

  it('finds the account whatever the case and spacing of the email address', async () => {
    const admin = await setupAdmin(server.url);
    const res = await login(`  ${admin.email.toUpperCase()} `, admin.password);
    expect(res.status).toBe(200);
    expect(res.json.user.id).toBe(admin.userId);
  });

  it('refuses a wrong password with 401 and a French message, plus its English version', async () => {
    const admin = await setupAdmin(server.url);
    const before = await rowCounts(db, ['sessions']);
    const res = await login(admin.email, 'pas-le-bon-mot-de-passe');
    expect(res.status).toBe(401);
    expect(res.json.error).toEqual({
      code: 'unauthorised',
      message: 'Adresse e-mail ou mot de passe incorrect.',
      messageEn: 'Wrong email address or password.'
    });
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await rowCounts(db, ['sessions'])).toEqual(before);
  });

  it('gives the same answer for an unknown account, so it does not reveal which addresses exist', async () => {
    await setupAdmin(server.url);
    const res = await login('personne@nulle-part.test', 'pas-le-bon-mot-de-passe');
    expect(res.status).toBe(401);
    expect(res.json.error.message).toBe('Adresse e-mail ou mot de passe incorrect.');
  });

  it('answers in English when the request says Accept-Language: en', async () => {
    const admin = await setupAdmin(server.url);
    const res = await login(admin.email, 'pas-le-bon-mot-de-passe', { 'accept-language': 'en-GB,en;q=0.9' });
    expect(res.status).toBe(401);
    expect(res.json.error.message).toBe('Wrong email address or password.');
    expect(res.json.error.messageEn).toBe('Wrong email address or password.');
  });

  it('refuses the 11th attempt on one account within the window with 429, even with the right password', async () => {
    const admin = await setupAdmin(server.url);
    for (let i = 1; i <= 10; i++) {
      const res = await login(admin.email, `mauvais-mot-de-passe-${i}`);
      expect(res.status, `attempt ${i}`).toBe(401);
    }
    const res = await login(admin.email, admin.password);
    expect(res.status).toBe(429);
    expect(res.json.error).toMatchObject({
      code: 'rate_limited',
      message: 'Trop de tentatives. Réessayez dans quelques minutes.',
      messageEn: 'Too many attempts. Try again in a few minutes.'
    });
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('keeps counting per account: another account from the same address still logs in', async () => {
    const admin = await setupAdmin(server.url);
    const member = await createMemberAccount(server.url, admin.cookie, admin.organisationId);
    for (let i = 1; i <= 11; i++) await login(admin.email, `mauvais-mot-de-passe-${i}`);
    const res = await login(member.email, member.password);
    expect(res.status).toBe(200);
  });

  it('ends the session on logout: the cookie no longer works', async () => {
    const admin = await setupAdmin(server.url);
    const client = api(server.url, admin.cookie);
    const res = await client.post('/auth/logout');
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().join()).toMatch(/concerto_session=;/);
    const me = await client.get('/auth/me');
    expect(me.status).toBe(401);
    expect(me.json.error.code).toBe('unauthorised');
    expect(await rowCounts(db, ['sessions'])).toEqual({ sessions: 0 });
  });

  it('ends every session of the user on logout-all, and only theirs', async () => {
    const admin = await setupAdmin(server.url);
    const member = await createMemberAccount(server.url, admin.cookie, admin.organisationId);
    const second = cookieFrom((await login(admin.email, admin.password)).headers);
    const third = cookieFrom((await login(admin.email, admin.password)).headers);

    const res = await api(server.url, second).post('/auth/logout-all');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: true, sessionsEnded: 3 });
    for (const cookie of [admin.cookie, second, third]) {
      expect((await api(server.url, cookie).get('/auth/me')).status).toBe(401);
    }
    expect((await api(server.url, member.cookie).get('/auth/me')).status).toBe(200);
  });

  it('refuses an expired session and forgets it', async () => {
    const admin = await setupAdmin(server.url);
    await db.query(`update sessions set expires_at = now() - interval '1 minute' where user_id = $1`, [admin.userId]);
    const me = await api(server.url, admin.cookie).get('/auth/me');
    expect(me.status).toBe(401);
    expect(me.json.error).toMatchObject({ code: 'unauthorised', message: 'Connectez-vous pour continuer.', messageEn: 'Please log in to continue.' });
    expect(await rowCounts(db, ['sessions'])).toEqual({ sessions: 0 });
  });

  it('extends a session used in the second half of its life (sliding expiry)', async () => {
    const admin = await setupAdmin(server.url);
    await db.query(`update sessions set expires_at = now() + interval '2 days' where user_id = $1`, [admin.userId]);
    expect((await api(server.url, admin.cookie).get('/auth/me')).status).toBe(200);
    const [row] = await db.query<{ expires_at: Date }>('select expires_at from sessions where user_id = $1', [admin.userId]);
    expect(row.expires_at.getTime() - Date.now()).toBeGreaterThan(20 * 24 * 3600 * 1000);
  });

  it('refuses a forged cookie whose id exists but whose secret does not match', async () => {
    const admin = await setupAdmin(server.url);
    const forged = admin.cookie.replace(/\.([a-z0-9]+)$/, '.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    expect(forged).not.toBe(admin.cookie);
    expect((await api(server.url, forged).get('/auth/me')).status).toBe(401);
  });

  it('changes the password: the old one stops working and the new one logs in', async () => {
    const admin = await setupAdmin(server.url);
    const res = await api(server.url, admin.cookie).post('/auth/password', {
      currentPassword: admin.password,
      newPassword: 'un-nouveau-mot-de-passe'
    });
    expect(res.status).toBe(200);
    expect((await login(admin.email, admin.password)).status).toBe(401);
    expect((await login(admin.email, 'un-nouveau-mot-de-passe')).status).toBe(200);
  });

  it('refuses a password change with a wrong current password and keeps the old one', async () => {
    const admin = await setupAdmin(server.url);
    const res = await api(server.url, admin.cookie).post('/auth/password', {
      currentPassword: 'pas-le-bon-mot-de-passe',
      newPassword: 'un-nouveau-mot-de-passe'
    });
    expect(res.status).toBe(401);
    expect(res.json.error).toMatchObject({ code: 'unauthorised', fields: { currentPassword: 'Mot de passe actuel incorrect.' } });
    expect((await login(admin.email, admin.password)).status).toBe(200);
  });
});

describe('personal API tokens', () => {
  it('work as Authorization: Bearer wherever the cookie does, and stop working once revoked', async () => {
    const admin = await setupAdmin(server.url);
    const created = await api(server.url, admin.cookie).post('/auth/tokens', { name: 'Script de synchronisation' });
    expect(created.status).toBe(201);
    const token: string = created.json.token;
    expect(token).toMatch(/^cnc_/);
    const bearer = { authorization: `Bearer ${token}` };
    const viaToken = api(server.url);

    const me = await viaToken.get('/auth/me', { headers: bearer });
    expect(me.status).toBe(200);
    expect(me.json.user.id).toBe(admin.userId);

    const body = await viaToken.post(`/organisations/${admin.organisationId}/bodies`, { name: 'CCL Pau nord', kind: 'ccl' }, { headers: bearer });
    expect(body.status).toBe(201);
    const bodies = await viaToken.get(`/organisations/${admin.organisationId}/bodies`, { headers: bearer });
    expect(bodies.json.bodies.map((b: { name: string }) => b.name)).toEqual(['CCL Pau nord']);

    const socket = socketClient(server.url, bearer);
    try {
      await connected(socket);
      const whoami = await socket.emitWithAck('session:whoami');
      expect(whoami).toMatchObject({ ok: true, data: { id: admin.userId, kind: 'user' } });
    } finally {
      socket.disconnect();
    }

    const listed = await api(server.url, admin.cookie).get('/auth/tokens');
    expect(listed.json.tokens).toEqual([expect.objectContaining({ id: created.json.info.id, name: 'Script de synchronisation' })]);
    expect(listed.json.tokens[0].lastUsedAt).not.toBeNull();

    const revoked = await api(server.url, admin.cookie).delete(`/auth/tokens/${created.json.info.id}`);
    expect(revoked.status).toBe(204);
    const after = await viaToken.get('/auth/me', { headers: bearer });
    expect(after.status).toBe(401);
    expect(after.json.error.code).toBe('unauthorised');
  });

  it('never stores the token itself, only its hash', async () => {
    const admin = await setupAdmin(server.url);
    const created = await api(server.url, admin.cookie).post('/auth/tokens', { name: 'Export' });
    const secret = String(created.json.token).split('.')[1];
    const rows = await db.query<{ secret_hash: string }>('select secret_hash from api_tokens');
    expect(rows).toHaveLength(1);
    expect(rows[0].secret_hash).not.toContain(secret);
  });

  it("refuses to revoke someone else's token", async () => {
    const admin = await setupAdmin(server.url);
    const member = await createMemberAccount(server.url, admin.cookie, admin.organisationId);
    const created = await api(server.url, admin.cookie).post('/auth/tokens', { name: 'Export' });
    const res = await api(server.url, member.cookie).delete(`/auth/tokens/${created.json.info.id}`);
    expect(res.status).toBe(404);
    expect((await api(server.url).get('/auth/me', { headers: { authorization: `Bearer ${created.json.token}` } })).status).toBe(200);
  });
});
