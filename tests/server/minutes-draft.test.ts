import { strFromU8, unzipSync } from 'fflate';
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/db.ts';
import { pdfTagging, pdfText } from '../../server/documents/pdf-inspect.ts';
import { plainText, yDocToJSON } from '../../server/documents/prosemirror.ts';
import type { Mail } from '../../server/mail/mailer.ts';
import { MinutesService } from '../../server/minutes/minutes.service.ts';
import { createBody } from '../helpers/api-fixtures.ts';
import { addParticipant, createCouncil, createMeeting, type Council, type Participant } from '../helpers/meeting-fixtures.ts';
import { yjsClient, type YjsClient } from '../helpers/realtime-clients.ts';
import { api, openTestDb, setupAdmin, startTestServer, type AdminSession, type TestServer } from '../helpers/test-server.ts';
import { liveMeetingWith, userOf } from '../helpers/vote-fixtures.ts';
import { waitFor } from '../helpers/wait-for.ts';

// Issue 6, minutes: a draft built from the record of a meeting with attendance, a proxy and a
// closed vote, read back by a stock y-websocket client; the warning when an edit contradicts the
// record; who may edit and read; approval by a vote at a later meeting; publication; exports.

let db: Db;
let server: TestServer;
let admin: AdminSession;
let council: Council;
let outsider: Participant;
let meetingId: string;
let itemId: string;
const clients: YjsClient[] = [];

const services = () => server.concerto.services;
const as = (cookie: string | null) => api(server.url, cookie ?? undefined);
const docName = () => `minutes:${meetingId}`;

function connect(cookie: string): YjsClient {
  const c = yjsClient(server.url, docName(), { cookie });
  clients.push(c);
  return c;
}
const synced = (c: YjsClient) => waitFor(() => c.provider.synced, { timeoutMs: 10_000 });
const textOf = (c: YjsClient) => plainText(yDocToJSON(c.ydoc));

/** Replaces `from` by `to` in the first text node of the shared document that contains it. */
function replaceText(ydoc: Y.Doc, from: string, to: string): void {
  const walk = (node: Y.XmlFragment | Y.XmlElement): boolean => {
    for (const child of node.toArray()) {
      if (child instanceof Y.XmlText) {
        const delta = child.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[];
        const plain = delta.map((d) => (typeof d.insert === 'string' ? d.insert : '')).join('');
        const at = plain.indexOf(from);
        if (at >= 0) {
          // Keep the formatting (bold…) of the text replaced, as an editor would.
          let offset = 0;
          const run = delta.find((d) => (offset += typeof d.insert === 'string' ? d.insert.length : 0) > at);
          ydoc.transact(() => {
            child.delete(at, from.length);
            child.insert(at, to, run?.attributes ?? {});
          });
          return true;
        }
      } else if (walk(child as Y.XmlElement)) return true;
    }
    return false;
  };
  if (!walk(ydoc.getXmlFragment('content'))) throw new Error(`"${from}" not found in the document`);
}

beforeAll(async () => {
  db = await openTestDb();
  server = await startTestServer({ db });
  admin = await setupAdmin(server.url);
  council = await createCouncil(server.url, admin.cookie, admin.organisationId);
  const other = await createBody(server.url, admin.cookie, admin.organisationId, { name: 'CCL Billère', kind: 'ccl' });
  outsider = await addParticipant(server.url, admin.cookie, admin.organisationId, other.id, { name: 'Gérard Lacoste', college: 'tenant', votingRight: true });

  // The meeting: two landlords and three tenants in the room, one tenant remote, one tenant
  // represented by another, one landlord excused; notes on the item; a device vote closed.
  const [chair, l2, l3] = council.landlords;
  const [t1, t2, t3, t4] = council.tenants;
  ({ meetingId, itemId } = await liveMeetingWith(server.url, services(), council, [
    [council.secretary, 'present_room'],
    [chair, 'present_room'],
    [l2, 'present_room'],
    [l3, 'excused'],
    [t1, 'present_room'],
    [t2, 'present_remote'],
    [t3, { proxyHolder: t1 }],
    [t4, 'present_room']
  ]));
  const secretary = userOf(council.secretary);
  await services().meetings.updateItem(secretary, itemId, { notes: "L'offre d'ANTARGAZ permet une baisse de 29 % de la dépense énergétique." });
  const vote = await services().votes.open(userOf(council.chair), meetingId, { itemId, question: 'Le CCL approuve le choix de l’offre d’ANTARGAZ', mode: 'device' });
  for (const [who, choice, forPersonId] of [
    [chair, 'pour'],
    [l2, 'pour'],
    [t1, 'pour'],
    [t1, 'contre', t3.personId],
    [t2, 'abstention'],
    [t4, 'pour']
  ] as const) {
    await services().votes.cast(userOf(who), vote.id, { choice, ...(forPersonId ? { forPersonId } : {}) });
  }
  await services().votes.close(userOf(council.chair), vote.id);
  const closed = await as(council.secretary.cookie).post(`/meetings/${meetingId}/transitions`, { to: 'closed' });
  expect(closed.status).toBe(200);
});

