import type { Db } from '../db/db.ts';
import { isUniqueViolation } from '../db/db.ts';
import type { AccessService } from '../access.ts';
import { policy, type BodyRole, type OrgRole } from '../auth/policy.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { recordAudit } from '../audit/audit.ts';
import { Errors, bi } from '../shared/app-error.ts';
import { isUuid, validate } from '../shared/validate.ts';
import type { AFFILIATIONS, COLLEGES } from './people.schemas.ts';
import { addMembershipSchema, createPersonSchema, updateMembershipSchema, updatePersonSchema } from './people.schemas.ts';

export interface Person {
  id: string;
  organisationId: string;
  fullName: string;
  email: string | null;
  phone: string | null;
  orgRole: OrgRole;
  hasAccount: boolean;
  /** An invitation was sent and is still usable. */
  invitationPending: boolean;
  createdAt: string;
}

export interface Membership {
  id: string;
  bodyId: string;
  personId: string;
  personName: string;
  role: BodyRole;
  college: (typeof COLLEGES)[number];
  affiliation: (typeof AFFILIATIONS)[number];
  affiliationName: string | null;
  votingRight: boolean;
  mandateStart: string | null;
  mandateEnd: string | null;
}

type PersonRow = {
  id: string;
  organisation_id: string;
  full_name: string;
  email: string | null;
  phone: string | null;
  org_role: OrgRole;
  user_id: string | null;
  created_at: Date;
  invitation_pending?: boolean;
};
const toPerson = (r: PersonRow): Person => ({
  id: r.id,
  organisationId: r.organisation_id,
  fullName: r.full_name,
  email: r.email,
  phone: r.phone,
  orgRole: r.org_role,
  hasAccount: !!r.user_id,
  invitationPending: !!r.invitation_pending,
  createdAt: new Date(r.created_at).toISOString()
});

type MembershipRow = {
  id: string;
  body_id: string;
  person_id: string;
  full_name: string;
  role: BodyRole;
  college: Membership['college'];
  affiliation: Membership['affiliation'];
  affiliation_name: string | null;
  voting_right: boolean;
  mandate_start: Date | string | null;
  mandate_end: Date | string | null;
};
const dateOnly = (d: Date | string | null) => (d == null ? null : typeof d === 'string' ? d.slice(0, 10) : toIsoDate(d));
// A `date` column comes back as a local-midnight Date from pg; read its calendar fields, not UTC.
const toIsoDate = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const toMembership = (r: MembershipRow): Membership => ({
  id: r.id,
  bodyId: r.body_id,
  personId: r.person_id,
  personName: r.full_name,
  role: r.role,
  college: r.college,
  affiliation: r.affiliation,
  affiliationName: r.affiliation_name,
  votingRight: r.voting_right,
  mandateStart: dateOnly(r.mandate_start),
  mandateEnd: dateOnly(r.mandate_end)
});

const PERSON = bi('Personne', 'Person');
const MEMBERSHIP = bi('Appartenance', 'Membership');
const emailTaken = () =>
  Errors.conflict(bi('Une personne de cette organisation a déjà cette adresse e-mail.', 'Someone in this organisation already has this email address.'), 'email');

const PERSON_SELECT = `select p.*, exists (select 1 from invitations i where i.person_id = p.id and i.accepted_at is null
  and i.revoked_at is null and i.expires_at > now()) as invitation_pending from people p`;

export class PeopleService {
  constructor(
    private readonly db: Db,
    private readonly access: AccessService
  ) {}

  async list(actor: AuthUser | null, organisationId: string): Promise<Person[]> {
    await this.access.require(actor, organisationId, policy.viewPeople);
    const rows = await this.db.query<PersonRow>(`${PERSON_SELECT} where p.organisation_id = $1 order by p.full_name`, [organisationId]);
    return rows.map(toPerson);
  }

  async get(actor: AuthUser | null, personId: string): Promise<Person> {
    if (!actor) throw Errors.unauthorised();
    if (!isUuid(personId)) throw Errors.notFound(PERSON);
    const rows = await this.db.query<PersonRow>(`${PERSON_SELECT} where p.id = $1`, [personId]);
    if (!rows[0]) throw Errors.notFound(PERSON);
    const a = await this.access.forOrganisation(actor, rows[0].organisation_id);
    if (!policy.viewPeople(a)) throw Errors.notFound(PERSON);
    return toPerson(rows[0]);
  }

