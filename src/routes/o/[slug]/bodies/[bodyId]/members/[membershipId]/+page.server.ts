import { error, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { localizeHref } from '$lib/paraglide/runtime';
import { readForm, formFailure } from '$lib/server/forms';
import { withDone } from '$lib/components/org/done';
import { policy } from '../../../../../../../../server/auth/policy.ts';
import { updateMembershipSchema } from '../../../../../../../../server/people/people.schemas.ts';
import type { Membership } from '../../../../../../../../server/people/people.service.ts';
import {fieldFailure, isUuid, pageFailure} from '../../../../context.server';
import { associationNameFailure, bodyContext, membershipInput } from '../../body.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

async function membershipContext(event: RequestEvent | Parameters<PageServerLoad>[0]) {
  const ctx = await bodyContext(event);
  if (!policy.manageBody(ctx.access, ctx.body.id)) error(403, m.org_forbidden());
  if (!isUuid(event.params.membershipId)) error(404, m.org_not_found());
  let membership: Membership;
  try {
    membership = await event.locals.services.people.getMembership(ctx.user, event.params.membershipId);
  } catch (err) {
    return pageFailure(err, event.url);
  }
  if (membership.bodyId !== ctx.body.id) error(404, m.org_not_found());
  return { ...ctx, membership };
}

export const load: PageServerLoad = async (event) => {
  const { body, membership } = await membershipContext(event);
  return { body: { id: body.id, name: body.name }, membership };
};

export const actions: Actions = {
  update: async (event) => {
    const { user, org, body, membership } = await membershipContext(event);
    const values = await readForm(event.request);
    const input = membershipInput(values);
    const missingName = associationNameFailure(values, updateMembershipSchema, input, event.locals.locale);
    if (missingName) return missingName;
    try {
      await event.locals.services.people.updateMembership(user, membership.id, input);
    } catch (err) {
      return formFailure(err, event.locals.locale, values);
    }
    redirect(303, withDone(localizeHref(`/o/${org.slug}/bodies/${body.id}`), 'member_saved') + '#members-title');
  },
  remove: async (event) => {
    const { user, org, body, membership } = await membershipContext(event);
    const values = await readForm(event.request);
    if (values.confirm !== 'on') {
      return fieldFailure(values, { confirm: m.org_confirm_required() });
    }
    try {
      await event.locals.services.people.removeMembership(user, membership.id);
    } catch (err) {
      return formFailure(err, event.locals.locale, values);
    }
    redirect(303, withDone(localizeHref(`/o/${org.slug}/bodies/${body.id}`), 'member_removed') + '#members-title');
  }
};
