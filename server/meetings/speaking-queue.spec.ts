import { describe, expect, it } from 'vitest';
import { orderQueue, speakingTime, type SpeakingRequest } from './speaking-queue.ts';

const req = (id: string, personId: string, requestedAt: number, source: 'room' | 'remote' = 'remote'): SpeakingRequest => ({ id, personId, requestedAt, source });

describe('speaking queue order (issue: those who have not spoken yet on this item first, then request time)', () => {
  it('orders by request time when nobody has spoken', () => {
    const q = orderQueue([req('3', 'c', 30), req('1', 'a', 10, 'room'), req('2', 'b', 20)], []);
    expect(q.map((r) => r.personId)).toEqual(['a', 'b', 'c']);
  });

  it('puts someone who has not spoken before someone who has, whatever the times', () => {
    const q = orderQueue([req('1', 'a', 10), req('2', 'b', 50)], [{ personId: 'a', grantedAt: 0, endedAt: 5 }]);
    expect(q.map((r) => r.personId)).toEqual(['b', 'a']);
  });

  it('mixes room and remote requests in one queue', () => {
    const q = orderQueue([req('1', 'a', 20, 'room'), req('2', 'b', 10, 'remote')], []);
    expect(q.map((r) => r.source)).toEqual(['remote', 'room']);
  });

  it('counts turns: one turn beats two', () => {
    const turns = [
      { personId: 'a', grantedAt: 0, endedAt: 1 },
      { personId: 'a', grantedAt: 2, endedAt: 3 },
      { personId: 'b', grantedAt: 4, endedAt: 5 }
    ];
    expect(orderQueue([req('1', 'a', 1), req('2', 'b', 2)], turns).map((r) => r.personId)).toEqual(['b', 'a']);
  });

  it('keeps the given order for requests made in the same millisecond', () => {
    const q = orderQueue([req('b', 'y', 10), req('a', 'x', 10)], []);
    expect(q.map((r) => r.id)).toEqual(['b', 'a']);
  });

  it('adds up speaking time, the current turn up to now', () => {
    expect(speakingTime([{ personId: 'a', grantedAt: 0, endedAt: 30_000 }, { personId: 'a', grantedAt: 40_000, endedAt: null }], 55_000)).toEqual({ a: 45 });
  });
});
