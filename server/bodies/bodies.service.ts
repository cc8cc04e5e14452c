import type { Db } from '../db/db.ts';
import type { AccessService } from '../access.ts';
import { policy, type BodyRole } from '../auth/policy.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { recordAudit } from '../audit/audit.ts';
import { Errors, bi } from '../shared/app-error.ts';
import { isUuid, validate } from '../shared/validate.ts';
import { createBodySchema, updateBodySchema, type BodyKind } from './bodies.schemas.ts';

export interface Body {
  id: string;
  organisationId: string;
  parentId: string | null;
  kind: BodyKind;
  name: string;
  description: string;
  createdAt: string;
  memberCount: number;
  /** The asker's role in this body, if they belong to it. */
  myRole: BodyRole | null;
}

type BodyRow = {
  id: string;
  organisation_id: string;
  parent_id: string | null;
  kind: BodyKind;
  name: string;
  description: string;
  created_at: Date;
  member_count?: number;
};

const BODY_NOT_FOUND = bi('Instance', 'Body');

export class BodyService {
  constructor(
    private readonly db: Db,
    private readonly access: AccessService
  ) {}

  private toBody(r: BodyRow, roles: Record<string, BodyRole>): Body {
    return {
      id: r.id,
      organisationId: r.organisation_id,
      parentId: r.parent_id,
      kind: r.kind,
      name: r.name,
      description: r.description,
      createdAt: new Date(r.created_at).toISOString(),
      memberCount: r.member_count ?? 0,
      myRole: roles[r.id] ?? null
    };
  }

  async list(actor: AuthUser | null, organisationId: string): Promise<Body[]> {
    const a = await this.access.require(actor, organisationId, policy.viewBody);
    const rows = await this.db.query<BodyRow>(
      `select b.*, (select count(*)::int from memberships m where m.body_id = b.id) as member_count
         from bodies b where b.organisation_id = $1 and b.archived_at is null order by b.name`,
      [organisationId]
    );
    return rows.map((r) => this.toBody(r, a.bodyRoles));
  }

  /** Finds a body and checks the asker may see it; unknown and not-visible look the same. */
  async get(actor: AuthUser | null, bodyId: string): Promise<Body> {
    if (!actor) throw Errors.unauthorised();
    if (!isUuid(bodyId)) throw Errors.notFound(BODY_NOT_FOUND);
    const rows = await this.db.query<BodyRow>(
      `select b.*, (select count(*)::int from memberships m where m.body_id = b.id) as member_count
         from bodies b where b.id = $1 and b.archived_at is null`,
      [bodyId]
    );
    if (!rows[0]) throw Errors.notFound(BODY_NOT_FOUND);
    const a = await this.access.forOrganisation(actor, rows[0].organisation_id);
    if (!policy.viewBody(a)) throw Errors.notFound(BODY_NOT_FOUND);
    return this.toBody(rows[0], a!.bodyRoles);
  }

  async create(actor: AuthUser | null, organisationId: string, input: unknown): Promise<Body> {
    const a = await this.access.require(actor, organisationId, policy.createBody);
    const data = validate(createBodySchema, input);
    if (data.parentId) await this.assertParentInOrg(data.parentId, organisationId);
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<BodyRow>(
        `insert into bodies (organisation_id, parent_id, kind, name, description) values ($1, $2, $3, $4, $5) returning *`,
        [organisationId, data.parentId ?? null, data.kind, data.name, data.description ?? '']
      );
      await recordAudit(tx, { organisationId, actorUserId: actor!.id, action: 'body.created', subjectId: row.id, data: { name: data.name } });
      return this.toBody(row, a.bodyRoles);
    });
  }

  async update(actor: AuthUser | null, bodyId: string, input: unknown): Promise<Body> {
    const body = await this.get(actor, bodyId);
    const a = await this.access.require(actor, body.organisationId, (x) => policy.manageBody(x, bodyId));
    const data = validate(updateBodySchema, input);
    if (data.parentId) {
      await this.assertParentInOrg(data.parentId, body.organisationId);
      await this.assertNoCycle(bodyId, data.parentId);
    }
    const [row] = await this.db.query<BodyRow>(
      `update bodies set
         name = coalesce($2, name),
         kind = coalesce($3, kind),
         parent_id = case when $4::boolean then $5::uuid else parent_id end,
         description = coalesce($6, description)
       where id = $1 returning *`,
      [bodyId, data.name ?? null, data.kind ?? null, data.parentId !== undefined, data.parentId ?? null, data.description ?? null]
    );
    await recordAudit(this.db, { organisationId: body.organisationId, actorUserId: actor!.id, action: 'body.updated', subjectId: bodyId });
    return this.toBody({ ...row, member_count: body.memberCount }, a.bodyRoles);
  }

  async archive(actor: AuthUser | null, bodyId: string): Promise<void> {
    const body = await this.get(actor, bodyId);
    await this.access.require(actor, body.organisationId, policy.createBody);
    const children = await this.db.query('select 1 from bodies where parent_id = $1 and archived_at is null', [bodyId]);
    if (children.length) {
      throw Errors.conflict(bi("Cette instance a des sous-instances : archivez-les d'abord.", 'This body has sub-bodies: archive them first.'));
    }
    await this.db.query('update bodies set archived_at = now() where id = $1', [bodyId]);
    await recordAudit(this.db, { organisationId: body.organisationId, actorUserId: actor!.id, action: 'body.archived', subjectId: bodyId });
  }

  private async assertParentInOrg(parentId: string, organisationId: string): Promise<void> {
    const rows = await this.db.query('select 1 from bodies where id = $1 and organisation_id = $2 and archived_at is null', [parentId, organisationId]);
    if (!rows.length) {
      throw Errors.unprocessable(bi("L'instance parente n'existe pas dans cette organisation.", 'The parent body does not exist in this organisation.'), 'parentId');
    }
  }

  private async assertNoCycle(bodyId: string, parentId: string): Promise<void> {
    const rows = await this.db.query(
      `with recursive up(id, parent_id) as (
         select id, parent_id from bodies where id = $1
         union all select b.id, b.parent_id from bodies b join up on b.id = up.parent_id
       ) select 1 from up where id = $2`,
      [parentId, bodyId]
    );
    if (rows.length) {
      throw Errors.unprocessable(bi('Une instance ne peut pas être placée sous elle-même.', 'A body cannot sit under itself.'), 'parentId');
    }
  }
}
