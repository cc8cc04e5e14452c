import { AppError } from '../../../../../server/shared/app-error.ts';
import { toApiError } from '../../../../../server/shared/app-error.ts';
import { pageFailure, requireUser } from '../../charter.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const user = requireUser(event);
  const { charters } = event.locals.services;
  try {
    const charter = await charters.get(user, event.params.charterId);
    const from = event.url.searchParams.get('from') ?? '';
    const to = event.url.searchParams.get('to') ?? '';
    let comparison = null;
    let problem: string | null = null;
    if (from || to) {
      try {
        comparison = await charters.compare(user, charter.id, { from, to });
      } catch (err) {
        // A bad choice in the form is said on the page, not a 404.
        if (!(err instanceof AppError) || (err.code !== 'validation_failed' && err.code !== 'not_found')) throw err;
        problem = toApiError(err, event.locals.locale).message;
      }
    }
    return {
      charter: { id: charter.id, title: charter.title, versionList: charter.versionList },
      from: from || charter.versionList[1]?.id || '',
      to: to || charter.versionList[0]?.id || '',
      comparison,
      problem
    };
  } catch (err) {
    return pageFailure(err, event.url);
  }
};
