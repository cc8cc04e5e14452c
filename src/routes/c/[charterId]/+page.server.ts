import { readForm } from '$lib/server/forms';
import { doneRedirect, editorUser, failureOf, pageFailure, requireUser } from '../charter.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const user = requireUser(event);
  const { charters } = event.locals.services;
  try {
    const charter = await charters.get(user, event.params.charterId);
    const votes = charter.capabilities.manage ? await charters.adoptableVotes(user, charter.id) : [];
    return { charter, votes, editorUser: editorUser(user) };
  } catch (err) {
    return pageFailure(err, event.url);
  }
};

export const actions: Actions = {
  version: async (event) => {
    const user = requireUser(event);
    const values = await readForm(event.request);
    try {
      await event.locals.services.charters.saveVersion(user, event.params.charterId, { name: values.name ?? '' });
    } catch (err) {
      return failureOf('version', err, event.locals.locale, values);
    }
    doneRedirect(`/c/${event.params.charterId}`, 'version_saved', 'versions');
  },
  status: async (event) => {
    const user = requireUser(event);
    const values = await readForm(event.request);
    try {
      await event.locals.services.charters.transition(user, event.params.charterId, { to: values.to ?? '' });
    } catch (err) {
      return failureOf('status', err, event.locals.locale, values);
    }
    doneRedirect(`/c/${event.params.charterId}`, 'status_changed', 'status');
  },
  link: async (event) => {
    const user = requireUser(event);
    const values = await readForm(event.request);
    try {
      await event.locals.services.charters.linkVote(user, event.params.charterId, { versionId: values.versionId ?? '', voteId: values.voteId ?? '' });
    } catch (err) {
      return failureOf('link', err, event.locals.locale, values);
    }
    doneRedirect(`/c/${event.params.charterId}`, 'vote_linked', 'adoption');
  }
};
