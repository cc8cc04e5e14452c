import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { harvestActorOf } from '../../../../../../server/harvest/harvest-actor.ts';
import { isUuid, workshopPageFailure } from '../../../workshop.server';
import type { PageServerLoad } from './$types';

/** The room's big screen: the board's progress and the live ranking, read-only. */
export const load: PageServerLoad = async (event) => {
  const workshopId = event.params.workshopId;
  if (!isUuid(workshopId)) error(404, m.ws_not_found());
  const { harvest } = event.locals.services;
  const actor = harvestActorOf(event.locals.user ?? null, event.locals.user ? null : (event.locals.guest ?? null));
  try {
    const capabilities = await harvest.capabilities(actor, workshopId);
    const [state, mine] = await Promise.all([harvest.state(actor, workshopId), harvest.mineFor(actor, workshopId)]);
    return { harvest: { state, mine, capabilities } };
  } catch (err) {
    return workshopPageFailure(err, event.url, workshopId);
  }
};
