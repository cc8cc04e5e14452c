import { error, fail, redirect } from '@sveltejs/kit';
import { formFailure } from '$lib/server/forms';
import { m } from '$lib/paraglide/messages';
import { localizeHref } from '$lib/paraglide/runtime';
import { AppError } from '../../../server/shared/app-error.ts';
import type { AuthUser } from '../../../server/auth/sessions.ts';
import { userColor } from '$lib/editor/user-color';

/** Server-side helpers of the charter pages (/c/...). */

interface EventLike {
  locals: App.Locals;
  url: URL;
}

export function requireUser(event: EventLike): AuthUser {
  if (!event.locals.user) redirect(303, `${localizeHref('/login')}?next=${encodeURIComponent(event.url.pathname + event.url.search)}`);
  return event.locals.user;
}

/** Login for the anonymous, 404 for what does not exist or may not be seen, 403 for what may be seen but not done. */
export function pageFailure(err: unknown, url: URL): never {
  if (err instanceof AppError) {
    if (err.status === 401) redirect(303, `${localizeHref('/login')}?next=${encodeURIComponent(url.pathname + url.search)}`);
    if (err.status === 404 || err.code === 'validation_failed') error(404, m.charter_not_found());
    if (err.status === 403) error(403, m.charter_forbidden());
  }
  throw err;
}

/** After a successful form: back to `path` with `?done=<code>` (the page says what happened). */
export function doneRedirect(path: string, code: string, anchor = ''): never {
  redirect(303, `${localizeHref(path)}?done=${encodeURIComponent(code)}${anchor ? `#${anchor}` : ''}`);
}

/** The name and caret colour others see in the editor. */
export const editorUser = (user: AuthUser) => ({ name: user.displayName, color: userColor(user.id) });

/** Where the body's own page is (its organisation's slug is in the path). */
export async function bodyLink(locals: App.Locals, user: AuthUser, bodyId: string): Promise<{ name: string; href: string }> {
  const body = await locals.services.bodies.get(user, bodyId);
  const org = await locals.services.organisations.get(user, body.organisationId);
  return { name: body.name, href: `/o/${org.slug}/bodies/${body.id}` };
}

/** `formFailure` for a page with several forms: says which form failed, so only that one shows the errors. */
export function failureOf<F extends string>(form: F, err: unknown, locale: 'fr' | 'en', values: Record<string, string>) {
  const f = formFailure(err, locale, values);
  return fail(f.status, { ...f.data, form });
}
