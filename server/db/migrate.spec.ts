import { describe, expect, it } from 'vitest';
import { loadMigrations, splitSql } from './migrate.ts';

describe('splitSql', () => {
  it('splits statements on top-level semicolons and drops empty ones', () => {
    expect(splitSql('create table a (id int);\n\ncreate table b (id int);;\n')).toEqual(['create table a (id int)', 'create table b (id int)']);
  });

  it('keeps a semicolon inside a quoted string, including doubled quotes', () => {
    expect(splitSql(`insert into t values ('a;b'); insert into t values ('l''été; chaud');`)).toEqual([
      `insert into t values ('a;b')`,
      `insert into t values ('l''été; chaud')`
    ]);
  });

  it('keeps a dollar-quoted function body whole', () => {
    const fn = `create function f() returns trigger language plpgsql as $body$ begin new.x := 1; return new; end; $body$`;
    expect(splitSql(`${fn};\nselect 1;`)).toEqual([fn, 'select 1']);
    expect(splitSql(`do $$ begin perform 1; end $$; select 2`)).toEqual(['do $$ begin perform 1; end $$', 'select 2']);
  });

  it('ignores semicolons in line comments', () => {
    expect(splitSql('-- a comment; with a semicolon\nselect 1; -- trailing; comment\nselect 2;')).toEqual(['select 1', 'select 2']);
  });

  it('ignores semicolons in block comments', () => {
    expect(splitSql('/* first; second */ select 1; select 2;')).toEqual(['/* first; second */ select 1', 'select 2']);
  });

  it('keeps a semicolon inside a double-quoted identifier', () => {
    expect(splitSql('create table "odd;name" (id int); select 1;')).toEqual(['create table "odd;name" (id int)', 'select 1']);
  });
});

describe('loadMigrations', () => {
  it('finds the migrations in version order, each with a unique version', () => {
    const migrations = loadMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    const versions = migrations.map((m) => m.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    for (const m of migrations) expect(m.name).toMatch(/^\d{4}_[a-z0-9_]+$/);
  });
});
