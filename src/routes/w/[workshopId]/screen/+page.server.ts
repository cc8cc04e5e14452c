import { joinCodeFor } from '../../workshop.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { capabilities } = await event.parent();
  // Facilitators open the projector: the join code is made then if there is none yet.
  return { join: await joinCodeFor(event, !!capabilities?.facilitate) };
};
