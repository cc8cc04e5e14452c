import { m } from '$lib/paraglide/messages';
import type { WorkshopCollege, WorkshopStatus } from '$lib/workshops/workshop-state';

export const statusLabel = (s: WorkshopStatus): string =>
  s === 'draft' ? m.ws_status_draft() : s === 'live' ? m.ws_status_live() : m.ws_status_closed();

export const collegeLabel = (c: WorkshopCollege): string =>
  c === 'landlord' ? m.ws_college_landlord() : c === 'tenant' ? m.ws_college_tenant() : m.ws_college_other();

export const colourLabel = (c: string): string =>
  ({ yellow: m.ws_colour_yellow(), blue: m.ws_colour_blue(), green: m.ws_colour_green(), pink: m.ws_colour_pink(), orange: m.ws_colour_orange() })[c] ?? c;

/** "12:05", or "-0:30" when over time. */
export function formatClock(seconds: number | null): string {
  if (seconds === null) return '—';
  const sign = seconds < 0 ? '-' : '';
  const s = Math.abs(seconds);
  return `${sign}${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
