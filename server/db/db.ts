/**
 * The narrow storage interface every store is written against. Two backends implement it:
 * `pg.Pool` for a real PostgreSQL server and PGlite (embedded, in-process) for `npm start`
 * on a machine with no database. SQL stays within PostgreSQL 15 (the real servers here run 15).
 *
 * @example
 * const rows = await db.query<{ id: string }>('select id from organisations where slug = $1', [slug]);
 * await db.transaction(async (tx) => { await tx.query('insert ...'); });
 */
const preparedNames = new Map<string, string>();

/**
 * Marks a hot statement to be prepared once per PostgreSQL connection and then only executed:
 * its plan is not made again on every call (for the large statements of a live change, planning
 * cost more than running). Pass the returned text to `query` as usual; PGlite ignores the mark.
 * Only for static text with `$n` parameters, made once at module load (each one stays prepared on
 * every connection), and whose result columns do not depend on a table's columns (no `*` at the
 * top level), so a later migration cannot change a prepared statement's result type.
 *
 * @example
 * const MOVE = prepared('meetings.move', 'update meetings set current_item_id = $2 where id = $1');
 * await tx.query(MOVE, [meetingId, itemId]);
 */
export function prepared(name: string, sql: string): string {
  const known = preparedNames.get(sql);
  if (known && known !== name) throw new Error(`statement prepared twice, as ${known} and ${name}`);
  if ([...preparedNames.values()].includes(name) && known !== name) throw new Error(`two statements prepared as ${name}`);
  preparedNames.set(sql, name);
  return sql;
}

/** The name `prepared` gave this statement, if any. */
export function preparedName(sql: string): string | undefined {
  return preparedNames.get(sql);
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Subscribes to a NOTIFY channel; resolves to an unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  /** Cheap liveness probe for /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === '23505';
}
