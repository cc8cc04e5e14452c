import { error, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { localizeHref } from '$lib/paraglide/runtime';
import { formFailure, readForm } from '$lib/server/forms';
import { pageFailure } from '../../../../context.server';
import { bodyContext } from '../../body.server';
import type { Actions, PageServerLoad } from './$types';

/** A body's voting defaults: the rule a vote uses when it names none, the chair's casting vote, changeable ballots. */
export const load: PageServerLoad = async (event) => {
  const { user, body } = await bodyContext(event);
  let settings;
  try {
    settings = await event.locals.services.votes.bodySettings(user, body.id);
  } catch (err) {
    return pageFailure(err, event.url);
  }
  if (!settings.canManage) error(403, m.org_forbidden());
  return {
    body: { id: body.id, name: body.name },
    settings: { defaultRule: settings.defaultRule, chairCastingVote: settings.chairCastingVote, ballotsChangeable: settings.ballotsChangeable },
    saved: event.url.searchParams.get('done') === 'vote_settings_saved'
  };
};

export const actions: Actions = {
  save: async (event) => {
    const { user, org, body } = await bodyContext(event);
    const values = await readForm(event.request);
    try {
      await event.locals.services.votes.updateBodySettings(user, body.id, {
        defaultRule: values.defaultRule ?? '',
        // An unticked checkbox sends nothing: that is "no".
        chairCastingVote: values.chairCastingVote === 'on',
        ballotsChangeable: values.ballotsChangeable === 'on'
      });
    } catch (err) {
      return formFailure(err, event.locals.locale, values);
    }
    redirect(303, `${localizeHref(`/o/${org.slug}/bodies/${body.id}/decisions/settings`)}?done=vote_settings_saved`);
  }
};
