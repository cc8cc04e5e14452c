import { createHash } from 'node:crypto';
import type { Queryable } from '../db/db.ts';

/**
 * The per-meeting audit log of vote actions (open, cast — without the choice for a secret vote —,
 * count entry, correction, close). Entries are hash-chained: hash = SHA-256 of the previous hash
 * and the entry's canonical JSON, so `verifyMeetingAudit` detects any edit, deletion or reorder.
 */
export interface AuditInput {
  type: string;
  actorUserId: string | null;
  data: Record<string, unknown>;
}

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted, so the same entry always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(',')}}`;
}

export function entryHash(prevHash: string, e: { meetingId: string; seq: number; at: string; actorUserId: string | null; type: string; data: unknown }): string {
  return hashOfCanonical(prevHash, e, canonicalJson(e.data));
}

/**
 * `entryHash` for an entry whose data is already in canonical JSON: the body is
 * canonicalJson({ meetingId, seq, at, actorUserId, type, data }), its keys written in sorted
 * order here rather than sorted again (a group of 500 casts hashes 500 entries in its transaction).
 */
export function hashOfCanonical(prevHash: string, e: { meetingId: string; seq: number; at: string; actorUserId: string | null; type: string }, dataJson: string): string {
  const body =
    `{"actorUserId":${JSON.stringify(e.actorUserId ?? null)},"at":${JSON.stringify(e.at)},"data":${dataJson},` +
    `"meetingId":${JSON.stringify(e.meetingId)},"seq":${JSON.stringify(e.seq)},"type":${JSON.stringify(e.type)}}`;
  return createHash('sha256').update(`${prevHash}\n${body}`, 'utf8').digest('hex');
}

/**
 * Appends one entry inside the caller's transaction. The caller holds the meeting's row lock
 * (every meeting change does), so entries of one meeting are appended one at a time; the
 * primary key (meeting_id, seq) refuses a second writer all the same.
 */
export async function appendMeetingAudit(tx: Queryable, meetingId: string, e: AuditInput): Promise<{ seq: number; hash: string }> {
  const last = await tx.query<{ seq: number; hash: string }>('select seq, hash from meeting_audit where meeting_id = $1 order by seq desc limit 1', [meetingId]);
  const seq = (last[0]?.seq ?? 0) + 1;
  const prevHash = last[0]?.hash ?? GENESIS_HASH;
  // Millisecond ISO time, chosen here so the hashed value is exactly the stored one.
  const at = new Date().toISOString();
  const data = JSON.parse(canonicalJson(e.data)) as Record<string, unknown>;
  const hash = entryHash(prevHash, { meetingId, seq, at, actorUserId: e.actorUserId, type: e.type, data });
  await tx.query(
    'insert into meeting_audit (meeting_id, seq, at, actor_user_id, type, data, prev_hash, hash) values ($1, $2, $3, $4, $5, $6, $7, $8)',
    [meetingId, seq, at, e.actorUserId, e.type, JSON.stringify(data), prevHash, hash]
  );
  return { seq, hash };
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  /** The first entry that does not check out, and why. */
  brokenAt?: { seq: number; reason: 'sequence' | 'prev_hash' | 'hash' };
}

export async function verifyMeetingAudit(q: Queryable, meetingId: string): Promise<AuditVerification> {
  const rows = await q.query<{ seq: number; at: Date; actor_user_id: string | null; type: string; data: unknown; prev_hash: string; hash: string }>(
    'select seq, at, actor_user_id, type, data, prev_hash, hash from meeting_audit where meeting_id = $1 order by seq',
    [meetingId]
  );
  let prev = GENESIS_HASH;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (r.seq !== i + 1) return { ok: false, entries: rows.length, brokenAt: { seq: r.seq, reason: 'sequence' } };
    if (r.prev_hash !== prev) return { ok: false, entries: rows.length, brokenAt: { seq: r.seq, reason: 'prev_hash' } };
    const expected = entryHash(prev, { meetingId, seq: r.seq, at: new Date(r.at).toISOString(), actorUserId: r.actor_user_id, type: r.type, data: r.data });
    if (expected !== r.hash) return { ok: false, entries: rows.length, brokenAt: { seq: r.seq, reason: 'hash' } };
    prev = r.hash;
  }
  return { ok: true, entries: rows.length };
}
