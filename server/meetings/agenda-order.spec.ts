import { describe, expect, it } from 'vitest';
import { compareItems, isValidKey, keyBetween, keysAfter } from './agenda-order.ts';

describe('agenda order keys', () => {
  it('finds a key between any two keys, and at both ends', () => {
    const first = keyBetween(null, null);
    const after = keyBetween(first, null);
    const before = keyBetween(null, first);
    const mid = keyBetween(first, after);
    expect(before < first && first < mid && mid < after).toBe(true);
    for (const k of [first, after, before, mid]) expect(isValidKey(k)).toBe(true);
  });

  it('keeps finding room when items are always inserted at the same place (property)', () => {
    let lo: string | null = null;
    let hi: string | null = keyBetween(null, null);
    for (let i = 0; i < 200; i++) {
      const k = keyBetween(lo, hi);
      expect(lo === null || lo < k).toBe(true);
      expect(k < hi!).toBe(true);
      expect(isValidKey(k)).toBe(true);
      if (i % 2) lo = k;
      else hi = k;
    }
  });

  it('random moves keep a strict total order with valid keys (property)', () => {
    let keys = keysAfter(null, 10);
    for (let trial = 0; trial < 2000; trial++) {
      const from = Math.floor(Math.random() * keys.length);
      const rest = keys.filter((_, i) => i !== from);
      const to = Math.floor(Math.random() * (rest.length + 1));
      const k = keyBetween(to === 0 ? null : rest[to - 1], to === rest.length ? null : rest[to]);
      rest.splice(to, 0, k);
      keys = rest;
      for (let i = 1; i < keys.length; i++) expect(keys[i - 1] < keys[i]).toBe(true);
    }
    expect(Math.max(...keys.map((k) => k.length))).toBeLessThan(128);
  });

  it('refuses bounds in the wrong order', () => {
    expect(() => keyBetween('V', 'V')).toThrow();
    expect(() => keyBetween('b', 'a')).toThrow();
  });

  it('breaks ties between equal keys by id, so every client sorts alike', () => {
    const items = [
      { id: 'b', position: 'V' },
      { id: 'a', position: 'V' },
      { id: 'c', position: 'A' }
    ].sort(compareItems);
    expect(items.map((i) => i.id)).toEqual(['c', 'a', 'b']);
  });
});
