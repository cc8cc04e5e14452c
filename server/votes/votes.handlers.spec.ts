import { describe, expect, it } from 'vitest';
import type { VoteView } from './votes.service.ts';
import { forParticipants, liveVoteOf } from './votes.handlers.ts';

const counts = (pour: number, contre: number, abstention: number) => ({ pour, contre, abstention });
const view = (over: Partial<VoteView> = {}): VoteView => ({
  id: 'v1',
  meetingId: 'm1',
  itemId: 'i1',
  question: 'Le CCL donne un avis favorable à l’offre d’ANTARGAZ',
  mode: 'hybrid',
  secret: false,
  rule: 'simple_majority',
  showTally: false,
  status: 'open',
  openedAt: '2026-06-06T12:00:00.000Z',
  closedAt: null,
  quorumOverrideReason: null,
  electorateSize: 8,
  participation: 2,
  tally: {
    total: counts(1, 1, 0),
    colleges: { landlord: counts(0, 0, 0), tenant: counts(1, 1, 0), other: counts(0, 0, 0) },
    device: counts(1, 1, 0),
    room: counts(0, 0, 0),
    deviceBallots: 2,
    electorate: 8
  },
  result: null,
  rollCall: null,
  ...over
}) as VoteView;

describe('what a vote broadcast carries', () => {
  it('gives a motion from a service that does not yet say its kind the protocol’s defaults', () => {
    expect(liveVoteOf(view())).toMatchObject({ kind: 'motion', options: null, maxChoices: null, changeable: false });
  });

  it('keeps what a newer service adds (choice votes) as it is', () => {
    const choice = view({ kind: 'choice', options: [{ id: 'a', label: 'ANTARGAZ' }], maxChoices: 1, changeable: true } as Partial<VoteView>);
    expect(liveVoteOf(choice)).toMatchObject({ kind: 'choice', options: [{ id: 'a', label: 'ANTARGAZ' }], maxChoices: 1, changeable: true });
  });

  it('hides the running tally from participants while an open vote hides it (issue 5: show tally)', () => {
    expect(forParticipants(liveVoteOf(view())).tally).toBeNull();
    expect(forParticipants(liveVoteOf(view())).participation).toBe(2);
  });

  it('shows the tally to participants when the vote shows it, and once it is closed', () => {
    expect(forParticipants(liveVoteOf(view({ showTally: true }))).tally?.total).toEqual(counts(1, 1, 0));
    expect(forParticipants(liveVoteOf(view({ status: 'closed', closedAt: '2026-06-06T12:05:00.000Z' }))).tally?.total).toEqual(counts(1, 1, 0));
  });
});
