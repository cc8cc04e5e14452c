import type { AccessService } from '../access.ts';
import { policy, type OrgAccess } from '../auth/policy.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Db, Queryable } from '../db/db.ts';
import { AppError, Errors, bi } from '../shared/app-error.ts';
import { isUuid, validate } from '../shared/validate.ts';
import type { MeetingService } from '../meetings/meetings.service.ts';
import type { AgendaItem } from '../meetings/meetings.types.ts';
import { ACTION_STATUS_LABELS, ACTION_STATUSES, actionFilterSchema, createActionSchema, reviewItemSchema, updateActionSchema, type ActionStatus } from './actions.schemas.ts';

const ACTION = bi('Action', 'Action');
const BODY = bi('Instance', 'Body');

export interface ActionView {
  id: string;
  bodyId: string;
  title: string;
  description: string;
  ownerPersonId: string | null;
  /** Free-text owner ("Service travaux") when no person is named. */
  ownerText: string | null;
  /** The person's name, else the free text, else null. */
  ownerName: string | null;
  horizon: number | null;
  status: ActionStatus;
  source: {
    kind: 'manual' | 'workshop' | 'meeting' | 'decision';
    workshopId: string | null;
    ideaId: string | null;
    meetingId: string | null;
    /** The meeting's title, or the workshop's when known. */
    label: string | null;
  };
  createdAt: string;
  updatedAt: string;
}

export interface ActionHistoryEntry {
  from: ActionStatus | null;
  to: ActionStatus;
  by: string | null;
  at: string;
}

interface ActionRow {
  id: string;
  organisation_id: string;
  body_id: string;
  title: string;
  description: string;
  owner_person_id: string | null;
  owner_text: string | null;
  owner_name: string | null;
  horizon: number | null;
  status: ActionStatus;
  source_kind: ActionView['source']['kind'];
  source_workshop_id: string | null;
  source_idea_id: string | null;
  source_meeting_id: string | null;
  meeting_title: string | null;
  workshop_title: string | null;
  created_at: Date;
  updated_at: Date;
}

const SELECT = `select a.*, p.full_name as owner_name, m.title as meeting_title, w.title as workshop_title
  from actions a
  left join people p on p.id = a.owner_person_id
  left join meetings m on m.id = a.source_meeting_id
  left join workshops w on w.id = a.source_workshop_id`;

function toView(r: ActionRow): ActionView {
  return {
    id: r.id,
    bodyId: r.body_id,
    title: r.title,
    description: r.description,
    ownerPersonId: r.owner_person_id,
    ownerText: r.owner_text,
    ownerName: r.owner_name ?? r.owner_text,
    horizon: r.horizon,
    status: r.status,
    source: {
      kind: r.source_kind,
      workshopId: r.source_workshop_id,
      ideaId: r.source_idea_id,
      meetingId: r.source_meeting_id,
      label: r.meeting_title ?? r.workshop_title
    },
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString()
  };
}

/** What an action is created with, once validated (also used by the harvest's "make it an action"). */
export interface NewAction {
  organisationId: string;
  bodyId: string;
  title: string;
  description: string;
  ownerPersonId: string | null;
  ownerText: string | null;
  horizon: number | null;
  status: ActionStatus;
  sourceKind: ActionView['source']['kind'];
  sourceWorkshopId: string | null;
  sourceIdeaId: string | null;
  sourceMeetingId: string | null;
  createdBy: string | null;
}

/**
 * Inserts an action and the first line of its history, inside the caller's transaction. With a
 * source idea already made an action, answers that action's id instead (one idea, one action).
 */
