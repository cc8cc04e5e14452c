import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';

/** Words for the codes the services use, in the page's language (never the raw code). */

export const BODY_KINDS = ['ccl', 'ccl_local', 'working_group', 'board', 'workshop_group', 'other'] as const;
export type BodyKindCode = (typeof BODY_KINDS)[number];
export const BODY_ROLES = ['chair', 'secretary', 'admin', 'member', 'observer'] as const;
export type BodyRoleCode = (typeof BODY_ROLES)[number];
export const COLLEGES = ['landlord', 'tenant', 'other'] as const;
export type CollegeCode = (typeof COLLEGES)[number];
export const AFFILIATIONS = ['none', 'afoc', 'cgl', 'clcv', 'cnl', 'csf', 'other_association'] as const;
export type AffiliationCode = (typeof AFFILIATIONS)[number];
export const ORG_ROLES = ['member', 'admin'] as const;
export type OrgRoleCode = (typeof ORG_ROLES)[number];

export function kindLabel(kind: string): string {
  switch (kind) {
    case 'ccl':
      return m.org_kind_ccl();
    case 'ccl_local':
      return m.org_kind_ccl_local();
    case 'working_group':
      return m.org_kind_working_group();
    case 'board':
      return m.org_kind_board();
    case 'workshop_group':
      return m.org_kind_workshop_group();
    default:
      return m.org_kind_other();
  }
}

export function roleLabel(role: string): string {
  switch (role) {
    case 'admin':
      return m.org_role_admin();
    case 'secretary':
      return m.org_role_secretary();
    case 'chair':
      return m.org_role_chair();
    case 'observer':
      return m.org_role_observer();
    default:
      return m.org_role_member();
  }
}

export function collegeLabel(college: string): string {
  switch (college) {
    case 'landlord':
      return m.org_college_landlord();
    case 'tenant':
      return m.org_college_tenant();
    default:
      return m.org_college_other();
  }
}

/** Federations keep their acronym; "other association" shows the association's own name when given. */
export function affiliationLabel(affiliation: string, name?: string | null): string {
  switch (affiliation) {
    case 'afoc':
      return 'AFOC';
    case 'cgl':
      return 'CGL';
    case 'clcv':
      return 'CLCV';
    case 'cnl':
      return 'CNL';
    case 'csf':
      return 'CSF';
    case 'other_association':
      return name ? name : m.org_affiliation_other();
    default:
      return m.org_affiliation_none();
  }
}

export function orgRoleLabel(role: string): string {
  return role === 'admin' ? m.org_orgrole_admin() : m.org_orgrole_member();
}

export const kindOptions = () => BODY_KINDS.map((value) => ({ value, label: kindLabel(value) }));
export const roleOptions = () => BODY_ROLES.map((value) => ({ value, label: roleLabel(value) }));
export const collegeOptions = () => COLLEGES.map((value) => ({ value, label: collegeLabel(value) }));
export const affiliationOptions = () =>
  AFFILIATIONS.map((value) => ({ value, label: value === 'other_association' ? m.org_affiliation_other() : affiliationLabel(value) }));
export const orgRoleOptions = () => ORG_ROLES.map((value) => ({ value, label: orgRoleLabel(value) }));

// Calendar dates (YYYY-MM-DD) are read in UTC so no timezone shifts them by a day; moments are
// shown in French time on the server and in the browser alike (the landlords are in France).
const dateFormat = (withTime: boolean) =>
  new Intl.DateTimeFormat(
    getLocale() === 'en' ? 'en-GB' : 'fr-FR',
    withTime ? { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' } : { dateStyle: 'long', timeZone: 'UTC' }
  );

export function formatDate(isoDate: string | null | undefined): string {
  if (!isoDate) return '';
  const d = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? isoDate : dateFormat(false).format(d);
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateFormat(true).format(d);
}

export function mandateLabel(start: string | null, end: string | null): string {
  if (start && end) return m.org_mandate_from_to({ start: formatDate(start), end: formatDate(end) });
  if (start) return m.org_mandate_since({ start: formatDate(start) });
  if (end) return m.org_mandate_until({ end: formatDate(end) });
  return m.org_mandate_none();
}
