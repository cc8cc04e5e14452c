import { redirect } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import { formFailure, readForm } from '$lib/server/forms';
import { SESSION_COOKIE } from '../../../server/shared/cookie-names.ts';
import type { Actions, PageServerLoad } from './$types';

// Only same-site paths are followed after login, never another host.
const safeNext = (next: string | null) => (next && next.startsWith('/') && !next.startsWith('//') ? next : null);

export const load: PageServerLoad = async ({ locals, url }) => {
  if (!(await locals.services.organisations.isSetupDone())) redirect(303, localizeHref('/setup'));
  if (locals.user) redirect(303, safeNext(url.searchParams.get('next')) ?? localizeHref('/'));
};

export const actions: Actions = {
  default: async ({ request, locals, cookies, getClientAddress, url }) => {
    const values = await readForm(request);
    try {
      const login = await locals.services.auth.login(values, getClientAddress(), request.headers.get('user-agent') ?? undefined);
      cookies.set(SESSION_COOKIE, login.token, { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:', expires: login.expiresAt });
    } catch (err) {
      return formFailure(err, locals.locale, values);
    }
    redirect(303, safeNext(url.searchParams.get('next')) ?? localizeHref('/'));
  }
};
