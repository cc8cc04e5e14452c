import { error, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { localizeHref } from '$lib/paraglide/runtime';
import { readForm, formFailure } from '$lib/server/forms';
import { AppError } from '../../../../../server/shared/app-error.ts';
import { harvestActorOf } from '../../../../../server/harvest/harvest-actor.ts';
import { isUuid, workshopPageFailure } from '../../workshop.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** The asker as the harvest service takes it: an account first, a guest cookie only without one. */
const actorOf = (locals: App.Locals) => harvestActorOf(locals.user ?? null, locals.user ? null : (locals.guest ?? null));

export const load: PageServerLoad = async (event) => {
  const workshopId = event.params.workshopId;
  if (!isUuid(workshopId)) error(404, m.ws_not_found());
  const { harvest, bodies, organisations } = event.locals.services;
  const actor = actorOf(event.locals);
  try {
    const capabilities = await harvest.capabilities(actor, workshopId);
    const [state, mine] = await Promise.all([harvest.state(actor, workshopId), harvest.mineFor(actor, workshopId)]);
    let planHref: string | null = null;
    const user = event.locals.user;
    if (user) {
      const body = await bodies.get(user, state.bodyId).catch(() => null);
      const org = body ? await organisations.get(user, body.organisationId).catch(() => null) : null;
      if (body && org) planHref = `/o/${org.slug}/bodies/${body.id}/actions`;
    }
    return { harvest: { state, mine, capabilities }, planHref };
  } catch (err) {
    return workshopPageFailure(err, event.url, workshopId);
  }
};

/** Runs a form's change, then back to the board (303) so a reload never sends it twice. */
async function run(event: RequestEvent, change: (values: Record<string, string>) => Promise<unknown>, done = 'saved') {
  const values = await readForm(event.request);
  try {
    await change(values);
  } catch (err) {
    if (err instanceof AppError && (err.status === 401 || err.status === 404)) return workshopPageFailure(err, event.url, event.params.workshopId);
    return formFailure(err, event.locals.locale, values);
  }
  redirect(303, `${localizeHref(`/w/${event.params.workshopId}/harvest`)}?done=${done}${values.ideaId ? `#idea-${values.ideaId}` : ''}`);
}

export const actions: Actions = {
  gather: (event) => run(event, () => event.locals.services.harvest.gather(actorOf(event.locals), event.params.workshopId), 'gathered'),
  settings: (event) =>
    run(event, (v) =>
      event.locals.services.harvest.updateSettings(actorOf(event.locals), event.params.workshopId, {
        dotsPerPerson: v.dotsPerPerson ?? '',
        allowStacking: v.allowStacking === 'on',
        resultsMode: v.resultsMode ?? ''
      })
    ),
  phase: (event) => run(event, (v) => event.locals.services.harvest.setPhase(actorOf(event.locals), event.params.workshopId, { phase: v.phase ?? '' })),
  createTheme: (event) => run(event, (v) => event.locals.services.harvest.createTheme(actorOf(event.locals), event.params.workshopId, { name: v.name ?? '' })),
  renameTheme: (event) => run(event, (v) => event.locals.services.harvest.renameTheme(actorOf(event.locals), v.themeId ?? '', { name: v.name ?? '' })),
  removeTheme: (event) => run(event, (v) => event.locals.services.harvest.removeTheme(actorOf(event.locals), v.themeId ?? '')),
  move: (event) => run(event, (v) => event.locals.services.harvest.moveIdea(actorOf(event.locals), v.ideaId ?? '', { themeId: v.themeId ?? '' })),
  dot: (event) => run(event, (v) => event.locals.services.harvest.placeDot(actorOf(event.locals), v.ideaId ?? '')),
  undot: (event) => run(event, (v) => event.locals.services.harvest.removeDot(actorOf(event.locals), v.ideaId ?? '')),
  toAction: (event) =>
    run(
      event,
      (v) =>
        event.locals.services.harvest.toAction(actorOf(event.locals), v.ideaId ?? '', {
          ...(v.horizon ? { horizon: v.horizon } : {}),
          ...(v.status ? { status: v.status } : {})
        }),
      'action'
    )
};
