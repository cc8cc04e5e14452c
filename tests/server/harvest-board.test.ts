import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/db.ts';
import { createBody } from '../helpers/api-fixtures.ts';
import { addParticipant, type Participant } from '../helpers/meeting-fixtures.ts';
import { api, openTestDb, rowCounts, setupAdmin, startTestServer, type AdminSession, type TestServer } from '../helpers/test-server.ts';
import { yjsClient } from '../helpers/realtime-clients.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { addNote, readNotes, tableclothDocName } from '../../src/lib/workshops/tablecloth.ts';
import { boardClient, guestCookieFor, insertWorkshop, writeNotes, writeSummary, type BoardClient } from './harvest-fixtures.ts';

// Issue 7, the harvest of a world café (seed 002, Office 64, "Les seniors du parc social",
// Atelier 1: tables "La résidence", "Le logement", "Le locataire"). Real server, real Socket.IO
// clients, notes written into the tablecloth Yjs documents through the running Yjs server.

let db: Db;
let server: TestServer;
let admin: AdminSession;
let bodyId: string;
let secretary: Participant;
let tenant: Participant;
let tenant2: Participant;
let observer: Participant;
let outsider: Participant;
const open: BoardClient[] = [];

beforeAll(async () => {
  db = await openTestDb();
  server = await startTestServer({ db });
  admin = await setupAdmin(server.url);
  bodyId = (await createBody(server.url, admin.cookie, admin.organisationId, { name: 'Groupe de travail seniors', kind: 'working_group' })).id;
  const add = (name: string, role: 'secretary' | 'member' | 'observer', college: 'landlord' | 'tenant' | 'other') =>
    addParticipant(server.url, admin.cookie, admin.organisationId, bodyId, { name, role, college });
  secretary = await add('Nadine Berhouet', 'secretary', 'landlord');
  tenant = await add('Jacques Irigoyen', 'member', 'tenant');
  tenant2 = await add('Marie-Claude Hourcade', 'member', 'tenant');
  observer = await add('Odile Vignau', 'observer', 'other');
  const other = await createBody(server.url, admin.cookie, admin.organisationId, { name: 'CCL Bayonne', kind: 'ccl' });
  outsider = await addParticipant(server.url, admin.cookie, admin.organisationId, other.id, { name: 'Sylvie Darrigrand', college: 'tenant' });
});

afterEach(() => {
  while (open.length) open.pop()!.close();
});

afterAll(async () => {
  await server?.close();
  await db?.close();
});

const services = () => server.concerto.services;
const as = (cookie: string) => api(server.url, cookie);
const TABLES = [
  { name: 'La résidence', question: 'Quels critères pour une résidence adaptée aux seniors ?' },
  { name: 'Le logement', question: 'Quels travaux dans le logement ?' },
  { name: 'Le locataire', question: 'Quel accompagnement pour le locataire ?' }
];

async function workshopWithNotes(title: string) {
  const w = await insertWorkshop(db, admin.organisationId, bodyId, title, TABLES);
  await writeNotes(services(), w.tableIds[0], [
    { text: 'Ascenseur dans les résidences de plus de 2 étages', round: 1, authorName: 'Jacques' },
    { text: 'Bancs et mains courantes dans les allées', round: 2 }
  ]);
  await writeNotes(services(), w.tableIds[1], [
    { text: 'Remplacer la baignoire par une douche (Pack’Âge)', round: 1 },
    { text: 'Barres de maintien douche et WC', round: 1 },
    { text: '   ', round: 1 }
  ]);
  await writeNotes(services(), w.tableIds[2], [{ text: 'Visite à domicile avec la conseillère sociale', round: 2 }]);
  await writeSummary(services(), w.tableIds[1], 1, 'Priorité aux salles de bains des plus de 75 ans.');
  return w;
}

async function board(cookie: string, workshopId: string) {
  const c = await boardClient(server.url, cookie, workshopId);
  open.push(c);
  return c;
}