  async create(actor: AuthUser | null, organisationId: string, input: unknown): Promise<Person> {
    await this.access.require(actor, organisationId, policy.managePeople);
    const data = validate(createPersonSchema, input);
    try {
      return await this.db.transaction(async (tx) => {
        const [row] = await tx.query<PersonRow>(
          'insert into people (organisation_id, full_name, email, phone, org_role) values ($1, $2, $3, $4, $5) returning *',
          [organisationId, data.fullName, data.email ?? null, data.phone ?? null, data.orgRole]
        );
        await recordAudit(tx, { organisationId, actorUserId: actor!.id, action: 'person.created', subjectId: row.id });
        return toPerson(row);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw emailTaken();
      throw err;
    }
  }

  async update(actor: AuthUser | null, personId: string, input: unknown): Promise<Person> {
    const person = await this.get(actor, personId);
    const a = await this.access.require(actor, person.organisationId, policy.managePeople);
    const data = validate(updatePersonSchema, input);
    if (data.orgRole === 'member' && person.orgRole === 'admin') await this.assertAnotherAdmin(person.organisationId, personId);
    if (a.personId === personId && data.orgRole === 'member') {
      throw Errors.unprocessable(bi('Vous ne pouvez pas retirer vos propres droits d’administration.', 'You cannot remove your own admin rights.'), 'orgRole');
    }
    try {
      const [row] = await this.db.query<PersonRow>(
        `update people set full_name = coalesce($2, full_name),
           email = case when $3::boolean then $4 else email end,
           phone = case when $5::boolean then $6 else phone end,
           org_role = coalesce($7, org_role)
         where id = $1 returning *`,
        [personId, data.fullName ?? null, data.email !== undefined, data.email ?? null, data.phone !== undefined, data.phone ?? null, data.orgRole ?? null]
      );
      await recordAudit(this.db, { organisationId: person.organisationId, actorUserId: actor!.id, action: 'person.updated', subjectId: personId });
      return toPerson({ ...row, invitation_pending: person.invitationPending });
    } catch (err) {
      if (isUniqueViolation(err)) throw emailTaken();
      throw err;
    }
  }

  private async assertAnotherAdmin(organisationId: string, personId: string) {
    const rows = await this.db.query(`select 1 from people where organisation_id = $1 and org_role = 'admin' and id <> $2`, [organisationId, personId]);
    if (!rows.length) {
      throw Errors.unprocessable(bi("L'organisation doit garder au moins un administrateur.", 'The organisation must keep at least one admin.'), 'orgRole');
    }
  }

  // Memberships -----------------------------------------------------------------------------

  async listMemberships(actor: AuthUser | null, bodyId: string): Promise<Membership[]> {
    const orgId = await this.orgOfBody(bodyId);
    const a = await this.access.forOrganisation(actor, orgId);
    if (!actor) throw Errors.unauthorised();
    if (!policy.viewBody(a)) throw Errors.notFound(bi('Instance', 'Body'));
    const rows = await this.db.query<MembershipRow>(
      `select m.*, p.full_name from memberships m join people p on p.id = m.person_id where m.body_id = $1
        order by case m.role when 'chair' then 0 when 'secretary' then 1 when 'admin' then 2 when 'member' then 3 else 4 end, p.full_name`,
      [bodyId]
    );
    return rows.map(toMembership);
  }

  async listMembershipsOfPerson(actor: AuthUser | null, personId: string): Promise<(Membership & { bodyName: string })[]> {
    await this.get(actor, personId);
    const rows = await this.db.query<MembershipRow & { body_name: string }>(
      `select m.*, p.full_name, b.name as body_name from memberships m join people p on p.id = m.person_id
         join bodies b on b.id = m.body_id where m.person_id = $1 and b.archived_at is null order by b.name`,
      [personId]
    );
    return rows.map((r) => ({ ...toMembership(r), bodyName: r.body_name }));
  }

  async addMembership(actor: AuthUser | null, bodyId: string, input: unknown): Promise<Membership> {
    const orgId = await this.orgOfBody(bodyId);
    await this.access.require(actor, orgId, (a) => policy.manageBody(a, bodyId));
    const data = validate(addMembershipSchema, input);
    const person = await this.db.query('select 1 from people where id = $1 and organisation_id = $2', [data.personId, orgId]);
    if (!person.length) {
      throw Errors.unprocessable(bi("Cette personne n'existe pas dans l'organisation.", 'This person does not exist in the organisation.'), 'personId');
    }
    try {
      return await this.db.transaction(async (tx) => {
        const [row] = await tx.query<MembershipRow>(
          `insert into memberships (body_id, person_id, role, college, affiliation, affiliation_name, voting_right, mandate_start, mandate_end)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           returning *, (select full_name from people where id = $2) as full_name`,
          [bodyId, data.personId, data.role, data.college, data.affiliation, data.affiliationName || null, data.votingRight, data.mandateStart ?? null, data.mandateEnd ?? null]
        );
        await recordAudit(tx, { organisationId: orgId, actorUserId: actor!.id, action: 'membership.added', subjectId: row.id, data: { bodyId, personId: data.personId } });
        return toMembership(row);
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw Errors.conflict(bi('Cette personne est déjà membre de cette instance.', 'This person is already a member of this body.'), 'personId');
      }
      throw err;
    }
  }

  async updateMembership(actor: AuthUser | null, membershipId: string, input: unknown): Promise<Membership> {
    const current = await this.getMembership(actor, membershipId);
    const orgId = await this.orgOfBody(current.bodyId);
    await this.access.require(actor, orgId, (a) => policy.manageBody(a, current.bodyId));
    const data = validate(updateMembershipSchema, input);
    const merged = { ...current, ...Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined)) } as Membership;
    // Re-check the cross-field rules on the merged record, not only on the patch.
    validate(updateMembershipSchema, {
      role: merged.role,
      affiliation: merged.affiliation,
      affiliationName: merged.affiliationName,
      votingRight: merged.votingRight,
      mandateStart: merged.mandateStart,
      mandateEnd: merged.mandateEnd
    });
    const [row] = await this.db.query<MembershipRow>(
      `update memberships set role = $2, college = $3, affiliation = $4, affiliation_name = $5, voting_right = $6,
         mandate_start = $7, mandate_end = $8 where id = $1
       returning *, (select full_name from people where id = memberships.person_id) as full_name`,
      [membershipId, merged.role, merged.college, merged.affiliation, merged.affiliationName || null, merged.votingRight, merged.mandateStart, merged.mandateEnd]
    );
    await recordAudit(this.db, { organisationId: orgId, actorUserId: actor!.id, action: 'membership.updated', subjectId: membershipId, data });
    return toMembership(row);
  }

  async removeMembership(actor: AuthUser | null, membershipId: string): Promise<void> {
    const current = await this.getMembership(actor, membershipId);
    const orgId = await this.orgOfBody(current.bodyId);
    await this.access.require(actor, orgId, (a) => policy.manageBody(a, current.bodyId));
    await this.db.query('delete from memberships where id = $1', [membershipId]);
    await recordAudit(this.db, { organisationId: orgId, actorUserId: actor!.id, action: 'membership.removed', subjectId: membershipId, data: { bodyId: current.bodyId, personId: current.personId } });
  }

  async getMembership(actor: AuthUser | null, membershipId: string): Promise<Membership> {
    if (!actor) throw Errors.unauthorised();
    if (!isUuid(membershipId)) throw Errors.notFound(MEMBERSHIP);
    const rows = await this.db.query<MembershipRow & { organisation_id: string }>(
      `select m.*, p.full_name, p.organisation_id from memberships m join people p on p.id = m.person_id where m.id = $1`,
      [membershipId]
    );
    if (!rows[0]) throw Errors.notFound(MEMBERSHIP);
    const a = await this.access.forOrganisation(actor, rows[0].organisation_id);
    if (!policy.viewBody(a)) throw Errors.notFound(MEMBERSHIP);
    return toMembership(rows[0]);
  }

  private async orgOfBody(bodyId: string): Promise<string> {
    const orgId = isUuid(bodyId) ? await this.access.organisationOfBody(bodyId) : null;
    if (!orgId) throw Errors.notFound(bi('Instance', 'Body'));
    return orgId;
  }
}
