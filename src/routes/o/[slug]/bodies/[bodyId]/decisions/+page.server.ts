import { DECISION_KINDS, type DecisionKind } from '../../../../../../../server/votes/votes.schemas.ts';
import { pageFailure } from '../../../context.server';
import { bodyContext } from '../body.server';
import type { PageServerLoad } from './$types';

/** The body's register of decisions, filtered by year and kind from the query string (a plain GET form). */
export const load: PageServerLoad = async (event) => {
  const { user, body } = await bodyContext(event);
  const { votes } = event.locals.services;
  const yearParam = event.url.searchParams.get('year') ?? '';
  const kindParam = event.url.searchParams.get('kind') ?? '';
  // Anything else than a year or a known kind (a hand-edited link) is simply not a filter.
  const year = /^\d{4}$/.test(yearParam) ? Number(yearParam) : null;
  const kind = (DECISION_KINDS as readonly string[]).includes(kindParam) ? (kindParam as DecisionKind) : null;
  let register, settings;
  try {
    [register, settings] = await Promise.all([votes.decisions(user, body.id, { ...(year ? { year } : {}), ...(kind ? { kind } : {}) }), votes.bodySettings(user, body.id)]);
  } catch (err) {
    // An organisation member outside the body may not read its register: 404, as for the body's meetings.
    return pageFailure(err, event.url);
  }
  return {
    body: { id: body.id, name: body.name },
    decisions: register.decisions,
    years: register.years,
    filter: { year, kind },
    settings: { defaultRule: settings.defaultRule, canManage: settings.canManage }
  };
};
