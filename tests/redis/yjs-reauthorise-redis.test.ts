import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/db.ts';
import { CloseCodes } from '../../src/lib/protocol/close-codes.ts';
import { createCouncil, type Council } from '../helpers/meeting-fixtures.ts';
import { yjsClient, type YjsClient } from '../helpers/realtime-clients.ts';
import { openTestDb, setupAdmin, startTestServer, type TestServer } from '../helpers/test-server.ts';
import { waitFor } from '../helpers/wait-for.ts';

// When a document's rights change (a charter adopted, minutes submitted, a round locked), the
// instance that made the change asks every instance to close that document's connections, so
// clients connected elsewhere reconnect and are authorised again.

describe.skipIf(!process.env.REDIS_URL)('rights changes across two instances over Redis', () => {
  let db: Db;
  const servers: TestServer[] = [];
  const clients: YjsClient[] = [];
  let council: Council;

  beforeAll(async () => {
    db = await openTestDb();
    for (let i = 0; i < 2; i++) servers.push(await startTestServer({ db, env: { REDIS_URL: process.env.REDIS_URL! } }));
    const admin = await setupAdmin(servers[0].url);
    council = await createCouncil(servers[0].url, admin.cookie, admin.organisationId);
  });

  afterAll(async () => {
    for (const c of clients) c.provider.destroy();
    for (const s of servers) await s.close();
    await db?.close();
  });

  it('closes with 4509 a connection held on the other instance, which reconnects by itself', async () => {
    const docName = `body:${council.bodyId}:notes`;
    const onB = yjsClient(servers[1].url, docName, { cookie: council.secretary.cookie });
    clients.push(onB);
    const codes: number[] = [];
    onB.provider.on('connection-close', (event) => codes.push(event?.code ?? 0));
    await waitFor(() => onB.provider.synced);

    servers[0].concerto.services.documents.reauthorise(docName);

    await waitFor(() => expect(codes).toContain(CloseCodes.rightsChanged.code));
    await waitFor(() => onB.provider.wsconnected && onB.provider.synced);
    onB.ydoc.getText('notes').insert(0, 'toujours là');
    const check = yjsClient(servers[0].url, docName, { cookie: council.secretary.cookie });
    clients.push(check);
    await waitFor(() => check.ydoc.getText('notes').toString() === 'toujours là');
  });
});
