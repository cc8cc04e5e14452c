import { randomInt } from 'node:crypto';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { Db } from '../db/db.ts';
import type { AccessService } from '../access.ts';
import { policy } from '../auth/policy.ts';
import type { RateLimiter } from '../auth/rate-limit.ts';
import { newSecretToken, parseSecretToken, secretMatches } from '../auth/secret-token.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { recordAudit } from '../audit/audit.ts';
import { AppError, Errors, bi } from '../shared/app-error.ts';
import { fields, msg, text, validate } from '../shared/validate.ts';

/**
 * Guest identities: someone without an account (a tenant invited for a workshop) joins one
 * public session with a short code or QR code and a display name. The guest sees only that
 * target; the workshop issue decides what a guest may do there.
 */
export interface GuestCode {
  id: string;
  code: string;
  targetKind: 'workshop' | 'meeting' | 'body';
  targetId: string;
  expiresAt: string;
  joinUrl: string;
  /** SVG of a QR code for joinUrl, to show on the projector or print. */
  qrSvg: string;
}

export interface Guest {
  id: string;
  displayName: string;
  organisationId: string;
  targetKind: GuestCode['targetKind'];
  targetId: string;
  expiresAt: string;
}

export { GUEST_COOKIE } from '../shared/cookie-names.ts';
// No 0/O, 1/I/L: codes are read aloud and typed on phones by people who may not see well.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 6;
const JOIN_WINDOW_S = 600;
const JOIN_LIMIT_PER_IP = 30;

const createCodeSchema = z.object({
  targetKind: z.enum(['workshop', 'meeting', 'body'], { error: text('Cible inconnue.', 'Unknown target.') }),
  targetId: fields.uuid(),
  hours: z.coerce.number().int().min(1, msg('Au moins 1 heure.', 'At least 1 hour.')).max(24 * 14, msg('Au plus 14 jours.', 'At most 14 days.')).default(12)
});

export const joinSchema = z.object({
  code: z
    .string(msg('Code requis.', 'Code required.'))
    .trim()
    .transform((s) => s.toUpperCase().replace(/[\s-]/g, ''))
    .pipe(z.string().regex(/^[A-Z0-9]{6}$/, msg('Le code fait 6 caractères (lettres et chiffres).', 'The code is 6 characters (letters and digits).'))),
  displayName: fields.name(1, 60)
});

export function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

export function generateCode(): string {
  let s = '';
  for (let i = 0; i < CODE_LENGTH; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return s;
}

export class GuestService {
  constructor(
    private readonly db: Db,
    private readonly access: AccessService,
    private readonly limiter: RateLimiter
  ) {}

  async createCode(actor: AuthUser | null, organisationId: string, input: unknown, baseUrl: string): Promise<GuestCode> {
    await this.access.require(actor, organisationId, policy.createGuestCode);
    const data = validate(createCodeSchema, input);
    if (data.targetKind === 'body') {
      const rows = await this.db.query('select 1 from bodies where id = $1 and organisation_id = $2', [data.targetId, organisationId]);
      if (!rows.length) throw Errors.unprocessable(bi("Cette instance n'existe pas dans l'organisation.", 'This body does not exist in the organisation.'), 'targetId');
    }
    const expiresAt = new Date(Date.now() + data.hours * 3600 * 1000);
    for (let attempt = 0; ; attempt++) {
      const code = generateCode();
      try {
        const [row] = await this.db.query<{ id: string }>(
          `insert into guest_codes (organisation_id, target_kind, target_id, code, created_by, expires_at) values ($1, $2, $3, $4, $5, $6) returning id`,
          [organisationId, data.targetKind, data.targetId, code, actor!.id, expiresAt]
        );
        await recordAudit(this.db, { organisationId, actorUserId: actor!.id, action: 'guest_code.created', subjectId: row.id, data: { targetKind: data.targetKind, targetId: data.targetId } });
        const joinUrl = `${baseUrl.replace(/\/$/, '')}/join?code=${code}`;
        const qrSvg = await QRCode.toString(joinUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
        return { id: row.id, code, targetKind: data.targetKind, targetId: data.targetId, expiresAt: expiresAt.toISOString(), joinUrl, qrSvg };
      } catch (err) {
        if ((err as { code?: string }).code !== '23505' || attempt > 5) throw err;
      }
    }
  }

  /** Joins with a code; answers a guest session token for the guest cookie. */
  async join(input: unknown, ip: string): Promise<{ token: string; guest: Guest }> {
    const count = await this.limiter.hit(`guest-join:ip:${ip}`, JOIN_WINDOW_S);
    if (count > JOIN_LIMIT_PER_IP) throw Errors.rateLimited();
    const data = validate(joinSchema, input);
    const rows = await this.db.query<{ id: string; organisation_id: string; target_kind: Guest['targetKind']; target_id: string; expires_at: Date }>(
      `select id, organisation_id, target_kind, target_id, expires_at from guest_codes
        where code = $1 and revoked_at is null and expires_at > now()`,
      [data.code]
    );
    const gc = rows[0];
    if (!gc) {
      throw new AppError('not_found', bi('Code inconnu ou expiré. Vérifiez-le auprès de l’animateur.', 'Unknown or expired code. Check it with the facilitator.'), {
        code: bi('Code inconnu ou expiré.', 'Unknown or expired code.')
      });
    }
    const t = newSecretToken('g_');
    const [g] = await this.db.query<{ id: string }>(
      `insert into guests (guest_code_id, display_name, session_id, secret_hash, expires_at) values ($1, $2, $3, $4, $5) returning id`,
      [gc.id, data.displayName, t.id, t.secretHash, gc.expires_at]
    );
    return {
      token: t.token,
      guest: {
        id: g.id,
        displayName: data.displayName,
        organisationId: gc.organisation_id,
        targetKind: gc.target_kind,
        targetId: gc.target_id,
        expiresAt: new Date(gc.expires_at).toISOString()
      }
    };
  }

  async validate(token: string | undefined | null): Promise<Guest | null> {
    const parsed = parseSecretToken(token);
    if (!parsed || !parsed.id.startsWith('g_')) return null;
    const rows = await this.db.query<{
      id: string;
      display_name: string;
      secret_hash: string;
      expires_at: Date;
      organisation_id: string;
      target_kind: Guest['targetKind'];
      target_id: string;
    }>(
      `select g.id, g.display_name, g.secret_hash, g.expires_at, c.organisation_id, c.target_kind, c.target_id
         from guests g join guest_codes c on c.id = g.guest_code_id
        where g.session_id = $1 and g.expires_at > now() and c.revoked_at is null`,
      [parsed.id]
    );
    const r = rows[0];
    if (!r || !secretMatches(parsed.secret, r.secret_hash)) return null;
    return {
      id: r.id,
      displayName: r.display_name,
      organisationId: r.organisation_id,
      targetKind: r.target_kind,
      targetId: r.target_id,
      expiresAt: new Date(r.expires_at).toISOString()
    };
  }
}
