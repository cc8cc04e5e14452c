import { describe, expect, it } from 'vitest';
import type { MeetingState } from '../../src/lib/protocol/meeting-state.ts';
import type { MeetingSectionsRead } from './meetings.service.ts';
import { mergeReads } from './meetings.handlers.ts';

const read = (rev: number, parts: Partial<MeetingSectionsRead>): MeetingSectionsRead => ({ rev, serverTime: `t${rev}`, ...parts });
const meeting = { id: 'm', title: 'CCL du 6 juin', currentItemId: 'a', currentItemStartedAt: 't1', queueOpen: false } as MeetingState['meeting'];
const room = (currentItemId: string, queueOpen = false) => ({ currentItemId, currentItemStartedAt: `at-${currentItemId}`, queueOpen });

describe('mergeReads (patches merged while one is being sent)', () => {
  it('merges a later room into an earlier whole meeting', () => {
    const out = mergeReads(read(1, { meeting }), read(2, { room: room('b', true) }));
    expect(out.meeting).toEqual({ ...meeting, ...room('b', true) });
    expect(out.room).toBeUndefined();
    expect(out.rev).toBe(2);
  });
  it('drops an earlier room when a later whole meeting supersedes it', () => {
    const out = mergeReads(read(1, { room: room('b') }), read(2, { meeting }));
    expect(out.meeting).toBe(meeting);
    expect(out.room).toBeUndefined();
  });
  it('keeps the later of two rooms', () => {
    expect(mergeReads(read(1, { room: room('b') }), read(2, { room: room('c') })).room).toEqual(room('c'));
  });
  it('adds partial spent maps together, the later winning item by item', () => {
    const out = mergeReads(read(1, { spent: { a: 10, b: 5 } }), read(2, { spent: { b: 70 } }));
    expect(out.spent).toEqual({ a: 10, b: 70 });
  });
  it('applies a later spent map to an earlier agenda, and drops an earlier spent map when a later agenda comes', () => {
    const agenda = [{ id: 'a', spentSeconds: 0 }, { id: 'b', spentSeconds: 5 }] as MeetingState['agenda'];
    expect(mergeReads(read(1, { agenda }), read(2, { spent: { a: 30 } })).agenda?.map((i) => i.spentSeconds)).toEqual([30, 5]);
    const later = mergeReads(read(1, { spent: { a: 30 } }), read(2, { agenda }));
    expect(later.spent).toBeUndefined();
    expect(later.agenda).toBe(agenda);
  });
});
