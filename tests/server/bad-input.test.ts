import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/db.ts';
import type { ErrorCode } from '../../src/lib/protocol/result.ts';
import { addMembership, createBody, createPerson, invite } from '../helpers/api-fixtures.ts';
import {
  ADMIN,
  api,
  openTestDb,
  resetDb,
  rowCounts,
  setupAdmin,
  startTestServer,
  type ApiResponse,
  type TestServer
} from '../helpers/test-server.ts';

/**
 * Issue 3, "Done when": bad input to every API route gets a clear French/English message and
 * changes nothing. One table per mutating route of server/api/router.ts; each case is sent in
 * French and in English, and every table's row count (and the edited row, for PATCH) is
 * compared before and after.
 *
 * The fixture is built once for the whole file (not per case): every case asserts that it
 * changed nothing, so the next case starts from the same state. First-run setup is checked
 * first, on an empty install.
 */

let db: Db;
let server: TestServer;

beforeAll(async () => {
  db = await openTestDb();
  server = await startTestServer({ db });
});

afterAll(async () => {
  await server?.close();
  await db?.close();
});

// rate_limits is left out on purpose: refused join attempts count towards the per-address limit.
const TABLES = [
  'organisations',
  'users',
  'sessions',
  'api_tokens',
  'people',
  'bodies',
  'memberships',
  'invitations',
  'guest_codes',
  'guests',
  'audit_events',
  'yjs_updates'
] as const;

interface Fixture {
  cookie: string;
  orgId: string;
  adminPersonId: string;
  bodyId: string;
  /** In the organisation, member of no body. */
  personId: string;
  memberMembershipId: string;
  observerMembershipId: string;
  invitationToken: string;
  invitationId: string;
}

async function buildFixture(): Promise<Fixture> {
  await resetDb(db);
  const admin = await setupAdmin(server.url);
  const body = await createBody(server.url, admin.cookie, admin.organisationId);
  const person = await createPerson(server.url, admin.cookie, admin.organisationId);
  const member = await createPerson(server.url, admin.cookie, admin.organisationId);
  const observer = await createPerson(server.url, admin.cookie, admin.organisationId);
  const memberMembership = await addMembership(server.url, admin.cookie, body.id, member.id, { role: 'member', votingRight: true });
  const observerMembership = await addMembership(server.url, admin.cookie, body.id, observer.id, { role: 'observer', college: 'other' });
  const invited = await createPerson(server.url, admin.cookie, admin.organisationId);
  const invitation = await invite(server.url, admin.cookie, invited.id);
  const [adminPerson] = await db.query<{ id: string }>('select id from people where user_id = $1', [admin.userId]);
  return {
    cookie: admin.cookie,
    orgId: admin.organisationId,
    adminPersonId: adminPerson.id,
    bodyId: body.id,
    personId: person.id,
    memberMembershipId: memberMembership.id,
    observerMembershipId: observerMembership.id,
    invitationToken: invitation.token,
    invitationId: invitation.id
  };
}

let fixture: Promise<Fixture> | null = null;
const sharedFixture = (): Promise<Fixture> => (fixture ??= buildFixture());

interface BadInputCase {
  name: string;
  /** JSON-encoded as the body; ignored when `raw` is given. */
  body?: (f: Fixture) => unknown;
  /** Sent as is with Content-Type: application/json. */
  raw?: string;
  status?: 400 | 404 | 422;
  code?: ErrorCode;
  /** Fields the error must name; none for a body that is not JSON at all. */
  fields: string[];
}

interface RouteTable {
  method: 'POST' | 'PATCH';
  route: string;
  path: (f: Fixture) => string;
  /** Sent with the administrator's cookie unless false. */
  authenticated: boolean;
  /** The row a PATCH would change, read before and after. */
  row?: (f: Fixture) => Promise<unknown>;
  /** Run on a fresh install instead of the fixture (first-run setup). */
  freshInstall?: boolean;
  cases: BadInputCase[];
}

const MALFORMED: BadInputCase = { name: 'a body that is not valid JSON', raw: '{"name": "CCL", ', status: 400, code: 'bad_request', fields: [] };

const rowOf = (table: string) => (id: (f: Fixture) => string) => (f: Fixture) => db.query(`select * from ${table} where id = $1`, [id(f)]);

