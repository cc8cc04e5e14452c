import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/db.ts';
import { loadMigrations, runMigrations } from '../../server/db/migrate.ts';
import { openPostgres } from '../../server/db/pg-db.ts';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres-database.ts';

const baseUrl = process.env.TEST_DATABASE_URL;

// Skipped without TEST_DATABASE_URL; the runner script decides whether that is allowed.
describe.skipIf(!baseUrl)('runMigrations on PostgreSQL', () => {
  let temp: TempDatabase;
  const instances: Db[] = [];

  beforeAll(async () => {
    temp = await createTempDatabase(baseUrl!);
    // Separate pools stand for separate Concerto instances starting together.
    for (let i = 0; i < 3; i++) instances.push(await openPostgres(temp.url));
  });

  afterAll(async () => {
    await Promise.all(instances.map((db) => db.close()));
    await temp?.drop();
  });

  const versions = loadMigrations().map((m) => m.version);

  it('applies each migration exactly once when three instances start together on a new database', async () => {
    const results = await Promise.all(instances.map((db) => runMigrations(db)));
    expect(results.flat().sort((x, y) => x - y)).toEqual(versions);
    expect(results.filter((r) => r.length > 0)).toHaveLength(1);
    const recorded = await instances[0].query<{ version: number }>('select version from schema_migrations order by version');
    expect(recorded.map((r) => r.version)).toEqual(versions);
  });

  it('does nothing when run again', async () => {
    await runMigrations(instances[0]);
    expect(await Promise.all(instances.map((db) => runMigrations(db)))).toEqual(instances.map(() => []));
    const [{ n }] = await instances[0].query<{ n: number }>('select count(*)::int as n from schema_migrations');
    expect(n).toBe(versions.length);
  });
});
