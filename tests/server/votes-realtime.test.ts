import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/db.ts';
import type { LiveVote, VoteCastAck, VoteChanged, VoteListing, VoterBallots } from '../../src/lib/protocol/vote-state.ts';
import type { Ack, ApiError } from '../../src/lib/protocol/result.ts';
import { createBody } from '../helpers/api-fixtures.ts';
import { addParticipant, createCouncil, expectRefusal, type Council, type Participant } from '../helpers/meeting-fixtures.ts';
import { connected, socketClient, type ConcertoSocket } from '../helpers/realtime-clients.ts';
import { api, openTestDb, setupAdmin, startTestServer, type AdminSession, type TestServer } from '../helpers/test-server.ts';
import { liveMeetingWith } from '../helpers/vote-fixtures.ts';
import { waitFor } from '../helpers/wait-for.ts';

// Issue 5, votes over Socket.IO: the events in src/lib/protocol/events.ts ('vote:*'), served by
// server/votes/votes.handlers.ts. The council (tests/helpers/meeting-fixtures.ts) has 7 voting
// members: 3 landlords (the chair first) and 4 tenants; the secretary and the observer have no vote.

let db: Db;
let server: TestServer;
let admin: AdminSession;
let council: Council;
let outsider: Participant;

beforeAll(async () => {
  db = await openTestDb();
  server = await startTestServer({ db });
  admin = await setupAdmin(server.url);
  council = await createCouncil(server.url, admin.cookie, admin.organisationId);
  const other = await createBody(server.url, admin.cookie, admin.organisationId, { name: 'CCL Billère', kind: 'ccl' });
  outsider = await addParticipant(server.url, admin.cookie, admin.organisationId, other.id, { name: 'Gérard Lacoste', college: 'tenant', votingRight: true });
});

afterEach(() => VoteFollower.closeAll());

afterAll(async () => {
  await server?.close();
  await db?.close();
});

const services = () => server.concerto.services;
const QUESTION = 'Le CCL donne un avis favorable à l’offre d’ANTARGAZ';

/** One browser tab following a meeting's votes the way the client does: the newest read per vote wins. */
class VoteFollower {
  static all = new Set<VoteFollower>();
  readonly votes = new Map<string, { vote: LiveVote; readAt: number }>();
  readonly changes: VoteChanged[] = [];
  readonly mineUpdates: VoterBallots[] = [];

  private constructor(readonly socket: ConcertoSocket) {
    socket.on('vote:changed', (c) => {
      this.changes.push(c);
      this.keep(c.vote, c.readAt);
    });
    socket.on('vote:mine', (m) => this.mineUpdates.push(m));
  }

  static async connect(cookie: string): Promise<VoteFollower> {
    const socket = socketClient(server.url, { cookie });
    const f = new VoteFollower(socket);
    VoteFollower.all.add(f);
    await connected(socket);
    return f;
  }

  static closeAll() {
    for (const f of VoteFollower.all) f.socket.disconnect();
    VoteFollower.all.clear();
  }

  private keep(vote: LiveVote, readAt: number) {
    const held = this.votes.get(vote.id);
    if (!held || readAt >= held.readAt) this.votes.set(vote.id, { vote, readAt });
  }

  async emit(event: string, payload: unknown): Promise<Ack<any>> {
    return (this.socket.timeout(10_000) as unknown as { emitWithAck(ev: string, p: unknown): Promise<Ack<any>> }).emitWithAck(event, payload);
  }

  async ok<T = any>(event: string, payload: unknown): Promise<T> {
    const res = await this.emit(event, payload);
    if (!res.ok) throw new Error(`${event} refused: ${JSON.stringify(res.error)}`);
    return res.data as T;
  }

  async refused(event: string, payload: unknown): Promise<ApiError> {
    const res = await this.emit(event, payload);
    if (res.ok) throw new Error(`${event} ${JSON.stringify(payload)} was accepted, expected a refusal`);
    return res.error;
  }

  async list(meetingId: string): Promise<VoteListing> {
    const listing = await this.ok<VoteListing>('vote:list', { meetingId });
    for (const v of listing.votes) this.keep(v, listing.readAt);
    return listing;
  }

  vote(id: string): LiveVote | undefined {
    return this.votes.get(id)?.vote;
  }