export async function insertAction(tx: Queryable, a: NewAction): Promise<{ id: string; created: boolean }> {
  const rows = await tx.query<{ id: string }>(
    `insert into actions (organisation_id, body_id, title, description, owner_person_id, owner_text, horizon, status,
                          source_kind, source_workshop_id, source_idea_id, source_meeting_id, created_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     on conflict (source_idea_id) where source_idea_id is not null do nothing
     returning id`,
    [a.organisationId, a.bodyId, a.title, a.description, a.ownerPersonId, a.ownerText, a.horizon, a.status, a.sourceKind, a.sourceWorkshopId, a.sourceIdeaId, a.sourceMeetingId, a.createdBy]
  );
  if (!rows.length) {
    const [existing] = await tx.query<{ id: string }>('select id from actions where source_idea_id = $1', [a.sourceIdeaId]);
    return { id: existing.id, created: false };
  }
  await tx.query('insert into action_status_changes (action_id, from_status, to_status, changed_by) values ($1, null, $2, $3)', [rows[0].id, a.status, a.createdBy]);
  return { id: rows[0].id, created: true };
}

/**
 * A body's action plan: actions with an owner, a horizon (year) and a status, from a workshop's
 * harvest, a meeting or typed in; later meetings follow them up. Body members and organisation
 * admins read it; the body's chair, secretary or admin (and organisation admins) edit it.
 */
export class ActionService {
  constructor(
    private readonly db: Db,
    private readonly access: AccessService,
    private readonly meetings?: MeetingService
  ) {}

  private async bodyAccess(actor: AuthUser | null, bodyId: string): Promise<{ access: OrgAccess; organisationId: string }> {
    if (!actor) throw Errors.unauthorised();
    const organisationId = isUuid(bodyId) ? await this.access.organisationOfBody(bodyId) : null;
    const access = organisationId ? await this.access.forOrganisation(actor, organisationId) : null;
    if (!organisationId || !access || !policy.viewMeeting(access, bodyId)) throw Errors.notFound(BODY);
    return { access, organisationId };
  }

  private async row(q: Queryable, actionId: string): Promise<ActionRow | null> {
    if (!isUuid(actionId)) return null;
    const rows = await q.query<ActionRow>(`${SELECT} where a.id = $1`, [actionId]);
    return rows[0] ?? null;
  }

  /** May this user edit the body's action plan? (For pages: the service checks again.) */
  async canManage(actor: AuthUser | null, bodyId: string): Promise<boolean> {
    try {
      const { access } = await this.bodyAccess(actor, bodyId);
      return policy.manageMeeting(access, bodyId);
    } catch {
      return false;
    }
  }

  async list(actor: AuthUser | null, bodyId: string, filter: unknown = {}): Promise<ActionView[]> {
    await this.bodyAccess(actor, bodyId);
    const f = validate(actionFilterSchema, filter);
    const rows = await this.db.query<ActionRow>(
      `${SELECT} where a.body_id = $1 and ($2::text is null or a.status = $2) and ($3::int is null or a.horizon = $3)
        order by a.horizon nulls last, case a.status when 'validee' then 0 when 'en_cours' then 1 else 2 end, a.created_at, a.id`,
      [bodyId, f.status ?? null, f.horizon ?? null]
    );
    return rows.map(toView);
  }

  async get(actor: AuthUser | null, actionId: string): Promise<ActionView & { history: ActionHistoryEntry[] }> {
    const r = await this.row(this.db, actionId);
    if (!r) throw Errors.notFound(ACTION);
    try {
      await this.bodyAccess(actor, r.body_id);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') throw Errors.notFound(ACTION);
      throw err;
    }
    const history = await this.db.query<{ from_status: ActionStatus | null; to_status: ActionStatus; by_name: string | null; at: Date }>(
      `select h.from_status, h.to_status, u.display_name as by_name, h.at
         from action_status_changes h left join users u on u.id = h.changed_by where h.action_id = $1 order by h.id`,
      [actionId]
    );
    return { ...toView(r), history: history.map((h) => ({ from: h.from_status, to: h.to_status, by: h.by_name, at: new Date(h.at).toISOString() })) };
  }

