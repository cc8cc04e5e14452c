import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';

export type CharterStatus = 'draft' | 'in_review' | 'adopted' | 'signed' | 'published';
export type CharterKind = 'charter' | 'pcl' | 'notes' | 'other';

export const charterStatusLabel = (s: CharterStatus): string =>
  ({
    draft: m.charter_status_draft(),
    in_review: m.charter_status_in_review(),
    adopted: m.charter_status_adopted(),
    signed: m.charter_status_signed(),
    published: m.charter_status_published()
  })[s];

export const charterKindLabel = (k: CharterKind): string =>
  ({ charter: m.charter_kind_charter(), pcl: m.charter_kind_pcl(), notes: m.charter_kind_notes(), other: m.charter_kind_other() })[k];

export const CHARTER_KINDS: CharterKind[] = ['charter', 'pcl', 'notes', 'other'];

/** "24 novembre 2026 à 14:05" in the page's language, Paris time. */
export function formatWhen(iso: string): string {
  const locale = getLocale() === 'en' ? 'en-GB' : 'fr-FR';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(new Date(iso));
}
