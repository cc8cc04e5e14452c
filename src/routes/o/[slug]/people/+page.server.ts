import { redirect } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import { readForm, formFailure } from '$lib/server/forms';
import { withDone } from '$lib/components/org/done';
// removed '../context.server';
import { inviteAction, peopleContext } from './people.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { user, org } = await peopleContext(event);
  const [people, invitations] = await Promise.all([
    event.locals.services.people.list(user, org.id),
    event.locals.services.invitations.list(user, org.id)
  ]);
  return { people, invitations };
};

export const actions: Actions = {
  create: async (event) => {
    const { user, org } = await peopleContext(event);
    const values = await readForm(event.request);
    try {
      await event.locals.services.people.create(user, org.id, {
        fullName: values.fullName ?? '',
        email: values.email ?? '',
        phone: values.phone ?? '',
        orgRole: values.orgRole || 'member'
      });
    } catch (err) {
      return formFailure(err, event.locals.locale, values);
    }
    redirect(303, withDone(localizeHref(`/o/${org.slug}/people`), 'person_added') + '#people-title');
  },
  invite: async (event) => inviteAction(event, await readForm(event.request)),
  revoke: async (event) => {
    const { user, org } = await peopleContext(event);
    const values = await readForm(event.request);
    try {
      await event.locals.services.invitations.revoke(user, values.invitationId ?? '');
    } catch (err) {
      return formFailure(err, event.locals.locale, values);
    }
    redirect(303, withDone(localizeHref(`/o/${org.slug}/people`), 'invitation_revoked') + '#invitations-title');
  }
};
