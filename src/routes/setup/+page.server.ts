import { redirect } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import { formFailure, readForm } from '$lib/server/forms';
import { SESSION_COOKIE } from '../../../server/shared/cookie-names.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  if (await locals.services.organisations.isSetupDone()) redirect(303, localizeHref(locals.user ? '/' : '/login'));
};

export const actions: Actions = {
  default: async ({ request, locals, cookies, getClientAddress, url }) => {
    const values = await readForm(request);
    let slug: string;
    try {
      const { organisation } = await locals.services.organisations.setup(values);
      const login = await locals.services.auth.login({ email: values.email, password: values.password }, getClientAddress(), request.headers.get('user-agent') ?? undefined);
      cookies.set(SESSION_COOKIE, login.token, { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:', expires: login.expiresAt });
      slug = organisation.slug;
    } catch (err) {
      return formFailure(err, locals.locale, values);
    }
    redirect(303, localizeHref(`/o/${slug}`));
  }
};
