import { loadMeeting } from '../meeting.server';
import type { LayoutServerLoad } from './$types';

/** Every page of one meeting: the meeting, what the viewer may do in it, and its live state. */
export const load: LayoutServerLoad = async (event) => {
  const { meeting, capabilities, state } = await loadMeeting(event);
  // The room's check-in code stays out of the shared data; the pages that show the QR code add it.
  const { checkinCode: _code, ...summary } = meeting;
  return { meeting: summary, capabilities, state };
};
