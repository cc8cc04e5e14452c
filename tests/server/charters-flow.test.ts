import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCodes } from '../../src/lib/protocol/close-codes.ts';
import { verifyMeetingAudit } from '../../server/audit/meeting-audit.ts';
import type { Db } from '../../server/db/db.ts';
import { pdfTagging, pdfText } from '../../server/documents/pdf-inspect.ts';
import { createBody } from '../helpers/api-fixtures.ts';
import { addParticipant, createCouncil, type Council, type Participant } from '../helpers/meeting-fixtures.ts';
import { yjsClient, type YjsClient } from '../helpers/realtime-clients.ts';
import { api, cookieFrom, openTestDb, setupAdmin, startTestServer, type AdminSession, type TestServer } from '../helpers/test-server.ts';
import { liveMeetingWith, userOf, voteServiceOf } from '../helpers/vote-fixtures.ts';
import { waitFor } from '../helpers/wait-for.ts';

// Issue 6, charters: the Yjs document's policy, named versions, comparison, adoption by a real
// vote, signatures and exports. The council (tests/helpers/meeting-fixtures.ts): a landlord chair
// and secretary, tenant representatives, an observer; 7 voting members.

let db: Db;
let server: TestServer;
let admin: AdminSession;
let council: Council;
let neighbour: Participant;
let otherOrgCookie: string;
const clients: YjsClient[] = [];

beforeAll(async () => {
  db = await openTestDb();
  server = await startTestServer({ db });
  admin = await setupAdmin(server.url);
  council = await createCouncil(server.url, admin.cookie, admin.organisationId);
  // A member of another body of the same organisation reads the charters, never writes them.
  const other = await createBody(server.url, admin.cookie, admin.organisationId, { name: 'Groupe de travail espaces verts', kind: 'working_group' });
  neighbour = await addParticipant(server.url, admin.cookie, admin.organisationId, other.id, { name: 'Gérard Lacoste' });
  await server.concerto.services.organisations.ensureWithAdmin({ orgName: 'Habitat Sud Atlantique', email: 'admin@hsa.test', password: 'mot-de-passe-de-hsa' });
  const login = await api(server.url).post('/auth/login', { email: 'admin@hsa.test', password: 'mot-de-passe-de-hsa' });
  otherOrgCookie = cookieFrom(login.headers);
}, 120_000);

afterEach(() => {
  for (const c of clients.splice(0)) c.provider.destroy();
});

afterAll(async () => {
  await server?.close();
  await db?.close();
});

const services = () => server.concerto.services;
const as = (p: { cookie: string }) => api(server.url, p.cookie);

function connect(docName: string, cookie: string): YjsClient {
  const c = yjsClient(server.url, docName, { cookie });
  clients.push(c);
  return c;
}

const synced = (c: YjsClient) => waitFor(() => c.provider.synced || false);

/** Appends a paragraph the way the editor stores one (ProseMirror nodes in the `content` fragment). */
function writeParagraph(ydoc: Y.Doc, text: string) {
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(text)]);
  ydoc.getXmlFragment('content').push([p]);
}

const textOf = (ydoc: Y.Doc) => ydoc.getXmlFragment('content').toString();

async function newCharter(title: string): Promise<{ id: string; docName: string }> {
  const res = await as(council.tenants[0]).post(`/bodies/${council.bodyId}/charters`, { title });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return { id: res.json.charter.id, docName: res.json.charter.docName };
}

async function saveVersion(charterId: string, name: string, who: { cookie: string } = council.secretary): Promise<string> {
  const res = await as(who).post(`/charters/${charterId}/versions`, { name });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json.version.id;
}

/** A live meeting where all seven voting members are present, and a motion vote on its item. */
async function adoptionVote(question: string): Promise<{ meetingId: string; voteId: string }> {
  const voters = [...council.landlords, ...council.tenants];
  const { meetingId, itemId } = await liveMeetingWith(server.url, services(), council, voters.map((p) => [p, 'present_room'] as const) as never);
  const vote = await services().votes.open(userOf(council.chair), meetingId, { itemId, question, mode: 'device' });
  return { meetingId, voteId: vote.id };
}

