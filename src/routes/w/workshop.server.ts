import { error, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { localizeHref } from '$lib/paraglide/runtime';
import { AppError } from '../../../server/shared/app-error.ts';
import type { WorkshopCapabilities, WorkshopState } from '$lib/workshops/workshop-state';

/** Server-side helpers of the workshop pages (/w/...). */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string | undefined): s is string => !!s && UUID.test(s);

interface EventLike {
  locals: App.Locals;
  url: URL;
}

/** An account first; a guest cookie counts only without one. */
export const askerOf = (locals: App.Locals) => ({ user: locals.user ?? null, guest: locals.user ? null : (locals.guest ?? null) });

/** Login (or, for a workshop, the guest join page) for the anonymous, 404 / 403 otherwise. */
export function workshopPageFailure(err: unknown, url: URL, workshopId?: string): never {
  if (err instanceof AppError) {
    if (err.status === 401) {
      if (workshopId) redirect(303, localizeHref(`/w/${workshopId}/join`));
      redirect(303, `${localizeHref('/login')}?next=${encodeURIComponent(url.pathname + url.search)}`);
    }
    if (err.status === 404) error(404, m.ws_not_found());
    if (err.status === 403) error(403, m.ws_forbidden());
  }
  throw err;
}

export interface WorkshopPageData {
  state: WorkshopState;
  capabilities: WorkshopCapabilities;
}

export async function loadWorkshop(event: EventLike & { params: { workshopId?: string } }): Promise<WorkshopPageData> {
  const workshopId = event.params.workshopId;
  if (!isUuid(workshopId)) error(404, m.ws_not_found());
  try {
    return await event.locals.services.workshops.state(askerOf(event.locals), workshopId);
  } catch (err) {
    return workshopPageFailure(err, event.url, workshopId);
  }
}

/** The join code as inline SVG for facilitators (made on first ask), or null. */
export async function joinCodeFor(event: EventLike & { params: { workshopId?: string } }, create: boolean) {
  const { workshops } = event.locals.services;
  const id = event.params.workshopId ?? '';
  try {
    if (create) return await workshops.guestCode(event.locals.user ?? null, id, event.url.origin);
    return await workshops.currentJoinCode(askerOf(event.locals), id, event.url.origin);
  } catch (err) {
    if (err instanceof AppError) return null;
    throw err;
  }
}