const ROUTES: RouteTable[] = [
  {
    method: 'POST',
    route: '/setup',
    path: () => '/setup',
    authenticated: false,
    freshInstall: true,
    cases: [
      { name: 'every field missing', body: () => ({}), fields: ['organisationName', 'adminName', 'email', 'password'] },
      {
        name: 'every field of the wrong type',
        body: () => ({ organisationName: 42, adminName: ['Claire'], email: true, password: 1234567890123 }),
        fields: ['organisationName', 'adminName', 'email', 'password']
      },
      { name: 'a malformed email and a short password', body: () => ({ ...ADMIN, email: 'pas-une-adresse', password: 'court' }), fields: ['email', 'password'] },
      { name: 'a one-letter organisation name', body: () => ({ ...ADMIN, organisationName: 'O' }), fields: ['organisationName'] },
      MALFORMED
    ]
  },
  {
    method: 'POST',
    route: '/auth/login',
    path: () => '/auth/login',
    authenticated: false,
    cases: [
      { name: 'every field missing', body: () => ({}), fields: ['email', 'password'] },
      { name: 'fields of the wrong type', body: () => ({ email: 42, password: false }), fields: ['email', 'password'] },
      { name: 'a malformed email', body: () => ({ email: 'claire', password: ADMIN.password }), fields: ['email'] },
      MALFORMED
    ]
  },
  {
    method: 'POST',
    route: '/auth/password',
    path: () => '/auth/password',
    authenticated: true,
    row: (f) => db.query('select password_hash from users u join people p on p.user_id = u.id where p.id = $1', [f.adminPersonId]),
    cases: [
      { name: 'every field missing', body: () => ({}), fields: ['currentPassword', 'newPassword'] },
      { name: 'a new password under 10 characters', body: () => ({ currentPassword: ADMIN.password, newPassword: 'court' }), fields: ['newPassword'] },
      { name: 'fields of the wrong type', body: () => ({ currentPassword: 12, newPassword: 12345678901 }), fields: ['currentPassword', 'newPassword'] },
      MALFORMED
    ]
  },
  {
    method: 'POST',
    route: '/auth/tokens',
    path: () => '/auth/tokens',
    authenticated: true,
    cases: [
      { name: 'no name', body: () => ({}), fields: ['name'] },
      { name: 'an empty name', body: () => ({ name: '   ' }), fields: ['name'] },
      { name: 'a name that is a number', body: () => ({ name: 42 }), fields: ['name'] },
      { name: 'a name over 100 characters', body: () => ({ name: 'x'.repeat(101) }), fields: ['name'] },
      MALFORMED
    ]
  },
  {
    method: 'POST',
    route: '/organisations',
    path: () => '/organisations',
    authenticated: true,
    cases: [
      { name: 'no name', body: () => ({}), fields: ['name'] },
      { name: 'a name that is a number', body: () => ({ name: 7 }), fields: ['name'] },
      { name: 'a short name with spaces and capitals', body: () => ({ name: 'Nouvel Office', slug: 'Pas Un Slug!' }), fields: ['slug'] },
      MALFORMED
    ]
  },
  {
    method: 'PATCH',
    route: '/organisations/:orgId',
    path: (f) => `/organisations/${f.orgId}`,
    authenticated: true,
    row: rowOf('organisations')((f) => f.orgId),
    cases: [
      { name: 'no name', body: () => ({}), fields: ['name'] },
      { name: 'a one-letter name', body: () => ({ name: 'X' }), fields: ['name'] },
      { name: 'a null name', body: () => ({ name: null }), fields: ['name'] },
      MALFORMED
    ]
  },
  {
    method: 'POST',
    route: '/organisations/:orgId/bodies',
    path: (f) => `/organisations/${f.orgId}/bodies`,
    authenticated: true,
    cases: [
      { name: 'every field missing', body: () => ({}), fields: ['name', 'kind'] },
      { name: 'an unknown kind', body: () => ({ name: 'Parlement', kind: 'parlement' }), fields: ['kind'] },
      { name: 'a parent id that is not an id', body: () => ({ name: 'Sous-groupe', kind: 'working_group', parentId: 'pas-un-uuid' }), fields: ['parentId'] },
      { name: 'a description that is a number', body: () => ({ name: 'CCL', kind: 'ccl', description: 5 }), fields: ['description'] },
      {
        name: 'a parent that does not exist',
        body: () => ({ name: 'Sous-groupe', kind: 'working_group', parentId: randomUUID() }),
        status: 422,
        code: 'unprocessable',
        fields: ['parentId']
      },
      MALFORMED
    ]
  },
  {
    method: 'PATCH',
    route: '/bodies/:bodyId',
    path: (f) => `/bodies/${f.bodyId}`,
    authenticated: true,
    row: rowOf('bodies')((f) => f.bodyId),
    cases: [
      { name: 'a one-letter name', body: () => ({ name: 'X' }), fields: ['name'] },
      { name: 'an unknown kind', body: () => ({ kind: 'parlement' }), fields: ['kind'] },
      { name: 'a parent id that is not an id', body: () => ({ parentId: 'pas-un-uuid' }), fields: ['parentId'] },
      { name: 'itself as its parent', body: (f) => ({ parentId: f.bodyId }), status: 422, code: 'unprocessable', fields: ['parentId'] },
      { name: 'a field that does not exist', body: () => ({ colour: 'rouge' }), fields: ['colour'] },
      MALFORMED
    ]
  },
  {
    method: 'POST',
    route: '/organisations/:orgId/people',
    path: (f) => `/organisations/${f.orgId}/people`,
    authenticated: true,
    cases: [
      { name: 'no name', body: () => ({}), fields: ['fullName'] },
      { name: 'a name that is a number', body: () => ({ fullName: 42 }), fields: ['fullName'] },
      { name: 'a malformed email', body: () => ({ fullName: 'Jeanne Lacoste', email: 'jeanne-at-exemple' }), fields: ['email'] },
      { name: 'a phone number made of words', body: () => ({ fullName: 'Jeanne Lacoste', phone: 'appelez-moi' }), fields: ['phone'] },
      { name: 'an unknown organisation role', body: () => ({ fullName: 'Jeanne Lacoste', orgRole: 'reine' }), fields: ['orgRole'] },
      MALFORMED
    ]
  },
  {
    method: 'PATCH',
    route: '/people/:personId',
    path: (f) => `/people/${f.personId}`,
    authenticated: true,
    row: rowOf('people')((f) => f.personId),
    cases: [
      { name: 'a malformed email', body: () => ({ email: 'jeanne-at-exemple' }), fields: ['email'] },
      { name: 'an empty name', body: () => ({ fullName: '' }), fields: ['fullName'] },
      { name: 'an unknown organisation role', body: () => ({ orgRole: 'reine' }), fields: ['orgRole'] },
      { name: 'a field that does not exist', body: () => ({ nickname: 'Jeannot' }), fields: ['nickname'] },
      MALFORMED
    ]
  },
  {
    method: 'PATCH',
    route: '/people/:personId (the last administrator)',
    path: (f) => `/people/${f.adminPersonId}`,
    authenticated: true,
    row: rowOf('people')((f) => f.adminPersonId),
    cases: [{ name: 'demoting the only administrator', body: () => ({ orgRole: 'member' }), status: 422, code: 'unprocessable', fields: ['orgRole'] }]
  },
  {
    method: 'POST',
    route: '/bodies/:bodyId/memberships',
    path: (f) => `/bodies/${f.bodyId}/memberships`,
    authenticated: true,
    cases: [
      { name: 'every field missing', body: () => ({}), fields: ['personId', 'role', 'college'] },
      { name: 'a person id that is not an id', body: () => ({ personId: 'jeanne', role: 'member', college: 'tenant' }), fields: ['personId'] },
      { name: 'an unknown role', body: (f) => ({ personId: f.personId, role: 'roi', college: 'tenant' }), fields: ['role'] },
      { name: 'an unknown college', body: (f) => ({ personId: f.personId, role: 'member', college: 'martiens' }), fields: ['college'] },
      { name: 'an unknown affiliation', body: (f) => ({ personId: f.personId, role: 'member', college: 'tenant', affiliation: 'fsu' }), fields: ['affiliation'] },
      { name: 'a voting right that is not a yes or no', body: (f) => ({ personId: f.personId, role: 'member', college: 'tenant', votingRight: 'peut-être' }), fields: ['votingRight'] },
      { name: 'a French-style date', body: (f) => ({ personId: f.personId, role: 'member', college: 'tenant', mandateStart: '15/01/2025' }), fields: ['mandateStart'] },
      {
        name: 'a mandate ending before it starts',
        body: (f) => ({ personId: f.personId, role: 'member', college: 'tenant', mandateStart: '2026-01-01', mandateEnd: '2025-01-01' }),
        fields: ['mandateEnd']
      },
      // Domain brief: observers see but do not vote.
      { name: 'an observer with a voting right', body: (f) => ({ personId: f.personId, role: 'observer', college: 'other', votingRight: true }), fields: ['votingRight'] },
      { name: 'a person who does not exist', body: () => ({ personId: randomUUID(), role: 'member', college: 'tenant' }), status: 422, code: 'unprocessable', fields: ['personId'] },
      MALFORMED
    ]
  },
  {
    method: 'PATCH',
    route: '/memberships/:membershipId',
    path: (f) => `/memberships/${f.memberMembershipId}`,
    authenticated: true,
    row: rowOf('memberships')((f) => f.memberMembershipId),
    cases: [
      { name: 'an unknown role', body: () => ({ role: 'roi' }), fields: ['role'] },
      { name: 'a voting right that is not a yes or no', body: () => ({ votingRight: 'peut-être' }), fields: ['votingRight'] },
      { name: 'a date that is not a date', body: () => ({ mandateEnd: 'demain' }), fields: ['mandateEnd'] },
      { name: 'a voting member turned observer', body: () => ({ role: 'observer' }), fields: ['votingRight'] },
      { name: 'a field that does not exist', body: (f) => ({ bodyId: f.bodyId }), fields: ['bodyId'] },
      MALFORMED
    ]
  },
  {
    method: 'PATCH',
    route: '/memberships/:membershipId (an observer)',
    path: (f) => `/memberships/${f.observerMembershipId}`,
    authenticated: true,
    row: rowOf('memberships')((f) => f.observerMembershipId),
    cases: [{ name: 'a voting right for an observer', body: () => ({ votingRight: true }), fields: ['votingRight'] }]
  },
  {
    method: 'POST',
    route: '/invitations/by-token/:token/accept',
    path: (f) => `/invitations/by-token/${f.invitationToken}/accept`,
    authenticated: false,
    row: rowOf('invitations')((f) => f.invitationId),
    cases: [
      { name: 'no password', body: () => ({}), fields: ['password'] },
      { name: 'a password under 10 characters', body: () => ({ password: 'court' }), fields: ['password'] },
      { name: 'a password that is a number', body: () => ({ password: 12345678901 }), fields: ['password'] },
      { name: 'a malformed email', body: () => ({ password: 'un-mot-de-passe-long', email: 'moi' }), fields: ['email'] },
      { name: 'a one-letter display name', body: () => ({ password: 'un-mot-de-passe-long', displayName: 'J' }), fields: ['displayName'] },
      MALFORMED
    ]
  },
  {
    method: 'POST',
    route: '/organisations/:orgId/guest-codes',
    path: (f) => `/organisations/${f.orgId}/guest-codes`,
    authenticated: true,
    cases: [
      { name: 'every field missing', body: () => ({}), fields: ['targetKind', 'targetId'] },
      { name: 'an unknown target kind', body: (f) => ({ targetKind: 'concert', targetId: f.bodyId }), fields: ['targetKind'] },
      { name: 'a target id that is not an id', body: () => ({ targetKind: 'body', targetId: 'ccl' }), fields: ['targetId'] },
      { name: 'zero hours', body: (f) => ({ targetKind: 'body', targetId: f.bodyId, hours: 0 }), fields: ['hours'] },
      { name: 'more than 14 days', body: (f) => ({ targetKind: 'body', targetId: f.bodyId, hours: 24 * 15 }), fields: ['hours'] },
      { name: 'hours that are not a number', body: (f) => ({ targetKind: 'body', targetId: f.bodyId, hours: 'beaucoup' }), fields: ['hours'] },
      { name: 'a body that does not exist', body: () => ({ targetKind: 'body', targetId: randomUUID() }), status: 422, code: 'unprocessable', fields: ['targetId'] },
      MALFORMED
    ]
  },
  {
    method: 'POST',
    route: '/guests/join',
    path: () => '/guests/join',
    authenticated: false,
    cases: [
      { name: 'every field missing', body: () => ({}), fields: ['code', 'displayName'] },
      { name: 'a code too short', body: () => ({ code: '12', displayName: 'Visiteur' }), fields: ['code'] },
      { name: 'a code that is a number', body: () => ({ code: 123456, displayName: 'Visiteur' }), fields: ['code'] },
      { name: 'an empty display name', body: () => ({ code: 'ABCDEF', displayName: ' ' }), fields: ['displayName'] },
      { name: 'a display name over 60 characters', body: () => ({ code: 'ABCDEF', displayName: 'x'.repeat(61) }), fields: ['displayName'] },
      MALFORMED
    ]
  }
];

