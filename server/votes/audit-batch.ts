import type { Queryable } from '../db/db.ts';
import { GENESIS_HASH, canonicalJson, entryHash, type AuditInput } from '../audit/meeting-audit.ts';

/**
 * Appends several entries to a meeting's hash-chained audit log in one statement, in order:
 * the same chain `appendMeetingAudit` makes one entry at a time (same hashes, same columns), so
 * `verifyMeetingAudit` checks both alike. The caller holds the meeting's row lock.
 */
export async function appendMeetingAuditBatch(tx: Queryable, meetingId: string, entries: AuditInput[]): Promise<void> {
  if (!entries.length) return;
  const last = await tx.query<{ seq: number; hash: string }>('select seq, hash from meeting_audit where meeting_id = $1 order by seq desc limit 1', [meetingId]);
  const rows = auditRows(meetingId, last[0] ?? null, entries);
  await tx.query(
    `insert into meeting_audit (meeting_id, seq, at, actor_user_id, type, data, prev_hash, hash)
     select $1, r.seq, r.at, r.actor, r.type, r.data, r.prev, r.hash
       from jsonb_to_recordset($2::jsonb) as r(seq integer, at timestamptz, actor uuid, type text, data jsonb, prev text, hash text)
      order by r.seq`,
    [meetingId, JSON.stringify(rows)]
  );
}

export interface AuditRow {
  seq: number;
  at: string;
  actor: string | null;
  type: string;
  data: unknown;
  prev: string;
  hash: string;
}

/**
 * The rows that continue the chain after `last` (null: the meeting's first entry), for an
 * insert through `jsonb_to_recordset` as above: what a caller that already read the last entry
 * under the meeting's lock writes with its other changes.
 */
export function auditRows(meetingId: string, last: { seq: number; hash: string } | null, entries: AuditInput[]): AuditRow[] {
  let seq = last?.seq ?? 0;
  let prevHash = last?.hash ?? GENESIS_HASH;
  const rows: AuditRow[] = [];
  for (const e of entries) {
    seq += 1;
    const at = new Date().toISOString();
    const data = JSON.parse(canonicalJson(e.data)) as Record<string, unknown>;
    const hash = entryHash(prevHash, { meetingId, seq, at, actorUserId: e.actorUserId, type: e.type, data });
    rows.push({ seq, at, actor: e.actorUserId, type: e.type, data, prev: prevHash, hash });
    prevHash = hash;
  }
  return rows;
}
