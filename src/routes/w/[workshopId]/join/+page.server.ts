import { redirect } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import { formFailure, readForm } from '$lib/server/forms';
import { GUEST_COOKIE } from '../../../../../server/shared/cookie-names.ts';
import { AppError, bi } from '../../../../../server/shared/app-error.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => ({ code: url.searchParams.get('code') ?? '' });

export const actions: Actions = {
  default: async ({ request, locals, cookies, getClientAddress, url, params }) => {
    const values = await readForm(request);
    try {
      const joined = await locals.services.guests.join({ code: values.code ?? '', displayName: values.displayName ?? '' }, getClientAddress());
      // A code opens one target: this page only takes this workshop's codes.
      if (joined.guest.targetKind !== 'workshop' || joined.guest.targetId !== params.workshopId) {
        throw new AppError('not_found', bi('Ce code n’ouvre pas cet atelier.', 'This code does not open this workshop.'), {
          code: bi('Ce code n’ouvre pas cet atelier.', 'This code does not open this workshop.')
        });
      }
      cookies.set(GUEST_COOKIE, joined.token, { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:', expires: new Date(joined.guest.expiresAt) });
      await locals.services.workshops.joinAsGuest(joined.guest, params.workshopId);
    } catch (err) {
      return formFailure(err, locals.locale, values);
    }
    redirect(303, localizeHref(`/w/${params.workshopId}/table`));
  }
};
