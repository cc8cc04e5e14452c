import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { roomQr } from '../../meeting.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { capabilities } = await event.parent();
  if (!capabilities.canManage) error(403, m.meet_console_forbidden());
  return { qr: await roomQr(event) };
};
