import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Db } from '../../server/db/db.ts';
import type { WorkshopCapabilities, WorkshopState } from '../../src/lib/workshops/workshop-state.ts';
import { tableFor } from '../../src/lib/workshops/workshop-state.ts';
import { addNote, notesArray, readNotes, readSummaries, removeNote, setText, summaryText } from '../../src/lib/workshops/tablecloth.ts';
import type { Ack } from '../../src/lib/protocol/result.ts';
import { createBody } from '../helpers/api-fixtures.ts';
import { addParticipant, type Participant } from '../helpers/meeting-fixtures.ts';
import { connected, socketClient, yjsClient, type ConcertoSocket, type YjsClient } from '../helpers/realtime-clients.ts';
import { api, cookieFrom, openTestDb, setupAdmin, startTestServer, type AdminSession, type TestServer } from '../helpers/test-server.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { validatePlan } from '../../server/workshops/rotation.ts';

// Issue 7, world café: a facilitator prepares tables with hosts, participants (members and guests
// joining with the workshop's code) and a rotation plan; the live run is driven over Socket.IO,
// each phone told its table; each table's tablecloth is a Yjs document.

let db: Db;
let server: TestServer;
let admin: AdminSession;
let bodyId: string;
let facilitator: Participant;
let members: Participant[];
let outsider: Participant;
const sockets: ConcertoSocket[] = [];
const docs: YjsClient[] = [];

beforeAll(async () => {
  db = await openTestDb();
  server = await startTestServer({ db });
  admin = await setupAdmin(server.url);
  const body = await createBody(server.url, admin.cookie, admin.organisationId, { name: 'Groupe seniors', kind: 'working_group' });
  bodyId = body.id;
  const other = await createBody(server.url, admin.cookie, admin.organisationId, { name: 'CCL Pau', kind: 'ccl' });
  // One at a time: each account costs a password hash on a shared machine.
  facilitator = await addParticipant(server.url, admin.cookie, admin.organisationId, bodyId, { name: 'Nadia Ferrand', role: 'secretary', college: 'landlord' });
  members = [];
  for (const [name, college] of [
    ['Paul Irigoyen', 'landlord'],
    ['Rose Darrigrand', 'tenant'],
    ['Louis Haran', 'tenant']
  ] as const) {
    members.push(await addParticipant(server.url, admin.cookie, admin.organisationId, bodyId, { name, college }));
  }
  outsider = await addParticipant(server.url, admin.cookie, admin.organisationId, other.id, { name: 'Marc Lagarde', college: 'tenant' });
}, 60_000);

afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
  for (const d of docs.splice(0)) d.provider.destroy();
});

afterAll(async () => {
  await server?.close();
  await db?.close();
});

async function socketFor(cookie: string): Promise<ConcertoSocket> {
  const s = socketClient(server.url, { cookie });
  sockets.push(s);
  await connected(s);
  return s;
}

function call<T>(s: ConcertoSocket, event: string, payload: object): Promise<Ack<T>> {
  return new Promise((resolve) => (s.emit as (e: string, p: object, ack: (r: Ack<T>) => void) => void)(event, payload, resolve));
}

async function ok<T>(s: ConcertoSocket, event: string, payload: object): Promise<T> {
  const res = await call<T>(s, event, payload);
  if (!res.ok) throw new Error(`${event}: ${JSON.stringify(res.error)}`);
  return res.data;
}

/** Keeps the newest state the server sent, as the browser does. */
function follow(s: ConcertoSocket, initial: WorkshopState) {
  const box = { state: initial };
  s.on('workshop:state', (st) => {
    if (st.workshop.id === box.state.workshop.id && st.rev >= box.state.rev) box.state = st;
  });
  return box;
}

async function guestJoin(code: string, displayName: string): Promise<string> {
  const res = await api(server.url).post('/guests/join', { code, displayName });
  expect(res.status).toBe(201);
  return cookieFrom(res.headers);
}

interface Prepared {
  workshopId: string;
  tables: string[];
  code: string;
}

