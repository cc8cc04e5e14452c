import type { Logger } from 'pino';
import { z } from 'zod';
import type { Db } from '../db/db.ts';
import type { AccessService } from '../access.ts';
import { policy } from '../auth/policy.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import { newSecretToken, parseSecretToken, secretMatches } from '../auth/secret-token.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Mailer } from '../mail/mailer.ts';
import { AppError, Errors, bi } from '../shared/app-error.ts';
import { fields, msg, validate } from '../shared/validate.ts';

export const INVITATION_DAYS = 7;

export interface InvitationInfo {
  id: string;
  personId: string;
  personName: string;
  email: string | null;
  createdAt: string;
  expiresAt: string;
  status: 'pending' | 'accepted' | 'expired' | 'revoked';
}

export interface CreatedInvitation extends InvitationInfo {
  /** The link to hand to the person; shown once to the inviter. */
  url: string;
  mailed: boolean;
}

export interface InvitationPreview {
  organisationName: string;
  personName: string;
  email: string | null;
  /** An account already exists with this email: the person confirms with that password. */
  accountExists: boolean;
}

const acceptSchema = z.object({
  password: fields.password(),
  email: fields.email().optional(),
  displayName: fields.name(2, 120).optional()
});

const invalidLink = () =>
  new AppError(
    'not_found',
    bi(
      "Ce lien d'invitation n'est pas valable : il a expiré, a déjà servi ou a été annulé. Demandez-en un nouveau au secrétariat.",
      'This invitation link is not valid: it has expired, was already used or was cancelled. Ask the secretariat for a new one.'
    )
  );

type InvRow = {
  id: string;
  organisation_id: string;
  person_id: string;
  full_name: string;
  email: string | null;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
};
const statusOf = (r: InvRow): InvitationInfo['status'] =>
  r.accepted_at ? 'accepted' : r.revoked_at ? 'revoked' : new Date(r.expires_at).getTime() <= Date.now() ? 'expired' : 'pending';
const toInfo = (r: InvRow): InvitationInfo => ({
  id: r.id,
  personId: r.person_id,
  personName: r.full_name,
  email: r.email,
  createdAt: new Date(r.created_at).toISOString(),
  expiresAt: new Date(r.expires_at).toISOString(),
  status: statusOf(r)
});

export class InvitationService {
  constructor(
    private readonly db: Db,
    private readonly access: AccessService,
    private readonly mailer: Mailer,
    private readonly logger: Logger
  ) {}

  /**
   * A single-use link valid for INVITATION_DAYS. Inviting again cancels the earlier link. With no
   * SMTP the link is returned for the inviter to copy, and logged.
   */
  async create(actor: AuthUser | null, personId: string, baseUrl: string): Promise<CreatedInvitation> {
    if (!actor) throw Errors.unauthorised();
    if (!/^[0-9a-f-]{36}$/i.test(personId)) throw Errors.notFound(bi('Personne', 'Person'));
    const people = await this.db.query<{ organisation_id: string; full_name: string; email: string | null; user_id: string | null; org_name: string }>(
      `select p.organisation_id, p.full_name, p.email, p.user_id, o.name as org_name
         from people p join organisations o on o.id = p.organisation_id where p.id = $1`,
      [personId]
    );
    const person = people[0];
    if (!person) throw Errors.notFound(bi('Personne', 'Person'));
    await this.access.require(actor, person.organisation_id, policy.managePeople);
    if (person.user_id) {
      throw Errors.conflict(bi('Cette personne a déjà un compte.', 'This person already has an account.'), 'personId');
    }
    const t = newSecretToken();
    const expiresAt = new Date(Date.now() + INVITATION_DAYS * 24 * 3600 * 1000);
    const row = await this.db.transaction(async (tx) => {
      await tx.query('update invitations set revoked_at = now() where person_id = $1 and accepted_at is null and revoked_at is null', [personId]);
      const [r] = await tx.query<InvRow>(
        `insert into invitations (organisation_id, person_id, token_id, secret_hash, created_by, expires_at)
         values ($1, $2, $3, $4, $5, $6) returning *, $7::text as full_name, $8::text as email`,
        [person.organisation_id, personId, t.id, t.secretHash, actor.id, expiresAt, person.full_name, person.email]
      );
      await recordAudit(tx, { organisationId: person.organisation_id, actorUserId: actor.id, action: 'invitation.created', subjectId: r.id, data: { personId } });
      return r;
    });
    const url = `${baseUrl.replace(/\/$/, '')}/invitation/${t.token}`;
    // Acknowledged only after the row is committed: a killed server keeps the invitation.
    this.logger.info({ personId, invitationId: row.id, url }, 'invitation link created');
    let mailed = false;
    if (person.email && this.mailer.configured) {
      try {
        mailed = await this.mailer.send({
          to: person.email,
          subject: `Invitation à rejoindre ${person.org_name} sur Concerto / Invitation to join ${person.org_name} on Concerto`,
          text:
            `Bonjour ${person.full_name},\n\n${person.org_name} vous invite à rejoindre Concerto. Choisissez votre mot de passe ici (lien valable ${INVITATION_DAYS} jours) :\n${url}\n\n` +
            `Hello ${person.full_name},\n\n${person.org_name} invites you to join Concerto. Choose your password here (link valid for ${INVITATION_DAYS} days):\n${url}\n`
        });
      } catch (err) {
        this.logger.warn({ err, personId }, 'invitation mail failed; the link is shown to the inviter');
      }
    }
    return { ...toInfo(row), url, mailed };
  }