async function castAll(voteId: string, choices: ('pour' | 'contre')[]) {
  const voters = [...council.landlords, ...council.tenants];
  for (let i = 0; i < choices.length; i++) await services().votes.cast(userOf(voters[i]), voteId, { choice: choices[i] });
}

describe('the charter document on the Yjs server', () => {
  it('lets members co-edit, gives the observer and other bodies read-only access, and refuses another organisation (4403)', async () => {
    const { id, docName } = await newCharter('Charte de bon voisinage');
    expect(docName).toBe(`charter:${id}`);
    const tenant = connect(docName, council.tenants[0].cookie);
    const secretary = connect(docName, council.secretary.cookie);
    await Promise.all([synced(tenant), synced(secretary)]);
    writeParagraph(tenant.ydoc, 'Article 1 : chacun respecte le calme après 22 h.');
    await waitFor(() => expect(textOf(secretary.ydoc)).toContain('respecte le calme'));

    // The observer receives the text but their edit is refused: it reaches nobody and is not stored.
    const observer = connect(docName, council.observer.cookie);
    await synced(observer);
    expect(textOf(observer.ydoc)).toContain('respecte le calme');
    writeParagraph(observer.ydoc, 'TEXTE DE L’OBSERVATEUR');
    const reader = connect(docName, neighbour.cookie);
    await synced(reader);
    writeParagraph(tenant.ydoc, 'Article 2 : les parties communes sont entretenues ensemble.');
    await waitFor(() => expect(textOf(reader.ydoc)).toContain('Article 2'));
    await waitFor(() => expect(textOf(secretary.ydoc)).toContain('Article 2'));
    expect(textOf(secretary.ydoc)).not.toContain('OBSERVATEUR');
    expect(textOf(reader.ydoc)).not.toContain('OBSERVATEUR');
    const stored = await services().documents.open(docName);
    expect(textOf(stored)).toContain('Article 2');
    expect(textOf(stored)).not.toContain('OBSERVATEUR');

    // Someone of another organisation is closed with the forbidden code.
    const stranger = connect(docName, otherOrgCookie);
    expect(await stranger.closed).toMatchObject({ code: CloseCodes.forbidden.code });
    // And so is someone with no session at all (unauthorised).
    const anonymous = connect(docName, '');
    expect(await anonymous.closed).toMatchObject({ code: CloseCodes.unauthorised.code });
    // The API says the same: not found for another organisation.
    expect((await api(server.url, otherOrgCookie).get(`/charters/${id}`)).status).toBe(404);
  });
});