/** Three tables (the first one with a criteria grid), the body's members as participants, hosts chosen, a join code. */
async function prepare(title = 'Les seniors du parc social – Atelier 1'): Promise<Prepared> {
  const f = api(server.url, facilitator.cookie);
  const created = await f.post(`/bodies/${bodyId}/workshops`, {
    title,
    purpose: 'Définir les critères d’adaptation des logements',
    roundCount: 3,
    roundMinutes: 20,
    tables: [
      { name: 'La résidence', question: 'Qu’est-ce qui rend une résidence adaptée ?', grid: { rows: ['Accès', 'Éclairage'], columns: ['Bailleur', 'Locataire'] } },
      { name: 'Le logement', question: 'Quels travaux dans le logement ?' },
      { name: 'Le locataire', question: 'Quel accompagnement ?' }
    ]
  });
  expect(created.status).toBe(201);
  const workshopId = created.json.workshop.id as string;
  expect((await f.post(`/workshops/${workshopId}/participants/body-members`, {})).json.added).toBe(4);
  const state = (await f.get(`/workshops/${workshopId}`)).json.state as WorkshopState;
  const tables = state.tables.map((t) => t.id);
  // Hosts stay: Paul hosts table 1.
  const paul = state.participants.find((p) => p.personId === members[0].personId)!;
  expect((await f.patch(`/workshop-tables/${tables[0]}`, { hostParticipantId: paul.id })).status).toBe(200);
  const code = (await f.post(`/workshops/${workshopId}/guest-code`, {})).json.join.code as string;
  return { workshopId, tables, code };
}

describe('workshops: preparation', () => {
  it('refuses bad input with bilingual field messages and changes nothing', async () => {
    const f = api(server.url, facilitator.cookie);
    const res = await f.post(`/bodies/${bodyId}/workshops`, { title: 'x', roundCount: 12, roundMinutes: 0, tables: [{ name: '', grid: { rows: ['a|b'], columns: [] } }] });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('validation_failed');
    expect(Object.keys(res.json.error.fields)).toEqual(expect.arrayContaining(['title', 'roundCount', 'roundMinutes', 'tables.0.name']));
    expect(res.json.error.messageEn).toMatch(/check these fields/);
    const count = await db.query<{ n: number }>('select count(*)::int as n from workshops');
    expect(count[0].n).toBe(0);
  });

  it('lets only facilitators prepare; members read; another body’s member sees nothing', async () => {
    const { workshopId } = await prepare('Atelier droits');
    expect((await api(server.url, members[1].cookie).get(`/workshops/${workshopId}`)).status).toBe(200);
    expect((await api(server.url, members[1].cookie).post(`/workshops/${workshopId}/control`, { action: 'start' })).status).toBe(403);
    expect((await api(server.url, outsider.cookie).get(`/workshops/${workshopId}`)).status).toBe(404);
    expect((await api(server.url).get(`/workshops/${workshopId}`)).status).toBe(401);
  });

  it('proposes a rotation plan, refuses a hand edit that breaks a rule, keeps one that does not', async () => {
    const { workshopId, tables } = await prepare('Atelier plan');
    const f = api(server.url, facilitator.cookie);
    const generated = await f.post(`/workshops/${workshopId}/plan`, { seed: 7 });
    expect(generated.status).toBe(200);
    const plan = generated.json.plan as Array<Record<string, string>>;
    expect(plan).toHaveLength(3);
    expect(generated.json.violations.filter((v: { severity: string }) => v.severity === 'error')).toEqual([]);
    const someone = Object.keys(plan[0])[0];
    const broken = structuredClone(plan);
    broken[1][someone] = broken[0][someone];
    const refused = await f.call('PUT', `/workshops/${workshopId}/plan`, { rounds: broken });
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toMatch(/règles de rotation/);
    expect(Object.keys(refused.json.error.fields)[0]).toBe(`rounds.1.${someone}`);
    // Exchanging two people's places in every round keeps the rules (checked with the same rule module): saved.
    const state = (await f.get(`/workshops/${workshopId}`)).json.state as WorkshopState;
    const rotation = {
      tables: state.tables.map((t) => ({ id: t.id, hostId: t.hostParticipantId })),
      participants: state.participants.map((p) => ({ id: p.id, college: p.college })),
      rounds: 3
    };
    const [a, b] = Object.keys(plan[0]);
    const swapped = plan.map((round) => ({ ...round, [a]: round[b], [b]: round[a] }));
    expect(validatePlan(rotation, { rounds: swapped }).filter((v) => v.severity === 'error')).toEqual([]);
    const saved = await f.call('PUT', `/workshops/${workshopId}/plan`, { rounds: swapped });
    expect(saved.status).toBe(200);
    expect((await f.get(`/workshops/${workshopId}`)).json.state.plan).toEqual(swapped);
    expect(tables).toHaveLength(3);
  });
});