describe('gathering the tablecloths', () => {
  it('copies every table’s notes onto one board, and gathering again adds only new notes', async () => {
    const w = await workshopWithNotes('Atelier 1 — récolte');
    const refused = await as(tenant.cookie).post(`/workshops/${w.workshopId}/harvest/gather`);
    expect(refused.status).toBe(403);

    const first = await as(secretary.cookie).post(`/workshops/${w.workshopId}/harvest/gather`);
    expect(first.json).toEqual({ added: 5 });
    const state = (await as(tenant.cookie).get(`/workshops/${w.workshopId}/harvest`)).json.state;
    expect(state.ideas.map((i: { text: string }) => i.text)).toEqual([
      'Ascenseur dans les résidences de plus de 2 étages',
      'Bancs et mains courantes dans les allées',
      'Remplacer la baignoire par une douche (Pack’Âge)',
      'Barres de maintien douche et WC',
      'Visite à domicile avec la conseillère sociale'
    ]);
    expect(state.ideas[0]).toMatchObject({ tableName: 'La résidence', round: 1, authorName: 'Jacques', themeId: null });
    expect(state.gatheredAt).not.toBeNull();

    // Group one idea, add a note at a table, gather again: nothing duplicated, the grouping kept.
    const theme = await as(tenant.cookie).post(`/workshops/${w.workshopId}/harvest/themes`, { name: 'Accessibilité' });
    await as(tenant.cookie).post(`/harvest-ideas/${state.ideas[0].id}/move`, { themeId: theme.json.theme.id });
    await writeNotes(services(), w.tableIds[2], [{ text: 'Courrier pour les plus de 75 ans', round: 3 }]);
    const again = await as(secretary.cookie).post(`/workshops/${w.workshopId}/harvest/gather`);
    expect(again.json).toEqual({ added: 1 });
    const after = (await as(tenant.cookie).get(`/workshops/${w.workshopId}/harvest`)).json.state;
    expect(after.ideas).toHaveLength(6);
    expect(after.ideas.find((i: { id: string }) => i.id === state.ideas[0].id).themeId).toBe(theme.json.theme.id);
    const [{ n }] = await db.query<{ n: number }>('select count(*)::int as n from harvest_ideas where workshop_id = $1', [w.workshopId]);
    expect(n).toBe(6);
  });
});

describe('gathering what a phone just wrote', () => {
  it('gathers a note written on a tablecloth through the Yjs server by a y-websocket client', async () => {
    const w = await workshopWithNotes('Atelier 1 — note d’un téléphone');
    const client = yjsClient(server.url, tableclothDocName(w.tableIds[2]), { cookie: secretary.cookie });
    try {
      await waitFor(() => client.provider.synced, { timeoutMs: 10_000 });
      expect(readNotes(client.ydoc).map((n) => n.text)).toEqual(['Visite à domicile avec la conseillère sociale']);
      addNote(client.ydoc, { text: 'Réunion d’information dans les résidences ciblées', round: 3, authorName: 'Nadine' });
      await waitFor(async () => {
        const doc = await services().documents.open(tableclothDocName(w.tableIds[2]));
        return readNotes(doc).length === 2;
      });
      expect((await as(secretary.cookie).post(`/workshops/${w.workshopId}/harvest/gather`)).json).toEqual({ added: 6 });
      const state = (await as(tenant.cookie).get(`/workshops/${w.workshopId}/harvest`)).json.state;
      expect(state.ideas.at(-1)).toMatchObject({ text: 'Réunion d’information dans les résidences ciblées', tableName: 'Le locataire', round: 3, authorName: 'Nadine' });
    } finally {
      client.provider.destroy();
    }
  });
});

