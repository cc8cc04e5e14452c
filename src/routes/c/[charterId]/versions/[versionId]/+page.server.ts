import { readForm } from '$lib/server/forms';
import { doneRedirect, failureOf, pageFailure, requireUser } from '../../../charter.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const user = requireUser(event);
  const { charters } = event.locals.services;
  try {
    const [charter, version] = await Promise.all([
      charters.get(user, event.params.charterId),
      charters.getVersion(user, event.params.charterId, event.params.versionId)
    ]);
    return {
      charter: { id: charter.id, title: charter.title, status: charter.status, adoptedVersionId: charter.adoptedVersionId, capabilities: charter.capabilities },
      version,
      me: user.displayName
    };
  } catch (err) {
    return pageFailure(err, event.url);
  }
};

export const actions: Actions = {
  sign: async (event) => {
    const user = requireUser(event);
    const values = await readForm(event.request);
    try {
      await event.locals.services.charters.sign(user, event.params.charterId, { name: values.name ?? '', role: values.role ?? '', organisation: values.organisation ?? '' });
    } catch (err) {
      return failureOf('sign', err, event.locals.locale, values);
    }
    doneRedirect(`/c/${event.params.charterId}/versions/${event.params.versionId}`, 'signed', 'signatures');
  }
};
