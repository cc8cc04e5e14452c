import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent }) => {
  const { capabilities } = await parent();
  if (!capabilities?.facilitate) error(403, m.ws_forbidden());
  return {};
};
