import { describe, expect, it } from 'vitest';
import { prepared, preparedName } from './db.ts';

describe('prepared statements', () => {
  it('gives a marked statement its name, and an unmarked one none', () => {
    const text = 'select id from db_spec_a where id = $1';
    expect(prepared('db_spec.a', text)).toBe(text);
    expect(preparedName(text)).toBe('db_spec.a');
    expect(preparedName('select id from db_spec_a where id = $2')).toBeUndefined();
  });
  it('accepts the same mark twice (a module loaded again), and refuses one name for two texts or two names for one text', () => {
    const text = 'select 1 from db_spec_b where id = $1';
    prepared('db_spec.b', text);
    expect(prepared('db_spec.b', text)).toBe(text);
    expect(() => prepared('db_spec.b', 'select 2 from db_spec_b where id = $1')).toThrow(/two statements prepared as db_spec.b/);
    expect(() => prepared('db_spec.other', text)).toThrow(/prepared twice/);
  });
});