  async list(actor: AuthUser | null, organisationId: string): Promise<InvitationInfo[]> {
    await this.access.require(actor, organisationId, policy.managePeople);
    const rows = await this.db.query<InvRow>(
      `select i.*, p.full_name, p.email from invitations i join people p on p.id = i.person_id
        where i.organisation_id = $1 order by i.created_at desc limit 200`,
      [organisationId]
    );
    return rows.map(toInfo);
  }

  async revoke(actor: AuthUser | null, invitationId: string): Promise<void> {
    if (!actor) throw Errors.unauthorised();
    if (!/^[0-9a-f-]{36}$/i.test(invitationId)) throw Errors.notFound(bi('Invitation', 'Invitation'));
    const rows = await this.db.query<{ organisation_id: string }>('select organisation_id from invitations where id = $1', [invitationId]);
    if (!rows[0]) throw Errors.notFound(bi('Invitation', 'Invitation'));
    await this.access.require(actor, rows[0].organisation_id, policy.managePeople);
    await this.db.query('update invitations set revoked_at = now() where id = $1 and accepted_at is null and revoked_at is null', [invitationId]);
    await recordAudit(this.db, { organisationId: rows[0].organisation_id, actorUserId: actor.id, action: 'invitation.revoked', subjectId: invitationId });
  }

  private async findUsable(token: string) {
    const parsed = parseSecretToken(token);
    if (!parsed) throw invalidLink();
    const rows = await this.db.query<InvRow & { secret_hash: string; org_name: string; user_exists: boolean }>(
      `select i.*, p.full_name, p.email, o.name as org_name,
              exists (select 1 from users u where p.email is not null and lower(u.email) = lower(p.email)) as user_exists
         from invitations i join people p on p.id = i.person_id join organisations o on o.id = i.organisation_id
        where i.token_id = $1`,
      [parsed.id]
    );
    const row = rows[0];
    if (!row || !secretMatches(parsed.secret, row.secret_hash) || statusOf(row) !== 'pending') throw invalidLink();
    return row;
  }

  async preview(token: string): Promise<InvitationPreview> {
    const row = await this.findUsable(token);
    return { organisationName: row.org_name, personName: row.full_name, email: row.email, accountExists: row.user_exists };
  }

  /**
   * Sets the password (or confirms an existing account's) and links the account to the person.
   * Single use: the row is locked and checked again inside the transaction.
   */
  async accept(token: string, input: unknown): Promise<{ userId: string; organisationId: string }> {
    const row = await this.findUsable(token);
    const data = validate(acceptSchema, input);
    const email = row.email ?? data.email;
    if (!email) {
      throw new AppError('validation_failed', bi('Adresse e-mail requise.', 'Email address required.'), {
        email: bi('Adresse e-mail requise.', 'Email address required.')
      });
    }
    const existing = await this.db.query<{ id: string; password_hash: string | null }>('select id, password_hash from users where lower(email) = lower($1)', [email]);
    let newHash: string | null = null;
    if (existing[0]) {
      const ok = existing[0].password_hash ? await verifyPassword(existing[0].password_hash, data.password) : false;
      if (!ok) {
        throw new AppError(
          'unauthorised',
          bi('Un compte existe déjà avec cette adresse : saisissez son mot de passe.', 'An account already exists with this address: enter its password.'),
          { password: bi('Mot de passe incorrect pour le compte existant.', 'Wrong password for the existing account.') }
        );
      }
    } else {
      newHash = await hashPassword(data.password);
    }
    return this.db.transaction(async (tx) => {
      const locked = await tx.query<{ accepted_at: Date | null; revoked_at: Date | null; expires_at: Date }>(
        'select accepted_at, revoked_at, expires_at from invitations where id = $1 for update',
        [row.id]
      );
      const l = locked[0];
      if (!l || l.accepted_at || l.revoked_at || new Date(l.expires_at).getTime() <= Date.now()) throw invalidLink();
      let userId = existing[0]?.id;
      if (!userId) {
        try {
          const [u] = await tx.query<{ id: string }>(
            'insert into users (email, display_name, password_hash) values ($1, $2, $3) returning id',
            [email.toLowerCase(), data.displayName ?? row.full_name, newHash]
          );
          userId = u.id;
        } catch (err) {
          if ((err as { code?: string }).code === '23505') {
            throw Errors.conflict(bi('Un compte existe déjà avec cette adresse.', 'An account already exists with this address.'), 'email');
          }
          throw err;
        }
      }
      const already = await tx.query('select 1 from people where organisation_id = $1 and user_id = $2', [row.organisation_id, userId]);
      if (already.length) {
        throw Errors.conflict(bi('Ce compte fait déjà partie de cette organisation.', 'This account already belongs to this organisation.'), 'email');
      }
      const linked = await tx.query('update people set user_id = $2, email = coalesce(email, $3) where id = $1 and user_id is null returning id', [
        row.person_id,
        userId,
        email.toLowerCase()
      ]);
      if (!linked.length) throw invalidLink();
      await tx.query('update invitations set accepted_at = now() where id = $1', [row.id]);
      await recordAudit(tx, { organisationId: row.organisation_id, actorUserId: userId, action: 'invitation.accepted', subjectId: row.id });
      return { userId, organisationId: row.organisation_id };
    });
  }
}

