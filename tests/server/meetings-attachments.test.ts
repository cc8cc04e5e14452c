import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/db.ts';
import { api, openTestDb, resetDb, setupAdmin, startTestServer, type TestServer } from '../helpers/test-server.ts';
import { createCouncil, createMeeting, type Council } from '../helpers/meeting-fixtures.ts';
import { createBody, createMemberAccount, type MemberAccount } from '../helpers/api-fixtures.ts';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

let db: Db;
let server: TestServer;
let council: Council;
let outsider: MemberAccount;
let meetingId: string;
let itemId: string;

async function upload(cookie: string, item: string, body: Buffer, type: string, filename = 'offre.pdf') {
  const res = await fetch(`${server.url}/api/v1/agenda-items/${item}/attachments?filename=${encodeURIComponent(filename)}`, {
    method: 'POST',
    headers: { cookie, 'content-type': type },
    body: new Uint8Array(body)
  });
  return { status: res.status, json: (await res.json().catch(() => null)) as any };
}

beforeAll(async () => {
  db = await openTestDb();
  server = await startTestServer({ db });
});
afterAll(async () => {
  await server?.close();
  await db?.close();
});
beforeEach(async () => {
  await resetDb(db);
  const admin = await setupAdmin(server.url);
  council = await createCouncil(server.url, admin.cookie, admin.organisationId);
  const otherBody = await createBody(server.url, admin.cookie, admin.organisationId, { name: 'Groupe de travail espaces verts', kind: 'working_group' });
  outsider = await createMemberAccount(server.url, admin.cookie, admin.organisationId, {
    person: { fullName: 'Gilles Bordenave', email: 'gilles@exemple.test' },
    bodyId: otherBody.id
  });
  meetingId = (await createMeeting(server.url, council.secretary.cookie, council.bodyId)).id;
  const res = await api(server.url, council.secretary.cookie).post(`/meetings/${meetingId}/agenda`, { title: 'Renouvellement du marché de gaz propane' });
  itemId = res.json.item.id;
});

describe('agenda attachments (PDF and images, size-limited, stored in Postgres)', () => {
  it('stores a PDF on an item, lists it in the state and serves it back to members', async () => {
    const up = await upload(council.secretary.cookie, itemId, PDF, 'application/pdf', 'Offre ANTARGAZ.pdf');
    expect(up.status).toBe(201);
    expect(up.json.attachment).toMatchObject({ filename: 'Offre ANTARGAZ.pdf', mimeType: 'application/pdf', sizeBytes: PDF.length });
    const state = await api(server.url, council.tenants[0].cookie).get(`/meetings/${meetingId}/state`);
    expect(state.json.state.agenda[0].attachments).toEqual([up.json.attachment]);
    const got = await fetch(`${server.url}/api/v1/attachments/${up.json.attachment.id}`, { headers: { cookie: council.tenants[0].cookie } });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await got.arrayBuffer()).equals(PDF)).toBe(true);
  });

  it('accepts an image and refuses other types, mismatched content and files over 10 MB, storing nothing', async () => {
    expect((await upload(council.secretary.cookie, itemId, PNG, 'image/png', 'plan.png')).status).toBe(201);
    const wrongType = await upload(council.secretary.cookie, itemId, Buffer.from('<html>'), 'text/html', 'x.html');
    expect(wrongType.status).toBe(400);
    const liar = await upload(council.secretary.cookie, itemId, Buffer.from('not a pdf at all'), 'application/pdf');
    expect(liar.status).toBe(422);
    expect(liar.json.error.fields.file).toMatch(/ne correspond pas/);
    const big = Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)]);
    expect((await upload(council.secretary.cookie, itemId, big, 'application/pdf')).status).toBe(413);
    const [{ n }] = await db.query<{ n: number }>('select count(*)::int as n from agenda_attachments');
    expect(n).toBe(1);
  });

  it('lets only the secretariat attach files, and hides them from people outside the body', async () => {
    const byMember = await upload(council.tenants[0].cookie, itemId, PDF, 'application/pdf');
    expect(byMember.status).toBe(403);
    const up = await upload(council.secretary.cookie, itemId, PDF, 'application/pdf');
    const fromOutsider = await api(server.url, outsider.cookie).get(`/attachments/${up.json.attachment.id}`);
    expect(fromOutsider.status).toBe(404);
    const anonymous = await fetch(`${server.url}/api/v1/attachments/${up.json.attachment.id}`);
    expect(anonymous.status).toBe(401);
  });
});
