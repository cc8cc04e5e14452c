import { GENESIS_HASH, canonicalJson, hashOfCanonical, type AuditInput } from '../audit/meeting-audit.ts';

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
 * The rows that continue a meeting's hash-chained audit log after `last` (null: the meeting's
 * first entry): the same chain `appendMeetingAudit` makes one entry at a time (same hashes, same
 * columns), so `verifyMeetingAudit` checks both alike. For a caller that read the last entry
 * under the meeting's lock and inserts these rows with its other changes, through
 * `jsonb_to_recordset(...) as r(seq integer, at timestamptz, actor uuid, type text, data jsonb, prev text, hash text)`.
 */
export function auditRows(meetingId: string, last: { seq: number; hash: string } | null, entries: AuditInput[]): AuditRow[] {
  let seq = last?.seq ?? 0;
  let prevHash = last?.hash ?? GENESIS_HASH;
  const rows: AuditRow[] = [];
  for (const e of entries) {
    seq += 1;
    const at = new Date().toISOString();
    const dataJson = canonicalJson(e.data);
    const data = JSON.parse(dataJson) as Record<string, unknown>;
    const hash = hashOfCanonical(prevHash, { meetingId, seq, at, actorUserId: e.actorUserId, type: e.type }, dataJson);
    rows.push({ seq, at, actor: e.actorUserId, type: e.type, data, prev: prevHash, hash });
    prevHash = hash;
  }
  return rows;
}