describe('themes, live', () => {
  it('broadcasts a theme and a move to everyone on the board, and a reconnecting client gets the full state', async () => {
    const w = await workshopWithNotes('Atelier 1 — thèmes');
    await as(secretary.cookie).post(`/workshops/${w.workshopId}/harvest/gather`);
    const guestCookie = await guestCookieFor(server.url, admin.cookie, admin.organisationId, w.workshopId, 'Mme Etchart');
    const facilitator = await board(secretary.cookie, w.workshopId);
    const guest = await board(guestCookie, w.workshopId);
    expect(guest.joined.capabilities).toEqual({ canManage: false, canGroup: true, canVote: true });
    expect(facilitator.joined.capabilities.canManage).toBe(true);
    const ideas = facilitator.joined.state.ideas;

    const created = await guest.socket.emitWithAck('harvest:theme-create', { workshopId: w.workshopId, name: 'Salle de bains' });
    expect(created.ok).toBe(true);
    const themeId = created.ok ? created.data.themeId : '';
    // By keyboard ("Déplacer vers…"): to the theme, then another one placed first.
    expect((await guest.socket.emitWithAck('harvest:move', { ideaId: ideas[2].id, themeId })).ok).toBe(true);
    expect((await facilitator.socket.emitWithAck('harvest:move', { ideaId: ideas[3].id, themeId, index: 0 })).ok).toBe(true);
    const seen = await waitFor(() => {
      const s = facilitator.latest();
      const inTheme = s.ideas.filter((i) => i.themeId === themeId).map((i) => i.id);
      return inTheme.length === 2 ? { s, inTheme } : false;
    });
    expect(seen.inTheme).toEqual([ideas[3].id, ideas[2].id]);
    expect(seen.s.themes.map((t) => t.name)).toEqual(['Salle de bains']);
    await waitFor(() => expect(guest.latest().rev).toBe(facilitator.latest().rev));

    expect((await guest.socket.emitWithAck('harvest:theme-rename', { themeId, name: 'Salle de bains adaptée' })).ok).toBe(true);
    await waitFor(() => expect(facilitator.latest().themes[0].name).toBe('Salle de bains adaptée'));

    // Bad input: a bilingual message naming the field, nothing changed.
    const rev = facilitator.latest().rev;
    const bad = await guest.socket.emitWithAck('harvest:theme-rename', { themeId, name: '' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation_failed', fields: { name: expect.any(String) } } });
    const wrongTheme = await guest.socket.emitWithAck('harvest:move', { ideaId: ideas[0].id, themeId: '00000000-0000-4000-8000-000000000000' });
    expect(wrongTheme).toMatchObject({ ok: false, error: { code: 'unprocessable', fields: { themeId: expect.any(String) } } });
    expect((await services().harvest.snapshot(w.workshopId)).rev).toBe(rev);

    guest.close();
    const back = await board(guestCookie, w.workshopId);
    expect(back.joined.state.rev).toBe(facilitator.latest().rev);
    expect(back.joined.state.ideas.filter((i) => i.themeId === themeId)).toHaveLength(2);
  });

  it('sends ideas of a removed theme back to "not grouped"', async () => {
    const w = await workshopWithNotes('Atelier 1 — suppression de thème');
    await as(secretary.cookie).post(`/workshops/${w.workshopId}/harvest/gather`);
    const s = (await as(tenant.cookie).get(`/workshops/${w.workshopId}/harvest`)).json.state;
    const theme = (await as(tenant.cookie).post(`/workshops/${w.workshopId}/harvest/themes`, { name: 'Divers' })).json.theme;
    await as(tenant.cookie).post(`/harvest-ideas/${s.ideas[1].id}/move`, { themeId: theme.id });
    expect((await as(tenant.cookie).delete(`/harvest-themes/${theme.id}`)).status).toBe(204);
    const after = (await as(tenant.cookie).get(`/workshops/${w.workshopId}/harvest`)).json.state;
    expect(after.themes).toEqual([]);
    expect(after.ideas.every((i: { themeId: string | null }) => i.themeId === null)).toBe(true);
    expect(after.ideas).toHaveLength(5);
  });
});

describe('dot voting', () => {
  it('never lets a participant place more dots than allowed, even with concurrent requests (issue 7: limits enforced by the server)', async () => {
    const w = await workshopWithNotes('Atelier 1 — gommettes concurrentes');
    await as(secretary.cookie).post(`/workshops/${w.workshopId}/harvest/gather`);
    expect((await as(secretary.cookie).patch(`/workshops/${w.workshopId}/harvest/settings`, { dotsPerPerson: 3 })).status).toBe(200);
    // Not before voting opens.
    const ideas = (await as(tenant.cookie).get(`/workshops/${w.workshopId}/harvest`)).json.state.ideas;
    const early = await as(tenant.cookie).post(`/harvest-ideas/${ideas[0].id}/dots`);
    expect(early.status).toBe(409);
    expect(early.json.error.message).toBe('Le vote par gommettes n’est pas ouvert.');
    await as(secretary.cookie).post(`/workshops/${w.workshopId}/harvest/phase`, { phase: 'voting' });

    // Ten dots at once from one person over two devices (socket and HTTP): three are kept.
    const phone = await board(tenant.cookie, w.workshopId);
    const laptop = await board(tenant.cookie, w.workshopId);
    const results = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => phone.socket.emitWithAck('harvest:dot', { ideaId: ideas[i % ideas.length].id })),
      ...Array.from({ length: 5 }, (_, i) => as(tenant.cookie).post(`/harvest-ideas/${ideas[(i + 2) % ideas.length].id}/dots`))
    ]);
    const accepted = results.filter((r) => ('ok' in r ? r.ok : r.status === 201));
    expect(accepted).toHaveLength(3);
    const refusedMessages = results.filter((r) => ('ok' in r ? !r.ok : r.status !== 201)).map((r) => ('ok' in r ? (!r.ok ? r.error.code : '') : r.json.error.code));
    expect(new Set(refusedMessages)).toEqual(new Set(['conflict']));
    const rows = await db.query<{ n: number }>('select count(*)::int as n from harvest_dots where workshop_id = $1', [w.workshopId]);
    expect(rows[0].n).toBe(3);
    const [voter] = await db.query<{ dots_used: number }>('select dots_used from harvest_voters where workshop_id = $1', [w.workshopId]);
    expect(voter.dots_used).toBe(3);
    // The other device hears of its owner's dots.
    await waitFor(() => {
      expect(laptop.latest().ideas.reduce((s, i) => s + (i.dots ?? 0), 0)).toBe(3);
    });

    // The database itself refuses a fourth (the check constraint behind the limit).
    await expect(db.query(`update harvest_voters set dots_used = dots_used + 1 where workshop_id = $1`, [w.workshopId])).rejects.toThrow(/harvest_voters_dot_limit/);

    // Taking one back frees it for another idea.
    const mine = (await as(tenant.cookie).get(`/workshops/${w.workshopId}/harvest`)).json.mine;
    const withDot = Object.keys(mine.dots)[0];
    const back = await phone.socket.emitWithAck('harvest:undot', { ideaId: withDot });
    expect(back).toMatchObject({ ok: true, data: { used: 2, allowed: 3 } });
    const noneHere = await phone.socket.emitWithAck('harvest:undot', { ideaId: ideas.find((i: { id: string }) => !mine.dots[i.id]).id });
    expect(noneHere).toMatchObject({ ok: false, error: { code: 'conflict', message: 'Vous n’avez pas de gommette sur cette idée.' } });
    expect((await phone.socket.emitWithAck('harvest:dot', { ideaId: withDot })).ok).toBe(true);

    // Rules cannot change once dots are placed.
    const late = await as(secretary.cookie).patch(`/workshops/${w.workshopId}/harvest/settings`, { dotsPerPerson: 10 });
    expect(late.status).toBe(409);
    expect(late.json.error.fields.dotsPerPerson).toBeTruthy();
  });

  it('gives a voter their dots back when the ideas they were on go with a removed table', async () => {
    const w = await workshopWithNotes('Atelier 1 — table retirée');
    await as(secretary.cookie).post(`/workshops/${w.workshopId}/harvest/gather`);
    await as(secretary.cookie).post(`/workshops/${w.workshopId}/harvest/phase`, { phase: 'voting' });
    const ideas = (await as(tenant.cookie).get(`/workshops/${w.workshopId}/harvest`)).json.state.ideas;
    const onFirstTable = ideas.filter((i: { tableId: string }) => i.tableId === w.tableIds[0]);
    const elsewhere = ideas.find((i: { tableId: string }) => i.tableId !== w.tableIds[0]);
    for (const i of [...onFirstTable, elsewhere]) expect((await as(tenant.cookie).post(`/harvest-ideas/${i.id}/dots`)).status).toBe(201);
    await db.query('delete from workshop_tables where id = $1', [w.tableIds[0]]);
    const mine = (await as(tenant.cookie).get(`/workshops/${w.workshopId}/harvest`)).json.mine;
    expect(mine).toMatchObject({ used: 1, allowed: 5, dots: { [elsewhere.id]: 1 } });
    // Taking a dot back by hand is counted once, not twice.
    expect((await as(tenant.cookie).delete(`/harvest-ideas/${elsewhere.id}/dots`)).json.mine).toMatchObject({ used: 0, dots: {} });
  });

  it('refuses a second dot on the same idea when stacking is off', async () => {
    const w = await workshopWithNotes('Atelier 1 — une gommette par idée');
    await as(secretary.cookie).post(`/workshops/${w.workshopId}/harvest/gather`);
    await as(secretary.cookie).patch(`/workshops/${w.workshopId}/harvest/settings`, { allowStacking: false });
    await as(secretary.cookie).post(`/workshops/${w.workshopId}/harvest/phase`, { phase: 'voting' });
    const c = await board(tenant.cookie, w.workshopId);
    const idea = c.joined.state.ideas[0].id;
    expect((await c.socket.emitWithAck('harvest:dot', { ideaId: idea })).ok).toBe(true);
    const second = await c.socket.emitWithAck('harvest:dot', { ideaId: idea });
    expect(second).toMatchObject({ ok: false, error: { code: 'conflict', message: 'Une seule gommette par idée pour ce vote.' } });
  });

  it('hides counts and ranking until everyone who joined has placed all their dots', async () => {
    const w = await workshopWithNotes('Atelier 1 — résultats cachés');
    await as(secretary.cookie).post(`/workshops/${w.workshopId}/harvest/gather`);
    await as(secretary.cookie).patch(`/workshops/${w.workshopId}/harvest/settings`, { dotsPerPerson: 2, resultsMode: 'hidden' });
    await as(secretary.cookie).post(`/workshops/${w.workshopId}/harvest/phase`, { phase: 'voting' });
    const guestCookie = await guestCookieFor(server.url, admin.cookie, admin.organisationId, w.workshopId, 'M. Larrouy');
    const facilitator = await board(secretary.cookie, w.workshopId);
    const a = await board(tenant.cookie, w.workshopId);
    const g = await board(guestCookie, w.workshopId);
    const [i1, i2] = a.joined.state.ideas;

    await a.socket.emitWithAck('harvest:dot', { ideaId: i1.id });
    await a.socket.emitWithAck('harvest:dot', { ideaId: i1.id });
    await g.socket.emitWithAck('harvest:dot', { ideaId: i2.id });
    const midway = await waitFor(() => (facilitator.latest().progress.voted === 1 ? facilitator.latest() : false));
    expect(midway).toMatchObject({ resultsVisible: false, ranking: null, progress: { voted: 1, voters: 2 } });
    expect(midway.ideas.every((i) => i.dots === null)).toBe(true);
    expect((await as(tenant.cookie).get(`/workshops/${w.workshopId}/harvest`)).json.state.ranking).toBeNull();

    await g.socket.emitWithAck('harvest:dot', { ideaId: i1.id });
    const shown = await waitFor(() => (a.latest().resultsVisible ? a.latest() : false));
    expect(shown.ranking).toEqual([
      { id: i1.id, dots: 3, rank: 1 },
      { id: i2.id, dots: 1, rank: 2 }
    ]);
    await waitFor(() => expect(g.latest().resultsVisible).toBe(true));
  });
});

