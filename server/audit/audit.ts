import type { Queryable } from '../db/db.ts';

export interface AuditEntry {
  organisationId: string | null;
  actorUserId: string | null;
  action: string;
  subjectId?: string | null;
  data?: Record<string, unknown>;
}

/** Appends to the organisation's audit trail, inside the caller's transaction when given one. */
export async function recordAudit(q: Queryable, e: AuditEntry): Promise<void> {
  await q.query(
    'insert into audit_events (organisation_id, actor_user_id, action, subject_id, data) values ($1, $2, $3, $4, $5)',
    [e.organisationId, e.actorUserId, e.action, e.subjectId ?? null, JSON.stringify(e.data ?? {})]
  );
}