describe('named versions and comparison', () => {
  it('keeps each version as saved, refuses changing it, and compares two versions word by word', async () => {
    const { id, docName } = await newCharter('Plan de concertation locative 2026');
    const writer = connect(docName, council.tenants[1].cookie);
    await synced(writer);
    writeParagraph(writer.ydoc, 'Les associations reçoivent 2,5 euros par logement et par an.');
    await waitFor(async () => expect(textOf(await services().documents.open(docName))).toContain('2,5 euros'));
    const v1 = await saveVersion(id, 'Version de travail');

    // Bad input: the name's field says what is wrong, in both languages; nothing is saved.
    const bad = await as(council.secretary).post(`/charters/${id}/versions`, { name: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields.name).toEqual(expect.any(String));
    const badEn = await as(council.secretary).post(`/charters/${id}/versions?lang=en`, { name: 'x' });
    expect(badEn.json.error.fields.name).not.toBe(bad.json.error.fields.name);
    // The observer cannot save a version.
    expect((await as(council.observer).post(`/charters/${id}/versions`, { name: 'Version de l’observateur' })).status).toBe(403);

    const text = writer.ydoc.getXmlFragment('content').get(0) as Y.XmlElement;
    const run = text.get(0) as Y.XmlText;
    const at = run.toString().indexOf('2,5');
    run.delete(at, 3);
    run.insert(at, '3');
    writeParagraph(writer.ydoc, 'Le CCL se réunit deux fois par an.');
    await waitFor(async () => expect(textOf(await services().documents.open(docName))).toContain('deux fois'));
    const v2 = await saveVersion(id, 'Version soumise au CCL');

    const versions = await as(council.observer).get(`/charters/${id}/versions`);
    expect(versions.json.versions.map((v: { number: number; name: string }) => [v.number, v.name])).toEqual([
      [2, 'Version soumise au CCL'],
      [1, 'Version de travail']
    ]);
    const first = await as(council.observer).get(`/charters/${id}/versions/${v1}`);
    expect(JSON.stringify(first.json.version.content)).toContain('2,5 euros');
    expect(JSON.stringify(first.json.version.content)).not.toContain('deux fois');

    // A version is a record: the database refuses to change or delete it.
    await expect(db.query("update charter_versions set name = 'Autre nom' where id = $1", [v1])).rejects.toThrow(/immutable/);
    await expect(db.query('delete from charter_versions where id = $1', [v1])).rejects.toThrow(/immutable/);
    expect((await as(council.observer).get(`/charters/${id}/versions/${v1}`)).json.version.name).toBe('Version de travail');

    const cmp = await as(council.observer).get(`/charters/${id}/compare?from=${v1}&to=${v2}`);
    expect(cmp.status).toBe(200);
    const { diff } = cmp.json.comparison;
    expect(diff.blocks).toEqual([
      {
        change: 'changed',
        kind: 'paragraph',
        parts: [
          { op: 'same', text: 'Les associations reçoivent ' },
          { op: 'del', text: '2,5' },
          { op: 'ins', text: '3' },
          { op: 'same', text: ' euros par logement et par an.' }
        ]
      },
      { change: 'added', kind: 'paragraph', parts: [{ op: 'ins', text: 'Le CCL se réunit deux fois par an.' }] }
    ]);
    expect(diff).toMatchObject({ wordsAdded: 9, wordsRemoved: 1, unchanged: false });
    const wrong = await as(council.observer).get(`/charters/${id}/compare?from=${v1}&to=not-a-version`);
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.fields.to).toEqual(expect.any(String));
  });
});

