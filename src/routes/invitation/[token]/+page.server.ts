import { error, redirect } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import { readForm, formFailure } from '$lib/server/forms';
import { AppError } from '../../../../server/shared/app-error.ts';
import { SESSION_COOKIE } from '../../../../server/shared/cookie-names.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals, setHeaders }) => {
  // The page carries a one-time secret in its URL: keep it out of caches.
  setHeaders({ 'cache-control': 'no-store' });
  try {
    const preview = await locals.services.invitations.preview(params.token);
    return { preview };
  } catch (thrown) {
    const err = thrown;
    // Expired, used, cancelled or mistyped: the service's own words, on the route's error page.
    if (err instanceof AppError && err.code === 'not_found') error(404, { message: err.text[locals.locale], code: 'invitation_invalid' });
    throw err;
  }
};

export const actions: Actions = {
  default: async ({ params, request, locals, cookies, url }) => {
    const values = await readForm(request);
    const blankToUndefined = (v: string | undefined) => (v && v.trim() ? v : undefined);
    let slug: string | null = null;
    try {
      const { accountExists } = await locals.services.invitations.preview(params.token);
      const accepted = await locals.services.invitations.accept(params.token, {
        password: values.password ?? '',
        email: blankToUndefined(values.email),
        displayName: accountExists ? undefined : blankToUndefined(values.displayName)
      });
      // This browser's earlier session (another account, or the same one) gives way to the new one.
      if (locals.session) await locals.services.sessions.invalidate(locals.session.id);
      const userAgent = request.headers.get('user-agent') ?? undefined;
      const { token, session } = await locals.services.sessions.create(accepted.userId, userAgent);
      cookies.set(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:', expires: session.expiresAt });
      const validated = await locals.services.sessions.validate(token);
      if (validated) {
        // A new account takes the language the person read the invitation in.
        if (!accountExists && validated.user.locale !== locals.locale) await locals.services.auth.setLocale(validated.user, locals.locale);
        const organisations = await locals.services.organisations.listForUser(validated.user);
        slug = organisations.find((o) => o.id === accepted.organisationId)?.slug ?? null;
      }
    } catch (err) {
      return formFailure(err, locals.locale, values);
    }
    redirect(303, localizeHref(slug ? `/o/${slug}` : '/'));
  }
};
