/**
 * Agenda order as fractional keys: each item has a position string, and the agenda is sorted by
 * (position, id). Moving an item writes one new key between its new neighbours, so two people
 * reordering at once never rewrite each other's positions, and every client that applies the
 * server's moves in the server's order ends with the same order.
 */
const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE = DIGITS.length;
const digit = (c: string) => {
  const i = DIGITS.indexOf(c);
  if (i < 0) throw new Error(`invalid position key character: ${c}`);
  return i;
};

export function isValidKey(key: string): boolean {
  return key.length > 0 && key.length <= 128 && [...key].every((c) => DIGITS.includes(c)) && !key.endsWith('0');
}

/**
 * A key strictly between `a` and `b` (null means the start or the end). Keys never end in "0",
 * so there is always room below any key.
 */
export function keyBetween(a: string | null, b: string | null): string {
  const lo = a ?? '';
  if (b !== null && lo >= b) throw new Error(`keyBetween: ${a} is not before ${b}`);
  let out = '';
  for (let n = 0; ; n++) {
    const ca = n < lo.length ? digit(lo[n]) : 0;
    const cb = b !== null && n < b.length ? digit(b[n]) : BASE;
    if (ca === cb) {
      out += DIGITS[ca];
      continue;
    }
    const mid = Math.floor((ca + cb) / 2);
    if (mid > ca) return out + DIGITS[mid];
    // Adjacent digits: keep a's digit and find room after the rest of a.
    return out + DIGITS[ca] + keyBetween(lo.slice(n + 1) || null, null);
  }
}

/** Keys for `count` items appended after `last`, evenly spread. */
export function keysAfter(last: string | null, count: number): string[] {
  const keys: string[] = [];
  let prev = last;
  for (let i = 0; i < count; i++) {
    prev = keyBetween(prev, null);
    keys.push(prev);
  }
  return keys;
}

export function compareItems(a: { position: string; id: string }, b: { position: string; id: string }): number {
  if (a.position !== b.position) return a.position < b.position ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
