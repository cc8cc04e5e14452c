import type { Db } from '../../server/db/db.ts';
import { runMigrations } from '../../server/db/migrate.ts';
import { openPglite } from '../../server/db/pglite-db.ts';

/**
 * One in-memory PGlite per test file, migrated once (opening one costs about 4 s), and
 * `resetDb` between tests instead of a new database.
 *
 * @example
 * let db: Db;
 * beforeAll(async () => { db = await openTestDb(); });
 * beforeEach(() => resetDb(db));
 * afterAll(() => db.close());
 */
export async function openTestDb(): Promise<Db> {
  const db = await openPglite();
  await runMigrations(db);
  return db;
}

/** Empties every table but `schema_migrations`, so each test starts from a fresh install. */
export async function resetDb(db: Db): Promise<void> {
  const tables = await db.query<{ name: string }>(
    `select tablename as name from pg_tables where schemaname = current_schema() and tablename <> 'schema_migrations'`
  );
  if (tables.length === 0) return;
  const list = tables.map((t) => `"${t.name.replaceAll('"', '""')}"`).join(', ');
  await db.query(`truncate table ${list} restart identity cascade`);
}

/** Row counts of the named tables, to show that a refused request changed nothing. */
export async function rowCounts(db: Db, tables: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of tables) {
    if (!/^[a-z_]+$/.test(t)) throw new Error(`not a table name: ${t}`);
    const [row] = await db.query<{ n: number }>(`select count(*)::int as n from ${t}`);
    out[t] = row.n;
  }
  return out;
}
