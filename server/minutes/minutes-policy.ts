/**
 * Who may do what with a meeting's minutes. Pure, so the rules read as a table (and are tested
 * as one, minutes-policy.spec.ts):
 * - the secretariat (chair, secretary, admin of the body, organisation admins) drafts from the
 *   moment the meeting is live, submits, returns to draft, ties the approval vote, publishes;
 * - the body's tenant representatives (tenant college, not observers) finish the draft with the
 *   secretariat once the meeting is closed and a draft exists ("the secretary and the
 *   association representatives finish it together");
 * - every member of the body reads once published; nobody edits after submission (the submitted
 *   text is frozen in Postgres).
 */
export type MinutesStatus = 'draft' | 'submitted' | 'approved' | 'published';
export type MeetingStatus = 'draft' | 'convened' | 'live' | 'closed';

export interface MinutesAsker {
  /** policy.manageMeeting for the body. */
  manager: boolean;
  tenantRep: boolean;
  /** policy.viewMeeting for the body (members and organisation admins). */
  member: boolean;
}

export interface MinutesState {
  meetingStatus: MeetingStatus;
  /** The minutes row exists (a draft was generated at least once). */
  exists: boolean;
  status: MinutesStatus;
  generations: number;
}

export interface MinutesRights {
  read: boolean;
  /** Co-edit the text (the Yjs document opens for editing). */
  edit: boolean;
  generate: boolean;
  submit: boolean;
  reopen: boolean;
  linkApproval: boolean;
  publish: boolean;
}

export function minutesRights(who: MinutesAsker, m: MinutesState): MinutesRights {
  const readyForManager = who.manager && (m.meetingStatus === 'live' || m.meetingStatus === 'closed');
  const readyForRep = who.tenantRep && m.meetingStatus === 'closed' && m.exists;
  return {
    read: readyForManager || readyForRep || (who.member && m.status === 'published'),
    edit: m.status === 'draft' && (readyForManager || readyForRep),
    generate: readyForManager && m.status === 'draft',
    submit: who.manager && m.status === 'draft' && m.exists && m.generations > 0,
    reopen: who.manager && m.status === 'submitted',
    linkApproval: who.manager && m.status === 'submitted',
    publish: who.manager && m.status === 'approved'
  };
}