  /** Waits (bounded) until this tab's copy of the vote satisfies `predicate`. */
  waitForVote(id: string, predicate: (v: LiveVote) => boolean, timeoutMs = 2_000): Promise<LiveVote> {
    return waitFor(
      () => {
        const v = this.vote(id);
        return !!v && predicate(v) ? v : false;
      },
      { timeoutMs, intervalMs: 5 }
    );
  }
}

/**
 * A live meeting whose five voting members are all remote, with the secretary and two tenants
 * (`voter`, `other`) following its votes over Socket.IO.
 */
async function fiveRemoteWithFollowers() {
  const [chair, l2, l3] = council.landlords;
  const [t1, t2] = council.tenants;
  const { meetingId, itemId } = await liveMeetingWith(server.url, services(), council, [
    [chair, 'present_remote'],
    [l2, 'present_remote'],
    [l3, 'present_remote'],
    [t1, 'present_remote'],
    [t2, 'present_remote']
  ]);
  const secretary = await VoteFollower.connect(council.secretary.cookie);
  const voter = await VoteFollower.connect(t1.cookie);
  const other = await VoteFollower.connect(t2.cookie);
  for (const f of [secretary, voter, other]) await f.list(meetingId);
  return { chair, l2, l3, t1, t2, meetingId, itemId, secretary, voter, other };
}

