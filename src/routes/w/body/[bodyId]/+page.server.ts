import { redirect } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import { formFailure, readForm } from '$lib/server/forms';
import { loadBody, pageFailure } from '../../../m/meeting.server';
import type { Actions, PageServerLoad } from './$types';

const TABLE_SLOTS = 4;

export const load: PageServerLoad = async (event) => {
  const { user, ...ctx } = await loadBody(event);
  try {
    return { ...ctx, workshops: await event.locals.services.workshops.list(user, ctx.body.id), slots: TABLE_SLOTS };
  } catch (err) {
    return pageFailure(err, event.url);
  }
};

export const actions: Actions = {
  create: async ({ request, locals, params }) => {
    const values = await readForm(request);
    let id = '';
    try {
      const tables = [];
      for (let i = 1; i <= TABLE_SLOTS; i++) {
        const name = (values[`table${i}Name`] ?? '').trim();
        if (!name) continue;
        const rows = values[`table${i}Rows`] ?? '';
        const columns = values[`table${i}Columns`] ?? '';
        tables.push({ name, question: values[`table${i}Question`] ?? '', grid: rows.trim() || columns.trim() ? { rows, columns } : null });
      }
      const w = await locals.services.workshops.create(locals.user ?? null, params.bodyId, {
        title: values.title ?? '',
        purpose: values.purpose ?? '',
        roundCount: values.roundCount || undefined,
        roundMinutes: values.roundMinutes || undefined,
        anonymousNotes: values.anonymousNotes === 'on',
        tables
      });
      id = w.id;
    } catch (err) {
      return formFailure(err, locals.locale, values);
    }
    redirect(303, localizeHref(`/w/${id}`));
  }
};