afterEach(() => {
  for (const c of clients.splice(0)) c.provider.destroy();
});

afterAll(async () => {
  await server?.close();
  await db?.close();
});

describe('minutes draft', () => {
  it('is refused before generation to members, and generated by the secretariat into the shared document', async () => {
    expect((await as(council.tenants[0].cookie).get(`/meetings/${meetingId}/minutes`)).status).toBe(409);
    expect((await as(council.tenants[0].cookie).post(`/meetings/${meetingId}/minutes/draft`, {})).status).toBe(403);

    const res = await as(council.secretary.cookie).post(`/meetings/${meetingId}/minutes/draft`, {});
    expect(res.status).toBe(200);
    expect(res.json.minutes).toMatchObject({ status: 'draft', generated: true, generations: 1, docName: `minutes:${meetingId}` });

    // A stock y-websocket client reads the counts, the names and the proxy.
    const reader = connect(council.secretary.cookie);
    await synced(reader);
    const text = textOf(reader);
    expect(text.split('\n')[0]).toBe('Compte rendu — CCL du 6 juin');
    expect(text).toContain('Adopté : 4 pour, 1 contre, 1 abstention (majorité des suffrages exprimés)');
    expect(text).toContain('Total\t4\t1\t1');
    expect(text).toContain('Présents dans la salle (5)');
    expect(text).toContain('Présents à distance (1)\nJean-Marc Lassalle');
    expect(text).toContain('Maite Etchegaray, pouvoir donné à Aïcha Benali');
    expect(text).toContain('Excusés (1)\nIsabelle Harriet');
    expect(text).toContain("Sujets évoqués\nL'offre d'ANTARGAZ permet une baisse de 29 %");

    // The facts from the record are stored in Postgres and the text agrees with them.
    const [row] = await db.query<{ facts: { kind: string; text: string }[] }>('select facts from minutes where meeting_id = $1', [meetingId]);
    expect(row.facts.filter((f) => f.kind === 'vote').map((f) => f.text)).toEqual(['Adopté : 4 pour, 1 contre, 1 abstention (majorité des suffrages exprimés)']);
    expect(row.facts.filter((f) => f.kind === 'proxy').map((f) => f.text)).toEqual(['Maite Etchegaray, pouvoir donné à Aïcha Benali']);
    const check = await as(council.secretary.cookie).get(`/meetings/${meetingId}/minutes/check`);
    expect(check.json.check).toEqual({ ok: true, missing: [], contradictions: [] });
  });

  it('never overwrites text: generating again is refused unless appended as a new section', async () => {
    const again = await as(council.secretary.cookie).post(`/meetings/${meetingId}/minutes/draft`, {});
    expect(again.status).toBe(409);
    expect(again.json.error.fields.mode).toBeDefined();
    expect(again.json.error.messageEn).toContain('will not be replaced');

    const editor = connect(council.secretary.cookie);
    await synced(editor);
    const before = textOf(editor);
    const appended = await as(council.secretary.cookie).post(`/meetings/${meetingId}/minutes/draft`, { mode: 'append' });
    expect(appended.status).toBe(200);
    expect(appended.json.minutes.generations).toBe(2);
    await waitFor(() => textOf(editor).includes('Nouvelle version du registre'), { timeoutMs: 10_000 });
    expect(textOf(editor).startsWith(before)).toBe(true);
    const bad = await as(council.secretary.cookie).post(`/meetings/${meetingId}/minutes/draft`, { mode: 'replace' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields.mode).toBeDefined();
  });

  it('warns when an edit contradicts the record, and refuses to submit until it agrees again', async () => {
    const rep = connect(council.tenants[0].cookie);
    await synced(rep);
    // Both copies of the result (first draft and the appended section) are edited.
    replaceText(rep.ydoc, 'Adopté : 4 pour', 'Adopté : 5 pour');
    replaceText(rep.ydoc, 'Adopté : 4 pour', 'Adopté : 5 pour');
    const check = await waitFor(
      async () => {
        const res = await as(council.secretary.cookie).get(`/meetings/${meetingId}/minutes/check`);
        return res.json.check.ok === false ? res.json.check : false;
      },
      { timeoutMs: 10_000 }
    );
    expect(check.missing.map((f: { kind: string }) => f.kind)).toEqual(['vote']);
    expect(check.contradictions).toEqual([{ text: '5 pour, 1 contre, 1 abstention' }]);

    const submit = await as(council.secretary.cookie).post(`/meetings/${meetingId}/minutes/transitions`, { to: 'submitted' });
    expect(submit.status).toBe(409);
    expect(submit.json.error.message).toContain('ne concorde pas avec le registre');

    replaceText(rep.ydoc, 'Adopté : 5 pour', 'Adopté : 4 pour');
    replaceText(rep.ydoc, 'Adopté : 5 pour', 'Adopté : 4 pour');
    await waitFor(async () => (await as(council.secretary.cookie).get(`/meetings/${meetingId}/minutes/check`)).json.check.ok === true, { timeoutMs: 10_000 });
  });
});

describe('who may open the minutes', () => {
  it('lets the secretariat and tenant representatives edit the draft, refuses other members, observers, outsiders and the anonymous', async () => {
    const editors = [council.secretary, council.chair, council.tenants[1], council.nonVoting];
    for (const p of editors) expect((await as(p.cookie).get(`/meetings/${meetingId}/minutes`)).json.minutes.can.edit, p.name).toBe(true);

    expect((await as(council.landlords[1].cookie).get(`/meetings/${meetingId}/minutes`)).status).toBe(403);
    expect((await as(council.observer.cookie).get(`/meetings/${meetingId}/minutes`)).status).toBe(403);
    expect((await as(outsider.cookie).get(`/meetings/${meetingId}/minutes`)).status).toBe(404);
    expect((await as(null).get(`/meetings/${meetingId}/minutes`)).status).toBe(401);
    expect((await as(council.landlords[1].cookie).get(`/meetings/${meetingId}/minutes.pdf`)).status).toBe(403);
    expect((await as(council.tenants[0].cookie).post(`/meetings/${meetingId}/minutes/transitions`, { to: 'submitted' })).status).toBe(403);

    const landlordMember = connect(council.landlords[1].cookie);
    expect((await landlordMember.closed).code).toBe(4403);
    const observer = connect(council.observer.cookie);
    expect((await observer.closed).code).toBe(4403);
    const stranger = connect(outsider.cookie);
    expect((await stranger.closed).code).toBe(4404);
    const partName = yjsClient(server.url, `minutes:${meetingId}:other`, { cookie: council.secretary.cookie });
    clients.push(partName);
    expect((await partName.closed).code).toBe(4404);
  });
});

describe('approval, publication and exports', () => {
  it('is approved by a vote at a later meeting, then published to every member with a notice', async () => {
    const secretary = as(council.secretary.cookie);
    // A representative editing while the secretary submits is reconnected (4509) and read-only after.
    const before = connect(council.tenants[0].cookie);
    await synced(before);
    const closeCodes: number[] = [];
    before.provider.on('connection-close', (event) => closeCodes.push(event?.code ?? 0));
    const submitted = await secretary.post(`/meetings/${meetingId}/minutes/transitions`, { to: 'submitted' });
    expect(submitted.status).toBe(200);
    await waitFor(() => expect(closeCodes).toContain(4509));
    await waitFor(() => before.provider.wsconnected && before.provider.synced, { timeoutMs: 10_000 });
    replaceText(before.ydoc, 'Adopté : 4 pour', 'Adopté : 9 pour');
    expect(submitted.json.minutes.status).toBe('submitted');
    expect(plainText(submitted.json.minutes.content)).toContain('Adopté : 4 pour, 1 contre, 1 abstention');
    // Submitted: the representatives no longer edit (the document opens read-only).
    expect((await as(council.tenants[0].cookie).get(`/meetings/${meetingId}/minutes`)).json.minutes.can.edit).toBe(false);
    expect(await services().minutes.documentAccess(userOf(council.tenants[0]), meetingId)).toBe('read');
    // A representative connecting now is read-only: the server refuses the edit, the text stays.
    const late = connect(council.tenants[0].cookie);
    await synced(late);
    replaceText(late.ydoc, 'Adopté : 4 pour', 'Adopté : 8 pour');
    const witness = connect(council.secretary.cookie);
    await synced(witness);
    const stored = plainText(yDocToJSON(await services().documents.open(docName())));
    expect(stored).toContain('Adopté : 4 pour, 1 contre, 1 abstention');
    expect(stored).not.toContain('8 pour');
    expect(stored).not.toContain('9 pour');
    expect(textOf(witness)).not.toContain('8 pour');

    // The next meeting votes on them.
    const next = await createMeeting(server.url, council.secretary.cookie, council.bodyId, { title: 'CCL du 12 septembre', startsAt: '2026-09-12T14:00' }, 'live');
    const nextItem = await services().meetings.addItem(userOf(council.secretary), next.id, { title: 'Approbation du compte rendu du 6 juin', kind: 'decision' });
    const present = [council.chair, council.landlords[1], council.tenants[0], council.tenants[1]];
    for (const p of present) await services().meetings.setAttendance(userOf(council.secretary), next.id, { personId: p.personId, status: 'present_room' });
    const approval = await services().votes.open(userOf(council.chair), next.id, { itemId: nextItem.id, question: 'Approbation du compte rendu du CCL du 6 juin', mode: 'device' });

    const candidates = await secretary.get(`/meetings/${meetingId}/minutes/approval-candidates`);
    expect(candidates.json.votes.map((v: { voteId: string }) => v.voteId)).toEqual([approval.id]);
    // A vote of the same meeting (or an earlier one) cannot approve its own minutes.
    const [own] = await db.query<{ id: string }>('select id from votes where meeting_id = $1', [meetingId]);
    const refused = await secretary.post(`/meetings/${meetingId}/minutes/approvals`, { voteId: own.id });
    expect(refused.status).toBe(422);
    expect(refused.json.error.fields.voteId).toBeDefined();
    expect((await secretary.post(`/meetings/${meetingId}/minutes/approvals`, { voteId: 'nope' })).status).toBe(400);

    const linked = await secretary.post(`/meetings/${meetingId}/minutes/approvals`, { voteId: approval.id });
    expect(linked.status).toBe(200);
    expect(linked.json.minutes.status).toBe('submitted');
    expect(linked.json.minutes.approvals.map((a: { voteId: string }) => a.voteId)).toEqual([approval.id]);

    // Returned to draft for a correction: the vote no longer approves it (the text will change).
    const reopened = await secretary.post(`/meetings/${meetingId}/minutes/transitions`, { to: 'draft' });
    expect(reopened.json.minutes).toMatchObject({ status: 'draft', approvals: [], content: null });
    expect((await secretary.post(`/meetings/${meetingId}/minutes/approvals`, { voteId: approval.id })).status).toBe(409);
    expect((await secretary.post(`/meetings/${meetingId}/minutes/transitions`, { to: 'submitted' })).json.minutes.status).toBe('submitted');
    expect((await secretary.post(`/meetings/${meetingId}/minutes/approvals`, { voteId: approval.id })).status).toBe(200);
    for (const p of present) await services().votes.cast(userOf(p), approval.id, { choice: 'pour' });
    await services().votes.close(userOf(council.chair), approval.id);

    // Heard from the vote service; the read checks Postgres again in any case.
    const approved = await waitFor(async () => {
      const res = await secretary.get(`/meetings/${meetingId}/minutes`);
      return res.json.minutes.status === 'approved' ? res.json.minutes : false;
    });
    expect(approved.approvedBy).toMatchObject({ voteId: approval.id, approves: true, result: 'Adopté : 4 pour, 0 contre, 0 abstention (majorité des suffrages exprimés)' });
    expect((await as(council.landlords[1].cookie).get(`/meetings/${meetingId}/minutes`)).status).toBe(403);

    const published = await secretary.post(`/meetings/${meetingId}/minutes/transitions`, { to: 'published' });
    expect(published.status).toBe(200);
    expect(published.json.minutes.status).toBe('published');
    const memberView = await as(council.landlords[1].cookie).get(`/meetings/${meetingId}/minutes`);
    expect(memberView.status).toBe(200);
    expect(memberView.json.minutes.can).toMatchObject({ read: true, edit: false, publish: false });
    const notices = await db.query<{ person_id: string }>("select person_id from notifications where kind = 'minutes.published' and data->>'meetingId' = $1", [meetingId]);
    expect(notices.map((n) => n.person_id).sort()).toEqual(
      [council.chair, council.secretary, ...council.landlords.slice(1), ...council.tenants, council.nonVoting, council.observer].map((p) => p.personId).sort()
    );
    const reader = connect(council.observer.cookie);
    await synced(reader);
    expect(textOf(reader)).toContain('Adopté : 4 pour, 1 contre, 1 abstention');
    expect((await as(outsider.cookie).get(`/meetings/${meetingId}/minutes`)).status).toBe(404);

    const transitions = await db.query<{ from_status: string; to_status: string; vote_id: string | null }>(
      'select from_status, to_status, vote_id from minutes_transitions t join minutes m on m.id = t.minutes_id where m.meeting_id = $1 order by t.id',
      [meetingId]
    );
    expect(transitions).toEqual([
      { from_status: 'draft', to_status: 'submitted', vote_id: null },
      { from_status: 'submitted', to_status: 'draft', vote_id: null },
      { from_status: 'draft', to_status: 'submitted', vote_id: null },
      { from_status: 'submitted', to_status: 'approved', vote_id: approval.id },
      { from_status: 'approved', to_status: 'published', vote_id: null }
    ]);
  });

  it('mails the publication notice to members with an address when SMTP is set', async () => {
    const sent: Mail[] = [];
    const s = services();
    const withMail = new MinutesService(db, s.access, s.meetings);
    withMail.bind({ votes: s.votes, documents: s.documents, mailer: { configured: true, send: async (mail) => (sent.push(mail), true) }, config: { origin: 'https://concerto.example.org' } });
    // Arranged in SQL: minutes already approved for another closed meeting.
    const other = await createMeeting(server.url, council.secretary.cookie, council.bodyId, { title: 'CCL du 3 octobre', startsAt: '2026-10-03T14:00' }, 'live');
    expect((await as(council.secretary.cookie).post(`/meetings/${other.id}/transitions`, { to: 'closed' })).status).toBe(200);
    await db.query(`insert into minutes (meeting_id, organisation_id, body_id, status, generations, content) select id, organisation_id, body_id, 'approved', 1, '{"type":"doc","content":[]}' from meetings where id = $1`, [other.id]);

    const published = await withMail.transition(userOf(council.secretary), other.id, { to: 'published' });
    expect(published.status).toBe('published');
    const mails = await waitFor(() => (sent.length === 10 ? sent : false));
    expect(mails.map((m) => m.to).sort()).toEqual([council.chair, council.secretary, ...council.landlords.slice(1), ...council.tenants, council.nonVoting, council.observer].map((p) => p.email).sort());
    expect(mails[0].subject).toBe('Compte rendu publié : CCL du 3 octobre / Minutes published: CCL du 3 octobre');
    expect(mails[0].text).toContain(`https://concerto.example.org/m/${other.id}/minutes`);
  });

  it('downloads as a tagged PDF and a Word file with the counts and names', async () => {
    const pdfRes = await fetch(`${server.url}/api/v1/meetings/${meetingId}/minutes.pdf`, { headers: { cookie: council.tenants[2].cookie } });
    expect(pdfRes.status).toBe(200);
    expect(pdfRes.headers.get('content-type')).toBe('application/pdf');
    expect(pdfRes.headers.get('content-disposition')).toContain('compte-rendu-2026-06-06.pdf');
    const pdf = Buffer.from(await pdfRes.arrayBuffer());
    const tags = pdfTagging(pdf);
    expect(tags).toMatchObject({ marked: true, structTree: true, lang: 'fr-FR' });
    expect(tags.types).toContain('Table');
    const text = pdfText(pdf);
    expect(text).toContain('Compte rendu — CCL du 6 juin');
    expect(text).toMatch(/Approuvé le .* — publié le /u);
    expect(text).toContain('Adopté : 4 pour, 1 contre, 1 abstention');
    expect(text).toContain('Maite Etchegaray, pouvoir donné à Aïcha Benali');

    const docxRes = await fetch(`${server.url}/api/v1/meetings/${meetingId}/minutes.docx`, { headers: { cookie: council.tenants[2].cookie } });
    expect(docxRes.status).toBe(200);
    expect(docxRes.headers.get('content-type')).toContain('wordprocessingml');
    const xml = strFromU8(unzipSync(new Uint8Array(await docxRes.arrayBuffer()))['word/document.xml']);
    expect(xml).toContain('Adopté : 4 pour, 1 contre, 1 abstention');
    expect(xml).toContain('Jean-Marc Lassalle');
    expect(xml).toContain('w:val="Heading2"');
  });
});
