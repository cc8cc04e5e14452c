import { orgContext, orgFlags } from './context.server';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
  const { org, access } = await orgContext(event);
  return {
    org: { id: org.id, slug: org.slug, name: org.name },
    can: orgFlags(access)
  };
};
