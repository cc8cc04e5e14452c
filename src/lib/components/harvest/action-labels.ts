import { m } from '$lib/paraglide/messages';

export type ActionStatus = 'validee' | 'en_cours' | 'a_etudier';
export const ACTION_STATUS_ORDER: ActionStatus[] = ['validee', 'en_cours', 'a_etudier'];

export function statusLabel(status: string): string {
  if (status === 'validee') return m.harv_status_validee();
  if (status === 'en_cours') return m.harv_status_en_cours();
  return m.harv_status_a_etudier();
}

export function horizonLabel(horizon: number | null): string {
  return horizon === null ? m.harv_horizon_none() : m.harv_horizon_year({ year: String(horizon) });
}

export function sourceLabel(source: { kind: string; label: string | null }): string {
  if (source.kind === 'workshop') return source.label ? m.harv_source_workshop_named({ title: source.label }) : m.harv_source_workshop();
  if (source.kind === 'meeting') return source.label ? m.harv_source_meeting({ title: source.label }) : m.harv_source_meeting_plain();
  if (source.kind === 'decision') return m.harv_source_decision();
  return m.harv_source_manual();
}

/** Actions grouped by horizon, years in order and "no horizon" last. */
export function byHorizon<T extends { horizon: number | null }>(actions: T[]): { horizon: number | null; actions: T[] }[] {
  const groups = new Map<number | null, T[]>();
  for (const a of actions) {
    const list = groups.get(a.horizon) ?? [];
    list.push(a);
    groups.set(a.horizon, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a - b))
    .map(([horizon, list]) => ({ horizon, actions: list }));
}

const DONE = {
  action_added: () => m.harv_done_action_added(),
  action_saved: () => m.harv_done_action_saved(),
  action_removed: () => m.harv_done_action_removed(),
  review_added: () => m.harv_done_review_added()
} as const;
export type ActionDone = keyof typeof DONE;

/** The success message named by `?done=` (only these codes, so a crafted link cannot put words on the page). */
export function actionDoneMessage(url: URL): string | null {
  const code = url.searchParams.get('done');
  return code && code in DONE ? DONE[code as ActionDone]() : null;
}
