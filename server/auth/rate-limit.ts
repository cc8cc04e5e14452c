import type { Db } from '../db/db.ts';

/**
 * Fixed-window counters in Postgres, so every instance behind a load balancer counts the same
 * attempts. One statement increments (or restarts an expired window) and returns the count.
 */
export class RateLimiter {
  constructor(private readonly db: Db) {}

  async hit(key: string, windowSeconds: number): Promise<number> {
    const [row] = await this.db.query<{ count: number }>(
      `insert into rate_limits (key, window_start, count) values ($1, now(), 1)
       on conflict (key) do update set
         count = case when rate_limits.window_start < now() - make_interval(secs => $2) then 1 else rate_limits.count + 1 end,
         window_start = case when rate_limits.window_start < now() - make_interval(secs => $2) then now() else rate_limits.window_start end
       returning count`,
      [key, windowSeconds]
    );
    return row.count;
  }

  async peek(key: string, windowSeconds: number): Promise<number> {
    const rows = await this.db.query<{ count: number }>(
      `select count from rate_limits where key = $1 and window_start >= now() - make_interval(secs => $2)`,
      [key, windowSeconds]
    );
    return rows[0]?.count ?? 0;
  }

  async reset(key: string): Promise<void> {
    await this.db.query('delete from rate_limits where key = $1', [key]);
  }
}
