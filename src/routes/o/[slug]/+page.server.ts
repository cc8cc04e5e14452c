import { redirect } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import { readForm, formFailure } from '$lib/server/forms';
import { withDone } from '$lib/components/org/done';
import { orgContext } from './context.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { user, org } = await orgContext(event);
  const [bodies, notifications] = await Promise.all([
    event.locals.services.bodies.list(user, org.id),
    event.locals.services.meetings.notifications(user, org.id)
  ]);
  return {
    // In-app notices (convocations, agenda changes, decisions on proposals) not yet read.
    notices: notifications
      .filter((n) => !n.read)
      .map((n) => {
        const d = (n.data ?? {}) as { meetingId?: string; title?: string; reason?: string | null };
        return { id: n.id, kind: n.kind, meetingId: d.meetingId ?? null, title: d.title ?? '', reason: d.reason ?? '' };
      }),
    bodies: bodies.map((b) => ({ id: b.id, parentId: b.parentId, name: b.name, kind: b.kind, memberCount: b.memberCount, myRole: b.myRole }))
  };
};

export const actions: Actions = {
  readNotices: async (event) => {
    const { user, org } = await orgContext(event);
    await event.locals.services.meetings.markNotificationsRead(user, org.id);
    redirect(303, withDone(localizeHref(`/o/${org.slug}`), 'notices_read'));
  },

  create: async (event) => {
    const { user, org } = await orgContext(event);
    const values = await readForm(event.request);
    let bodyId: string;
    try {
      const body = await event.locals.services.bodies.create(user, org.id, {
        name: values.name ?? '',
        kind: values.kind ?? '',
        parentId: values.parentId ?? '',
        description: values.description ?? ''
      });
      bodyId = body.id;
    } catch (err) {
      return formFailure(err, event.locals.locale, values);
    }
    redirect(303, withDone(localizeHref(`/o/${org.slug}/bodies/${bodyId}`), 'body_created'));
  }
};