async function send(table: RouteTable, c: BadInputCase, f: Fixture, locale: 'fr' | 'en'): Promise<ApiResponse> {
  const client = api(server.url, table.authenticated ? f.cookie : undefined);
  const headers = { 'accept-language': locale === 'en' ? 'en' : 'fr-FR,fr;q=0.9' };
  return client.call(table.method, table.path(f), c.raw === undefined ? c.body?.(f) : undefined, { headers, rawBody: c.raw });
}

function expectClearError(res: ApiResponse, c: BadInputCase, locale: 'fr' | 'en'): void {
  const status = c.status ?? 400;
  const code = c.code ?? 'validation_failed';
  expect(res.status, JSON.stringify(res.json)).toBe(status);
  const error = res.json?.error;
  expect(error?.code).toBe(code);
  expect(error.message).toEqual(expect.any(String));
  expect(error.messageEn).toEqual(expect.any(String));
  expect(error.message.length).toBeGreaterThan(5);
  if (locale === 'en') expect(error.message).toBe(error.messageEn);
  else expect(error.message).not.toBe(error.messageEn);
  if (code === 'validation_failed') {
    expect(error.message).toMatch(locale === 'fr' ? /^Vérifiez ces champs : / : /^Please check these fields: /);
    expect(error.messageEn).toMatch(/^Please check these fields: /);
    for (const field of c.fields) expect(error.message).toContain(field);
  }
  if (code === 'bad_request') {
    expect(error.message).toBe(locale === 'fr' ? 'Le corps de la requête n’est pas du JSON valide.' : 'The request body is not valid JSON.');
  }
  for (const field of c.fields) {
    expect(error.fields, `fields of ${JSON.stringify(error)}`).toHaveProperty([field]);
    expect(error.fields[field]).toEqual(expect.any(String));
    expect(error.fields[field].length).toBeGreaterThan(3);
  }
}

