import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Db } from './db.ts';
import { openPglite } from './pglite-db.ts';
import { openPostgres } from './pg-db.ts';

/** DATABASE_URL: that PostgreSQL server. Absent: embedded PGlite in DATA_DIR (./data). */
export async function openDb(config: Pick<Config, 'databaseUrl' | 'dataDir'>, logger?: Logger): Promise<Db> {
  if (config.databaseUrl) {
    const db = await openPostgres(config.databaseUrl);
    await db.ping();
    logger?.info({ db: 'postgres' }, 'database connected');
    return db;
  }
  const db = await openPglite(config.dataDir);
  logger?.info({ db: 'pglite', dataDir: config.dataDir }, 'embedded database opened');
  return db;
}
