import { redirect } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import { formFailure, readForm } from '$lib/server/forms';
import { joinCodeFor, workshopPageFailure } from '../workshop.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { capabilities } = await event.parent();
  if (!capabilities?.facilitate) return { planCheck: null, join: null };
  try {
    const planCheck = await event.locals.services.workshops.checkPlan(event.locals.user ?? null, event.params.workshopId);
    return { planCheck, join: await joinCodeFor(event, false) };
  } catch (err) {
    return workshopPageFailure(err, event.url, event.params.workshopId);
  }
};

const back = (workshopId: string, anchor: string): never => redirect(303, `${localizeHref(`/w/${workshopId}`)}?done=saved#${anchor}`);

export const actions: Actions = {
  addMembers: async ({ locals, params }) => {
    try {
      await locals.services.workshops.addBodyMembers(locals.user ?? null, params.workshopId);
    } catch (err) {
      return formFailure(err, locals.locale, {});
    }
    back(params.workshopId, 'participants');
  },
  participant: async ({ request, locals, params }) => {
    const values = await readForm(request);
    try {
      const input: Record<string, unknown> = {};
      if (values.college) input.college = values.college;
      if (values.present) input.present = values.present === 'true';
      await locals.services.workshops.updateParticipant(locals.user ?? null, values.participantId ?? '', input);
    } catch (err) {
      return formFailure(err, locals.locale, values);
    }
    back(params.workshopId, 'participants');
  },
  table: async ({ request, locals, params }) => {
    const values = await readForm(request);
    try {
      const rows = values.rows ?? '';
      const columns = values.columns ?? '';
      const input = {
        name: values.name ?? '',
        question: values.question ?? '',
        hostParticipantId: values.hostParticipantId ?? '',
        grid: rows.trim() || columns.trim() ? { rows, columns } : null
      };
      if (values.tableId) await locals.services.workshops.updateTable(locals.user ?? null, values.tableId, input);
      else await locals.services.workshops.addTable(locals.user ?? null, params.workshopId, input);
    } catch (err) {
      return formFailure(err, locals.locale, values);
    }
    back(params.workshopId, 'tables');
  },
  removeTable: async ({ request, locals, params }) => {
    const values = await readForm(request);
    try {
      await locals.services.workshops.removeTable(locals.user ?? null, values.tableId ?? '');
    } catch (err) {
      return formFailure(err, locals.locale, values);
    }
    back(params.workshopId, 'tables');
  },
  generatePlan: async ({ request, locals, params }) => {
    const values = await readForm(request);
    try {
      await locals.services.workshops.generatePlan(locals.user ?? null, params.workshopId, values.seed ? { seed: values.seed } : {});
    } catch (err) {
      return formFailure(err, locals.locale, values);
    }
    back(params.workshopId, 'plan');
  },
  savePlan: async ({ request, locals, params }) => {
    const values = await readForm(request);
    try {
      const rounds: Array<Record<string, string>> = [];
      for (const [k, v] of Object.entries(values)) {
        const match = /^p_(\d+)_(.+)$/.exec(k);
        if (!match || !v) continue;
        const r = Number(match[1]);
        while (rounds.length <= r) rounds.push({});
        rounds[r][match[2]] = v;
      }
      await locals.services.workshops.savePlan(locals.user ?? null, params.workshopId, { rounds });
    } catch (err) {
      return formFailure(err, locals.locale, values);
    }
    back(params.workshopId, 'plan');
  },
  joinMe: async ({ locals, params }) => {
    try {
      if (locals.user) await locals.services.workshops.joinAsUser(locals.user, params.workshopId);
      else await locals.services.workshops.joinAsGuest(locals.guest ?? null, params.workshopId);
    } catch (err) {
      return formFailure(err, locals.locale, {});
    }
    redirect(303, localizeHref(`/w/${params.workshopId}/table`));
  },
  makeCode: async (event) => {
    try {
      await event.locals.services.workshops.guestCode(event.locals.user ?? null, event.params.workshopId, event.url.origin);
    } catch (err) {
      return formFailure(err, event.locals.locale, {});
    }
    back(event.params.workshopId, 'join-code');
  }
};
