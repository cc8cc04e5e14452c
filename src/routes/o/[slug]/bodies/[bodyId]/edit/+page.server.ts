import { error, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { localizeHref } from '$lib/paraglide/runtime';
import { readForm, formFailure } from '$lib/server/forms';
import { withDone } from '$lib/components/org/done';
import { policy } from '../../../../../../../server/auth/policy.ts';
import {fieldFailure} from '../../../context.server';
import { bodyContext } from '../body.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { user, org, access, body } = await bodyContext(event);
  if (!policy.manageBody(access, body.id)) error(403, m.org_forbidden());
  const allBodies = await event.locals.services.bodies.list(user, org.id);
  return {
    body: { id: body.id, name: body.name, kind: body.kind, parentId: body.parentId, description: body.description },
    bodies: allBodies.map((b) => ({ id: b.id, parentId: b.parentId, name: b.name })),
    canArchive: policy.createBody(access),
    hasChildren: allBodies.some((b) => b.parentId === body.id)
  };
};

export const actions: Actions = {
  update: async (event) => {
    const { user, org, body } = await bodyContext(event);
    const values = await readForm(event.request);
    try {
      await event.locals.services.bodies.update(user, body.id, {
        name: values.name ?? '',
        kind: values.kind ?? '',
        parentId: values.parentId ?? '',
        description: values.description ?? ''
      });
    } catch (err) {
      return formFailure(err, event.locals.locale, values);
    }
    redirect(303, withDone(localizeHref(`/o/${org.slug}/bodies/${body.id}`), 'body_saved'));
  },
  archive: async (event) => {
    const { user, org, body } = await bodyContext(event);
    const values = await readForm(event.request);
    if (values.confirm !== 'on') {
      return fieldFailure(values, { confirm: m.org_confirm_required() });
    }
    try {
      await event.locals.services.bodies.archive(user, body.id);
    } catch (err) {
      return formFailure(err, event.locals.locale, values);
    }
    redirect(303, withDone(localizeHref(`/o/${org.slug}`), 'body_archived'));
  }
};
