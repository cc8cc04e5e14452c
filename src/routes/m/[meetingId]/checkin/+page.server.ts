import { error, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { localizeHref } from '$lib/paraglide/runtime';
import { readForm } from '$lib/server/forms';
import { isUuid, requireUser, serviceFailure } from '../../meeting.server';
import type { Actions, PageServerLoad } from './$types';

/** The QR code in the room leads here: a member confirms with one button (a GET never changes anything). */
export const load: PageServerLoad = async (event) => {
  const { capabilities, state } = await event.parent();
  const code = event.url.searchParams.get('code') ?? '';
  const me = state.attendance.find((a) => a.personId === capabilities.personId) ?? null;
  return { code, alreadyInRoom: me?.status === 'present_room', member: !!me };
};

export const actions: Actions = {
  default: async (event) => {
    const user = requireUser(event);
    const meetingId = event.params.meetingId;
    if (!isUuid(meetingId)) error(404, m.meet_not_found());
    const values = await readForm(event.request);
    const { meetings } = event.locals.services;
    try {
      const { personId } = await meetings.capabilities(user, meetingId);
      if (!personId) error(403, m.meet_checkin_not_member());
      await meetings.setAttendance(user, meetingId, { personId, status: 'present_room', checkinCode: values.code ?? '' });
    } catch (err) {
      return serviceFailure(err, event.locals.locale, values);
    }
    redirect(303, `${localizeHref(`/m/${meetingId}/live`)}?done=checked_in`);
  }
};
