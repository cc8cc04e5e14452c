import { redirect } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import { readForm, formFailure } from '$lib/server/forms';
import { withDone } from '$lib/components/org/done';
import { policy } from '../../../../../../server/auth/policy.ts';
import { addMembershipSchema } from '../../../../../../server/people/people.schemas.ts';
import {orgFlags} from '../../context.server';
import { associationNameFailure, bodyContext, membershipInput } from './body.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { user, org, access, body } = await bodyContext(event);
  const { people, bodies } = event.locals.services;
  const canManage = policy.manageBody(access, body.id);
  const [memberships, allBodies, orgPeople] = await Promise.all([
    people.listMemberships(user, body.id),
    bodies.list(user, org.id),
    canManage ? people.list(user, org.id) : Promise.resolve([])
  ]);
  const memberIds = new Set(memberships.map((ms) => ms.personId));
  const parent = body.parentId ? allBodies.find((b) => b.id === body.parentId) : undefined;
  return {
    userId: user.id,
    body: { id: body.id, name: body.name, kind: body.kind, description: body.description, myRole: body.myRole },
    parent: parent ? { id: parent.id, name: parent.name } : null,
    children: allBodies.filter((b) => b.parentId === body.id).map((b) => ({ id: b.id, name: b.name })),
    memberships,
    candidates: orgPeople.filter((p) => !memberIds.has(p.id)).map((p) => ({ id: p.id, fullName: p.fullName })),
    canManage,
    canSeePeople: orgFlags(access).managePeople
  };
};

export const actions: Actions = {
  addMember: async (event) => {
    const { user, org, body } = await bodyContext(event);
    const values = await readForm(event.request);
    const input = { personId: values.personId ?? '', ...membershipInput(values) };
    const missingName = associationNameFailure(values, addMembershipSchema, input, event.locals.locale);
    if (missingName) return missingName;
    try {
      await event.locals.services.people.addMembership(user, body.id, input);
    } catch (err) {
      return formFailure(err, event.locals.locale, values);
    }
    redirect(303, withDone(localizeHref(`/o/${org.slug}/bodies/${body.id}`), 'member_added') + '#members-title');
  }
};
