import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createBody } from '../helpers/api-fixtures.ts';
import { addParticipant, type Participant } from '../helpers/meeting-fixtures.ts';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres-database.ts';
import { api, setupAdmin, startTestServer, type TestServer } from '../helpers/test-server.ts';
import { addNote, tableclothDocName } from '../../src/lib/workshops/tablecloth.ts';

const baseUrl = process.env.TEST_DATABASE_URL;

// Issue 7: dot-vote limits enforced by the server, on a real PostgreSQL where transactions do run
// side by side (PGlite runs one at a time), with two instances of Concerto on one database as
// behind a load balancer.
describe.skipIf(!baseUrl)('harvest dot limits on a real PostgreSQL, two instances', () => {
  let temp: TempDatabase;
  let a: TestServer;
  let b: TestServer;
  let client: pg.Client;
  let workshopId = '';
  let ideaIds: string[] = [];
  const voters: Participant[] = [];
  let secretary: Participant;

  beforeAll(async () => {
    temp = await createTempDatabase(baseUrl!);
    a = await startTestServer({ env: { DATABASE_URL: temp.url } });
    b = await startTestServer({ env: { DATABASE_URL: temp.url } });
    const admin = await setupAdmin(a.url);
    const bodyId = (await createBody(a.url, admin.cookie, admin.organisationId, { name: 'Groupe de travail seniors', kind: 'working_group' })).id;
    secretary = await addParticipant(a.url, admin.cookie, admin.organisationId, bodyId, { name: 'Nadine Berhouet', role: 'secretary', college: 'landlord' });
    for (const name of ['Jacques Irigoyen', 'Marie-Claude Hourcade', 'Pierre Lasserre', 'Annie Bordes']) voters.push(await addParticipant(a.url, admin.cookie, admin.organisationId, bodyId, { name, college: 'tenant' }));
    client = new pg.Client({ connectionString: temp.url });
    await client.connect();
    workshopId = (await client.query('insert into workshops (organisation_id, body_id, title) values ($1, $2, $3) returning id', [admin.organisationId, bodyId, 'Atelier 1'])).rows[0].id;
    const tableId = (await client.query('insert into workshop_tables (workshop_id, position, name) values ($1, 0, $2) returning id', [workshopId, 'Le logement'])).rows[0].id;
    await a.concerto.services.documents.update(tableclothDocName(tableId), (d) => {
      for (const text of ['Douche à l’italienne', 'Barres de maintien', 'Chemin lumineux', 'Volets électriques']) addNote(d, { text, round: 1, authorName: null });
    });
    await api(a.url, secretary.cookie).post(`/workshops/${workshopId}/harvest/gather`);
    await api(a.url, secretary.cookie).patch(`/workshops/${workshopId}/harvest/settings`, { dotsPerPerson: 3 });
    await api(a.url, secretary.cookie).post(`/workshops/${workshopId}/harvest/phase`, { phase: 'voting' });
    ideaIds = (await api(b.url, secretary.cookie).get(`/workshops/${workshopId}/harvest`)).json.state.ideas.map((i: { id: string }) => i.id);
  });

  afterAll(async () => {
    await client?.end();
    await a?.close();
    await b?.close();
    await temp?.drop();
  });

  it('keeps exactly the dots allowed when one person sends many at once to both instances, and every other voter’s dots', async () => {
    const [greedy, ...others] = voters;
    const requests = [
      ...Array.from({ length: 12 }, (_, i) => api(i % 2 ? a.url : b.url, greedy.cookie).post(`/harvest-ideas/${ideaIds[i % ideaIds.length]}/dots`)),
      ...others.flatMap((v, n) => Array.from({ length: 3 }, (_, i) => api(i % 2 ? b.url : a.url, v.cookie).post(`/harvest-ideas/${ideaIds[(n + i) % ideaIds.length]}/dots`)))
    ];
    const results = await Promise.all(requests);
    expect(results.slice(0, 12).filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.slice(0, 12).filter((r) => r.status !== 201).every((r) => r.status === 409)).toBe(true);
    expect(results.slice(12).map((r) => r.status)).toEqual(Array(9).fill(201));
    const perVoter = await client.query('select voter_key, count(*)::int as n from harvest_dots where workshop_id = $1 group by voter_key', [workshopId]);
    expect(perVoter.rows.map((r) => r.n)).toEqual([3, 3, 3, 3]);
    const used = await client.query('select dots_used from harvest_voters where workshop_id = $1', [workshopId]);
    expect(used.rows.map((r) => r.dots_used)).toEqual([3, 3, 3, 3]);
    const state = (await api(a.url, secretary.cookie).get(`/workshops/${workshopId}/harvest`)).json.state;
    expect(state.ideas.reduce((s: number, i: { dots: number }) => s + i.dots, 0)).toBe(12);
  });

  it('gives every dot back when the table its ideas came from is removed', async () => {
    await client.query('delete from workshop_tables where workshop_id = $1', [workshopId]);
    const used = await client.query('select dots_used from harvest_voters where workshop_id = $1', [workshopId]);
    expect(used.rows.map((r) => r.dots_used)).toEqual([0, 0, 0, 0]);
  });
});