  /** Actions that came from one workshop (for its synthesis), without a permission check. */
  async listForWorkshop(workshopId: string): Promise<ActionView[]> {
    if (!isUuid(workshopId)) return [];
    const rows = await this.db.query<ActionRow>(`${SELECT} where a.source_workshop_id = $1 order by a.horizon nulls last, a.created_at, a.id`, [workshopId]);
    return rows.map(toView);
  }

  private async checkOwner(q: Queryable, organisationId: string, ownerPersonId: string | null | undefined): Promise<void> {
    if (!ownerPersonId) return;
    const rows = await q.query('select 1 from people where id = $1 and organisation_id = $2', [ownerPersonId, organisationId]);
    if (!rows.length) throw Errors.unprocessable(bi("Cette personne n'est pas dans l'organisation.", 'This person is not in the organisation.'), 'ownerPersonId');
  }

  async create(actor: AuthUser | null, bodyId: string, input: unknown): Promise<ActionView> {
    const { access, organisationId } = await this.bodyAccess(actor, bodyId);
    if (!policy.manageMeeting(access, bodyId)) throw Errors.forbidden();
    const data = validate(createActionSchema, input);
    const id = await this.db.transaction(async (tx) => {
      await this.checkOwner(tx, organisationId, data.ownerPersonId);
      if (data.sourceMeetingId) {
        const m = await tx.query('select 1 from meetings where id = $1 and body_id = $2', [data.sourceMeetingId, bodyId]);
        if (!m.length) throw Errors.unprocessable(bi("Cette réunion n'est pas une réunion de l'instance.", 'This meeting is not a meeting of the body.'), 'sourceMeetingId');
      }
      const { id } = await insertAction(tx, {
        organisationId,
        bodyId,
        title: data.title,
        description: data.description,
        ownerPersonId: data.ownerPersonId ?? null,
        ownerText: data.ownerPersonId ? null : (data.ownerText ?? null),
        horizon: data.horizon ?? null,
        status: data.status,
        sourceKind: data.sourceMeetingId ? 'meeting' : 'manual',
        sourceWorkshopId: null,
        sourceIdeaId: null,
        sourceMeetingId: data.sourceMeetingId ?? null,
        createdBy: actor!.id
      });
      await recordAudit(tx, { organisationId, actorUserId: actor!.id, action: 'action.created', subjectId: id, data: { bodyId } });
      return id;
    });
    return toView((await this.row(this.db, id))!);
  }

  async update(actor: AuthUser | null, actionId: string, input: unknown): Promise<ActionView> {
    const current = await this.row(this.db, actionId);
    if (!current) throw Errors.notFound(ACTION);
    const { access, organisationId } = await this.bodyAccess(actor, current.body_id).catch((err) => {
      throw err instanceof AppError && err.code === 'not_found' ? Errors.notFound(ACTION) : err;
    });
    if (!policy.manageMeeting(access, current.body_id)) throw Errors.forbidden();
    const data = validate(updateActionSchema, input);
    await this.db.transaction(async (tx) => {
      const [locked] = await tx.query<{ status: ActionStatus }>('select status from actions where id = $1 for update', [actionId]);
      if (!locked) throw Errors.notFound(ACTION);
      await this.checkOwner(tx, organisationId, data.ownerPersonId);
      const sets: string[] = [];
      const params: unknown[] = [actionId];
      const set = (col: string, value: unknown) => {
        params.push(value);
        sets.push(`${col} = $${params.length}`);
      };
      if (data.title !== undefined) set('title', data.title);
      if (data.description !== undefined) set('description', data.description);
      if (data.horizon !== undefined) set('horizon', data.horizon);
      if (data.status !== undefined) set('status', data.status);
      // A named person replaces a free-text owner and the other way round.
      if (data.ownerPersonId !== undefined) {
        set('owner_person_id', data.ownerPersonId);
        if (data.ownerPersonId) set('owner_text', null);
      }
      if (data.ownerText !== undefined && !data.ownerPersonId) {
        set('owner_text', data.ownerText);
        if (data.ownerText && data.ownerPersonId === undefined) set('owner_person_id', null);
      }
      if (!sets.length) return;
      await tx.query(`update actions set ${sets.join(', ')}, updated_at = now() where id = $1`, params);
      if (data.status !== undefined && data.status !== locked.status) {
        await tx.query('insert into action_status_changes (action_id, from_status, to_status, changed_by) values ($1, $2, $3, $4)', [actionId, locked.status, data.status, actor!.id]);
      }
      await recordAudit(tx, { organisationId, actorUserId: actor!.id, action: 'action.updated', subjectId: actionId, data: { fields: Object.keys(data) } });
    });
    return toView((await this.row(this.db, actionId))!);
  }

