import { m } from '$lib/paraglide/messages';

/**
 * After a successful form the server redirects (303) with `?done=<code>`; the page then says
 * what happened. Only these codes are shown, so a crafted link cannot put words on the page.
 */
const MESSAGES = {
  body_created: () => m.org_done_body_created(),
  body_saved: () => m.org_done_body_saved(),
  body_archived: () => m.org_done_body_archived(),
  member_added: () => m.org_done_member_added(),
  member_saved: () => m.org_done_member_saved(),
  member_removed: () => m.org_done_member_removed(),
  person_added: () => m.org_done_person_added(),
  person_saved: () => m.org_done_person_saved(),
  invitation_revoked: () => m.org_done_invitation_revoked(),
  notices_read: () => m.org_done_notices_read()
} as const;

export type DoneCode = keyof typeof MESSAGES;

export function doneMessage(url: URL): string | null {
  const code = url.searchParams.get('done');
  return code && code in MESSAGES ? MESSAGES[code as DoneCode]() : null;
}

export const withDone = (href: string, code: DoneCode) => `${href}${href.includes('?') ? '&' : '?'}done=${code}`;
