import { redirect } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import { formFailure, readForm } from '$lib/server/forms';
import { bodyLink, pageFailure, requireUser } from '../../charter.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const user = requireUser(event);
  try {
    const [list, body] = await Promise.all([event.locals.services.charters.list(user, event.params.bodyId), bodyLink(event.locals, user, event.params.bodyId)]);
    return { ...list, body: { id: event.params.bodyId, ...body } };
  } catch (err) {
    return pageFailure(err, event.url);
  }
};

export const actions: Actions = {
  default: async (event) => {
    const user = requireUser(event);
    const values = await readForm(event.request);
    let id: string;
    try {
      const charter = await event.locals.services.charters.create(user, event.params.bodyId, { title: values.title ?? '', kind: values.kind || undefined });
      id = charter.id;
    } catch (err) {
      return formFailure(err, event.locals.locale, values);
    }
    redirect(303, `${localizeHref(`/c/${id}`)}?done=created`);
  }
};
