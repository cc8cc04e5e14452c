import type { Handle } from '@sveltejs/kit';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { publishedServices } from '../server/context.ts';
import { GUEST_COOKIE, SESSION_COOKIE } from '../server/shared/cookie-names.ts';

/**
 * Every request: the locale from the URL, then the session validated here (never in a layout
 * load), with `user`, `session`, `guest` and the shared services on `event.locals`.
 */
export const handle: Handle = ({ event, resolve }) =>
  paraglideMiddleware(event.request, async ({ request: localizedRequest, locale }) => {
    event.request = localizedRequest;
    const services = publishedServices();
    event.locals.services = services;
    event.locals.locale = locale === 'en' ? 'en' : 'fr';

    const token = event.cookies.get(SESSION_COOKIE);
    const validated = token ? await services.sessions.validate(token) : null;
    event.locals.user = validated?.user ?? null;
    event.locals.session = validated?.session ?? null;
    if (token && validated) {
      event.cookies.set(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: event.url.protocol === 'https:',
        expires: validated.session.expiresAt
      });
    } else if (token) {
      event.cookies.delete(SESSION_COOKIE, { path: '/' });
    }
    const guestToken = event.cookies.get(GUEST_COOKIE);
    event.locals.guest = guestToken ? await services.guests.validate(guestToken) : null;

    return resolve(event, {
      transformPageChunk: ({ html }) => html.replace('%lang%', event.locals.locale)
    });
  });