async function state(table: RouteTable, f: Fixture) {
  return { counts: await rowCounts(db, TABLES), row: await table.row?.(f) };
}

for (const table of ROUTES) {
  describe(`${table.method} /api/v1${table.route} with bad input`, () => {
    let f: Fixture;
    beforeAll(async () => {
      if (table.freshInstall) {
        await resetDb(db);
        fixture = null;
        f = {} as Fixture;
      } else {
        f = await sharedFixture();
      }
    });

    for (const c of table.cases) {
      const outcome = `${c.status ?? 400} ${c.code ?? 'validation_failed'}${c.fields.length ? ` naming ${c.fields.join(', ')}` : ''}`;
      it(`answers ${c.name} with ${outcome}, in French and English, and changes nothing`, async () => {
        const before = await state(table, f);

        const fr = await send(table, c, f, 'fr');
        expectClearError(fr, c, 'fr');
        const en = await send(table, c, f, 'en');
        expectClearError(en, c, 'en');
        expect(Object.keys(en.json.error.fields ?? {}).sort()).toEqual(Object.keys(fr.json.error.fields ?? {}).sort());
        for (const field of c.fields) expect(en.json.error.fields[field], `English text of ${field}`).not.toBe(fr.json.error.fields[field]);
        expect(fr.headers.getSetCookie()).toEqual([]);

        expect(await state(table, f)).toEqual(before);
      });
    }
  });
}

