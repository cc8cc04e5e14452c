import type { Db } from '../db/db.ts';
import { AppError, bi } from '../shared/app-error.ts';
import { z } from 'zod';
import { fields } from '../shared/validate.ts';
import { newSecretToken, parseSecretToken, secretMatches } from './secret-token.ts';
import { toAuthUser, type AuthUser } from './sessions.ts';

export const tokenNameSchema = z.object({ name: fields.name(1, 100) });

export interface ApiTokenInfo {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

// Personal API tokens look like "cnc_xxxxxxxxxxxxxxxx.<secret>"; the prefix makes a leaked
// token recognisable by secret scanners.
const PREFIX = 'cnc_';
const MAX_TOKENS_PER_USER = 20;

export class ApiTokenService {
  constructor(private readonly db: Db) {}

  async create(userId: string, name: string): Promise<{ token: string; info: ApiTokenInfo }> {
    const [{ n }] = await this.db.query<{ n: number }>(
      'select count(*)::int as n from api_tokens where user_id = $1 and revoked_at is null',
      [userId]
    );
    if (n >= MAX_TOKENS_PER_USER) {
      throw new AppError(
        'conflict',
        bi(`Vous avez déjà ${MAX_TOKENS_PER_USER} jetons ; révoquez-en un.`, `You already have ${MAX_TOKENS_PER_USER} tokens; revoke one first.`)
      );
    }
    const t = newSecretToken(PREFIX);
    const [row] = await this.db.query<{ created_at: Date }>(
      'insert into api_tokens (id, user_id, name, secret_hash) values ($1, $2, $3, $4) returning created_at',
      [t.id, userId, name, t.secretHash]
    );
    return { token: t.token, info: { id: t.id, name, createdAt: new Date(row.created_at).toISOString(), lastUsedAt: null } };
  }

  async list(userId: string): Promise<ApiTokenInfo[]> {
    const rows = await this.db.query<{ id: string; name: string; created_at: Date; last_used_at: Date | null }>(
      'select id, name, created_at, last_used_at from api_tokens where user_id = $1 and revoked_at is null order by created_at',
      [userId]
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      createdAt: new Date(r.created_at).toISOString(),
      lastUsedAt: r.last_used_at ? new Date(r.last_used_at).toISOString() : null
    }));
  }

  async revoke(userId: string, id: string): Promise<boolean> {
    const rows = await this.db.query(
      'update api_tokens set revoked_at = now() where id = $1 and user_id = $2 and revoked_at is null returning id',
      [id, userId]
    );
    return rows.length > 0;
  }

  async validate(token: string): Promise<AuthUser | null> {
    const parsed = parseSecretToken(token);
    if (!parsed || !parsed.id.startsWith(PREFIX)) return null;
    const rows = await this.db.query<{
      secret_hash: string;
      id: string;
      email: string;
      display_name: string;
      locale: 'fr' | 'en';
      is_platform_admin: boolean;
    }>(
      `select t.secret_hash, u.id, u.email, u.display_name, u.locale, u.is_platform_admin
         from api_tokens t join users u on u.id = t.user_id
        where t.id = $1 and t.revoked_at is null`,
      [parsed.id]
    );
    const row = rows[0];
    if (!row || !secretMatches(parsed.secret, row.secret_hash)) return null;
    await this.db.query('update api_tokens set last_used_at = now() where id = $1', [parsed.id]);
    return toAuthUser(row);
  }
}
