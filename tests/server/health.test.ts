import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/db.ts';
import { openTestDb, packageVersion, startTestServer, type TestServer } from '../helpers/test-server.ts';

let db: Db;
const servers: TestServer[] = [];

beforeAll(async () => {
  db = await openTestDb();
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await db?.close();
});

async function serverOn(database: Db): Promise<TestServer> {
  const server = await startTestServer({ db: database });
  servers.push(server);
  return server;
}

describe('GET /healthz', () => {
  it('answers ok with the database kind and the version', async () => {
    const server = await serverOn(db);
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', db: 'pglite', version: packageVersion });
  });

  it('answers 503 when the database refuses the probe', async () => {
    const failing: Db = { ...db, ping: () => Promise.reject(new Error('connection refused')) };
    const server = await serverOn(failing);
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'unavailable', db: 'pglite' });
  });

  it('answers 503 when the database does not answer at all', async () => {
    const hanging: Db = { ...db, ping: () => new Promise<void>(() => {}) };
    const server = await serverOn(hanging);
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'unavailable' });
  });

  // Last on purpose: it closes the file's database for good.
  it('answers 503 once the database under the server is closed', async () => {
    const server = await serverOn(db);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await db.close();
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'unavailable', db: 'pglite', version: packageVersion });
  });
});