describe('who may do what', () => {
  it('confines a guest to the workshop of their code, and refuses what only the facilitator may do', async () => {
    const mine = await workshopWithNotes('Atelier 1 — confinement A');
    const theirs = await workshopWithNotes('Atelier 2 — confinement B');
    await as(secretary.cookie).post(`/workshops/${mine.workshopId}/harvest/gather`);
    const guestCookie = await guestCookieFor(server.url, admin.cookie, admin.organisationId, mine.workshopId, 'Mme Etchart');

    await expect(boardClient(server.url, guestCookie, theirs.workshopId)).rejects.toMatchObject({ apiError: { code: 'not_found' } });
    expect((await as(guestCookie).get(`/workshops/${theirs.workshopId}/harvest`)).status).toBe(404);
    expect((await as(guestCookie).get(`/workshops/${theirs.workshopId}/synthesis.pdf`)).status).toBe(404);
    expect((await as(guestCookie).get(`/bodies/${bodyId}/actions`)).status).toBe(401);
    expect((await as(guestCookie).get(`/bodies/${bodyId}`)).status).toBe(401);

    const before = await rowCounts(db, ['harvest_ideas', 'harvest_themes', 'actions']);
    const g = await board(guestCookie, mine.workshopId);
    const idea = g.joined.state.ideas[0].id;
    expect(await g.socket.emitWithAck('harvest:gather', { workshopId: mine.workshopId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await g.socket.emitWithAck('harvest:phase', { workshopId: mine.workshopId, phase: 'voting' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await g.socket.emitWithAck('harvest:to-action', { ideaId: idea })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await as(guestCookie).post(`/harvest-ideas/${idea}/action`, {})).status).toBe(403);
    expect(await rowCounts(db, ['harvest_ideas', 'harvest_themes', 'actions'])).toEqual(before);

    // Members of another body do not see it; an observer sees it but neither groups nor votes.
    await expect(boardClient(server.url, outsider.cookie, mine.workshopId)).rejects.toMatchObject({ apiError: { code: 'not_found' } });
    const o = await board(observer.cookie, mine.workshopId);
    expect(o.joined.capabilities).toEqual({ canManage: false, canGroup: false, canVote: false });
    expect(await o.socket.emitWithAck('harvest:theme-create', { workshopId: mine.workshopId, name: 'Observateur' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await api(server.url).get(`/workshops/${mine.workshopId}/harvest`)).status).toBe(401);
  });
});

describe('from ranking to action plan, and the synthesis', () => {
  it('makes a top idea an action of the body in one click (once), and exports the synthesis as PDF, Word and CSV', async () => {
    const w = await workshopWithNotes('Les seniors du parc social – Atelier 1');
    await as(secretary.cookie).post(`/workshops/${w.workshopId}/harvest/gather`);
    const s0 = (await as(tenant.cookie).get(`/workshops/${w.workshopId}/harvest`)).json.state;
    const theme = (await as(tenant.cookie).post(`/workshops/${w.workshopId}/harvest/themes`, { name: 'Salle de bains' })).json.theme;
    await as(tenant.cookie).post(`/harvest-ideas/${s0.ideas[2].id}/move`, { themeId: theme.id });
    await as(secretary.cookie).post(`/workshops/${w.workshopId}/harvest/phase`, { phase: 'voting' });
    for (let i = 0; i < 3; i++) await as(tenant.cookie).post(`/harvest-ideas/${s0.ideas[2].id}/dots`);
    await as(tenant2.cookie).post(`/harvest-ideas/${s0.ideas[2].id}/dots`);
    await as(tenant2.cookie).post(`/harvest-ideas/${s0.ideas[4].id}/dots`);
    await as(secretary.cookie).post(`/workshops/${w.workshopId}/harvest/phase`, { phase: 'closed' });

    const s1 = (await as(tenant.cookie).get(`/workshops/${w.workshopId}/harvest`)).json.state;
    expect(s1.ranking[0]).toEqual({ id: s0.ideas[2].id, dots: 4, rank: 1 });
    expect((await as(tenant.cookie).post(`/harvest-ideas/${s0.ideas[2].id}/dots`)).status).toBe(409);

    const made = await as(secretary.cookie).post(`/harvest-ideas/${s1.ranking[0].id}/action`, { horizon: 2025, status: 'validee' });
    expect(made.status).toBe(201);
    const again = await as(secretary.cookie).post(`/harvest-ideas/${s1.ranking[0].id}/action`, {});
    expect(again.status).toBe(200);
    expect(again.json.actionId).toBe(made.json.actionId);
    const plan = (await as(tenant.cookie).get(`/bodies/${bodyId}/actions`)).json.actions;
    const action = plan.find((a: { id: string }) => a.id === made.json.actionId);
    expect(action).toMatchObject({ title: 'Remplacer la baignoire par une douche (Pack’Âge)', horizon: 2025, status: 'validee', source: { kind: 'workshop', workshopId: w.workshopId, ideaId: s0.ideas[2].id } });
    const s2 = (await as(tenant.cookie).get(`/workshops/${w.workshopId}/harvest`)).json.state;
    expect(s2.ideas.find((i: { id: string }) => i.id === s0.ideas[2].id).actionId).toBe(made.json.actionId);

    const pdf = await fetch(`${server.url}/api/v1/workshops/${w.workshopId}/synthesis.pdf`, { headers: { cookie: tenant.cookie } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const pdfBytes = Buffer.from(await pdf.arrayBuffer());
    expect(pdfBytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdfBytes.subarray(-6).toString('latin1')).toContain('%%EOF');
    const pdfText = pdfBytes.toString('latin1');
    expect(pdfText).toContain('/StructTreeRoot');
    expect(pdfText).toContain('/MarkInfo');
    expect(pdfText).toMatch(/\/Lang \(fr-FR\)/);

    const docx = await fetch(`${server.url}/api/v1/workshops/${w.workshopId}/synthesis.docx`, { headers: { cookie: tenant.cookie } });
    expect(docx.status).toBe(200);
    const files = unzipSync(new Uint8Array(await docx.arrayBuffer()));
    const xml = strFromU8(files['word/document.xml']);
    for (const expected of ['Synthèse de l’atelier', 'La résidence', 'Quels travaux dans le logement ?', 'Priorité aux salles de bains des plus de 75 ans.', 'Salle de bains', 'Priorités (vote par gommettes)', 'Actions retenues', 'Validée', '2025']) {
      expect(xml).toContain(expected);
    }
    const en = await fetch(`${server.url}/api/v1/workshops/${w.workshopId}/synthesis.docx?lang=en`, { headers: { cookie: tenant.cookie } });
    expect(strFromU8(unzipSync(new Uint8Array(await en.arrayBuffer()))['word/document.xml'])).toContain('Resulting actions');

    const csv = await fetch(`${server.url}/api/v1/workshops/${w.workshopId}/harvest.csv`, { headers: { cookie: tenant.cookie } });
    const csvText = await csv.text();
    expect(csvText.split('\r\n')[0]).toBe('"Idée";"Table";"Tour";"Auteur";"Thème";"Gommettes"');
    expect(csvText).toContain('"Remplacer la baignoire par une douche (Pack’Âge)";"Le logement";"1";"";"Salle de bains";"4"');
  });
});
