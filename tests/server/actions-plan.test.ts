import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/db.ts';
import { createBody } from '../helpers/api-fixtures.ts';
import { addParticipant, createMeeting, type Participant } from '../helpers/meeting-fixtures.ts';
import { api, openTestDb, rowCounts, setupAdmin, startTestServer, type AdminSession, type TestServer } from '../helpers/test-server.ts';

// Issue 7, the body's action plan (seed 002: actions "validées", "en cours", "à étudier" with
// horizons 2024, 2025, 2026), over the JSON API.

let db: Db;
let server: TestServer;
let admin: AdminSession;
let bodyId: string;
let secretary: Participant;
let member: Participant;
let outsider: Participant;

beforeAll(async () => {
  db = await openTestDb();
  server = await startTestServer({ db });
  admin = await setupAdmin(server.url);
  const body = await createBody(server.url, admin.cookie, admin.organisationId, { name: 'Groupe de travail seniors', kind: 'working_group' });
  bodyId = body.id;
  secretary = await addParticipant(server.url, admin.cookie, admin.organisationId, bodyId, { name: 'Nadine Berhouet', role: 'secretary', college: 'landlord' });
  member = await addParticipant(server.url, admin.cookie, admin.organisationId, bodyId, { name: 'Jacques Irigoyen', role: 'member', college: 'tenant' });
  const other = await createBody(server.url, admin.cookie, admin.organisationId, { name: 'CCL Bayonne', kind: 'ccl' });
  outsider = await addParticipant(server.url, admin.cookie, admin.organisationId, other.id, { name: 'Sylvie Darrigrand', college: 'tenant' });
});

afterAll(async () => {
  await server?.close();
  await db?.close();
});

const as = (cookie: string) => api(server.url, cookie);