describe('adoption, signatures and exports', () => {
  it('marks the tied version adopted when its vote closes adopted, then takes signatures into the meeting audit log', async () => {
    const { id, docName } = await newCharter('Charte de bon voisinage, résidence Les Platanes');
    const writer = connect(docName, council.tenants[0].cookie);
    await synced(writer);
    writeParagraph(writer.ydoc, 'Les animaux sont tenus en laisse dans les halls.');
    await waitFor(async () => expect(textOf(await services().documents.open(docName))).toContain('en laisse'));
    const v1 = await saveVersion(id, 'Version soumise au CCL');

    // Signing before adoption is refused, in both languages, and nothing is stored.
    const early = await as(council.chair).post(`/charters/${id}/signatures`, { name: 'Hélène Lafitte', role: 'Présidente', organisation: 'Office 64' });
    expect(early.status).toBe(409);
    expect(early.json.error.message).toContain('adoptée');
    expect(early.json.error.messageEn).toContain('adopted');
    expect(await db.query('select 1 from charter_signatures where charter_id = $1', [id])).toEqual([]);
    // A manager cannot jump to adopted: only the vote does that.
    expect((await as(council.chair).post(`/charters/${id}/status`, { to: 'adopted' })).status).toBe(400);

    const { meetingId, voteId } = await adoptionVote('Le CCL adopte la charte de bon voisinage (version soumise au CCL)');
    // A tenant member may not tie a vote; the chair may.
    expect((await as(council.tenants[0]).post(`/charters/${id}/adoptions`, { versionId: v1, voteId })).status).toBe(403);
    const linked = await as(council.chair).post(`/charters/${id}/adoptions`, { versionId: v1, voteId });
    expect(linked.status, JSON.stringify(linked.json)).toBe(201);
    expect(linked.json.charter.status).toBe('in_review');
    // The same vote cannot adopt a second version.
    const again = await as(council.chair).post(`/charters/${id}/adoptions`, { versionId: v1, voteId });
    expect(again.status).toBe(409);
    expect(again.json.error.fields.voteId).toEqual(expect.any(String));

    await castAll(voteId, ['pour', 'pour', 'pour', 'pour', 'contre']);
    const closed = await services().votes.close(userOf(council.chair), voteId);
    expect(closed.result?.outcome).toBe('adopted');

    // The listener marks it; the database has the record.
    await waitFor(async () => {
      const [row] = await db.query<{ status: string; adopted_version_id: string }>('select status, adopted_version_id from charters where id = $1', [id]);
      expect(row).toEqual({ status: 'adopted', adopted_version_id: v1 });
    });
    const charter = (await as(council.tenants[0]).get(`/charters/${id}`)).json.charter;
    expect(charter).toMatchObject({ status: 'adopted', adoptedVersionId: v1, adoptedVoteId: voteId });
    expect(charter.capabilities).toMatchObject({ edit: false, sign: true });
    expect(charter.history.map((h: { to: string }) => h.to)).toEqual(['draft', 'in_review', 'adopted']);
    expect(charter.history[2]).toMatchObject({ by: null, voteId });
    // From now on the text is read-only for everyone: a new connection's edit is ignored.
    const late = connect(docName, council.tenants[0].cookie);
    await synced(late);
    writeParagraph(late.ydoc, 'AJOUT APRÈS ADOPTION');
    const watcher = connect(docName, council.secretary.cookie);
    await synced(watcher);
    expect(textOf(watcher.ydoc)).not.toContain('AJOUT APRÈS ADOPTION');
    expect((await as(council.secretary).post(`/charters/${id}/versions`, { name: 'Après adoption' })).status).toBe(409);

    const signed = await as(council.chair).post(`/charters/${id}/signatures`, { name: 'Hélène Lafitte', role: 'Présidente du CCL', organisation: 'Office 64 de l’Habitat' });
    expect(signed.status, JSON.stringify(signed.json)).toBe(201);
    expect(signed.json.signature).toMatchObject({ versionId: v1, name: 'Hélène Lafitte', role: 'Présidente du CCL', organisation: 'Office 64 de l’Habitat' });
    const tenantSigned = await as(council.tenants[1]).post(`/charters/${id}/signatures`, { name: 'Jean-Marc Lassalle', role: 'Représentant', organisation: 'CNL 64' });
    expect(tenantSigned.status).toBe(201);
    expect((await as(council.observer).post(`/charters/${id}/signatures`, { name: 'Odile Vignau', role: 'Observatrice', organisation: 'Ville' })).status).toBe(403);
    const audit = await db.query<{ type: string; data: { name?: string; versionId: string } }>(
      "select type, data from meeting_audit where meeting_id = $1 and type like 'charter.%' order by seq",
      [meetingId]
    );
    expect(audit.map((a) => [a.type, a.data.name ?? null])).toEqual([
      ['charter.adopted', null],
      ['charter.signed', 'Hélène Lafitte'],
      ['charter.signed', 'Jean-Marc Lassalle']
    ]);
    expect(await verifyMeetingAudit(db, meetingId)).toMatchObject({ ok: true });

    expect((await as(council.secretary).post(`/charters/${id}/status`, { to: 'signed' })).json.charter.status).toBe('signed');
    expect((await as(council.secretary).post(`/charters/${id}/status`, { to: 'published' })).json.charter.status).toBe('published');
    const sigs = (await as(council.observer).get(`/charters/${id}/versions/${v1}`)).json.version.signatures;
    expect(sigs).toHaveLength(2);
  });

  it('marks the adoption from Postgres when another instance closed the vote (read repairs it)', async () => {
    const adopted: string[] = [];
    const stop = services().charters.onAdopted(({ docName }) => adopted.push(docName));
    const { id } = await newCharter('Charte qualité du ménage');
    const v1 = await saveVersion(id, 'Version unique');
    const { voteId } = await adoptionVote('Le CCL adopte la charte qualité du ménage');
    expect((await as(council.secretary).post(`/charters/${id}/adoptions`, { versionId: v1, voteId })).status).toBe(201);
    await castAll(voteId, ['pour', 'pour', 'pour', 'pour']);
    // A VoteService of its own stands for another instance: this instance's listener never hears of it.
    await voteServiceOf(services()).close(userOf(council.chair), voteId);
    const [before] = await db.query<{ status: string }>('select status from charters where id = $1', [id]);
    expect(before.status).toBe('in_review');
    const read = await as(council.observer).get(`/charters/${id}`);
    expect(read.json.charter).toMatchObject({ status: 'adopted', adoptedVersionId: v1 });
    // Running the check again changes nothing.
    expect(await services().charters.reconcileAdoptions(db, { charterId: id })).toEqual([]);
    const history = await db.query('select 1 from charter_status_changes where charter_id = $1 and to_status = $2', [id, 'adopted']);
    expect(history).toHaveLength(1);
    expect(adopted).toEqual([`charter:${id}`]);
    stop();
  });

  it('leaves the charter in review when the vote rejects it, and refuses a vote of another body', async () => {
    const { id } = await newCharter('Charte du relogement');
    const v1 = await saveVersion(id, 'Première proposition');
    const { voteId } = await adoptionVote('Le CCL adopte la charte du relogement');
    await as(council.secretary).post(`/charters/${id}/adoptions`, { versionId: v1, voteId });
    await castAll(voteId, ['contre', 'contre', 'contre', 'pour']);
    await services().votes.close(userOf(council.chair), voteId);
    const charter = (await as(council.secretary).get(`/charters/${id}`)).json.charter;
    expect(charter.status).toBe('in_review');
    expect(charter.adoptions[0]).toMatchObject({ voteId, outcome: 'rejected' });
    expect((await as(council.secretary).post(`/charters/${id}/signatures`, { name: 'Sébastien Oxandabarat', role: 'Secrétaire', organisation: 'Office 64' })).status).toBe(409);

    const foreign = await as(council.secretary).post(`/charters/${id}/adoptions`, { versionId: v1, voteId: '00000000-0000-4000-8000-000000000000' });
    expect(foreign.status).toBe(422);
    expect(foreign.json.error.fields.voteId).toEqual(expect.any(String));
  });

  it('exports any version as a tagged PDF and a DOCX with its text', async () => {
    const { id, docName } = await newCharter('Charte de bon voisinage');
    const writer = connect(docName, council.tenants[0].cookie);
    await synced(writer);
    writeParagraph(writer.ydoc, 'Les encombrants sont déposés le premier lundi du mois.');
    await waitFor(async () => expect(textOf(await services().documents.open(docName))).toContain('encombrants'));
    const v1 = await saveVersion(id, 'Version pour export');

    const pdf = await fetch(`${server.url}/api/v1/charters/${id}/versions/${v1}/export.pdf`, { headers: { cookie: council.observer.cookie } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toContain('application/pdf');
    expect(pdf.headers.get('content-disposition')).toMatch(/attachment; filename="charte-de-bon-voisinage-v1\.pdf"/);
    const pdfBytes = Buffer.from(await pdf.arrayBuffer());
    expect(pdfBytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdfText(pdfBytes)).toContain('encombrants');
    expect(pdfTagging(pdfBytes)).toMatchObject({ marked: true, structTree: true, lang: 'fr-FR' });

    const docx = await fetch(`${server.url}/api/v1/charters/${id}/versions/${v1}/export.docx`, { headers: { cookie: council.observer.cookie } });
    expect(docx.status).toBe(200);
    const docxBytes = Buffer.from(await docx.arrayBuffer());
    expect([...docxBytes.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);

    expect((await fetch(`${server.url}/api/v1/charters/${id}/versions/${v1}/export.odt`, { headers: { cookie: council.observer.cookie } })).status).toBe(404);
    expect((await fetch(`${server.url}/api/v1/charters/${id}/versions/${v1}/export.pdf`, { headers: { cookie: otherOrgCookie } })).status).toBe(404);
  });
});