  /**
   * Adds to a meeting of the body an information item "Suivi du plan d'actions" whose text lists
   * the actions by status (then horizon), with their owner: the follow-up of the plan by later
   * meetings. The text is in French, as the agenda is.
   */
  async addReviewItem(actor: AuthUser | null, bodyId: string, input: unknown): Promise<AgendaItem> {
    const { access } = await this.bodyAccess(actor, bodyId);
    if (!policy.manageMeeting(access, bodyId)) throw Errors.forbidden();
    const { meetingId } = validate(reviewItemSchema, input);
    const m = await this.db.query<{ status: string }>('select status from meetings where id = $1 and body_id = $2', [meetingId, bodyId]);
    if (!m.length) throw Errors.unprocessable(bi("Cette réunion n'est pas une réunion de l'instance.", 'This meeting is not a meeting of the body.'), 'meetingId');
    if (m[0].status === 'closed') throw Errors.unprocessable(bi('Cette réunion est close.', 'This meeting is closed.'), 'meetingId');
    if (!this.meetings) throw new Error('ActionService built without the meeting service');
    const actions = await this.list(actor, bodyId);
    return this.meetings.addItem(actor, meetingId, {
      title: 'Suivi du plan d’actions',
      kind: 'information',
      plannedMinutes: 15,
      description: reviewText(actions)
    });
  }

  async remove(actor: AuthUser | null, actionId: string): Promise<void> {
    const current = await this.row(this.db, actionId);
    if (!current) throw Errors.notFound(ACTION);
    const { access, organisationId } = await this.bodyAccess(actor, current.body_id).catch((err) => {
      throw err instanceof AppError && err.code === 'not_found' ? Errors.notFound(ACTION) : err;
    });
    if (!policy.manageMeeting(access, current.body_id)) throw Errors.forbidden();
    await this.db.transaction(async (tx) => {
      await tx.query('delete from actions where id = $1', [actionId]);
      await recordAudit(tx, { organisationId, actorUserId: actor!.id, action: 'action.removed', subjectId: actionId, data: { title: current.title } });
    });
  }
}

/** The action plan as plain French text, by status then horizon (for an agenda item). */
export function reviewText(actions: ActionView[]): string {
  if (!actions.length) return 'Aucune action au plan d’actions pour l’instant.';
  const parts: string[] = [];
  for (const status of ACTION_STATUSES) {
    const list = actions.filter((a) => a.status === status);
    if (!list.length) continue;
    parts.push(`${ACTION_STATUS_LABELS[status].fr} (${list.length}) :`);
    for (const a of list) {
      const details = [a.horizon !== null ? `échéance ${a.horizon}` : 'sans échéance', a.ownerName ? `responsable : ${a.ownerName}` : 'responsable à désigner'];
      parts.push(`- ${a.title} (${details.join(', ')})`);
    }
    parts.push('');
  }
  const text = parts.join('\n').trim();
  // The agenda keeps at most 10,000 characters per item.
  return text.length > 9_900 ? `${text.slice(0, 9_899)}…` : text;
}
