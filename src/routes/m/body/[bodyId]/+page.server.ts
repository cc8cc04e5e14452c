import { loadBody, pageFailure } from '../../meeting.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { user, ...ctx } = await loadBody(event);
  try {
    const meetings = await event.locals.services.meetings.list(user, ctx.body.id);
    return { ...ctx, meetings };
  } catch (err) {
    return pageFailure(err, event.url);
  }
};