describe('action plan', () => {
  it('lets the secretary add actions with an owner, a horizon and a status, and lists them by horizon', async () => {
    const a1 = await as(secretary.cookie).post(`/bodies/${bodyId}/actions`, {
      title: 'Création d’un modèle type de demande d’aménagement',
      description: 'Avant les travaux.',
      ownerText: 'Service gestion locative',
      horizon: 2024,
      status: 'validee'
    });
    expect(a1.status).toBe(201);
    expect(a1.json.action).toMatchObject({ title: 'Création d’un modèle type de demande d’aménagement', ownerName: 'Service gestion locative', horizon: 2024, status: 'validee', source: { kind: 'manual' } });
    const a2 = await as(secretary.cookie).post(`/bodies/${bodyId}/actions`, { title: 'Véhicule de démonstration des équipements', horizon: 2026 });
    expect(a2.json.action.status).toBe('a_etudier');
    const a3 = await as(secretary.cookie).post(`/bodies/${bodyId}/actions`, {
      title: 'Réunion d’information sur les résidences ciblées',
      horizon: 2025,
      status: 'en_cours',
      ownerPersonId: member.personId
    });
    expect(a3.json.action.ownerName).toBe('Jacques Irigoyen');

    const list = await as(member.cookie).get(`/bodies/${bodyId}/actions`);
    expect(list.status).toBe(200);
    expect(list.json.actions.map((a: { horizon: number }) => a.horizon)).toEqual([2024, 2025, 2026]);
    const filtered = await as(member.cookie).get(`/bodies/${bodyId}/actions?status=a_etudier`);
    expect(filtered.json.actions.map((a: { title: string }) => a.title)).toEqual(['Véhicule de démonstration des équipements']);
    const byYear = await as(member.cookie).get(`/bodies/${bodyId}/actions?horizon=2025`);
    expect(byYear.json.actions).toHaveLength(1);
  });

  it('keeps the history of status changes', async () => {
    const created = await as(secretary.cookie).post(`/bodies/${bodyId}/actions`, { title: 'Visite 1 an après les travaux', horizon: 2026 });
    const id = created.json.action.id;
    expect((await as(secretary.cookie).patch(`/actions/${id}`, { status: 'en_cours' })).status).toBe(200);
    const done = await as(admin.cookie).patch(`/actions/${id}`, { status: 'validee', ownerText: 'Conseillère sociale' });
    expect(done.json.action).toMatchObject({ status: 'validee', ownerName: 'Conseillère sociale' });
    const got = await as(member.cookie).get(`/actions/${id}`);
    expect(got.json.action.history.map((h: { from: string | null; to: string }) => [h.from, h.to])).toEqual([
      [null, 'a_etudier'],
      ['a_etudier', 'en_cours'],
      ['en_cours', 'validee']
    ]);
    expect(got.json.action.history[1].by).toBe('Nadine Berhouet');
  });

  it('refuses bad input with a bilingual message per field and changes nothing', async () => {
    const before = await rowCounts(db, ['actions', 'action_status_changes']);
    const res = await as(secretary.cookie).post(`/bodies/${bodyId}/actions`, { title: 'x', horizon: 1850, status: 'finie' });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('validation_failed');
    expect(Object.keys(res.json.error.fields).sort()).toEqual(['horizon', 'status', 'title']);
    expect(res.json.error.fields.horizon).toBe('Année entre 2000 et 2100.');
    const en = await as(secretary.cookie).post(`/bodies/${bodyId}/actions?lang=en`, { title: 'x', horizon: 1850 });
    expect(en.json.error.fields.horizon).toBe('Year between 2000 and 2100.');
    const unknownOwner = await as(secretary.cookie).post(`/bodies/${bodyId}/actions`, { title: 'Titre valable', ownerPersonId: '00000000-0000-4000-8000-000000000000' });
    expect(unknownOwner.status).toBe(422);
    expect(unknownOwner.json.error.fields.ownerPersonId).toBeTruthy();
    expect(await rowCounts(db, ['actions', 'action_status_changes'])).toEqual(before);
  });

  it('lets members read but not edit, and hides the plan from members of other bodies', async () => {
    const before = await rowCounts(db, ['actions']);
    expect((await as(member.cookie).post(`/bodies/${bodyId}/actions`, { title: 'Action d’un membre' })).status).toBe(403);
    const [one] = (await as(member.cookie).get(`/bodies/${bodyId}/actions`)).json.actions;
    expect((await as(member.cookie).patch(`/actions/${one.id}`, { status: 'validee' })).status).toBe(403);
    expect((await as(member.cookie).delete(`/actions/${one.id}`)).status).toBe(403);
    expect((await as(outsider.cookie).get(`/bodies/${bodyId}/actions`)).status).toBe(404);
    expect((await as(outsider.cookie).get(`/actions/${one.id}`)).status).toBe(404);
    expect((await api(server.url).get(`/bodies/${bodyId}/actions`)).status).toBe(401);
    expect((await as(member.cookie).get(`/actions/not-a-uuid`)).status).toBe(404);
    expect(await rowCounts(db, ['actions'])).toEqual(before);
  });

  it('names the meeting of the body an action came from, and refuses a meeting of another body', async () => {
    const meeting = await createMeeting(server.url, secretary.cookie, bodyId, { title: 'Réunion du groupe seniors' });
    const made = await as(secretary.cookie).post(`/bodies/${bodyId}/actions`, { title: 'Convention entre l’Office et la MDPH', sourceMeetingId: meeting.id, status: 'validee', horizon: 2024 });
    expect(made.status).toBe(201);
    expect(made.json.action.source).toMatchObject({ kind: 'meeting', meetingId: meeting.id, label: 'Réunion du groupe seniors' });
    const otherBody = await createBody(server.url, admin.cookie, admin.organisationId, { name: 'CCL Anglet', kind: 'ccl' });
    const elsewhere = await createMeeting(server.url, admin.cookie, otherBody.id, { title: 'CCL d’Anglet' });
    const refused = await as(secretary.cookie).post(`/bodies/${bodyId}/actions`, { title: 'Action d’une autre instance', sourceMeetingId: elsewhere.id });
    expect(refused.status).toBe(422);
    expect(refused.json.error.fields.sourceMeetingId).toBe('Cette réunion n\'est pas une réunion de l\'instance.');
  });

  it('adds to a meeting an item following up the action plan, listing the actions by status', async () => {
    const meeting = await createMeeting(server.url, secretary.cookie, bodyId, { title: 'Réunion de suivi' });
    expect((await as(member.cookie).post(`/bodies/${bodyId}/actions/review-item`, { meetingId: meeting.id })).status).toBe(403);
    const res = await as(secretary.cookie).post(`/bodies/${bodyId}/actions/review-item`, { meetingId: meeting.id });
    expect(res.status).toBe(201);
    expect(res.json.item).toMatchObject({ title: 'Suivi du plan d’actions', kind: 'information', status: 'accepted' });
    const text: string = res.json.item.description;
    expect(text.indexOf('Validée (')).toBeLessThan(text.indexOf('En cours ('));
    expect(text.indexOf('En cours (')).toBeLessThan(text.indexOf('À étudier ('));
    expect(text).toContain('- Réunion d’information sur les résidences ciblées (échéance 2025, responsable : Jacques Irigoyen)');
    expect(text).toContain('- Véhicule de démonstration des équipements (échéance 2026, responsable à désigner)');
    const agenda = await as(member.cookie).get(`/meetings/${meeting.id}`);
    expect(agenda.status).toBe(200);
    const bad = await as(secretary.cookie).post(`/bodies/${bodyId}/actions/review-item`, { meetingId: 'pas-un-id' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields.meetingId).toBeTruthy();
  });

  it('lets a manager delete an action', async () => {
    const created = await as(secretary.cookie).post(`/bodies/${bodyId}/actions`, { title: 'Action en double' });
    expect((await as(secretary.cookie).delete(`/actions/${created.json.action.id}`)).status).toBe(204);
    expect((await as(secretary.cookie).get(`/actions/${created.json.action.id}`)).status).toBe(404);
  });
});
