import { redirect } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import { readForm, formFailure } from '$lib/server/forms';
import { ACTION_STATUSES } from '../../../../../../../server/actions/actions.schemas.ts';
import { policy } from '../../../../../../../server/auth/policy.ts';
import { bodyContext } from '../body.server';
import { newActionInput } from './actions.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { user, org, access, body } = await bodyContext(event);
  const { actions, people, meetings } = event.locals.services;
  const statusParam = event.url.searchParams.get('status') ?? '';
  const horizonParam = event.url.searchParams.get('horizon') ?? '';
  const status = (ACTION_STATUSES as readonly string[]).includes(statusParam) ? statusParam : '';
  const horizon = /^\d{4}$/.test(horizonParam) ? horizonParam : '';
  const canManage = policy.manageMeeting(access, body.id);
  const [all, list, orgPeople, bodyMeetings] = await Promise.all([
    actions.list(user, body.id),
    status || horizon ? actions.list(user, body.id, { status, horizon }) : Promise.resolve(null),
    canManage ? people.list(user, org.id) : Promise.resolve([]),
    canManage ? meetings.list(user, body.id) : Promise.resolve([])
  ]);
  const dateOf = new Intl.DateTimeFormat(event.locals.locale === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeZone: 'Europe/Paris' });
  const years = [...new Set(all.map((a) => a.horizon).filter((h): h is number => h !== null))].sort((a, b) => a - b);
  return {
    body: { id: body.id, name: body.name },
    actions: list ?? all,
    total: all.length,
    filter: { status, horizon },
    years,
    canManage,
    people: orgPeople.map((p) => ({ id: p.id, fullName: p.fullName })),
    meetings: bodyMeetings.map((mt) => ({ id: mt.id, label: `${mt.title} (${dateOf.format(new Date(mt.startsAt))})`, open: mt.status !== 'closed' }))
  };
};

export const actions: Actions = {
  create: async (event) => {
    const { user, org, body } = await bodyContext(event);
    const values = await readForm(event.request);
    try {
      await event.locals.services.actions.create(user, body.id, newActionInput(values));
    } catch (err) {
      return formFailure(err, event.locals.locale, values);
    }
    redirect(303, localizeHref(`/o/${org.slug}/bodies/${body.id}/actions`) + '?done=action_added');
  },
  addReview: async (event) => {
    const { user, org, body } = await bodyContext(event);
    const values = await readForm(event.request);
    try {
      await event.locals.services.actions.addReviewItem(user, body.id, { meetingId: values.meetingId ?? '' });
    } catch (err) {
      return formFailure(err, event.locals.locale, values);
    }
    redirect(303, localizeHref(`/o/${org.slug}/bodies/${body.id}/actions`) + '?done=review_added');
  }
};
