import { redirect } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import { SESSION_COOKIE } from '../../../server/shared/cookie-names.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
  redirect(303, localizeHref('/'));
};

export const actions: Actions = {
  default: async ({ locals, cookies }) => {
    if (locals.session) await locals.services.sessions.invalidate(locals.session.id);
    cookies.delete(SESSION_COOKIE, { path: '/' });
    redirect(303, localizeHref('/login'));
  }
};
