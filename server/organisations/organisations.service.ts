import type { Db, Queryable } from '../db/db.ts';
import { isUniqueViolation } from '../db/db.ts';
import type { AccessService } from '../access.ts';
import { policy } from '../auth/policy.ts';
import { hashPassword } from '../auth/passwords.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { recordAudit } from '../audit/audit.ts';
import { AppError, Errors, bi } from '../shared/app-error.ts';
import { slugify } from '../shared/slug.ts';
import { validate } from '../shared/validate.ts';
import { createOrganisationSchema, setupSchema, updateOrganisationSchema } from './organisations.schemas.ts';

export interface Organisation {
  id: string;
  slug: string;
  name: string;
  createdAt: string;
}

type OrgRow = { id: string; slug: string; name: string; created_at: Date };
const toOrg = (r: OrgRow): Organisation => ({ id: r.id, slug: r.slug, name: r.name, createdAt: new Date(r.created_at).toISOString() });

// Serialises first-run setup across instances: only one can create the first organisation.
const SETUP_LOCK_KEY = 727_002;

export class OrganisationService {
  constructor(
    private readonly db: Db,
    private readonly access: AccessService
  ) {}

  async isSetupDone(): Promise<boolean> {
    const rows = await this.db.query('select 1 from organisations limit 1');
    return rows.length > 0;
  }

  /** First run: the first organisation and its administrator (who also administers the install). */
  async setup(input: unknown): Promise<{ organisation: Organisation; userId: string }> {
    const data = validate(setupSchema, input);
    const passwordHash = await hashPassword(data.password);
    return this.db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [SETUP_LOCK_KEY]);
      const existing = await tx.query('select 1 from organisations limit 1');
      if (existing.length > 0) {
        throw new AppError('setup_done', bi('Concerto est déjà configuré. Connectez-vous.', 'Concerto is already set up. Please log in.'));
      }
      const organisation = await this.insertOrganisation(tx, data.organisationName, slugify(data.organisationName));
      const [user] = await tx.query<{ id: string }>(
        `insert into users (email, display_name, password_hash, is_platform_admin) values ($1, $2, $3, true) returning id`,
        [data.email, data.adminName, passwordHash]
      );
      await tx.query(
        `insert into people (organisation_id, full_name, email, user_id, org_role) values ($1, $2, $3, $4, 'admin')`,
        [organisation.id, data.adminName, data.email, user.id]
      );
      await recordAudit(tx, { organisationId: organisation.id, actorUserId: user.id, action: 'setup.completed' });
      return { organisation, userId: user.id };
    });
  }

  /**
   * Creates (or finds) an organisation and makes `email` its administrator, creating the
   * account when needed. Used by the CLI and the demo seed.
   */
  async ensureWithAdmin(opts: { orgName: string; email: string; password: string; adminName?: string; platformAdmin?: boolean }) {
    const passwordHash = await hashPassword(opts.password);
    return this.db.transaction(async (tx) => {
      const slug = slugify(opts.orgName);
      const found = await tx.query<OrgRow>('select * from organisations where slug = $1', [slug]);
      const organisation = found[0] ? toOrg(found[0]) : await this.insertOrganisation(tx, opts.orgName, slug);
      const email = opts.email.trim().toLowerCase();
      const users = await tx.query<{ id: string }>('select id from users where lower(email) = $1', [email]);
      let userId = users[0]?.id;
      const name = opts.adminName ?? email.split('@')[0];
      if (userId) {
        await tx.query('update users set password_hash = $2, is_platform_admin = is_platform_admin or $3 where id = $1', [
          userId,
          passwordHash,
          !!opts.platformAdmin
        ]);
      } else {
        const [u] = await tx.query<{ id: string }>(
          'insert into users (email, display_name, password_hash, is_platform_admin) values ($1, $2, $3, $4) returning id',
          [email, name, passwordHash, !!opts.platformAdmin]
        );
        userId = u.id;
      }
      await tx.query(
        `insert into people (organisation_id, full_name, email, user_id, org_role) values ($1, $2, $3, $4, 'admin')
         on conflict (organisation_id, lower(email)) where email is not null
         do update set user_id = excluded.user_id, org_role = 'admin'`,
        [organisation.id, name, email, userId]
      );
      return { organisation, userId };
    });
  }

  async create(actor: AuthUser | null, input: unknown): Promise<Organisation> {
    if (!actor) throw Errors.unauthorised();
    if (!actor.isPlatformAdmin) throw Errors.forbidden();
    const data = validate(createOrganisationSchema, input);
    return this.db.transaction(async (tx) => {
      const org = await this.insertOrganisation(tx, data.name, data.slug ?? slugify(data.name));
      const [me] = await tx.query<{ display_name: string; email: string }>('select display_name, email from users where id = $1', [actor.id]);
      await tx.query(
        `insert into people (organisation_id, full_name, email, user_id, org_role) values ($1, $2, $3, $4, 'admin')`,
        [org.id, me.display_name, me.email, actor.id]
      );
      await recordAudit(tx, { organisationId: org.id, actorUserId: actor.id, action: 'organisation.created' });
      return org;
    });
  }

  private async insertOrganisation(q: Queryable, name: string, slug: string): Promise<Organisation> {
    try {
      const [row] = await q.query<OrgRow>('insert into organisations (name, slug) values ($1, $2) returning *', [name, slug]);
      return toOrg(row);
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw Errors.conflict(bi('Une organisation porte déjà cet identifiant court.', 'An organisation already uses this short name.'), 'slug');
      }
      throw err;
    }
  }

  async listForUser(user: AuthUser): Promise<Organisation[]> {
    const rows = await this.db.query<OrgRow>(
      `select o.* from organisations o
        where exists (select 1 from people p where p.organisation_id = o.id and p.user_id = $1)
        order by o.name`,
      [user.id]
    );
    return rows.map(toOrg);
  }

  async get(actor: AuthUser | null, id: string): Promise<Organisation> {
    await this.access.require(actor, id, policy.viewOrganisation);
    const [row] = await this.db.query<OrgRow>('select * from organisations where id = $1', [id]);
    return toOrg(row);
  }

  /** Looks an organisation up by slug for pages; members only. */
  async getBySlug(actor: AuthUser | null, slug: string): Promise<Organisation> {
    if (!actor) throw Errors.unauthorised();
    const rows = await this.db.query<OrgRow>('select * from organisations where slug = $1', [slug]);
    if (!rows[0]) throw Errors.notFound(bi('Organisation', 'Organisation'));
    await this.access.require(actor, rows[0].id, policy.viewOrganisation);
    return toOrg(rows[0]);
  }

  async update(actor: AuthUser | null, id: string, input: unknown): Promise<Organisation> {
    await this.access.require(actor, id, policy.manageOrganisation);
    const data = validate(updateOrganisationSchema, input);
    const [row] = await this.db.query<OrgRow>('update organisations set name = $2 where id = $1 returning *', [id, data.name]);
    return toOrg(row);
  }
}
