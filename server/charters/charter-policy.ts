import { policy, type OrgAccess } from '../auth/policy.ts';
import type { CharterStatus } from './charters.schemas.ts';

/**
 * Who may do what with a body's charters (pure, over the asker's `OrgAccess`):
 * - read: anyone of the organisation (charters concern every tenant and the landlord);
 * - edit the text and save named versions: the body's members who are not observers (and
 *   organisation admins), while the text is a draft or in review; from adoption on, the text is
 *   read-only for everyone (what is signed is the adopted version, STACK/DOMAIN "a decision is a record");
 * - change the status and tie a version to an adoption vote: the body's chair, secretary or admin;
 * - sign the adopted version: those who may edit the body's texts, or manage it.
 */
export const EDITABLE_STATUSES: readonly CharterStatus[] = ['draft', 'in_review'];

export const charterPolicy = {
  read: (a: OrgAccess | null) => policy.readBodyDocuments(a),
  edit: (a: OrgAccess | null, bodyId: string, status: CharterStatus) => policy.editBodyDocuments(a, bodyId) && EDITABLE_STATUSES.includes(status),
  create: (a: OrgAccess | null, bodyId: string) => policy.editBodyDocuments(a, bodyId),
  manage: (a: OrgAccess | null, bodyId: string) => policy.manageMeeting(a, bodyId),
  sign: (a: OrgAccess | null, bodyId: string, status: CharterStatus) =>
    (policy.editBodyDocuments(a, bodyId) || policy.manageMeeting(a, bodyId)) && (status === 'adopted' || status === 'signed')
};

/**
 * The status changes a manager may make: back and forth between draft and review, then signed
 * (once someone has signed) and published. `adopted` is set only by the adoption vote.
 */
export function allowedTransition(from: CharterStatus, to: CharterStatus): boolean {
  return (
    (from === 'draft' && to === 'in_review') ||
    (from === 'in_review' && to === 'draft') ||
    (from === 'adopted' && to === 'signed') ||
    (from === 'signed' && to === 'published')
  );
}
