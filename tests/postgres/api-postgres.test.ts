import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBody, createPerson, invite } from '../helpers/api-fixtures.ts';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres-database.ts';
import { yjsClient, type YjsClient } from '../helpers/realtime-clients.ts';
import { api, cookieFrom, packageVersion, setupAdmin, startTestServer, type TestServer } from '../helpers/test-server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const baseUrl = process.env.TEST_DATABASE_URL;

// Skipped without TEST_DATABASE_URL; the runner script decides whether that is allowed.
describe.skipIf(!baseUrl)('the API on a real PostgreSQL', () => {
  let temp: TempDatabase;
  let server: TestServer;
  const clients: YjsClient[] = [];

  beforeAll(async () => {
    temp = await createTempDatabase(baseUrl!);
    server = await startTestServer({ env: { DATABASE_URL: temp.url } });
  });

  afterAll(async () => {
    for (const c of clients) c.provider.destroy();
    await server?.close();
    await temp?.drop();
  });

  it('reports postgres on /healthz', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', db: 'postgres', version: packageVersion });
  });

  it('goes from first-run setup to an invited member who sees their body', async () => {
    const admin = await setupAdmin(server.url);
    expect((await api(server.url).post('/setup', { organisationName: 'Autre', adminName: 'Autre', email: 'autre@exemple.test', password: 'un-mot-de-passe-long' })).status).toBe(409);

    const login = await api(server.url).post('/auth/login', { email: admin.email, password: admin.password });
    expect(login.status).toBe(200);
    const cookie = cookieFrom(login.headers);

    const ccl = await createBody(server.url, cookie, admin.organisationId, { name: 'CCL Pau centre' });
    const group = await createBody(server.url, cookie, admin.organisationId, { name: 'Groupe espaces verts', kind: 'working_group', parentId: ccl.id });
    expect(group.parentId).toBe(ccl.id);
    expect((await api(server.url, cookie).patch(`/bodies/${ccl.id}`, { parentId: group.id })).status).toBe(422);

    const person = await createPerson(server.url, cookie, admin.organisationId, { fullName: 'Jeanne Lacoste', email: 'jeanne@exemple.test' });
    const membership = await api(server.url, cookie).post(`/bodies/${ccl.id}/memberships`, {
      personId: person.id,
      role: 'member',
      college: 'tenant',
      affiliation: 'clcv',
      votingRight: true,
      mandateStart: '2025-01-15',
      mandateEnd: '2028-01-14'
    });
    expect(membership.status).toBe(201);
    // `date` columns come back from pg as Date objects: the calendar day must survive.
    expect(membership.json.membership).toMatchObject({ mandateStart: '2025-01-15', mandateEnd: '2028-01-14', votingRight: true });

    const invitation = await invite(server.url, cookie, person.id);
    expect((await api(server.url).get(`/invitations/by-token/${invitation.token}`)).json.invitation.personName).toBe('Jeanne Lacoste');
    const accepted = await api(server.url).post(`/invitations/by-token/${invitation.token}/accept`, { password: 'mon-mot-de-passe-a-moi' });
    expect(accepted.status).toBe(201);
    expect((await api(server.url).post(`/invitations/by-token/${invitation.token}/accept`, { password: 'mon-mot-de-passe-a-moi' })).status).toBe(404);

    const memberCookie = cookieFrom(accepted.headers);
    const bodies = await api(server.url, memberCookie).get(`/organisations/${admin.organisationId}/bodies`);
    expect(bodies.status).toBe(200);
    expect(bodies.json.bodies).toEqual([
      expect.objectContaining({ id: ccl.id, myRole: 'member', memberCount: 1 }),
      expect.objectContaining({ id: group.id, myRole: null })
    ]);
    const relogin = await api(server.url).post('/auth/login', { email: 'jeanne@exemple.test', password: 'mon-mot-de-passe-a-moi' });
    expect(relogin.status).toBe(200);

    // Yjs updates go to a bytea column through pg: the notes survive a reload from the database.
    const docName = `body:${ccl.id}:notes`;
    const writer = yjsClient(server.url, docName, { cookie: memberCookie });
    clients.push(writer);
    await waitFor(() => writer.provider.synced);
    writer.ydoc.getText('notes').insert(0, 'Point 1 : charges');
    await waitFor(async () => {
      const rows = await server.concerto.services.db.query<{ update: Uint8Array }>('select update from yjs_updates where doc = $1', [docName]);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows[0].update).toBeInstanceOf(Uint8Array);
    });
  });
});

describe.skipIf(!baseUrl)('first-run setup on a real PostgreSQL', () => {
  let temp: TempDatabase;
  let server: TestServer;

  beforeAll(async () => {
    temp = await createTempDatabase(baseUrl!);
    server = await startTestServer({ env: { DATABASE_URL: temp.url } });
  });

  afterAll(async () => {
    await server?.close();
    await temp?.drop();
  });

  it('lets exactly one of two simultaneous setups through and answers the other setup_done', async () => {
    const attempt = (n: number) =>
      api(server.url).post('/setup', { organisationName: `Office ${n}`, adminName: `Admin ${n}`, email: `admin${n}@exemple.test`, password: 'un-mot-de-passe-long' });
    const results = await Promise.all([attempt(1), attempt(2)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)?.json.error.code).toBe('setup_done');
    const [{ orgs, users }] = await server.concerto.services.db.query<{ orgs: number; users: number }>(
      'select (select count(*)::int from organisations) as orgs, (select count(*)::int from users) as users'
    );
    expect({ orgs, users }).toEqual({ orgs: 1, users: 1 });
  });

  it('accepts only one of two simultaneous acceptances of the same invitation link', async () => {
    const [winner] = await server.concerto.services.db.query<{ email: string }>('select email from users');
    const login = await api(server.url).post('/auth/login', { email: winner.email, password: 'un-mot-de-passe-long' });
    const cookie = cookieFrom(login.headers);
    const orgId = (await api(server.url, cookie).get('/organisations')).json.organisations[0].id as string;
    const person = await createPerson(server.url, cookie, orgId, { email: 'jeanne@exemple.test' });
    const invitation = await invite(server.url, cookie, person.id);
    const accept = (password: string) => api(server.url).post(`/invitations/by-token/${invitation.token}/accept`, { password });
    const results = await Promise.all([accept('premier-mot-de-passe'), accept('second-mot-de-passe')]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 404]);
    const users = await server.concerto.services.db.query('select 1 from users where email = $1', ['jeanne@exemple.test']);
    expect(users).toHaveLength(1);
  });
});
