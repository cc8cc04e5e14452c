import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/db.ts';
import type { LiveVote, VoteChanged, VoteListing } from '../../src/lib/protocol/vote-state.ts';
import type { Ack } from '../../src/lib/protocol/result.ts';
import { createCouncil, type Council } from '../helpers/meeting-fixtures.ts';
import { connected, socketClient, type ConcertoSocket } from '../helpers/realtime-clients.ts';
import { openTestDb, setupAdmin, startTestServer, type TestServer } from '../helpers/test-server.ts';
import { liveMeetingWith } from '../helpers/vote-fixtures.ts';
import { waitFor } from '../helpers/wait-for.ts';

// Issue 5: vote broadcasts go through Socket.IO rooms, so with REDIS_URL the Redis adapter
// carries them to clients of another instance behind the same load balancer.

const ack = async <T>(socket: ConcertoSocket, event: string, payload: unknown): Promise<T> => {
  const res = (await (socket.timeout(10_000) as unknown as { emitWithAck(e: string, p: unknown): Promise<Ack<T>> }).emitWithAck(event, payload)) as Ack<T>;
  if (!res.ok) throw new Error(`${event}: ${JSON.stringify(res.error)}`);
  return res.data;
};

describe.skipIf(!process.env.REDIS_URL)('votes across two instances over Redis', () => {
  let db: Db;
  const servers: TestServer[] = [];
  const sockets: ConcertoSocket[] = [];
  let council: Council;

  beforeAll(async () => {
    db = await openTestDb();
    for (let i = 0; i < 2; i++) servers.push(await startTestServer({ db, env: { REDIS_URL: process.env.REDIS_URL! } }));
    const admin = await setupAdmin(servers[0].url);
    council = await createCouncil(servers[0].url, admin.cookie, admin.organisationId);
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    for (const s of servers) await s.close();
    await db?.close();
  });

  it('shows a ballot cast on one instance to a participant and the secretary connected to the other, without the hidden tally', async () => {
    const [chair, l2, l3] = council.landlords;
    const [t1] = council.tenants;
    const { meetingId, itemId } = await liveMeetingWith(servers[0].url, servers[0].concerto.services, council, [
      [chair, 'present_remote'],
      [l2, 'present_remote'],
      [l3, 'present_remote'],
      [t1, 'present_remote']
    ]);
    const open = async (url: string, cookie: string) => {
      const s = socketClient(url, { cookie });
      sockets.push(s);
      const seen: VoteChanged[] = [];
      s.on('vote:changed', (c) => seen.push(c));
      await connected(s);
      await ack<VoteListing>(s, 'vote:list', { meetingId });
      return { s, seen };
    };
    const secretaryOnB = await open(servers[1].url, council.secretary.cookie);
    const memberOnB = await open(servers[1].url, l2.cookie);
    const voterOnA = await open(servers[0].url, t1.cookie);

    const vote = await ack<LiveVote>(secretaryOnB.s, 'vote:open', { meetingId, itemId, question: 'Le CCL donne un avis favorable à l’offre d’ANTARGAZ', mode: 'device', showTally: false });
    await ack(voterOnA.s, 'vote:cast', { voteId: vote.id, choice: 'pour' });
    await waitFor(() => expect(secretaryOnB.seen.some((c) => c.vote.id === vote.id && c.vote.tally?.total.pour === 1)).toBe(true));
    await waitFor(() => expect(memberOnB.seen.some((c) => c.vote.id === vote.id && c.vote.participation === 1)).toBe(true));
    expect(memberOnB.seen.every((c) => c.vote.tally === null)).toBe(true);
    // Each change is broadcast once, by the instance that committed it.
    const casts = secretaryOnB.seen.filter((c) => c.change === 'cast');
    expect(casts).toHaveLength(1);
  });
});
