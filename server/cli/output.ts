import type { Bilingual } from '../shared/app-error.ts';

/** "Texte / Text": the one-line form of a bilingual message, French first. */
export const both = (t: Bilingual): string => (t.fr === t.en ? t.fr : `${t.fr} / ${t.en}`);

// Display width, not code units: combining accents take no column.
const width = (s: string): number => s.normalize('NFC').length;
const pad = (s: string, n: number): string => s + ' '.repeat(Math.max(0, n - width(s)));

/**
 * A plain-text table with a rule under the headings, for terminals and logs.
 *
 * @example
 * table(['Nom / Name', 'E-mail'], [['Élodie Garat', 'elodie.garat@demo.concerto.local']])
 */
export function table(headings: string[], rows: string[][]): string {
  const widths = headings.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]))).join('  ').trimEnd();
  return [line(headings), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
