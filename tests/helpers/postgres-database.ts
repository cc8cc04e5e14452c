import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TempDatabase {
  /** Connection URL of the new, empty database. */
  url: string;
  name: string;
  /** Drops the database, ending any connection still open on it. */
  drop(): Promise<void>;
}

/**
 * A new empty database on the server of `baseUrl` (e.g. TEST_DATABASE_URL), so each run of the
 * Postgres tier starts clean and leaves nothing behind.
 *
 * @example
 * const temp = await createTempDatabase(process.env.TEST_DATABASE_URL!);
 * const db = await openPostgres(temp.url);
 * // ...
 * await db.close();
 * await temp.drop();
 */
export async function createTempDatabase(baseUrl: string, prefix = 'concerto_test'): Promise<TempDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await adminQuery(baseUrl, `create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => adminQuery(baseUrl, `drop database if exists ${name} with (force)`)
  };
}

async function adminQuery(baseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