describe('workshops: live run over Socket.IO', () => {
  it('tells each phone its table, runs the timer on server time, and lands a late guest in the current round', async () => {
    const { workshopId, tables, code } = await prepare('Atelier live');
    const console_ = await socketFor(facilitator.cookie);
    const joined = await ok<{ state: WorkshopState; capabilities: WorkshopCapabilities }>(console_, 'workshop:join', { workshopId });
    expect(joined.capabilities.facilitate).toBe(true);
    const consoleView = follow(console_, joined.state);

    const rose = await socketFor(members[1].cookie);
    const roseJoin = await ok<{ state: WorkshopState; capabilities: WorkshopCapabilities }>(rose, 'workshop:join', { workshopId });
    expect(roseJoin.capabilities.facilitate).toBe(false);
    expect(roseJoin.capabilities.participantId).toBeTruthy();
    const roseView = follow(rose, roseJoin.state);

    // A member cannot drive the run.
    const refused = await call(rose, 'workshop:control', { workshopId, action: 'start' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('forbidden');
    // Bad input: clear error, nothing changes.
    const bad = await call(console_, 'workshop:control', { workshopId, action: 'extend', minutes: 500 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.fields?.minutes).toMatch(/60/);

    await ok(console_, 'workshop:control', { workshopId, action: 'start' });
    await waitFor(() => expect(roseView.state.round.current).toBe(1));
    const roseTable1 = tableFor(roseView.state, roseJoin.capabilities.participantId, 1);
    expect(roseTable1).not.toBeNull();
    expect(roseView.state.round.remainingSeconds).toBeGreaterThan(20 * 60 - 5);

    await ok(console_, 'workshop:control', { workshopId, action: 'extend', minutes: 5 });
    await waitFor(() => expect(roseView.state.round.remainingSeconds).toBeGreaterThan(25 * 60 - 5));
    await ok(console_, 'workshop:control', { workshopId, action: 'pause' });
    await waitFor(() => expect(roseView.state.round.pausedAt).not.toBeNull());
    await ok(console_, 'workshop:control', { workshopId, action: 'resume' });
    await ok(console_, 'workshop:control', { workshopId, action: 'message', text: 'Pause café dans 5 minutes' });
    await waitFor(() => expect(roseView.state.message?.text).toBe('Pause café dans 5 minutes'));
    expect(roseView.state.round.pausedAt).toBeNull();

    // A guest arrives late with the code: they become a participant at a table of the current round.
    const guestCookie = await guestJoin(code, 'Josette');
    const guest = await socketFor(guestCookie);
    const guestJoin1 = await ok<{ state: WorkshopState; capabilities: WorkshopCapabilities }>(guest, 'workshop:join', { workshopId });
    const guestId = guestJoin1.capabilities.participantId!;
    expect(guestId).toBeTruthy();
    expect(guestJoin1.capabilities.edit).toBe(true);
    expect(tableFor(guestJoin1.state, guestId, 1)).not.toBeNull();
    // …and in every later round, at a table they have not visited.
    const visits = [1, 2, 3].map((r) => tableFor(guestJoin1.state, guestId, r)?.id);
    expect(new Set(visits).size).toBe(3);
    await waitFor(() => expect(consoleView.state.participants.some((p) => p.id === guestId)).toBe(true));

    // Next round: every phone learns its new table; Rose moved to another table.
    await ok(console_, 'workshop:control', { workshopId, action: 'next' });
    await waitFor(() => expect(roseView.state.round.current).toBe(2));
    expect(tableFor(roseView.state, roseJoin.capabilities.participantId, 2)?.id).not.toBe(roseTable1!.id);
    // The host stays.
    const paul = roseView.state.participants.find((p) => p.personId === members[0].personId)!;
    expect(tableFor(roseView.state, paul.id, 2)?.id).toBe(tables[0]);

    // A late joiner (or a reconnecting phone) gets the full current state.
    const louis = await socketFor(members[2].cookie);
    const louisJoin = await ok<{ state: WorkshopState; capabilities: WorkshopCapabilities }>(louis, 'workshop:join', { workshopId });
    expect(louisJoin.state.round.current).toBe(2);
    expect(louisJoin.state.message?.text).toBe('Pause café dans 5 minutes');
    expect(tableFor(louisJoin.state, louisJoin.capabilities.participantId, 2)).not.toBeNull();
    // The state is in Postgres, not in the process.
    const [row] = await db.query<{ current_round: number; rev: string }>('select current_round, rev from workshops where id = $1', [workshopId]);
    expect(row.current_round).toBe(2);
    expect(Number(row.rev)).toBe(louisJoin.state.rev);
  });

  it('re-plans only the rounds not yet played when someone leaves, and a reconnecting phone gets what it missed', async () => {
    const { workshopId } = await prepare('Atelier départs');
    const f = api(server.url, facilitator.cookie);
    await f.post(`/workshops/${workshopId}/control`, { action: 'start' });
    const before = (await f.get(`/workshops/${workshopId}`)).json.state as WorkshopState;
    const louis = before.participants.find((p) => p.personId === members[2].personId)!;

    const rose = await socketFor(members[1].cookie);
    const joined = await ok<{ state: WorkshopState; capabilities: WorkshopCapabilities }>(rose, 'workshop:join', { workshopId });
    rose.disconnect();

    // While Rose's phone is away: Louis leaves, the round moves on.
    expect((await f.patch(`/workshop-participants/${louis.id}`, { present: false })).status).toBe(200);
    await f.post(`/workshops/${workshopId}/control`, { action: 'next' });
    const after = (await f.get(`/workshops/${workshopId}`)).json.state as WorkshopState;
    expect(after.plan![0]).toEqual(before.plan![0]);
    expect(after.plan![1][louis.id]).toBeUndefined();
    expect(after.plan![2][louis.id]).toBeUndefined();

    const back = await socketFor(members[1].cookie);
    const again = await ok<{ state: WorkshopState; capabilities: WorkshopCapabilities }>(back, 'workshop:join', { workshopId });
    expect(again.state.rev).toBeGreaterThan(joined.state.rev);
    expect(again.state.round.current).toBe(2);
    expect(tableFor(again.state, again.capabilities.participantId, 2)?.id).toBe(after.plan![1][again.capabilities.participantId!]);
  });

  it('stops a participant who has left from writing on a tablecloth they still have open', async () => {
    const { workshopId, tables } = await prepare('Atelier départ en cours de tour');
    const f = api(server.url, facilitator.cookie);
    await f.post(`/workshops/${workshopId}/control`, { action: 'start' });
    const state = (await f.get(`/workshops/${workshopId}`)).json.state as WorkshopState;
    const louis = state.participants.find((p) => p.personId === members[2].personId)!;
    const docName = `tablecloth:${tables[1]}`;
    const louisDoc = yjsClient(server.url, docName, { cookie: members[2].cookie });
    const watcher = yjsClient(server.url, docName, { cookie: facilitator.cookie });
    docs.push(louisDoc, watcher);
    await waitFor(() => expect(louisDoc.provider.synced && watcher.provider.synced).toBe(true));
    addNote(louisDoc.ydoc, { text: 'Avant de partir', authorName: 'Louis', round: 1 });
    await waitFor(() => expect(readNotes(watcher.ydoc).map((n) => n.text)).toEqual(['Avant de partir']));
    const closeCodes: number[] = [];
    louisDoc.provider.on('connection-close', (event) => closeCodes.push(event?.code ?? 0));

    expect((await f.patch(`/workshop-participants/${louis.id}`, { present: false })).status).toBe(200);
    // His connection is closed (4509) and opened again, now read-only: what he writes reaches nobody.
    await waitFor(() => expect(closeCodes).toContain(4509));
    await waitFor(() => expect(louisDoc.provider.wsconnected && louisDoc.provider.synced).toBe(true));
    addNote(louisDoc.ydoc, { text: 'Après son départ', authorName: 'Louis', round: 1 });
    const check = yjsClient(server.url, docName, { cookie: facilitator.cookie });
    docs.push(check);
    await waitFor(() => expect(check.provider.synced).toBe(true));
    await expect(waitFor(() => readNotes(check.ydoc).length > 1, { timeoutMs: 500 })).rejects.toThrow();
    expect(readNotes(check.ydoc).map((n) => n.text)).toEqual(['Avant de partir']);
  });

  it('confines a guest to their own workshop: other workshops, rooms and documents are refused', async () => {
    const first = await prepare('Atelier A');
    const second = await prepare('Atelier B');
    const guestCookie = await guestJoin(first.code, 'Marcel');
    const guest = await socketFor(guestCookie);
    await ok(guest, 'workshop:join', { workshopId: first.workshopId });
    const other = await call(guest, 'workshop:join', { workshopId: second.workshopId });
    expect(other.ok).toBe(false);
    if (!other.ok) expect(other.error.code).toBe('not_found');
    expect((await call(guest, 'presence:join', { room: `workshop:${second.workshopId}` })).ok).toBe(false);
    expect((await call(guest, 'presence:join', { room: `workshop:${first.workshopId}` })).ok).toBe(true);
    expect((await call(guest, 'presence:join', { room: `body:${bodyId}` })).ok).toBe(false);
    expect((await api(server.url, guestCookie).get(`/workshops/${second.workshopId}`)).status).toBe(404);
    expect((await api(server.url, guestCookie).get(`/bodies/${bodyId}/workshops`)).status).toBe(401);
    expect((await call(guest, 'workshop:control', { workshopId: first.workshopId, action: 'start' })).ok).toBe(false);

    const foreignCloth = yjsClient(server.url, `tablecloth:${second.tables[0]}`, { cookie: guestCookie });
    docs.push(foreignCloth);
    expect((await foreignCloth.closed).code).toBe(4403);
    const bodyNotes = yjsClient(server.url, `body:${bodyId}:notes`, { cookie: guestCookie });
    docs.push(bodyNotes);
    expect((await bodyNotes.closed).code).toBe(4403);
  });
});

describe('workshops: tablecloths', () => {
  it('lets participants co-edit notes, grid and summary; another body’s member and an anonymous visitor are refused', async () => {
    const { workshopId, tables, code } = await prepare('Atelier nappes');
    await api(server.url, facilitator.cookie).post(`/workshops/${workshopId}/control`, { action: 'start' });
    const guestCookie = await guestJoin(code, 'Odette');
    expect((await api(server.url, guestCookie).post(`/workshops/${workshopId}/join`, {})).status).toBe(200);

    const docName = `tablecloth:${tables[0]}`;
    const host = yjsClient(server.url, docName, { cookie: members[0].cookie });
    const guest = yjsClient(server.url, docName, { cookie: guestCookie });
    docs.push(host, guest);
    await waitFor(() => expect(host.provider.synced && guest.provider.synced).toBe(true));
    addNote(guest.ydoc, { text: 'Des mains courantes dans les escaliers', authorName: 'Odette', colour: 'green', round: 1 });
    summaryText(host.ydoc, 1).insert(0, 'Accès et éclairage d’abord');
    await waitFor(() => expect(readNotes(host.ydoc).map((n) => n.text)).toEqual(['Des mains courantes dans les escaliers']));
    await waitFor(() => expect(summaryText(guest.ydoc, 1).toString()).toBe('Accès et éclairage d’abord'));
    const note = readNotes(host.ydoc)[0];
    expect(note).toMatchObject({ authorName: 'Odette', colour: 'green', round: 1 });
    expect(Date.parse(note.createdAt)).not.toBeNaN();

    // Persisted: a fresh reader sees the note.
    const reader = yjsClient(server.url, docName, { cookie: facilitator.cookie });
    docs.push(reader);
    await waitFor(() => expect(readNotes(reader.ydoc)).toHaveLength(1));

    const foreign = yjsClient(server.url, docName, { cookie: outsider.cookie });
    docs.push(foreign);
    expect((await foreign.closed).code).toBe(4403);
    const anonymous = yjsClient(server.url, docName);
    docs.push(anonymous);
    expect((await anonymous.closed).code).toBe(4401);
    const unknown = yjsClient(server.url, `tablecloth:00000000-0000-4000-8000-000000000000`, { cookie: facilitator.cookie });
    docs.push(unknown);
    expect((await unknown.closed).code).toBe(4404);

    const guestCloseCodes: number[] = [];
    guest.provider.on('connection-close', (event) => guestCloseCodes.push(event?.code ?? 0));

    // The host locks round 1 on their table; a member who is not the host cannot lock.
    const notHost = await api(server.url, members[1].cookie).post(`/workshops/${workshopId}/locks`, { tableId: tables[0], round: 1 });
    expect(notHost.status).toBe(403);
    const hostLock = await api(server.url, members[0].cookie).post(`/workshops/${workshopId}/locks`, { tableId: tables[0], round: 1 });
    expect(hostLock.status).toBe(204);
    const future = await api(server.url, members[0].cookie).post(`/workshops/${workshopId}/locks`, { tableId: tables[0], round: 2 });
    expect(future.status).toBe(409);
    const state = (await api(server.url, members[1].cookie).get(`/workshops/${workshopId}`)).json.state as WorkshopState;
    expect(state.locks[tables[0]]).toEqual([1]);

    // Connections open before the lock are closed (4509) so they are authorised again: the guest's
    // phone reconnects by itself, now read-only, and what it writes reaches nobody (checked below).
    await waitFor(() => expect(guestCloseCodes).toContain(4509));
    await waitFor(() => expect(guest.provider.wsconnected && guest.provider.synced).toBe(true));
    addNote(guest.ydoc, { text: 'Écrit sur une connexion ouverte avant le verrou', authorName: 'Odette', round: 1 });

    // A connection opened after the lock of the round under way only reads: its write is refused by the server.
    const afterLock = yjsClient(server.url, docName, { cookie: guestCookie });
    docs.push(afterLock);
    await waitFor(() => expect(afterLock.provider.synced).toBe(true));
    addNote(afterLock.ydoc, { text: 'Après le verrou', authorName: 'Odette', round: 1 });
    const check = yjsClient(server.url, docName, { cookie: facilitator.cookie });
    docs.push(check);
    await waitFor(() => expect(check.provider.synced).toBe(true));
    await expect(waitFor(() => readNotes(check.ydoc).length > 1, { timeoutMs: 500 })).rejects.toThrow();

    // Once the workshop is closed, tablecloths open read-only: a write from a reader is refused by the server.
    await api(server.url, facilitator.cookie).post(`/workshops/${workshopId}/control`, { action: 'close' });
    const late = yjsClient(server.url, docName, { cookie: guestCookie });
    docs.push(late);
    await waitFor(() => expect(late.provider.synced).toBe(true));
    addNote(late.ydoc, { text: 'Trop tard', authorName: null, round: 3 });
    const fresh = yjsClient(server.url, docName, { cookie: facilitator.cookie });
    docs.push(fresh);
    await waitFor(() => expect(fresh.provider.synced).toBe(true));
    // Give the refused update a bounded chance to (wrongly) arrive.
    await expect(waitFor(() => readNotes(fresh.ydoc).length > 1, { timeoutMs: 500 })).rejects.toThrow();
    expect(readNotes(fresh.ydoc)).toHaveLength(1);
  });

  it('keeps a locked earlier round as it was: what an editor changes in its notes or summary is put back for everyone, and the next round is written', async () => {
    const { workshopId, tables } = await prepare('Atelier verrou');
    const f = api(server.url, facilitator.cookie);
    await f.post(`/workshops/${workshopId}/control`, { action: 'start' });
    const docName = `tablecloth:${tables[0]}`;
    const host = yjsClient(server.url, docName, { cookie: members[0].cookie });
    docs.push(host);
    await waitFor(() => expect(host.provider.synced).toBe(true));
    addNote(host.ydoc, { text: 'Des rampes aux entrées', authorName: 'Paul', round: 1, id: 'round1-a' });
    addNote(host.ydoc, { text: 'Un éclairage des halls', authorName: 'Paul', round: 1, id: 'round1-b' });
    summaryText(host.ydoc, 1).insert(0, 'Accès et éclairage d’abord');
    const round1 = { notes: readNotes(host.ydoc), summaries: readSummaries(host.ydoc) };
    // Round 2 begins, then the host locks round 1 on their table.
    expect((await f.post(`/workshops/${workshopId}/control`, { action: 'next' })).status).toBe(200);
    expect((await api(server.url, members[0].cookie).post(`/workshops/${workshopId}/locks`, { tableId: tables[0], round: 1 })).status).toBe(204);

    // A participant of round 2 opens the tablecloth (it edits: round 2 is not locked) and, as a
    // tampering client would, rewrites, moves and deletes round-1 notes, adds one to round 1 and
    // rewrites its summary; and writes a note and a summary for round 2, as anyone may.
    const editor = yjsClient(server.url, docName, { cookie: members[1].cookie });
    docs.push(editor);
    await waitFor(() => expect(editor.provider.synced && readNotes(editor.ydoc).length === 2).toBe(true));
    notesArray(editor.ydoc).get(0).set('text', 'Réécrit après le verrou');
    notesArray(editor.ydoc).get(1).set('round', 2);
    removeNote(editor.ydoc, 'round1-a');
    addNote(editor.ydoc, { text: 'Glissé dans le tour 1', authorName: 'Rose', round: 1, id: 'late' });
    setText(summaryText(editor.ydoc, 1), 'Autre synthèse');
    addNote(editor.ydoc, { text: 'Un banc à chaque palier', authorName: 'Rose', round: 2, id: 'round2-a' });
    summaryText(editor.ydoc, 2).insert(0, 'Des bancs');

    const byId = <T extends { id: string }>(notes: T[]) => [...notes].sort((a, b) => a.id.localeCompare(b.id));
    const expected = byId([...round1.notes, { ...round1.notes[0], id: 'round2-a', text: 'Un banc à chaque palier', authorName: 'Rose', round: 2, createdAt: expect.any(String) }]);
    // Everyone converges on round 1 as it was locked, with round 2's writing: the editor itself,
    // the host (open before the lock, reconnected), and a fresh reader of what the server keeps.
    const reader = yjsClient(server.url, docName, { cookie: facilitator.cookie });
    docs.push(reader);
    for (const client of [editor, host, reader]) {
      await waitFor(() => {
        expect(byId(readNotes(client.ydoc))).toEqual(expected);
        expect(readSummaries(client.ydoc)).toEqual({ ...round1.summaries, 2: 'Des bancs' });
      });
    }
    // Stored: the document read back from the server (memory, then its log) is the same.
    const copy = new Y.Doc();
    Y.applyUpdate(copy, await server.concerto.services.documents.read(docName));
    expect(byId(readNotes(copy))).toEqual(expected);
  });
});
