import { describe, expect, it } from 'vitest';
import type { AgendaItem, MeetingState } from '$lib/protocol/meeting-state';
import { elapsedOnCurrentItem, latest, moveTarget, neighbours, numberedAgenda, queuePosition } from './meeting-view';

const item = (id: string, over: Partial<AgendaItem> = {}): AgendaItem => ({
  id,
  parentId: null,
  position: id,
  title: `Point ${id}`,
  kind: 'information',
  presenter: '',
  plannedMinutes: 10,
  description: '',
  notes: '',
  status: 'accepted',
  proposedBy: null,
  decisionReason: null,
  decidedAt: null,
  spentSeconds: 0,
  version: 1,
  attachments: [],
  ...over
});

function stateWith(agenda: AgendaItem[], over: Partial<MeetingState['meeting']> = {}): MeetingState {
  return {
    rev: 1,
    serverTime: '2026-06-06T12:00:00.000Z',
    meeting: {
      id: 'm',
      organisationId: 'o',
      bodyId: 'b',
      bodyName: 'CCL',
      title: 'CCL du 6 juin',
      startsAt: '2026-06-06T12:00:00.000Z',
      place: '',
      videoUrl: null,
      status: 'live',
      currentItemId: null,
      currentItemStartedAt: null,
      queueOpen: true,
      quorumRule: { kind: 'majority' },
      proxyRule: { maxPerHolder: 1, sameCollege: true, holderMustHaveVotingRight: true },
      ...over
    },
    agenda,
    attendance: [],
    quorum: { rule: { kind: 'majority' }, members: 0, present: 0, represented: 0, counted: 0, required: 1, met: false },
    queue: { itemId: null, pending: [], speaking: null, spoken: {} }
  };
}

// The agenda as the service orders it: each top-level item followed by its sub-items.
const agenda = [item('a'), item('a1', { parentId: 'a' }), item('a2', { parentId: 'a' }), item('p', { status: 'proposed' }), item('b'), item('c')];

describe('numberedAgenda', () => {
  it('numbers accepted items 1, 2, 3 and sub-items 1.1, 1.2, leaving proposals out', () => {
    expect(numberedAgenda(stateWith(agenda)).map((i) => `${i.number}:${i.id}`)).toEqual(['1:a', '1.1:a1', '1.2:a2', '2:b', '3:c']);
  });
});

describe('moveTarget (Monter / Descendre)', () => {
  const s = stateWith(agenda);
  it('moves up after the item two places above, or to the top', () => {
    expect(moveTarget(s, 'c', 'up')).toEqual({ afterId: 'a' });
    expect(moveTarget(s, 'b', 'up')).toEqual({ afterId: null });
    expect(moveTarget(s, 'a', 'up')).toBeUndefined();
  });
  it('moves down after the next sibling; sub-items stay among their siblings', () => {
    expect(moveTarget(s, 'a', 'down')).toEqual({ afterId: 'b' });
    expect(moveTarget(s, 'a1', 'down')).toEqual({ afterId: 'a2' });
    expect(moveTarget(s, 'a2', 'down')).toBeUndefined();
    expect(moveTarget(s, 'c', 'down')).toBeUndefined();
  });
});

describe('the live room', () => {
  it('offers the first item to start with, then the items around the current one', () => {
    expect(neighbours(stateWith(agenda)).next?.id).toBe('a');
    const s = stateWith(agenda, { currentItemId: 'a2' });
    expect(neighbours(s).previous?.id).toBe('a1');
    expect(neighbours(s).next?.id).toBe('b');
  });

  it('counts time on an item as earlier visits plus the time since it became current (server clock)', () => {
    const s = stateWith([item('a', { spentSeconds: 90 })], { currentItemId: 'a', currentItemStartedAt: '2026-06-06T12:00:00.000Z' });
    expect(elapsedOnCurrentItem(s, Date.parse('2026-06-06T12:02:05.000Z'))).toBe(90 + 125);
  });

  it('gives a member their place in the speaking queue', () => {
    const s = stateWith(agenda);
    s.queue.pending = [
      { requestId: 'r1', personId: 'x', name: 'X', source: 'room', requestedAt: s.serverTime },
      { requestId: 'r2', personId: 'y', name: 'Y', source: 'remote', requestedAt: s.serverTime }
    ];
    expect(queuePosition(s, 'y')).toBe(2);
    expect(queuePosition(s, 'z')).toBeNull();
  });

  it('keeps the state with the highest rev', () => {
    const older = stateWith(agenda);
    const newer = { ...older, rev: 2 };
    expect(latest(newer, older)).toBe(newer);
    expect(latest(older, newer)).toBe(newer);
    expect(latest(older, null)).toBe(older);
  });
});
