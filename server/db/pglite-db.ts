import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable } from './db.ts';

/**
 * Embedded PostgreSQL (PGlite, WASM) behind the `Db` interface. `dataDir` undefined means
 * in-memory (tests). PGlite serialises queries itself, so there is no pool; the native
 * `listen` is used because the node-postgres shim has a pool of one and a LISTEN blocks it.
 */
export async function openPglite(dataDir?: string): Promise<Db> {
  if (dataDir) mkdirSync(dirname(resolve(dataDir)), { recursive: true });
  const isNew = !!dataDir && !existsSync(join(resolve(dataDir), 'PG_VERSION'));
  let pg = dataDir ? new PGlite(resolve(dataDir)) : new PGlite();
  await pg.waitReady;
  if (isNew) {
    // Creating a cluster (initdb) leaves about 450 MB of WASM heap behind that a running server
    // never needs again; reopening the new directory gives it back.
    await pg.close();
    pg = new PGlite(resolve(dataDir!));
    await pg.waitReady;
  }

  const db: Db = {
    kind: 'pglite',
    async query<T>(sql: string, params?: unknown[]) {
      const res = await pg.query<T>(sql, params as unknown[]);
      return res.rows;
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      return pg.transaction(async (t) => {
        const tx: Queryable = {
          async query<R>(sql: string, params?: unknown[]) {
            return (await t.query<R>(sql, params as unknown[])).rows;
          }
        };
        return fn(tx);
      });
    },
    async listen(channel, onPayload) {
      const unlisten = await pg.listen(channel, onPayload);
      return async () => {
        await unlisten();
      };
    },
    async notify(channel, payload) {
      await pg.query('select pg_notify($1, $2)', [channel, payload]);
    },
    async ping() {
      if (pg.closed) throw new Error('database closed');
      await pg.query('select 1');
    },
    async close() {
      if (!pg.closed) await pg.close();
    }
  };
  return db;
}
