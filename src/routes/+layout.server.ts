import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => {
  const organisations = locals.user ? await locals.services.organisations.listForUser(locals.user) : [];
  return {
    user: locals.user ? { id: locals.user.id, displayName: locals.user.displayName, email: locals.user.email } : null,
    guest: locals.guest ? { displayName: locals.guest.displayName } : null,
    organisations: organisations.map((o) => ({ slug: o.slug, name: o.name }))
  };
};
