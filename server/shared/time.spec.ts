import { describe, expect, it } from 'vitest';
import { parseDateTime } from './time.ts';

describe('parseDateTime', () => {
  it('reads a datetime-local value as Paris time, summer and winter', () => {
    expect(parseDateTime('2026-06-06T14:00').toISOString()).toBe('2026-06-06T12:00:00.000Z');
    expect(parseDateTime('2026-12-10T18:30').toISOString()).toBe('2026-12-10T17:30:00.000Z');
  });
  it('keeps an explicit zone', () => {
    expect(parseDateTime('2026-06-06T14:00:00Z').toISOString()).toBe('2026-06-06T14:00:00.000Z');
    expect(parseDateTime('2026-06-06T14:00:00+02:00').toISOString()).toBe('2026-06-06T12:00:00.000Z');
  });
  it('gives an invalid date for nonsense', () => {
    expect(Number.isNaN(parseDateTime('demain').getTime())).toBe(true);
  });
});
