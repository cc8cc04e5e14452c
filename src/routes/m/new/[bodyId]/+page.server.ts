import { error, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { localizeHref } from '$lib/paraglide/runtime';
import { readForm } from '$lib/server/forms';
import { loadBody, serviceFailure } from '../../meeting.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { user: _user, ...ctx } = await loadBody(event);
  if (!ctx.canManage) error(403, m.meet_forbidden());
  return ctx;
};

export const actions: Actions = {
  default: async (event) => {
    const { user, body } = await loadBody(event);
    const values = await readForm(event.request);
    let id: string;
    try {
      const meeting = await event.locals.services.meetings.create(user, body.id, {
        title: values.title ?? '',
        startsAt: values.startsAt ?? '',
        place: values.place ?? '',
        videoUrl: values.videoUrl ?? ''
      });
      id = meeting.id;
    } catch (err) {
      return serviceFailure(err, event.locals.locale, values);
    }
    redirect(303, `${localizeHref(`/m/${id}`)}?done=meeting_created`);
  }
};
