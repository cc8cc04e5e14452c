import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { describe, expect, it } from 'vitest';
import { auditRows } from '../votes/audit-batch.ts';
import { GENESIS_HASH, canonicalJson, entryHash, hashOfCanonical } from './meeting-audit.ts';

/** The hash as first defined (and as entries already stored were chained): SHA-256 of the previous hash and the canonical body. */
const reference = (prev: string, e: { meetingId: string; seq: number; at: string; actorUserId: string | null; type: string; data: unknown }) =>
  encodeHexLowerCase(sha256(new TextEncoder().encode(`${prev}\n${canonicalJson({ meetingId: e.meetingId, seq: e.seq, at: e.at, actorUserId: e.actorUserId, type: e.type, data: e.data })}`)));

const entries = [
  { meetingId: 'b1c0e7a2-0000-4000-8000-000000000001', seq: 1, at: '2026-06-06T14:02:11.123Z', actorUserId: null, type: 'vote.opened', data: { question: 'Avis sur l’offre « ANTARGAZ » — 2024', rule: 'simple_majority' } },
  { meetingId: 'b1c0e7a2-0000-4000-8000-000000000001', seq: 2, at: '2026-06-06T14:03:00.000Z', actorUserId: 'u-1', type: 'vote.cast', data: { voteId: 'v', forPersonId: 'p', castBy: 'p', choice: 'pour', nested: { z: [1, { b: 2, a: null }], a: true } } }
];

describe('audit entry hashes', () => {
  it('are the SHA-256 of the previous hash and the canonical body, as entries already stored were chained', () => {
    for (const e of entries) {
      expect(entryHash(GENESIS_HASH, e)).toBe(reference(GENESIS_HASH, e));
      expect(hashOfCanonical('ab'.repeat(32), e, canonicalJson(e.data))).toBe(reference('ab'.repeat(32), e));
    }
  });

  it('chain a group of entries exactly as one-at-a-time appends would', () => {
    const meetingId = entries[0].meetingId;
    const rows = auditRows(meetingId, { seq: 41, hash: 'cd'.repeat(32) }, entries.map((e) => ({ type: e.type, actorUserId: e.actorUserId, data: e.data })));
    let prev = 'cd'.repeat(32);
    rows.forEach((r, i) => {
      expect(r.seq).toBe(42 + i);
      expect(r.prev).toBe(prev);
      expect(r.hash).toBe(reference(prev, { meetingId, seq: r.seq, at: r.at, actorUserId: r.actor, type: r.type, data: r.data }));
      prev = r.hash;
    });
  });
});
