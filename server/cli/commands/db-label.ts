import type { Config } from '../../config.ts';

/** Where the data lives, without the password of a DATABASE_URL. */
export function describeDb(config: Pick<Config, 'databaseUrl' | 'dataDir'>): string {
  if (!config.databaseUrl) return `PGlite (${config.dataDir})`;
  try {
    const url = new URL(config.databaseUrl);
    url.password = '';
    return `PostgreSQL (${url.toString()})`;
  } catch {
    return 'PostgreSQL';
  }
}
