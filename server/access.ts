import { prepared, type Db } from './db/db.ts';
import type { AuthUser } from './auth/sessions.ts';
import type { BodyRole, OrgAccess, OrgRole } from './auth/policy.ts';
import { Errors, bi } from './shared/app-error.ts';
import { isUuid } from './shared/validate.ts';

/** Who a user is in an organisation: asked before every action, so prepared. */
const ACCESS_ROWS = prepared(
  'access.for_organisation',
  `select p.id as person_id, p.org_role, m.body_id, m.role
     from people p left join memberships m on m.person_id = p.id
    where p.organisation_id = $1 and p.user_id = $2`
);

/** Resolves what a user is in one organisation, for the policy module. */
export class AccessService {
  constructor(private readonly db: Db) {}

  async forOrganisation(user: AuthUser | null, organisationId: string): Promise<OrgAccess | null> {
    if (!user || !isUuid(organisationId)) return null;
    const rows = await this.db.query<{ person_id: string; org_role: OrgRole; body_id: string | null; role: BodyRole | null }>(ACCESS_ROWS, [organisationId, user.id]);
    if (rows.length === 0) {
      if (!user.isPlatformAdmin) return null;
      const exists = await this.db.query('select 1 from organisations where id = $1', [organisationId]);
      if (exists.length === 0) return null;
      return { organisationId, personId: '', orgRole: 'admin', bodyRoles: {}, isPlatformAdmin: true };
    }
    const bodyRoles: Record<string, BodyRole> = {};
    for (const r of rows) if (r.body_id && r.role) bodyRoles[r.body_id] = r.role;
    return {
      organisationId,
      personId: rows[0].person_id,
      orgRole: rows[0].org_role,
      bodyRoles,
      isPlatformAdmin: user.isPlatformAdmin
    };
  }

  /** Like forOrganisation, but a missing organisation and one the user may not see look the same (404). */
  async require(user: AuthUser | null, organisationId: string, allowed: (a: OrgAccess | null) => boolean): Promise<OrgAccess> {
    if (!user) throw Errors.unauthorised();
    const access = await this.forOrganisation(user, organisationId);
    if (!access) throw Errors.notFound(bi('Organisation', 'Organisation'));
    if (!allowed(access)) throw Errors.forbidden();
    return access;
  }

  async organisationOfBody(bodyId: string): Promise<string | null> {
    if (!isUuid(bodyId)) return null;
    const rows = await this.db.query<{ organisation_id: string }>('select organisation_id from bodies where id = $1', [bodyId]);
    return rows[0]?.organisation_id ?? null;
  }
}