describe('votes over Socket.IO', () => {
  it('broadcasts a remote member’s ballot, the room counts and the result to every client in the meeting within a second', async () => {
    const [chair, l2] = council.landlords;
    const [t1, t2, t3] = council.tenants;
    const { meetingId, itemId } = await liveMeetingWith(server.url, services(), council, [
      [chair, 'present_room'],
      [l2, 'present_room'],
      [t1, 'present_remote'],
      [t2, 'present_remote'],
      [t3, { proxyHolder: t1 }],
      [council.secretary, 'present_room'],
      [council.observer, 'present_room']
    ]);
    const secretary = await VoteFollower.connect(council.secretary.cookie);
    const chairTab = await VoteFollower.connect(chair.cookie);
    const remote1 = await VoteFollower.connect(t1.cookie);
    const remote2 = await VoteFollower.connect(t2.cookie);
    const observer = await VoteFollower.connect(council.observer.cookie);
    const everyone = [secretary, chairTab, remote1, remote2, observer];
    for (const f of everyone) expect((await f.list(meetingId)).votes).toEqual([]);

    const opened = await secretary.ok<LiveVote>('vote:open', { meetingId, itemId, question: QUESTION, mode: 'hybrid', secret: false, showTally: true });
    expect(opened).toMatchObject({ status: 'open', kind: 'motion', mode: 'hybrid', electorateSize: 5, participation: 0 });
    for (const f of everyone) await f.waitForVote(opened.id, (v) => v.status === 'open');
    expect(remote2.changes.map((c) => c.change)).toContain('opened');

    // Each voter learns which ballots are theirs: the proxy holder has two, the room votes by hand.
    const mine1 = await remote1.ok<VoterBallots>('vote:mine', { voteId: opened.id });
    expect(mine1).toMatchObject({ how: 'device', ballots: [
      { forPersonId: t1.personId, self: true, cast: false, choice: null },
      { forPersonId: t3.personId, self: false, cast: false, name: t3.name }
    ] });
    expect(await chairTab.ok<VoterBallots>('vote:mine', { voteId: opened.id })).toMatchObject({ how: 'room', ballots: [{ forPersonId: chair.personId, self: true }] });
    expect(await observer.ok<VoterBallots>('vote:mine', { voteId: opened.id })).toEqual({ voteId: opened.id, how: 'none', ballots: [] });

    // A remote member casts over the socket: acknowledged after the commit, seen by all within a second.
    const started = Date.now();
    const ack = await remote1.ok<VoteCastAck>('vote:cast', { voteId: opened.id, choice: 'pour' });
    expect(ack).toMatchObject({ alreadyCast: false, forPersonId: t1.personId, message: { fr: 'Votre vote « pour » est enregistré.', en: 'Your “for” vote is recorded.' } });
    expect(ack.mine.ballots.find((b) => b.self)).toMatchObject({ cast: true, choice: 'pour' });
    await Promise.all(everyone.map((f) => f.waitForVote(opened.id, (v) => v.participation === 1 && v.tally?.total.pour === 1, 1_000)));
    const seenWithin = Date.now() - started;
    expect(seenWithin).toBeLessThan(1_000);

    // A retry after a reconnect (same ballot) is not a second one.
    const retry = await remote1.ok<VoteCastAck>('vote:cast', { voteId: opened.id, choice: 'pour' });
    expect(retry.alreadyCast).toBe(true);
    // The proxy ballot, then the other remote member.
    await remote1.ok('vote:cast', { voteId: opened.id, choice: 'contre', forPersonId: t3.personId });
    await remote2.ok('vote:cast', { voteId: opened.id, choice: 'pour' });
    // In the room one votes by hand; the room's counts above who is there are refused with the field.
    expectRefusal(await chairTab.refused('vote:cast', { voteId: opened.id, choice: 'pour' }), 'conflict');
    const tooMany = await secretary.refused('vote:roomCounts', { voteId: opened.id, pour: 2, contre: 1, abstention: 0 });
    expectRefusal(tooMany, 'unprocessable');
    expect(tooMany.fields?.pour).toContain('2 votants présents en salle');
    expectRefusal(await remote2.refused('vote:roomCounts', { voteId: opened.id, pour: 1, contre: 0, abstention: 0 }), 'forbidden');
    await secretary.ok('vote:roomCounts', { voteId: opened.id, pour: 1, contre: 0, abstention: 1 });
    await Promise.all(everyone.map((f) => f.waitForVote(opened.id, (v) => v.participation === 3 && v.tally?.total.pour === 3 && v.tally.total.abstention === 1, 1_000)));

    expectRefusal(await remote1.refused('vote:close', { voteId: opened.id }), 'forbidden');
    const closed = await chairTab.ok<LiveVote>('vote:close', { voteId: opened.id });
    const sentence = 'Adopté : 3 pour, 1 contre, 1 abstention (majorité des suffrages exprimés)';
    expect(closed.result?.text.fr).toBe(sentence);
    await Promise.all(everyone.map((f) => f.waitForVote(opened.id, (v) => v.status === 'closed' && v.result?.text.fr === sentence, 1_000)));
    // A named vote's roll call, once closed, to everyone.
    expect(observer.vote(opened.id)?.rollCall?.map((r) => [r.name, r.choice]).sort()).toEqual(
      [[t1.name, 'pour'], [t2.name, 'pour'], [t3.name, 'contre']].sort()
    );
    expectRefusal(await remote2.refused('vote:cast', { voteId: opened.id, choice: 'contre' }), 'conflict');
  });

  it('keeps the running tally from participants while the vote hides it, and never says who chose what in a secret vote', async () => {
    const { chair, t1, t2, meetingId, itemId, secretary, voter, other } = await fiveRemoteWithFollowers();

    const vote = await secretary.ok<LiveVote>('vote:open', { meetingId, itemId, question: QUESTION, mode: 'device', secret: true, showTally: false });
    const ack = await voter.ok<VoteCastAck>('vote:cast', { voteId: vote.id, choice: 'contre' });
    // The confirmation does not echo a secret choice; the voter's ballot says "cast", not what.
    expect(ack.message.fr).toBe('Votre vote secret est enregistré.');
    expect(ack.mine.ballots).toEqual([{ forPersonId: t1.personId, name: t1.name, self: true, cast: true, choice: null, optionIds: null }]);
    expect(JSON.stringify(ack)).not.toContain('contre');

    await secretary.waitForVote(vote.id, (v) => v.tally?.total.contre === 1);
    await other.waitForVote(vote.id, (v) => v.participation === 1);
    await voter.waitForVote(vote.id, (v) => v.participation === 1);
    // Participants: participation only, no tally, in every broadcast and in a fresh list.
    for (const f of [voter, other]) {
      for (const c of f.changes) expect(c.vote.tally).toBeNull();
      expect((await f.list(meetingId)).votes[0].tally).toBeNull();
    }
    expect((await secretary.list(meetingId)).votes[0].tally?.total.contre).toBe(1);

    await other.ok('vote:cast', { voteId: vote.id, choice: 'pour' });
    await secretary.ok('vote:close', { voteId: vote.id });
    const closed = await other.waitForVote(vote.id, (v) => v.status === 'closed');
    // Once closed, everyone sees the counts and the result; a secret vote has no roll call.
    expect(closed.tally?.total).toEqual({ pour: 1, contre: 1, abstention: 0 });
    expect(closed.result?.text.fr).toBe('Rejeté : 1 pour, 1 contre, 0 abstention (majorité des suffrages exprimés)');
    expect(closed.rollCall).toBeNull();
    // Nothing the voters received links a person to a choice.
    for (const f of [voter, other]) {
      const wire = JSON.stringify([...f.changes, ...f.mineUpdates]);
      expect(wire).not.toContain(t1.personId);
      expect(wire).not.toContain(t2.personId);
    }
  });

  it('gives a reconnecting client the open vote, its tally and the ballots it already cast', async () => {
    const [chair, l2, l3] = council.landlords;
    const [t1, t2] = council.tenants;
    const { meetingId, itemId } = await liveMeetingWith(server.url, services(), council, [
      [chair, 'present_room'],
      [l2, 'present_room'],
      [l3, 'present_room'],
      [t1, 'present_remote'],
      [t2, 'present_remote']
    ]);
    const secretary = await VoteFollower.connect(council.secretary.cookie);
    await secretary.list(meetingId);
    const phone = await VoteFollower.connect(t1.cookie);
    await phone.list(meetingId);
    const vote = await secretary.ok<LiveVote>('vote:open', { meetingId, itemId, question: QUESTION, mode: 'device' });
    await phone.ok('vote:cast', { voteId: vote.id, choice: 'abstention' });
    // A second device of the same member hears that the ballot is cast.
    const tablet = await VoteFollower.connect(t1.cookie);
    await tablet.list(meetingId);
    await phone.ok('vote:cast', { voteId: vote.id, choice: 'abstention' });
    await waitFor(() => expect(tablet.mineUpdates.at(-1)?.ballots[0]).toMatchObject({ cast: true, choice: 'abstention' }));

    phone.socket.disconnect();
    // While the phone is away, another member votes.
    const t2Tab = await VoteFollower.connect(t2.cookie);
    await t2Tab.ok('vote:cast', { voteId: vote.id, choice: 'pour' });

    const back = await VoteFollower.connect(t1.cookie);
    const listing = await back.list(meetingId);
    expect(listing.votes).toHaveLength(1);
    expect(listing.votes[0]).toMatchObject({ id: vote.id, status: 'open', question: QUESTION, participation: 2 });
    expect(listing.votes[0].tally?.total).toEqual({ pour: 1, contre: 0, abstention: 1 });
    expect(listing.mine).toEqual([{ voteId: vote.id, how: 'device', ballots: [{ forPersonId: t1.personId, name: t1.name, self: true, cast: true, choice: 'abstention', optionIds: null }] }]);
    // And it follows the vote from there.
    await secretary.ok('vote:close', { voteId: vote.id });
    await back.waitForVote(vote.id, (v) => v.status === 'closed');
  });

  it('refuses people outside the meeting, those without the right, and bad input, with bilingual errors, and changes nothing', async () => {
    const [chair, l2, l3] = council.landlords;
    const [t1] = council.tenants;
    const { meetingId, itemId } = await liveMeetingWith(server.url, services(), council, [
      [chair, 'present_remote'],
      [l2, 'present_remote'],
      [l3, 'present_remote'],
      [t1, 'present_remote']
    ]);
    const secretary = await VoteFollower.connect(council.secretary.cookie);
    await secretary.list(meetingId);
    const vote = await secretary.ok<LiveVote>('vote:open', { meetingId, itemId, question: QUESTION, mode: 'device' });

    const stranger = await VoteFollower.connect(outsider.cookie);
    expectRefusal(await stranger.refused('vote:list', { meetingId }), 'not_found');
    expectRefusal(await stranger.refused('vote:cast', { voteId: vote.id, choice: 'pour' }), 'not_found');
    expectRefusal(await stranger.refused('vote:mine', { voteId: vote.id }), 'not_found');
    expectRefusal(await stranger.refused('vote:open', { meetingId, itemId, question: QUESTION, mode: 'device' }), 'not_found');
    // The stranger is in no vote room: the next change does not reach them.
    const member = await VoteFollower.connect(t1.cookie);
    await member.list(meetingId);
    // Members who may not vote, and members who may not run the meeting.
    const observer = await VoteFollower.connect(council.observer.cookie);
    expectRefusal(await observer.refused('vote:cast', { voteId: vote.id, choice: 'pour' }), 'forbidden');
    expectRefusal(await member.refused('vote:close', { voteId: vote.id }), 'forbidden');
    expectRefusal(await member.refused('vote:open', { meetingId, itemId, question: QUESTION, mode: 'device' }), 'forbidden');

    // Bad input: the field is named, in both languages, and nothing is stored.
    const bad = await member.refused('vote:cast', { voteId: vote.id, choice: 'peut-être' });
    expectRefusal(bad, 'validation_failed');
    expect(bad.fields?.choice).toBeDefined();
    expectRefusal(await member.refused('vote:cast', { voteId: 'pas-un-identifiant', choice: 'pour' }), 'validation_failed');
    expectRefusal(await member.refused('vote:list', {}), 'validation_failed');
    const badOpen = await secretary.refused('vote:open', { meetingId, itemId, question: QUESTION, mode: 'pigeon voyageur' });
    expect(badOpen.fields?.mode).toBeDefined();
    expect(await db.query('select 1 from ballots where vote_id = $1', [vote.id])).toEqual([]);
    expect(await db.query('select 1 from votes where meeting_id = $1', [meetingId])).toHaveLength(1);

    await member.ok('vote:cast', { voteId: vote.id, choice: 'pour' });
    await member.waitForVote(vote.id, (v) => v.participation === 1);
    expect(stranger.changes).toEqual([]);
    expect(observer.changes).toEqual([]);

    // Without a session, no connection at all.
    const anonymous = socketClient(server.url);
    await expect(connected(anonymous)).rejects.toThrow();
    anonymous.disconnect();
  });

  it('carries choice votes (ballots per option) and lets a secret ballot be changed with the receipt only its device holds', async () => {
    const { chair, t1, t2, meetingId, itemId, secretary, voter, other } = await fiveRemoteWithFollowers();

    const choice = await secretary.ok<LiveVote>('vote:open', {
      meetingId,
      itemId,
      question: 'Quels fournisseurs le CCL retient-il pour la consultation ?',
      mode: 'device',
      kind: 'choice',
      options: ['ANTARGAZ', 'Primagaz', 'Butagaz'],
      maxChoices: 2
    });
    expect(choice).toMatchObject({ kind: 'choice', maxChoices: 2 });
    const [a, b] = choice.options!;
    const ack = await voter.ok<VoteCastAck>('vote:cast', { voteId: choice.id, optionIds: [a.id, b.id] });
    expect(ack.mine.ballots[0]).toMatchObject({ cast: true, choice: null, optionIds: [a.id, b.id] });
    await other.ok('vote:cast', { voteId: choice.id, optionIds: [a.id] });
    await other.waitForVote(choice.id, (v) => v.tally?.options?.[a.id] === 2 && v.tally.options[b.id] === 1);
    await secretary.ok('vote:close', { voteId: choice.id });
    const closed = await voter.waitForVote(choice.id, (v) => v.status === 'closed');
    expect(closed.result?.text.fr).toContain('ANTARGAZ');

    // The body lets ballots change until the vote closes.
    const settings = await api(server.url, admin.cookie).call('PUT', `/bodies/${council.bodyId}/vote-settings`, { defaultRule: 'simple_majority', chairCastingVote: false, ballotsChangeable: true });
    expect(settings.status).toBe(200);
    const secret = await secretary.ok<LiveVote>('vote:open', { meetingId, itemId, question: QUESTION, mode: 'device', secret: true });
    expect(secret.changeable).toBe(true);
    const first = await voter.ok<VoteCastAck>('vote:cast', { voteId: secret.id, choice: 'pour' });
    expect(first.receipt).toEqual(expect.any(String));
    expect(first.mine.ballots[0]).toMatchObject({ cast: true, choice: null });
    // Another device without the receipt cannot change it; with it, the ballot changes (still one).
    const changed = await voter.ok<VoteCastAck>('vote:cast', { voteId: secret.id, choice: 'contre', receipt: first.receipt });
    expect(changed).toMatchObject({ changed: true, alreadyCast: false });
    expect(JSON.stringify(changed)).not.toContain('contre');
    await secretary.waitForVote(secret.id, (v) => v.participation === 1 && v.tally?.total.contre === 1 && v.tally.total.pour === 0);
    await api(server.url, admin.cookie).call('PUT', `/bodies/${council.bodyId}/vote-settings`, { defaultRule: 'simple_majority', chairCastingVote: false, ballotsChangeable: false });
  });
});
