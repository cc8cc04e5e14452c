/**
 * Caret and presence colours: dark enough for the white name label on them (contrast at least
 * 4.5:1, WCAG 1.4.3) and told apart by the name they always carry, never by colour alone.
 */
export const EDITOR_COLORS = ['#1d4f91', '#a3281e', '#1e6b34', '#6b3fa0', '#8a4b00', '#00657a', '#9c1f6e', '#3f4a5a'] as const;

/** The same colour for the same person on every device (a hash of their id). */
export function userColor(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return EDITOR_COLORS[h % EDITOR_COLORS.length];
}
