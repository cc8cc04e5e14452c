import { error, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { localizeHref } from '$lib/paraglide/runtime';
import { readForm, formFailure } from '$lib/server/forms';
import { policy } from '../../../../../../../../server/auth/policy.ts';
import { fieldFailure, isUuid, pageFailure } from '../../../../context.server';
import { bodyContext } from '../../body.server';
import { actionInput } from '../actions.server';
import type { Actions, PageServerLoad } from './$types';

async function actionContext(event: { locals: App.Locals; url: URL; params: { slug: string; bodyId: string; actionId: string } }) {
  const ctx = await bodyContext(event);
  if (!isUuid(event.params.actionId)) error(404, m.org_not_found());
  if (!policy.manageMeeting(ctx.access, ctx.body.id)) error(403, m.org_forbidden());
  let action;
  try {
    action = await event.locals.services.actions.get(ctx.user, event.params.actionId);
  } catch (err) {
    return pageFailure(err, event.url);
  }
  if (action.bodyId !== ctx.body.id) error(404, m.org_not_found());
  return { ...ctx, action };
}

export const load: PageServerLoad = async (event) => {
  const { user, org, body, action } = await actionContext(event);
  const people = await event.locals.services.people.list(user, org.id);
  return {
    body: { id: body.id, name: body.name },
    action,
    people: people.map((p) => ({ id: p.id, fullName: p.fullName }))
  };
};

export const actions: Actions = {
  save: async (event) => {
    const { user, org, body, action } = await actionContext(event);
    const values = await readForm(event.request);
    try {
      await event.locals.services.actions.update(user, action.id, actionInput(values));
    } catch (err) {
      return formFailure(err, event.locals.locale, values);
    }
    redirect(303, localizeHref(`/o/${org.slug}/bodies/${body.id}/actions`) + '?done=action_saved');
  },
  remove: async (event) => {
    const { user, org, body, action } = await actionContext(event);
    const values = await readForm(event.request);
    if (values.confirm !== 'on') return fieldFailure(values, { confirm: m.harv_action_delete_confirm_required() });
    try {
      await event.locals.services.actions.remove(user, action.id);
    } catch (err) {
      return formFailure(err, event.locals.locale, values);
    }
    redirect(303, localizeHref(`/o/${org.slug}/bodies/${body.id}/actions`) + '?done=action_removed');
  }
};
