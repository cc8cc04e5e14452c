import { redirect } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import type { PageServerLoad } from './$types';

/** The front door: setup on first run, then login, then the person's organisation. */
export const load: PageServerLoad = async ({ locals }) => {
  if (!(await locals.services.organisations.isSetupDone())) redirect(303, localizeHref('/setup'));
  if (!locals.user) {
    if (locals.guest) redirect(303, localizeHref('/join'));
    redirect(303, localizeHref('/login'));
  }
  const organisations = await locals.services.organisations.listForUser(locals.user);
  if (organisations.length === 1) redirect(303, localizeHref(`/o/${organisations[0].slug}`));
  return { organisations: organisations.map((o) => ({ slug: o.slug, name: o.name })) };
};
