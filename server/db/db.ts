/**
 * The narrow storage interface every store is written against. Two backends implement it:
 * `pg.Pool` for a real PostgreSQL server and PGlite (embedded, in-process) for `npm start`
 * on a machine with no database. SQL stays within PostgreSQL 15 (the real servers here run 15).
 *
 * @example
 * const rows = await db.query<{ id: string }>('select id from organisations where slug = $1', [slug]);
 * await db.transaction(async (tx) => { await tx.query('insert ...'); });
 */
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
