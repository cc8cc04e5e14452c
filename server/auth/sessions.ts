import type { Db } from '../db/db.ts';
import { newSecretToken, parseSecretToken, secretMatches } from './secret-token.ts';

export interface AuthUser {
  id: string;
  email: string;
  displayName: string;
  locale: 'fr' | 'en';
  isPlatformAdmin: boolean;
}

export interface Session {
  id: string;
  userId: string;
  expiresAt: Date;
}

export { SESSION_COOKIE } from '../shared/cookie-names.ts';
const DAY_MS = 24 * 60 * 60 * 1000;

export type UserRow = {
  id: string;
  email: string;
  display_name: string;
  locale: 'fr' | 'en';
  is_platform_admin: boolean;
};

export const toAuthUser = (r: UserRow): AuthUser => ({
  id: r.id,
  email: r.email,
  displayName: r.display_name,
  locale: r.locale,
  isPlatformAdmin: r.is_platform_admin
});

/**
 * Sessions by the Lucia guide, with sliding expiry: a session used in the second half of its
 * life is extended to a full period again, so an active member is never logged out mid-meeting.
 */
export class SessionService {
  constructor(
    private readonly db: Db,
    private readonly lifetimeDays = 30
  ) {}

  async create(userId: string, userAgent?: string): Promise<{ token: string; session: Session }> {
    const t = newSecretToken();
    const expiresAt = new Date(Date.now() + this.lifetimeDays * DAY_MS);
    await this.db.query(
      'insert into sessions (id, secret_hash, user_id, expires_at, user_agent) values ($1, $2, $3, $4, $5)',
      [t.id, t.secretHash, userId, expiresAt, userAgent?.slice(0, 300) ?? null]
    );
    return { token: t.token, session: { id: t.id, userId, expiresAt } };
  }

  async validate(token: string | undefined | null): Promise<{ session: Session; user: AuthUser } | null> {
    const parsed = parseSecretToken(token);
    if (!parsed) return null;
    const rows = await this.db.query<UserRow & { secret_hash: string; expires_at: Date; user_id: string }>(
      `select s.secret_hash, s.expires_at, s.user_id, u.id, u.email, u.display_name, u.locale, u.is_platform_admin
         from sessions s join users u on u.id = s.user_id where s.id = $1`,
      [parsed.id]
    );
    const row = rows[0];
    if (!row || !secretMatches(parsed.secret, row.secret_hash)) return null;
    const now = Date.now();
    let expiresAt = new Date(row.expires_at);
    if (expiresAt.getTime() <= now) {
      await this.db.query('delete from sessions where id = $1', [parsed.id]);
      return null;
    }
    const lifetime = this.lifetimeDays * DAY_MS;
    if (expiresAt.getTime() - now < lifetime / 2) {
      expiresAt = new Date(now + lifetime);
      await this.db.query('update sessions set expires_at = $2 where id = $1', [parsed.id, expiresAt]);
    }
    return { session: { id: parsed.id, userId: row.user_id, expiresAt }, user: toAuthUser(row) };
  }

  async invalidate(sessionId: string): Promise<void> {
    await this.db.query('delete from sessions where id = $1', [sessionId]);
  }

  async invalidateAll(userId: string): Promise<number> {
    const rows = await this.db.query('delete from sessions where user_id = $1 returning id', [userId]);
    return rows.length;
  }

  async purgeExpired(): Promise<void> {
    await this.db.query('delete from sessions where expires_at < now()');
  }
}
