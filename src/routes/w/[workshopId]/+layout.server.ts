import { loadWorkshop } from '../workshop.server';
import type { LayoutServerLoad } from './$types';

/** Every page of one workshop (except joining): its live state and what the viewer may do. */
export const load: LayoutServerLoad = async (event) => {
  if (event.route.id?.endsWith('/join')) return { state: null, capabilities: null };
  return loadWorkshop(event);
};
