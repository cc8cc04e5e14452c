import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/db.ts';
import { loadMigrations, runMigrations } from '../../server/db/migrate.ts';
import { openPglite } from '../../server/db/pglite-db.ts';

// A new database, not the migrated test one: the point is what happens on first start.
let db: Db;

beforeAll(async () => {
  db = await openPglite();
});

afterAll(async () => {
  await db?.close();
});

describe('runMigrations on PGlite', () => {
  const versions = loadMigrations().map((m) => m.version);

  it('applies each migration once when two runs start together on a new database', async () => {
    const [a, b] = await Promise.all([runMigrations(db), runMigrations(db)]);
    expect([...a, ...b].sort((x, y) => x - y)).toEqual(versions);
    const recorded = await db.query<{ version: number }>('select version from schema_migrations order by version');
    expect(recorded.map((r) => r.version)).toEqual(versions);
    expect(await db.query(`select 1 from pg_tables where tablename = 'organisations'`)).toHaveLength(1);
  });

  it('does nothing when run again', async () => {
    await runMigrations(db);
    const [before] = await db.query<{ applied_at: Date }>('select max(applied_at) as applied_at from schema_migrations');
    expect(await runMigrations(db)).toEqual([]);
    const [after] = await db.query<{ applied_at: Date; n: number }>('select max(applied_at) as applied_at, count(*)::int as n from schema_migrations');
    expect(after.n).toBe(versions.length);
    expect(after.applied_at.getTime()).toBe(before.applied_at.getTime());
  });

  it('applies only the migrations a database has not seen yet', async () => {
    const extra = { version: 9999, name: '9999_contract_probe', sql: 'create table migration_probe (id int); insert into migration_probe values (1);' };
    expect(await runMigrations(db, [...loadMigrations(), extra])).toEqual([9999]);
    expect(await db.query('select id from migration_probe')).toEqual([{ id: 1 }]);
    expect(await runMigrations(db, [...loadMigrations(), extra])).toEqual([]);
  });

  it('leaves nothing behind when a migration fails half-way', async () => {
    const broken = { version: 9998, name: '9998_broken', sql: 'create table half_done (id int); select * from no_such_table;' };
    await expect(runMigrations(db, [broken])).rejects.toThrow();
    expect(await db.query(`select 1 from pg_tables where tablename = 'half_done'`)).toEqual([]);
    expect(await db.query('select 1 from schema_migrations where version = 9998')).toEqual([]);
  });
});
