import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isUniqueViolation, type Db } from '../../server/db/db.ts';
import { waitFor } from './wait-for.ts';

/**
 * The storage contract every `Db` backend keeps, run against PGlite always and against the
 * real PostgreSQL when TEST_DATABASE_URL is set (tldraw's `registerStorageContractTests`).
 * Stores are written against `Db` alone, so anything they rely on belongs here.
 *
 * `create` must return an open database the suite may create tables in and close.
 *
 * @example
 * registerDbContractTests('PGlite (in memory)', () => openPglite());
 */
export function registerDbContractTests(name: string, create: () => Promise<Db>): void {
  describe(`Db contract: ${name}`, () => {
    let db: Db;

    beforeAll(async () => {
      db = await create();
      await db.query('drop table if exists contract_items');
      await db.query(`create table contract_items (
        id bigserial primary key,
        ref uuid not null default gen_random_uuid(),
        label text not null unique,
        at timestamptz,
        doc jsonb,
        bytes bytea,
        flag boolean,
        amount integer
      )`);
    });

    beforeEach(async () => {
      await db.query('delete from contract_items');
    });

    afterAll(async () => {
      // Normally closed by the last test already; this is for a run that stopped earlier.
      await db?.query('drop table if exists contract_items').catch(() => undefined);
      await db?.close().catch(() => undefined);
    });

    it('names its kind', () => {
      expect(['pglite', 'postgres']).toContain(db.kind);
    });

    it('binds positional parameters and returns rows as plain objects', async () => {
      const label = 'Office 64 de l’Habitat « Sud » ; drop table contract_items; -- 🏠';
      const inserted = await db.query<{ label: string; amount: number }>(
        'insert into contract_items (label, amount) values ($1, $2) returning label, amount',
        [label, 42]
      );
      expect(inserted).toEqual([{ label, amount: 42 }]);
      const found = await db.query<{ label: string }>('select label from contract_items where label = $1 and amount = $2', [label, 42]);
      expect(found).toEqual([{ label }]);
      expect(await db.query('select label from contract_items where label = $1', ['autre'])).toEqual([]);
    });

    it('runs a query without parameters', async () => {
      expect(await db.query<{ one: number }>('select 1 as one')).toEqual([{ one: 1 }]);
    });

    it('returns a uuid as its lowercase string', async () => {
      const [row] = await db.query<{ ref: string }>('insert into contract_items (label) values ($1) returning ref', ['uuid']);
      expect(row.ref).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const [again] = await db.query<{ label: string }>('select label from contract_items where ref = $1', [row.ref.toUpperCase()]);
      expect(again.label).toBe('uuid');
    });

    it('returns timestamptz as a Date of the same instant', async () => {
      const at = new Date('2026-03-12T17:30:15.123Z');
      await db.query('insert into contract_items (label, at) values ($1, $2)', ['date', at]);
      const [row] = await db.query<{ at: Date; now: Date }>('select at, now() as now from contract_items');
      expect(row.at).toBeInstanceOf(Date);
      expect(row.at.getTime()).toBe(at.getTime());
      expect(row.now).toBeInstanceOf(Date);
      expect(Math.abs(row.now.getTime() - Date.now())).toBeLessThan(60_000);
    });

    it('returns jsonb as parsed JSON, given either a JSON string or an object', async () => {
      const doc = { titre: 'Charte', votes: [1, 2, 3], nested: { ok: true, rien: null } };
      await db.query('insert into contract_items (label, doc) values ($1, $2)', ['json-string', JSON.stringify(doc)]);
      await db.query('insert into contract_items (label, doc) values ($1, $2::jsonb)', ['json-text-cast', JSON.stringify(doc)]);
      const rows = await db.query<{ doc: unknown }>('select doc from contract_items order by label');
      expect(rows).toEqual([{ doc }, { doc }]);
      const [literal] = await db.query<{ doc: unknown }>(`select '{"a":[1,"b"]}'::jsonb as doc`);
      expect(literal.doc).toEqual({ a: [1, 'b'] });
    });

    it('takes bytes for bytea and gives them back as a Uint8Array', async () => {
      const bytes = new Uint8Array([0, 1, 2, 127, 128, 254, 255]);
      await db.query('insert into contract_items (label, bytes) values ($1, $2)', ['bytes', bytes]);
      await db.query('insert into contract_items (label, bytes) values ($1, $2)', ['buffer', Buffer.from(bytes)]);
      const rows = await db.query<{ bytes: Uint8Array }>('select bytes from contract_items order by label');
      for (const row of rows) {
        expect(row.bytes).toBeInstanceOf(Uint8Array);
        expect(Array.from(row.bytes)).toEqual(Array.from(bytes));
      }
    });

    it('returns int8 (counts, bigserial ids) as a number', async () => {
      await db.query('insert into contract_items (label) values ($1), ($2)', ['a', 'b']);
      const [row] = await db.query<{ n: unknown; max_id: unknown; big: unknown }>(
        'select count(*) as n, max(id) as max_id, 9007199254740991::int8 as big from contract_items'
      );
      expect(row.n).toBe(2);
      expect(typeof row.max_id).toBe('number');
      expect(row.big).toBe(Number.MAX_SAFE_INTEGER);
    });

    it('returns booleans, integers and SQL null as JavaScript values', async () => {
      await db.query('insert into contract_items (label, flag, amount) values ($1, $2, $3)', ['typed', true, -7]);
      const [row] = await db.query<Record<string, unknown>>('select flag, amount, at, doc, bytes from contract_items');
      expect(row).toEqual({ flag: true, amount: -7, at: null, doc: null, bytes: null });
    });

    it('commits a transaction when its function resolves, and returns its result', async () => {
      const result = await db.transaction(async (tx) => {
        await tx.query('insert into contract_items (label) values ($1)', ['one']);
        const [row] = await tx.query<{ n: number }>('select count(*)::int as n from contract_items');
        await tx.query('insert into contract_items (label) values ($1)', ['two']);
        return row.n;
      });
      expect(result).toBe(1);
      const rows = await db.query<{ label: string }>('select label from contract_items order by label');
      expect(rows.map((r) => r.label)).toEqual(['one', 'two']);
    });

    it('rolls a transaction back when its function throws, and rethrows the same error', async () => {
      const boom = new Error('abandon');
      await expect(
        db.transaction(async (tx) => {
          await tx.query('insert into contract_items (label) values ($1)', ['lost']);
          throw boom;
        })
      ).rejects.toBe(boom);
      expect(await db.query('select 1 from contract_items')).toEqual([]);
      // The connection is usable afterwards.
      await db.transaction((tx) => tx.query('insert into contract_items (label) values ($1)', ['kept']));
      expect(await db.query('select label from contract_items')).toEqual([{ label: 'kept' }]);
    });

    it('rolls back everything a transaction did when one of its statements fails', async () => {
      const err = await db
        .transaction(async (tx) => {
          await tx.query('insert into contract_items (label) values ($1)', ['first']);
          await tx.query('insert into contract_items (label) values ($1)', ['first']);
        })
        .catch((e: unknown) => e);
      expect(isUniqueViolation(err)).toBe(true);
      expect(await db.query('select 1 from contract_items')).toEqual([]);
    });

    it('recognises a unique violation, and nothing else, with isUniqueViolation', async () => {
      await db.query('insert into contract_items (label) values ($1)', ['unique']);
      const duplicate = await db.query('insert into contract_items (label) values ($1)', ['unique']).catch((e: unknown) => e);
      expect(isUniqueViolation(duplicate)).toBe(true);

      const notNull = await db.query('insert into contract_items (label) values (null)').catch((e: unknown) => e);
      expect(notNull).toBeInstanceOf(Error);
      expect(isUniqueViolation(notNull)).toBe(false);
      const syntax = await db.query('selec 1').catch((e: unknown) => e);
      expect(syntax).toBeInstanceOf(Error);
      expect(isUniqueViolation(syntax)).toBe(false);
      expect(isUniqueViolation(new Error('23505'))).toBe(false);
      expect(isUniqueViolation(null)).toBe(false);
    });

    it('reports SQL errors with their SQLSTATE code', async () => {
      const err = await db.query('select * from no_such_table').catch((e: unknown) => e);
      expect((err as { code?: string }).code).toBe('42P01');
    });

    it('delivers a notification to every listener of its channel, payload intact', async () => {
      const first: string[] = [];
      const second: string[] = [];
      const stopFirst = await db.listen('contract_channel', (p) => first.push(p));
      const stopSecond = await db.listen('contract_channel', (p) => second.push(p));
      try {
        const payload = JSON.stringify({ doc: 'body:1:notes', texte: 'l’été « chaud »' });
        await db.notify('contract_channel', payload);
        await waitFor(() => first.length === 1 && second.length === 1);
        expect(first).toEqual([payload]);
        expect(second).toEqual([payload]);
      } finally {
        await stopFirst();
        await stopSecond();
      }
    });

    it('stops delivering to a listener once it unlistens, and keeps delivering to the others', async () => {
      const stopped: string[] = [];
      const kept: string[] = [];
      const unlisten = await db.listen('contract_channel', (p) => stopped.push(p));
      const unlistenKept = await db.listen('contract_channel', (p) => kept.push(p));
      const sentinel: string[] = [];
      const unlistenSentinel = await db.listen('contract_sentinel', (p) => sentinel.push(p));
      try {
        await db.notify('contract_channel', 'before');
        await waitFor(() => stopped.length === 1 && kept.length === 1);
        await unlisten();
        await db.notify('contract_channel', 'after');
        await db.notify('contract_sentinel', 'done');
        // Notifications arrive in the order they were sent: once the sentinel is in, "after" was delivered if it ever would be.
        await waitFor(() => sentinel.length === 1 && kept.length === 2);
        expect(stopped).toEqual(['before']);
        expect(kept).toEqual(['before', 'after']);
      } finally {
        await unlistenKept();
        await unlistenSentinel();
      }
    });

    it('does not deliver a notification sent from a transaction that rolled back', async () => {
      const received: string[] = [];
      const unlisten = await db.listen('contract_channel', (p) => received.push(p));
      try {
        await db
          .transaction(async (tx) => {
            await tx.query(`select pg_notify('contract_channel', 'rolled-back')`);
            throw new Error('abandon');
          })
          .catch(() => undefined);
        await db.transaction((tx) => tx.query(`select pg_notify('contract_channel', 'committed')`));
        await waitFor(() => received.length >= 1);
        expect(received).toEqual(['committed']);
      } finally {
        await unlisten();
      }
    });

    it('answers ping while open', async () => {
      await expect(db.ping()).resolves.toBeUndefined();
    });

    // Last on purpose: nothing can run on this database afterwards.
    it('refuses queries and pings once closed, and closing twice is harmless', async () => {
      await db.close();
      await expect(db.query('select 1')).rejects.toThrow();
      await expect(db.ping()).rejects.toThrow();
      await expect(db.close()).resolves.toBeUndefined();
    });
  });
}
