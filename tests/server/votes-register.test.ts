import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/db.ts';
import { verifyMeetingAudit } from '../../server/audit/meeting-audit.ts';
import type { Decision, VoteService } from '../../server/votes/votes.service.ts';
import { createBody } from '../helpers/api-fixtures.ts';
import { addParticipant, createCouncil, type Council, type Participant } from '../helpers/meeting-fixtures.ts';
import { api, openTestDb, setupAdmin, startTestServer, type AdminSession, type TestServer } from '../helpers/test-server.ts';
import { liveMeetingWith, refusal, userOf as u, voteServiceOf } from '../helpers/vote-fixtures.ts';

// Issue 5: each body's voting defaults (rule, the chair's casting vote), the register of
// decisions (page data, JSON API, CSV for French spreadsheets), a meeting that cannot close over
// an open vote, and casts that share commits. The council has 7 voting members (3 landlords,
// the chair first, and 4 tenants).

let db: Db;
let server: TestServer;
let admin: AdminSession;
let council: Council;
let votes: VoteService;
let outsider: Participant;

beforeAll(async () => {
  db = await openTestDb();
  server = await startTestServer({ db });
  admin = await setupAdmin(server.url);
  council = await createCouncil(server.url, admin.cookie, admin.organisationId);
  const other = await createBody(server.url, admin.cookie, admin.organisationId, { name: 'CCL Billère', kind: 'ccl' });
  outsider = await addParticipant(server.url, admin.cookie, admin.organisationId, other.id, { name: 'Gérard Lacoste', college: 'tenant', votingRight: true });
  votes = voteServiceOf(server.concerto.services);
});

afterAll(async () => {
  await server?.close();
  await db?.close();
});

const services = () => server.concerto.services;
const everyone = () => [...council.landlords, ...council.tenants].map((p) => [p, 'present_remote'] as const) as never;

async function setSettings(cookie: string, settings: Record<string, unknown>) {
  return api(server.url, cookie).call('PUT', `/bodies/${council.bodyId}/vote-settings`, settings);
}

