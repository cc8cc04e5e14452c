/**
 * The speaking queue of one agenda item. Default order (issue: "fair order"): people who have not
 * spoken yet on this item first, then by request time; room and remote requests share one queue.
 */
export interface SpeakingRequest {
  id: string;
  personId: string;
  source: 'room' | 'remote';
  requestedAt: number;
}

export interface SpeakingTurn {
  personId: string;
  grantedAt: number;
  endedAt: number | null;
}

/** Orders pending requests; `turns` are this item's past and current turns. */
export function orderQueue(pending: SpeakingRequest[], turns: SpeakingTurn[]): SpeakingRequest[] {
  const spoken = new Map<string, number>();
  for (const t of turns) spoken.set(t.personId, (spoken.get(t.personId) ?? 0) + 1);
  return [...pending].sort((a, b) => {
    const sa = spoken.get(a.personId) ?? 0;
    const sb = spoken.get(b.personId) ?? 0;
    if (sa !== sb) return sa - sb;
    // Equal times keep the order given (the database's, by request time to the microsecond).
    return a.requestedAt - b.requestedAt;
  });
}

/** Seconds spoken by each person on this item (current turn counted up to `now`). */
export function speakingTime(turns: SpeakingTurn[], now: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of turns) out[t.personId] = (out[t.personId] ?? 0) + Math.max(0, Math.round(((t.endedAt ?? now) - t.grantedAt) / 1000));
  return out;
}
