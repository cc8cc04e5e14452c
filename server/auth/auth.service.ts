import { z } from 'zod';
import type { Db } from '../db/db.ts';
import { AppError, Errors, bi } from '../shared/app-error.ts';
import { fields, msg, validate } from '../shared/validate.ts';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords.ts';
import type { RateLimiter } from './rate-limit.ts';
import { toAuthUser, type AuthUser, type SessionService } from './sessions.ts';

const loginSchema = z.object({
  email: fields.email(),
  password: z.string(msg('Mot de passe requis.', 'Password required.')).min(1, msg('Mot de passe requis.', 'Password required.')).max(200)
});

const changePasswordSchema = z.object({
  currentPassword: z.string(msg('Mot de passe actuel requis.', 'Current password required.')).min(1, msg('Mot de passe actuel requis.', 'Current password required.')),
  newPassword: fields.password()
});

// Rate limits (per 15 minutes): an account under attack is slowed without locking its owner
// out for long; one address trying many accounts is stopped sooner.
export const LOGIN_WINDOW_S = 15 * 60;
export const LOGIN_LIMIT_PER_ACCOUNT = 10;
export const LOGIN_LIMIT_PER_IP = 50;

const badCredentials = () =>
  new AppError('unauthorised', bi('Adresse e-mail ou mot de passe incorrect.', 'Wrong email address or password.'));

export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly sessions: SessionService,
    private readonly limiter: RateLimiter
  ) {}

  async login(input: unknown, ip: string, userAgent?: string): Promise<{ token: string; expiresAt: Date; user: AuthUser }> {
    const data = validate(loginSchema, input);
    const accountKey = `login:account:${data.email}`;
    const ipKey = `login:ip:${ip}`;
    const [perAccount, perIp] = await Promise.all([this.limiter.hit(accountKey, LOGIN_WINDOW_S), this.limiter.hit(ipKey, LOGIN_WINDOW_S)]);
    if (perAccount > LOGIN_LIMIT_PER_ACCOUNT || perIp > LOGIN_LIMIT_PER_IP) throw Errors.rateLimited();

    const rows = await this.db.query<{ id: string; email: string; display_name: string; locale: 'fr' | 'en'; is_platform_admin: boolean; password_hash: string | null }>(
      'select * from users where lower(email) = $1',
      [data.email]
    );
    const row = rows[0];
    if (!row || !row.password_hash) {
      await burnPasswordCheck(data.password);
      throw badCredentials();
    }
    if (!(await verifyPassword(row.password_hash, data.password))) throw badCredentials();
    await this.limiter.reset(accountKey);
    const { token, session } = await this.sessions.create(row.id, userAgent);
    return { token, expiresAt: session.expiresAt, user: toAuthUser(row) };
  }

  /** Changes the password and ends every other session of the account (the current one stays). */
  async changePassword(user: AuthUser, input: unknown, keepSessionId?: string): Promise<void> {
    const data = validate(changePasswordSchema, input);
    const [row] = await this.db.query<{ password_hash: string | null }>('select password_hash from users where id = $1', [user.id]);
    if (!row?.password_hash || !(await verifyPassword(row.password_hash, data.currentPassword))) {
      throw new AppError('unauthorised', bi('Mot de passe actuel incorrect.', 'Wrong current password.'), {
        currentPassword: bi('Mot de passe actuel incorrect.', 'Wrong current password.')
      });
    }
    await this.db.query('update users set password_hash = $2 where id = $1', [user.id, await hashPassword(data.newPassword)]);
    await this.db.query('delete from sessions where user_id = $1 and id is distinct from $2', [user.id, keepSessionId ?? null]);
  }

  async setLocale(user: AuthUser, locale: 'fr' | 'en'): Promise<void> {
    await this.db.query('update users set locale = $2 where id = $1', [user.id, locale]);
  }
}
