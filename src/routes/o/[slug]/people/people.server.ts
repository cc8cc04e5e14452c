import { formFailure } from '$lib/server/forms';
import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { policy } from '../../../../../server/auth/policy.ts';
import {orgContext} from '../context.server';

interface EventLike {
  locals: App.Locals;
  url: URL;
  params: { slug?: string };
}

/** People pages are for the organisation's admins; others get a plain "not allowed" page. */
export async function peopleContext(event: EventLike) {
  const ctx = await orgContext(event);
  if (!policy.managePeople(ctx.access)) error(403, m.org_forbidden());
  return ctx;
}

/**
 * Creates an invitation and hands the link back to the page, which shows it once. This is the
 * one form that answers with data instead of redirecting: the link must not travel in a URL.
 */
export async function inviteAction(event: EventLike & { request: Request }, values: Record<string, string>) {
  const { user } = await peopleContext(event);
  try {
    // The configured public address wins (behind a proxy the request's own host may be internal), as in the API.
    const origin = event.locals.services.config.origin ?? event.url.origin;
    const inv = await event.locals.services.invitations.create(user, values.personId ?? '', origin);
    return {
      invitation: { personId: inv.personId, personName: inv.personName, email: inv.email, url: inv.url, mailed: inv.mailed, expiresAt: inv.expiresAt }
    };
  } catch (err) {
    return formFailure(err, event.locals.locale, values);
  }
}
