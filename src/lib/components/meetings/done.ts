import { m } from '$lib/paraglide/messages';

/**
 * After a successful form the server redirects (303) with `?done=<code>`; the page then says
 * what happened. Only these codes are shown, so a crafted link cannot put words on the page.
 */
const MESSAGES = {
  meeting_created: () => m.meet_done_meeting_created(),
  meeting_saved: () => m.meet_done_meeting_saved(),
  status_draft: () => m.meet_done_status_draft(),
  status_convened: () => m.meet_done_status_convened(),
  status_live: () => m.meet_done_status_live(),
  status_closed: () => m.meet_done_status_closed(),
  item_added: () => m.meet_done_item_added(),
  item_saved: () => m.meet_done_item_saved(),
  item_removed: () => m.meet_done_item_removed(),
  item_moved: () => m.meet_done_item_moved(),
  proposal_sent: () => m.meet_done_proposal_sent(),
  proposal_accepted: () => m.meet_done_proposal_accepted(),
  proposal_declined: () => m.meet_done_proposal_declined(),
  checked_in: () => m.meet_done_checked_in(),
  attachment_added: () => m.meet_done_attachment_added(),
  attachment_removed: () => m.meet_done_attachment_removed()
} as const;

export type MeetingDoneCode = keyof typeof MESSAGES;

export function doneText(code: string | null | undefined): string | null {
  return code && code in MESSAGES ? MESSAGES[code as MeetingDoneCode]() : null;
}
