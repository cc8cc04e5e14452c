/**
 * Facts taken from the meeting record into the minutes (who attended, who held whose proxy,
 * each vote's counts and result), and the check that the text still states them. Pure: the
 * service stores the facts of the latest draft in Postgres and runs the check on the current
 * text of the co-edited document.
 */

export type FactKind = 'header' | 'attendance' | 'proxy' | 'vote';

export interface MinutesFact {
  /** Stable per meeting: `attendance:<personId>`, `proxy:<personId>`, `vote:<voteId>`, `header:date`. */
  id: string;
  kind: FactKind;
  /** What the fact is, in French ("Présente dans la salle", "Résultat du vote « … »"). */
  label: string;
  /** The words the minutes must contain, as the record states them. */
  text: string;
  /** A vote's counts, to recognise a count that was changed rather than removed. */
  counts?: { pour: number; contre: number; abstention: number };
}

export interface FactsCheck {
  /** No fact missing and no contradicting count. */
  ok: boolean;
  missing: MinutesFact[];
  /** Counts written in the text ("7 pour, 1 contre, 1 abstention") that no recorded vote has. */
  contradictions: { text: string }[];
}

/** Spaces of every kind as one, typographic apostrophes as straight ones, case ignored. */
export function normaliseText(s: string): string {
  return s
    .normalize('NFC')
    .replace(/[\u2019\u2018\u02bc]/gu, "'")
    .replace(/[\s\u00a0\u202f\u2007\u2009]+/gu, ' ')
    .trim()
    .toLowerCase();
}

const COUNTS = /(\d+) pour, (\d+) contre, (\d+) abstentions?/giu;

export function checkFacts(facts: MinutesFact[], documentText: string): FactsCheck {
  const text = normaliseText(documentText);
  const missing = facts.filter((f) => !text.includes(normaliseText(f.text)));
  const recorded = new Set(facts.filter((f) => f.counts).map((f) => `${f.counts!.pour}/${f.counts!.contre}/${f.counts!.abstention}`));
  const contradictions: { text: string }[] = [];
  const seen = new Set<string>();
  if (recorded.size) {
    for (const m of text.matchAll(COUNTS)) {
      const key = `${m[1]}/${m[2]}/${m[3]}`;
      if (!recorded.has(key) && !seen.has(key)) {
        seen.add(key);
        contradictions.push({ text: m[0] });
      }
    }
  }
  return { ok: missing.length === 0 && contradictions.length === 0, missing, contradictions };
}