describe("a body's voting defaults", () => {
  it('are set by the secretariat, read by members, refused to others, validated with bilingual field messages', async () => {
    const read = await api(server.url, council.tenants[0].cookie).get(`/bodies/${council.bodyId}/vote-settings`);
    expect(read.status).toBe(200);
    expect(read.json.settings).toEqual({ bodyId: council.bodyId, defaultRule: 'simple_majority', chairCastingVote: false, ballotsChangeable: false });

    const settings = { defaultRule: 'two_thirds', chairCastingVote: true, ballotsChangeable: false };
    expect((await setSettings(council.tenants[0].cookie, settings)).status).toBe(403);
    expect((await setSettings(outsider.cookie, settings)).status).toBe(404);
    expect((await api(server.url, outsider.cookie).get(`/bodies/${council.bodyId}/vote-settings`)).status).toBe(404);
    expect((await api(server.url).get(`/bodies/${council.bodyId}/vote-settings`)).status).toBe(401);
    const bad = await setSettings(council.secretary.cookie, { ...settings, defaultRule: 'tirage au sort' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields.defaultRule).toBe('Règle de vote inconnue.');
    const [unchanged] = await db.query<{ default_vote_rule: string }>('select default_vote_rule from bodies where id = $1', [council.bodyId]);
    expect(unchanged.default_vote_rule).toBe('simple_majority');

    const ok = await setSettings(council.secretary.cookie, settings);
    expect(ok.status).toBe(200);
    expect(ok.json.settings).toMatchObject(settings);
  });

  it("apply to a vote that names no rule, are recorded with its result, and the chair's casting vote decides a tie", async () => {
    const [chair, l2, l3] = council.landlords;
    const [t1, t2, t3, t4] = council.tenants;
    const { meetingId, itemId } = await liveMeetingWith(server.url, services(), council, everyone());
    const vote = await votes.open(u(chair), meetingId, { itemId, question: 'Le CCL approuve le plan de concertation locative', mode: 'device' });
    expect(vote).toMatchObject({ rule: 'two_thirds', castingVoteAllowed: true });
    // A vote may still override the body's rule.
    await votes.close(u(chair), vote.id);
    const { meetingId: m2, itemId: i2 } = await liveMeetingWith(server.url, services(), council, everyone());
    const tie = await votes.open(u(chair), m2, { itemId: i2, question: 'Le CCL donne un avis favorable à l’offre d’ANTARGAZ', mode: 'device', rule: 'simple_majority' });
    expect(tie.rule).toBe('simple_majority');
    await Promise.all([
      votes.cast(u(chair), tie.id, { choice: 'pour' }),
      votes.cast(u(l2), tie.id, { choice: 'pour' }),
      votes.cast(u(l3), tie.id, { choice: 'pour' }),
      votes.cast(u(t1), tie.id, { choice: 'contre' }),
      votes.cast(u(t2), tie.id, { choice: 'contre' }),
      votes.cast(u(t3), tie.id, { choice: 'contre' }),
      votes.cast(u(t4), tie.id, { choice: 'abstention' })
    ]);
    const bad = await refusal(votes.close(u(chair), tie.id, { castingVote: 'peut-être' }), 'unprocessable');
    expect(bad.fields?.castingVote).toBeDefined();
    const closed = await votes.close(u(chair), tie.id, { castingVote: 'pour' });
    expect(closed.result).toMatchObject({ outcome: 'adopted', reason: 'tie_casting_vote', castingVote: { allowed: true, used: 'pour' } });
    const [decision] = await db.query<{ casting_vote: unknown; rule: string }>('select casting_vote, rule from decisions where vote_id = $1', [tie.id]);
    expect(decision).toEqual({ casting_vote: { allowed: true, used: 'pour' }, rule: 'simple_majority' });

    // A body without a casting vote: the tie is rejected and a casting vote refused.
    await setSettings(council.secretary.cookie, { defaultRule: 'simple_majority', chairCastingVote: false, ballotsChangeable: false });
    const { meetingId: m3, itemId: i3 } = await liveMeetingWith(server.url, services(), council, everyone());
    const plain = await votes.open(u(chair), m3, { itemId: i3, question: 'Le CCL approuve le compte rendu du 6 juin', mode: 'device' });
    await votes.cast(u(chair), plain.id, { choice: 'pour' });
    await votes.cast(u(t1), plain.id, { choice: 'contre' });
    await refusal(votes.close(u(chair), plain.id, { castingVote: 'pour' }), 'unprocessable');
    const rejected = await votes.close(u(chair), plain.id);
    expect(rejected.result).toMatchObject({ outcome: 'rejected', reason: 'tie', castingVote: { allowed: false, used: null } });
    expect(rejected.result?.text.fr).toBe('Rejeté : 1 pour, 1 contre, 0 abstention (majorité des suffrages exprimés)');
  });
});

describe('closing a meeting', () => {
  it('is refused while a vote is open, with a bilingual reason, and allowed once it is closed', async () => {
    const { meetingId, itemId } = await liveMeetingWith(server.url, services(), council, everyone());
    const vote = await votes.open(u(council.chair), meetingId, { itemId, question: 'Le CCL approuve la charte', mode: 'device' });
    const res = await api(server.url, council.chair.cookie).post(`/meetings/${meetingId}/transitions`, { to: 'closed' });
    expect(res.status).toBe(409);
    expect(res.json.error.message).toBe('Un vote est encore ouvert : closez-le avant de clore la réunion.');
    expect(res.json.error.messageEn).toBe('A vote is still open: close it before closing the meeting.');
    const [m] = await db.query<{ status: string }>('select status from meetings where id = $1', [meetingId]);
    expect(m.status).toBe('live');
    await votes.cast(u(council.chair), vote.id, { choice: 'pour' });
    await votes.close(u(council.chair), vote.id);
    expect((await api(server.url, council.chair.cookie).post(`/meetings/${meetingId}/transitions`, { to: 'closed' })).status).toBe(200);
  });
});

describe('casts arriving together (committed in groups)', () => {
  it('acknowledges each cast on its own: a refused cast costs the others nothing, retries stay single', async () => {
    const [chair, l2, l3] = council.landlords;
    const [t1, t2, t3, t4] = council.tenants;
    const { meetingId, itemId } = await liveMeetingWith(server.url, services(), council, everyone());
    const vote = await votes.open(u(chair), meetingId, { itemId, question: 'Le CCL approuve le budget des associations', mode: 'device' });
    const settled = await Promise.allSettled([
      votes.cast(u(chair), vote.id, { choice: 'pour' }),
      votes.cast(u(l2), vote.id, { choice: 'pour' }),
      votes.cast(u(l2), vote.id, { choice: 'pour' }),
      votes.cast(u(l3), vote.id, { choice: 'contre' }),
      votes.cast(u(council.nonVoting), vote.id, { choice: 'pour' }),
      votes.cast(u(t1), vote.id, { choice: 'pour' }),
      votes.cast(u(t1), vote.id, { choice: 'contre' }),
      votes.cast(u(t2), vote.id, { choice: 'abstention' }),
      votes.cast(u(t3), vote.id, { choice: 'pour' }),
      votes.cast(u(t4), vote.id, { choice: 'pour' })
    ]);
    const statuses = settled.map((s) => s.status);
    expect([...statuses.slice(0, 5), ...statuses.slice(7)]).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    // t1's two different ballots: whichever came first stands, the other is refused.
    expect(statuses.slice(5, 7).sort()).toEqual(['fulfilled', 'rejected']);
    const t1Refused = (settled[5].status === 'rejected' ? settled[5] : settled[6]) as PromiseRejectedResult;
    expect(t1Refused.reason.code).toBe('conflict');
    expect((settled[0] as PromiseFulfilledResult<{ mine?: unknown }>).value.mine).toMatchObject({ how: 'device', ballots: [{ forPersonId: chair.personId, self: true, cast: true, choice: 'pour' }] });
    const l2Acks = settled.slice(1, 3).map((s) => (s as PromiseFulfilledResult<{ alreadyCast: boolean }>).value.alreadyCast);
    expect(l2Acks.sort()).toEqual([false, true]);
    expect((settled[4] as PromiseRejectedResult).reason.code).toBe('forbidden');
    const closed = await votes.close(u(chair), vote.id);
    const t1Pour = settled[5].status === 'fulfilled' ? 1 : 0;
    expect(closed.tally?.total).toEqual({ pour: 4 + t1Pour, contre: 2 - t1Pour, abstention: 1 });
    expect(await verifyMeetingAudit(db, meetingId)).toEqual({ ok: true, entries: 9 });
  });
});

describe('the register of decisions', () => {
  it('holds a numbered line per closed vote, filtered by year and kind, refused to non-members, unchangeable by SQL', async () => {
    const res = await api(server.url, council.tenants[0].cookie).get(`/bodies/${council.bodyId}/decisions`);
    expect(res.status).toBe(200);
    const list = res.json.decisions as Decision[];
    const year = new Date().getUTCFullYear();
    // Five votes closed so far in this file, numbered in order within the body's year.
    expect(list.map((d) => d.reference)).toEqual([5, 4, 3, 2, 1].map((n) => `${year}-00${n}`));
    expect(res.json.years).toEqual([year]);
    const tie = list.find((d) => d.castingVote?.used === 'pour')!;
    expect(tie).toMatchObject({
      kind: 'decision',
      rule: 'simple_majority',
      outcome: 'adopted',
      question: 'Le CCL donne un avis favorable à l’offre d’ANTARGAZ',
      itemTitle: 'Renouvellement du marché de gaz propane',
      meetingTitle: 'CCL du 6 juin',
      electorateSize: 7,
      participation: 7,
      secret: false,
      counts: { total: { pour: 3, contre: 3, abstention: 1 } }
    });
    expect(tie.result.fr).toBe('Adopté : 3 pour, 3 contre, 1 abstention (majorité des suffrages exprimés)');

    // Filters.
    expect((await api(server.url, council.tenants[0].cookie).get(`/bodies/${council.bodyId}/decisions?year=${year - 1}`)).json.decisions).toEqual([]);
    expect((await api(server.url, council.tenants[0].cookie).get(`/bodies/${council.bodyId}/decisions?kind=choice`)).json.decisions).toEqual([]);
    expect((await api(server.url, council.tenants[0].cookie).get(`/bodies/${council.bodyId}/decisions?kind=decision&year=${year}`)).json.decisions).toHaveLength(5);
    const badFilter = await api(server.url, council.tenants[0].cookie).get(`/bodies/${council.bodyId}/decisions?kind=loi`);
    expect(badFilter.status).toBe(400);
    expect(badFilter.json.error.fields.kind).toContain('Type inconnu');
    // Members of other bodies and strangers do not see it.
    expect((await api(server.url, outsider.cookie).get(`/bodies/${council.bodyId}/decisions`)).status).toBe(404);
    expect((await api(server.url).get(`/bodies/${council.bodyId}/decisions`)).status).toBe(401);

    // The meeting record has the line the minutes draw on.
    const [event] = await db.query<{ data: { decision: { reference: string }; text: { fr: string } } }>(
      "select data from meeting_events where meeting_id = $1 and type = 'vote.closed'",
      [tie.meetingId]
    );
    expect(event.data.decision.reference).toBe(tie.reference);
    expect(event.data.text.fr).toBe(tie.result.fr);

    // The register cannot be rewritten.
    await expect(db.query("update decisions set outcome = 'rejected' where id = $1", [tie.id])).rejects.toThrow(/register/);
    await expect(db.query('delete from decisions where id = $1', [tie.id])).rejects.toThrow(/register/);
  });

  it('exports as CSV for French Excel: UTF-8 with a byte-order mark, ";" between fields, one line per decision', async () => {
    const res = await fetch(`${server.url}/api/v1/bodies/${council.bodyId}/decisions.csv`, { headers: { cookie: council.tenants[0].cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="registre-des-decisions.csv"');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(text.startsWith('\uFEFFRéférence;Date;Réunion;Point;Question;Type;Règle;Résultat;Pour;Contre;Abstentions ou blancs;')).toBe(true);
    const lines = text.slice(1).trimEnd().split('\r\n');
    expect(lines).toHaveLength(6);
    const tieLine = lines.find((l) => l.includes('avis favorable à l’offre d’ANTARGAZ'))!;
    const cells = tieLine.split(';');
    expect(cells[5]).toBe('Décision');
    expect(cells.slice(8, 13)).toEqual(['3', '3', '1', '7', '7']);
    expect(cells[14]).toBe('pour');

    const en = await fetch(`${server.url}/api/v1/bodies/${council.bodyId}/decisions.csv?lang=en&year=${new Date().getUTCFullYear()}`, { headers: { cookie: council.tenants[0].cookie } });
    const enText = new TextDecoder('utf-8', { ignoreBOM: true }).decode(new Uint8Array(await en.arrayBuffer()));
    expect(enText.startsWith('\uFEFFReference;Date;Meeting;')).toBe(true);
    expect((await fetch(`${server.url}/api/v1/bodies/${council.bodyId}/decisions.csv`, { headers: { cookie: outsider.cookie } })).status).toBe(404);
  });
});
