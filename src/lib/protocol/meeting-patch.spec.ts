import { describe, expect, it } from 'vitest';
import type { MeetingState } from './meeting-state.ts';
import { applyMeetingPatch, type MeetingPatch } from './meeting-patch.ts';

const state = { rev: 5, serverTime: 't5', meeting: { id: 'm', queueOpen: false }, agenda: [], attendance: [], quorum: {}, queue: {} } as unknown as MeetingState;
const patch = (fromRev: number, rev: number, changes: MeetingPatch['changes'] = {}): MeetingPatch => ({ meetingId: 'm', fromRev, rev, serverTime: `t${rev}`, changes });

describe('applyMeetingPatch', () => {
  it('applies the next patch and replaces only the sections it carries', () => {
    const next = applyMeetingPatch(state, patch(5, 6, { queue: { itemId: 'i' } as MeetingState['queue'] }));
    expect(next).not.toBe('resync');
    const s = next as MeetingState;
    expect(s.rev).toBe(6);
    expect(s.queue.itemId).toBe('i');
    expect(s.agenda).toBe(state.agenda);
  });
  it('ignores a patch it has already seen', () => {
    expect(applyMeetingPatch(state, patch(4, 5))).toBe(state);
  });
  it('applies a patch whose range overlaps what it has', () => {
    expect((applyMeetingPatch(state, patch(3, 7)) as MeetingState).rev).toBe(7);
  });
  it('asks for the full state when revs are missing', () => {
    expect(applyMeetingPatch(state, patch(6, 7))).toBe('resync');
  });
  it('ignores another meeting', () => {
    expect(applyMeetingPatch(state, { ...patch(5, 6), meetingId: 'other' })).toBe(state);
  });
  it('updates only the time spent on agenda items from a `spent` map', () => {
    const withAgenda = { ...state, agenda: [{ id: 'a', spentSeconds: 0 }, { id: 'b', spentSeconds: 5 }] } as unknown as MeetingState;
    const next = applyMeetingPatch(withAgenda, patch(5, 6, { spent: { a: 42, b: 5 } } as MeetingPatch['changes'])) as MeetingState;
    expect(next.agenda.map((i) => i.spentSeconds)).toEqual([42, 5]);
    expect(next.agenda[1]).toBe(withAgenda.agenda[1]);
  });
  it('keeps the time of the items a partial `spent` map does not name', () => {
    const withAgenda = { ...state, agenda: [{ id: 'a', spentSeconds: 7 }, { id: 'b', spentSeconds: 5 }] } as unknown as MeetingState;
    const next = applyMeetingPatch(withAgenda, patch(5, 6, { spent: { b: 65 } })) as MeetingState;
    expect(next.agenda.map((i) => i.spentSeconds)).toEqual([7, 65]);
  });
  it('merges a `room` section into the meeting, keeping its other fields', () => {
    const live = { ...state, meeting: { id: 'm', title: 'CCL du 6 juin', currentItemId: 'a', currentItemStartedAt: 't1', queueOpen: true } } as unknown as MeetingState;
    const room = { currentItemId: 'b', currentItemStartedAt: 't6', queueOpen: false };
    const next = applyMeetingPatch(live, patch(5, 6, { room })) as MeetingState;
    expect(next.meeting).toEqual({ id: 'm', title: 'CCL du 6 juin', ...room });
    expect(live.meeting.currentItemId).toBe('a');
  });
});
