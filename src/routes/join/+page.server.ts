import { redirect } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import { readForm, formFailure } from '$lib/server/forms';
import { GUEST_COOKIE } from '../../../server/shared/cookie-names.ts';
import type { Actions, PageServerLoad } from './$types';

// Meetings happen in France (metropolitan time); the guest's phone may be set to anything.
const formatDate = (iso: string, locale: 'fr' | 'en') =>
  new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(new Date(iso));

export const load: PageServerLoad = async ({ locals, url }) => {
  const code = url.searchParams.get('code') ?? '';
  // A guest who scans a new QR code sees the form again; otherwise their confirmation.
  const guest = locals.guest && !code ? { displayName: locals.guest.displayName, expiresLabel: formatDate(locals.guest.expiresAt, locals.locale) } : null;
  return { code, guest };
};

export const actions: Actions = {
  join: async ({ request, locals, cookies, getClientAddress, url }) => {
    const values = await readForm(request);
    try {
      const joined = await locals.services.guests.join({ code: values.code ?? '', displayName: values.displayName ?? '' }, getClientAddress());
      cookies.set(GUEST_COOKIE, joined.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: url.protocol === 'https:',
        expires: new Date(joined.guest.expiresAt)
      });
    } catch (err) {
      return formFailure(err, locals.locale, values);
    }
    redirect(303, localizeHref('/join'));
  },
  leave: async ({ cookies }) => {
    cookies.delete(GUEST_COOKIE, { path: '/' });
    redirect(303, localizeHref('/join'));
  }
};
