import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { localizeHref } from '$lib/paraglide/runtime';
import { formFailure, readForm } from '$lib/server/forms';
import { tokenNameSchema } from '../../../server/auth/api-tokens.ts';
import type { AuthUser } from '../../../server/auth/sessions.ts';
import { SESSION_COOKIE } from '../../../server/shared/cookie-names.ts';
import { validate } from '../../../server/shared/validate.ts';
import type { Actions, PageServerLoad } from './$types';

type Intent = 'password' | 'locale' | 'createToken' | 'revokeToken';

function requireUser(locals: App.Locals): AuthUser {
  if (!locals.user) redirect(303, localizeHref(`/login?next=${encodeURIComponent(localizeHref('/account'))}`));
  return locals.user;
}

/** formFailure, tagged with the form it answers: the page holds several. */
function failed(intent: Intent, err: unknown, locale: 'fr' | 'en', values: Record<string, string>) {
  const f = formFailure(err, locale, values);
  return fail(f.status, { ...f.data, intent });
}

// Dates in French metropolitan time, as the secretariat reads them.
const formatDate = (iso: string, locale: 'fr' | 'en') =>
  new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(new Date(iso));

export const load: PageServerLoad = async ({ locals, url, setHeaders }) => {
  const user = requireUser(locals);
  setHeaders({ 'cache-control': 'no-store' });
  const tokens = await locals.services.apiTokens.list(user.id);
  return {
    account: { displayName: user.displayName, email: user.email, locale: user.locale },
    tokens: tokens.map((t) => ({
      id: t.id,
      name: t.name,
      createdLabel: formatDate(t.createdAt, locals.locale),
      lastUsedLabel: t.lastUsedAt ? formatDate(t.lastUsedAt, locals.locale) : null
    })),
    localeSaved: url.searchParams.get('saved') === 'locale'
  };
};

export const actions: Actions = {
  password: async ({ request, locals }) => {
    const user = requireUser(locals);
    const values = await readForm(request);
    try {
      await locals.services.auth.changePassword(user, { currentPassword: values.currentPassword ?? '', newPassword: values.newPassword ?? '' }, locals.session?.id);
    } catch (err) {
      return failed('password', err, locals.locale, values);
    }
    return { intent: 'password' as const, passwordChanged: true };
  },

  locale: async ({ request, locals }) => {
    const user = requireUser(locals);
    const values = await readForm(request);
    const chosen = values.locale;
    if (chosen !== 'fr' && chosen !== 'en') {
      const message: string = m.auth_account_locale_invalid();
      const fields: Record<string, string> = { locale: message };
      return fail(400, { intent: 'locale' as const, message, fields, values });
    }
    await locals.services.auth.setLocale(user, chosen);
    // The pages follow the URL's language, so the account page reopens in the chosen one.
    redirect(303, localizeHref('/account?saved=locale', { locale: chosen }));
  },

  createToken: async ({ request, locals }) => {
    const user = requireUser(locals);
    const values = await readForm(request);
    try {
      const { name } = validate(tokenNameSchema, { name: values.name ?? '' });
      const { token, info } = await locals.services.apiTokens.create(user.id, name);
      // Shown once, in this response only: only the token's hash is kept.
      return { intent: 'createToken' as const, created: { name: info.name, token } };
    } catch (err) {
      return failed('createToken', err, locals.locale, values);
    }
  },

  revokeToken: async ({ request, locals }) => {
    const user = requireUser(locals);
    const values = await readForm(request);
    const id = values.id ?? '';
    const name = (await locals.services.apiTokens.list(user.id)).find((t) => t.id === id)?.name;
    if (!name || !(await locals.services.apiTokens.revoke(user.id, id))) {
      return fail(404, { intent: 'revokeToken' as const, message: m.auth_account_token_not_found() });
    }
    return { intent: 'revokeToken' as const, revokedName: name };
  },

  logoutEverywhere: async ({ locals, cookies }) => {
    const user = requireUser(locals);
    await locals.services.sessions.invalidateAll(user.id);
    cookies.delete(SESSION_COOKIE, { path: '/' });
    redirect(303, localizeHref('/login'));
  }
};