describe('changes that are not JSON', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await sharedFixture();
  });

  // A cross-site HTML form can POST with the victim's cookie but cannot send application/json
  // without a CORS preflight, which the API never grants (comment in server/api/router.ts).
  for (const [contentType, payload] of [
    ['application/x-www-form-urlencoded', 'fullName=Intrus'],
    ['text/plain', 'fullName=Intrus'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="fullName"\r\n\r\nIntrus\r\n--x--\r\n']
  ]) {
    it(`refuses a cookie-authenticated change sent as ${contentType.split(';')[0]} with 400 bad_request, and changes nothing`, async () => {
      const before = await rowCounts(db, TABLES);
      const res = await fetch(`${server.url}/api/v1/people/${f.personId}/invitations`, {
        method: 'POST',
        headers: { cookie: f.cookie, 'content-type': contentType },
        body: payload
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: unknown }).error).toEqual({
        code: 'bad_request',
        message: 'Envoyez du JSON (Content-Type: application/json).',
        messageEn: 'Send JSON (Content-Type: application/json).'
      });
      expect(await rowCounts(db, TABLES)).toEqual(before);
    });
  }
});

describe('ids and routes that do not exist', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await sharedFixture();
  });

  const NOT_UUID = 'pas-un-uuid';
  const requests: Array<[string, string]> = [
    ['GET', `/organisations/${NOT_UUID}`],
    ['PATCH', `/organisations/${NOT_UUID}`],
    ['GET', `/organisations/${NOT_UUID}/bodies`],
    ['POST', `/organisations/${NOT_UUID}/bodies`],
    ['GET', `/organisations/${NOT_UUID}/people`],
    ['POST', `/organisations/${NOT_UUID}/people`],
    ['GET', `/organisations/${NOT_UUID}/invitations`],
    ['POST', `/organisations/${NOT_UUID}/guest-codes`],
    ['GET', `/bodies/${NOT_UUID}`],
    ['PATCH', `/bodies/${NOT_UUID}`],
    ['DELETE', `/bodies/${NOT_UUID}`],
    ['GET', `/bodies/${NOT_UUID}/memberships`],
    ['POST', `/bodies/${NOT_UUID}/memberships`],
    ['GET', `/people/${NOT_UUID}`],
    ['PATCH', `/people/${NOT_UUID}`],
    ['POST', `/people/${NOT_UUID}/invitations`],
    ['PATCH', `/memberships/${NOT_UUID}`],
    ['DELETE', `/memberships/${NOT_UUID}`],
    ['DELETE', `/invitations/${NOT_UUID}`]
  ];

  for (const [method, path] of requests) {
    it(`answers ${method} ${path} with 404 and a bilingual message, and changes nothing`, async () => {
      const before = await rowCounts(db, TABLES);
      const res = await api(server.url, f.cookie).call(method, path, method === 'GET' || method === 'DELETE' ? undefined : { name: 'Quelque chose' });
      expect(res.status).toBe(404);
      expect(res.json.error).toEqual({ code: 'not_found', message: 'Ressource introuvable.', messageEn: 'Resource not found.' });
      expect(await rowCounts(db, TABLES)).toEqual(before);
    });
  }

  it('answers well-formed ids that match nothing with 404', async () => {
    const id = randomUUID();
    for (const path of [`/organisations/${id}`, `/bodies/${id}`, `/people/${id}`, `/memberships/${id}`]) {
      const res = await api(server.url, f.cookie).call(path.startsWith('/memberships') ? 'PATCH' : 'GET', path, path.startsWith('/memberships') ? { role: 'member' } : undefined);
      expect(res.status, path).toBe(404);
      expect(res.json.error.code, path).toBe('not_found');
      expect(res.json.error.messageEn, path).toMatch(/not found\.$/);
    }
  });

  it('answers an unknown API route with a JSON 404', async () => {
    for (const [method, path] of [
      ['GET', '/nulle-part'],
      ['POST', '/organisations'.concat('/x/y/z')],
      ['DELETE', '/setup']
    ]) {
      const res = await api(server.url, f.cookie).call(method, path);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.json.error).toEqual({ code: 'not_found', message: 'Route introuvable.', messageEn: 'Route not found.' });
    }
  });
});
