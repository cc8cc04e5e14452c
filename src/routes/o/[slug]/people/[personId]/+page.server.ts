import { error, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { localizeHref } from '$lib/paraglide/runtime';
import { readForm, formFailure } from '$lib/server/forms';
import { withDone } from '$lib/components/org/done';
import type { Person } from '../../../../../../server/people/people.service.ts';
import {isUuid, pageFailure} from '../../context.server';
import { inviteAction, peopleContext } from '../people.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

async function personContext(event: RequestEvent | Parameters<PageServerLoad>[0]) {
  const ctx = await peopleContext(event);
  if (!isUuid(event.params.personId)) error(404, m.org_not_found());
  let person: Person;
  try {
    person = await event.locals.services.people.get(ctx.user, event.params.personId);
  } catch (err) {
    return pageFailure(err, event.url);
  }
  if (person.organisationId !== ctx.org.id) error(404, m.org_not_found());
  return { ...ctx, person };
}

export const load: PageServerLoad = async (event) => {
  const { user, org, access, person } = await personContext(event);
  const memberships = await event.locals.services.people.listMembershipsOfPerson(user, person.id);
  return {
    person,
    isMe: access.personId === person.id,
    memberships: memberships.map((ms) => ({ id: ms.id, bodyId: ms.bodyId, bodyName: ms.bodyName, role: ms.role, college: ms.college, votingRight: ms.votingRight })),
    orgSlug: org.slug
  };
};

export const actions: Actions = {
  update: async (event) => {
    const { user, org, person } = await personContext(event);
    const values = await readForm(event.request);
    try {
      await event.locals.services.people.update(user, person.id, {
        fullName: values.fullName ?? '',
        email: values.email ?? '',
        phone: values.phone ?? '',
        orgRole: values.orgRole || person.orgRole
      });
    } catch (err) {
      return formFailure(err, event.locals.locale, values);
    }
    redirect(303, withDone(localizeHref(`/o/${org.slug}/people/${person.id}`), 'person_saved'));
  },
  invite: async (event) => {
    await personContext(event);
    const values = await readForm(event.request);
    return inviteAction(event, { ...values, personId: event.params.personId });
  }
};
