import { describe, expect, it } from 'vitest';
import { hashSecret, newSecretToken, parseSecretToken, secretMatches } from './secret-token.ts';

describe('secret tokens (Lucia guide)', () => {
  it('makes "<id>.<secret>" tokens whose secret is stored only as its SHA-256', () => {
    const t = newSecretToken();
    expect(t.token).toBe(`${t.id}.${t.secret}`);
    expect(t.secretHash).toBe(hashSecret(t.secret));
    expect(t.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(t.secretHash).not.toContain(t.secret);
    expect(t.secret.length).toBeGreaterThanOrEqual(32); // 20 random bytes in base32
  });

  it('never makes the same token twice', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => newSecretToken().token));
    expect(seen.size).toBe(1000);
  });

  it('accepts the right secret and refuses a wrong or malformed one', () => {
    const t = newSecretToken('cnc_');
    const parsed = parseSecretToken(t.token)!;
    expect(parsed.id.startsWith('cnc_')).toBe(true);
    expect(secretMatches(parsed.secret, t.secretHash)).toBe(true);
    const flipped = parsed.secret.slice(0, -1) + (parsed.secret.endsWith('a') ? 'b' : 'a');
    expect(secretMatches(flipped, t.secretHash)).toBe(false);
    expect(secretMatches(parsed.secret, 'zz')).toBe(false);
    for (const bad of ['', 'noseparator', '.secret', 'id.', 'ID.UPPER', 'id.se cret', 'x'.repeat(300)]) {
      expect(parseSecretToken(bad)).toBeNull();
    }
  });
});
