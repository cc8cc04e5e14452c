import { describe, expect, it } from 'vitest';
import { EDITOR_COLORS, userColor } from './user-color.ts';

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

describe('editor colours', () => {
  it('keep white caret labels readable (contrast at least 4.5:1, WCAG 1.4.3)', () => {
    for (const c of EDITOR_COLORS) expect(1.05 / (luminance(c) + 0.05)).toBeGreaterThanOrEqual(4.5);
  });

  it('give one person the same colour everywhere', () => {
    expect(userColor('a1b2')).toBe(userColor('a1b2'));
    expect(EDITOR_COLORS).toContain(userColor('someone'));
  });
});
