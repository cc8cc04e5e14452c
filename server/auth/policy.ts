/**
 * Who may do what: the one place every page, form action, API route, Socket.IO event and Yjs
 * connection asks. Pure functions over an `OrgAccess` (what the asker is in one organisation),
 * so the rules are testable without a database.
 */
export type BodyRole = 'admin' | 'secretary' | 'chair' | 'member' | 'observer';
export type OrgRole = 'admin' | 'member';

export interface OrgAccess {
  organisationId: string;
  personId: string;
  orgRole: OrgRole;
  /** The asker's role in each body of this organisation they belong to. */
  bodyRoles: Record<string, BodyRole>;
  isPlatformAdmin: boolean;
}

/**
 * The body roles that manage its meetings (with organisation admins). The change of current item
 * checks them inside its statement (meetings.service.ts, SET_CURRENT_ITEM), from this very list.
 */
export const MEETING_MANAGER_ROLES = ['admin', 'secretary', 'chair'] as const satisfies readonly BodyRole[];

const isOrgAdmin = (a: OrgAccess | null): boolean => !!a && (a.orgRole === 'admin' || a.isPlatformAdmin);

export const policy = {
  /** Members see only their own organisation. */
  viewOrganisation: (a: OrgAccess | null) => !!a,
  manageOrganisation: (a: OrgAccess | null) => isOrgAdmin(a),
  /** Admins manage people and their accounts (add, edit, invite). */
  managePeople: (a: OrgAccess | null) => isOrgAdmin(a),
  viewPeople: (a: OrgAccess | null) => !!a,
  createBody: (a: OrgAccess | null) => isOrgAdmin(a),
  viewBody: (a: OrgAccess | null) => !!a,
  /** Edit a body and its memberships: organisation admins, and the body's admin or secretary. */
  manageBody: (a: OrgAccess | null, bodyId: string) =>
    isOrgAdmin(a) || (!!a && (a.bodyRoles[bodyId] === 'admin' || a.bodyRoles[bodyId] === 'secretary')),
  /** Co-edit a body's shared texts: any member of the body except observers (observers never write). */
  editBodyDocuments: (a: OrgAccess | null, bodyId: string) => {
    if (isOrgAdmin(a)) return true;
    const role = a?.bodyRoles[bodyId];
    return !!role && role !== 'observer';
  },
  readBodyDocuments: (a: OrgAccess | null) => !!a,
  /** Meetings are for the body's members (and organisation admins): a member of another body cannot join the room. */
  viewMeeting: (a: OrgAccess | null, bodyId: string) => isOrgAdmin(a) || (!!a && !!a.bodyRoles[bodyId]),
  /** Convene, run the room, check others in, keep the agenda: the body's chair, secretary or admin. */
  manageMeeting: (a: OrgAccess | null, bodyId: string) =>
    isOrgAdmin(a) || (!!a && (MEETING_MANAGER_ROLES as readonly string[]).includes(a.bodyRoles[bodyId] ?? '')),
  /** Propose agenda items, check oneself in, ask to speak, give a proxy: members who are not observers. */
  takePartInMeeting: (a: OrgAccess | null, bodyId: string) => {
    const role = a?.bodyRoles[bodyId];
    return !!role && role !== 'observer';
  },
  createGuestCode: (a: OrgAccess | null) => isOrgAdmin(a) || (!!a && Object.values(a.bodyRoles).some((r) => r === 'admin' || r === 'secretary' || r === 'chair'))
};
