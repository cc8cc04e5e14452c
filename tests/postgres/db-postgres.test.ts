import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/db.ts';
import { openPostgres } from '../../server/db/pg-db.ts';
import { registerDbContractTests } from '../helpers/db-contract.ts';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres-database.ts';
import { waitFor } from '../helpers/wait-for.ts';

const baseUrl = process.env.TEST_DATABASE_URL;

// Skipped without TEST_DATABASE_URL so `vitest run` works anywhere; scripts/test.mjs and
// .ci/run decide whether a skipped Postgres tier is acceptable or a failure.
describe.skipIf(!baseUrl)('PostgreSQL backend', () => {
  let temp: TempDatabase;

  beforeAll(async () => {
    temp = await createTempDatabase(baseUrl!);
  });

  afterAll(async () => {
    await temp?.drop();
  });

  registerDbContractTests('PostgreSQL (pg.Pool)', () => openPostgres(temp.url));

  describe('between two instances on one database', () => {
    let a: Db;
    let b: Db;
    beforeAll(async () => {
      a = await openPostgres(temp.url);
      b = await openPostgres(temp.url);
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
    });

    it("delivers one instance's notification to the other instance's listener", async () => {
      const received: string[] = [];
      const unlisten = await a.listen('contract_between', (p) => received.push(p));
      try {
        await b.notify('contract_between', 'bonjour');
        await waitFor(() => received.length === 1);
        expect(received).toEqual(['bonjour']);
      } finally {
        await unlisten();
      }
    });

    it('runs transactions of both instances side by side without mixing their statements', async () => {
      await a.query('create table if not exists contract_between (id int primary key, who text)');
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? a : b).transaction(async (tx) => {
            await tx.query('insert into contract_between values ($1, $2)', [i, i % 2 ? 'a' : 'b']);
            if (i % 3 === 0) throw new Error('abandon');
          }).catch(() => undefined)
        )
      );
      const rows = await a.query<{ id: number }>('select id from contract_between order by id');
      expect(rows.map((r) => r.id)).toEqual([1, 2, 4, 5, 7, 8]);
    });
  });
});
