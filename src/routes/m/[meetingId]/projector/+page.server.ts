import { roomQr } from '../../meeting.server';
import type { PageServerLoad } from './$types';

/** The big screen: everyone in the body may open it; the check-in QR code only shows for those who run the meeting. */
export const load: PageServerLoad = async (event) => {
  const { capabilities } = await event.parent();
  return { qr: capabilities.canManage ? await roomQr(event) : null };
};
