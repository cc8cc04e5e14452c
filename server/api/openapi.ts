/**
 * OpenAPI 3.1 description of /api/v1, served at `/api/v1/openapi.json` and explained in prose in
 * docs/API.md. It mirrors server/api/router.ts and the zod schemas the services validate with
 * (`*.schemas.ts`); `openapi.spec.ts` fails when a route of the router (or of
 * server/meetings/meetings.routes.ts, which it mounts) is missing here, or one here is not routed.
 *
 * @example
 * curl -s http://localhost:3000/api/v1/openapi.json | jq '.paths | keys'
 */

import { actionsOpenApi } from '../actions/actions.openapi.ts';
import { dateTime, json, nullable, obj, ref, uuid, type Schema } from './openapi-kit.ts';
import { chartersOpenApi } from '../charters/charters.openapi.ts';
import { harvestOpenApi } from '../harvest/harvest.openapi.ts';
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES } from '../meetings/meetings.service.ts';
import { minutesOpenApi } from '../minutes/minutes.openapi.ts';
import { votesOpenApi } from '../votes/votes.openapi.ts';
import { workshopsOpenApi } from '../workshops/workshops.openapi.ts';
import { ATTENDANCE_STATUSES, ITEM_KINDS, MEETING_STATUSES } from '../meetings/meetings.schemas.ts';

const isoDate: Schema = { type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$', examples: ['2026-01-15'] };
/** Optional fields where the HTML forms send "" for "none": "" and null both clear the value. */
const clearable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'string', const: '' }, { type: 'null' }] });
const trimmed = (min: number, max: number, extra: Schema = {}): Schema => ({
  type: 'string',
  minLength: min,
  maxLength: max,
  description: `Trimmed; ${min} to ${max} characters after trimming.`,
  ...extra
});
const email: Schema = {
  type: 'string',
  format: 'email',
  maxLength: 254,
  description: 'Trimmed and lower-cased.',
  examples: ['secretariat@office-exemple.fr']
};
const newPassword: Schema = { type: 'string', minLength: 10, maxLength: 200, format: 'password' };
const ATTACHMENT_MEDIA_TYPES = [...ATTACHMENT_TYPES];

// Responses ------------------------------------------------------------------------------------

const ERROR_RESPONSES: Record<string, { name: string; description: string; codes: string[] }> = {
  '400': {
    name: 'BadRequest',
    description:
      'The input is invalid: `validation_failed` with a message per field in `fields`, or `bad_request` (body not JSON, or a cookie-authenticated change sent without `Content-Type: application/json`). Nothing was changed.',
    codes: ['validation_failed', 'bad_request']
  },
  '401': {
    name: 'Unauthorised',
    description: 'No valid session cookie or bearer token (or wrong credentials). Log in and try again.',
    codes: ['unauthorised']
  },
  '403': {
    name: 'Forbidden',
    description: 'Authenticated, but the policy does not allow this (for example a member managing people).',
    codes: ['forbidden']
  },
  '404': {
    name: 'NotFound',
    description:
      'Unknown, malformed or not visible to you: a resource in another organisation answers 404, exactly like one that does not exist.',
    codes: ['not_found']
  },
  '409': {
    name: 'Conflict',
    description:
      'The change conflicts with existing data or with the current state (duplicate email or short name, already set up, sub-bodies still open; a closed meeting, a status change not allowed from the current status, a meeting not live, a request no longer waiting, an agenda field changed by someone else since `baseVersion`…).',
    codes: ['conflict', 'setup_done']
  },
  '422': {
    name: 'Unprocessable',
    description:
      'Well-formed input that breaks a rule needing the database (a parent body or person from another organisation, a cycle, the last admin; a proxy the body\'s rules refuse, a person not on the body, an observer asking to speak, a file whose content does not match its type…). `fields` names the culprit.',
    codes: ['unprocessable']
  },
  '413': {
    name: 'TooLarge',
    description: 'The request body is larger than accepted (an attachment over 10 MB). Nothing was stored.',
    codes: ['too_large']
  },
  '429': {
    name: 'RateLimited',
    description: 'Too many attempts (login: 10 per account and 50 per address in 15 minutes; guest joins: 30 per address in 10 minutes).',
    codes: ['rate_limited']
  }
};

type Status = '200' | '201' | '204' | '400' | '401' | '403' | '404' | '409' | '413' | '422' | '429';

interface Success {
  status: '200' | '201' | '204';
  description: string;
  schema?: Schema;
  /** A non-JSON answer (a calendar file, a PDF…): media type → media object. Replaces `schema`. */
  content?: Record<string, Schema>;
  headers?: Schema;
}

function responses(success: Success, errors: Status[]) {
  const out: Record<string, unknown> = {
    [success.status]: {
      description: success.description,
      ...(success.content ? { content: success.content } : success.schema ? { content: json(success.schema) } : {}),
      ...(success.headers ? { headers: success.headers } : {})
    }
  };
  for (const status of errors) out[status] = { $ref: `#/components/responses/${ERROR_RESPONSES[status].name}` };
  out.default = { $ref: '#/components/responses/InternalError' };
  return out;
}

const setsSessionCookie = {
  'Set-Cookie': {
    description: '`concerto_session=<token>; Path=/; HttpOnly; SameSite=Lax` (and `Secure` over https), with its expiry.',
    schema: { type: 'string' }
  }
};

// Operations -----------------------------------------------------------------------------------

interface Op {
  id: string;
  tag: string;
  summary: string;
  description?: string;
  /** Names in `components.parameters` (path and query parameters). */
  params?: string[];
  body?: Schema;
  bodyRequired?: boolean;
  /** A raw (non-JSON) request body: media type → media object. Replaces `body`. */
  rawBody?: { description: string; content: Record<string, Schema> };
  /** `public`: no authentication; `guest`: the guest cookie. Default: session cookie or bearer token. */
  auth?: 'public' | 'guest';
  success: Success;
  errors: Status[];
}

function op(o: Op): Schema {
  return {
    operationId: o.id,
    tags: [o.tag],
    summary: o.summary,
    ...(o.description ? { description: o.description } : {}),
    parameters: [...(o.params ?? []).map((p) => ({ $ref: `#/components/parameters/${p}` })), { $ref: '#/components/parameters/lang' }],
    ...(o.rawBody
      ? { requestBody: { required: true, description: o.rawBody.description, content: o.rawBody.content } }
      : o.body
        ? { requestBody: { required: o.bodyRequired ?? true, content: json(o.body) } }
        : {}),
    ...(o.auth === 'public' ? { security: [] } : o.auth === 'guest' ? { security: [{ guestCookie: [] }] } : {}),
    responses: responses(o.success, o.errors)
  };
}

const paths: Record<string, Record<string, Schema>> = {
  '/openapi.json': {
    get: op({
      id: 'getOpenApi',
      tag: 'meta',
      summary: 'This document',
      auth: 'public',
      success: { status: '200', description: 'The OpenAPI 3.1 document.', schema: { type: 'object' } },
      errors: []
    })
  },

  // Setup and auth
  '/setup': {
    get: op({
      id: 'getSetupStatus',
      tag: 'setup',
      summary: 'Whether first-run setup is done',
      auth: 'public',
      success: { status: '200', description: 'Setup state.', schema: obj({ setupDone: { type: 'boolean' } }) },
      errors: []
    }),
    post: op({
      id: 'runSetup',
      tag: 'setup',
      summary: 'First run: create the first organisation and its administrator, and log in',
      description:
        'Only once per install: the administrator also administers the install (may create more organisations). Answers with the session cookie set.',
      auth: 'public',
      body: ref('SetupInput'),
      success: {
        status: '201',
        description: 'Created and logged in.',
        schema: obj({ organisation: ref('Organisation'), user: ref('User') }),
        headers: setsSessionCookie
      },
      errors: ['400', '409', '429']
    })
  },
  '/auth/login': {
    post: op({
      id: 'login',
      tag: 'auth',
      summary: 'Log in with email and password',
      description:
        'Sets the session cookie and also returns the session token, usable as `Authorization: Bearer <token>`. Rate-limited per account and per address.',
      auth: 'public',
      body: ref('LoginInput'),
      success: {
        status: '200',
        description: 'Logged in.',
        schema: obj({ user: ref('User'), token: { type: 'string', description: 'Session token `<id>.<secret>`.' }, expiresAt: dateTime }),
        headers: setsSessionCookie
      },
      errors: ['400', '401', '429']
    })
  },
  '/auth/logout': {
    post: op({
      id: 'logout',
      tag: 'auth',
      summary: 'End this session',
      success: { status: '200', description: 'Session ended; the cookie is cleared.', schema: ref('Ok') },
      errors: ['401']
    })
  },
  '/auth/logout-all': {
    post: op({
      id: 'logoutEverywhere',
      tag: 'auth',
      summary: 'End every session of this account (all devices)',
      success: {
        status: '200',
        description: 'Sessions ended.',
        schema: obj({ ok: { type: 'boolean', const: true }, sessionsEnded: { type: 'integer', minimum: 0 } })
      },
      errors: ['401']
    })
  },
  '/auth/me': {
    get: op({
      id: 'getMe',
      tag: 'auth',
      summary: 'Who is logged in, and their organisations',
      success: {
        status: '200',
        description: 'The account and the organisations it belongs to.',
        schema: obj({ user: ref('User'), organisations: { type: 'array', items: ref('Organisation') } })
      },
      errors: ['401']
    })
  },
  '/auth/password': {
    post: op({
      id: 'changePassword',
      tag: 'auth',
      summary: 'Change the password',
      description: 'Ends every other session of the account (the one making the change stays). A wrong current password answers 401 with `fields.currentPassword`.',
      body: ref('ChangePasswordInput'),
      success: { status: '200', description: 'Password changed.', schema: ref('Ok') },
      errors: ['400', '401']
    })
  },
  '/auth/tokens': {
    get: op({
      id: 'listApiTokens',
      tag: 'auth',
      summary: 'List my personal API tokens (never their secrets)',
      success: { status: '200', description: 'Active tokens.', schema: obj({ tokens: { type: 'array', items: ref('ApiToken') } }) },
      errors: ['401']
    }),
    post: op({
      id: 'createApiToken',
      tag: 'auth',
      summary: 'Create a personal API token',
      description: 'The token is shown once, in this answer; only its hash is stored. At most 20 active tokens per account.',
      body: ref('ApiTokenInput'),
      success: {
        status: '201',
        description: 'Created.',
        schema: obj({ token: { type: 'string', pattern: '^cnc_[a-z0-9]+\\.[a-z0-9]+$', description: 'Use as `Authorization: Bearer <token>`.' }, info: ref('ApiToken') })
      },
      errors: ['400', '401', '409']
    })
  },
  '/auth/tokens/{tokenId}': {
    delete: op({
      id: 'revokeApiToken',
      tag: 'auth',
      summary: 'Revoke one of my API tokens',
      params: ['tokenId'],
      success: { status: '204', description: 'Revoked.' },
      errors: ['401', '404']
    })
  },

  // Organisations
  '/organisations': {
    get: op({
      id: 'listOrganisations',
      tag: 'organisations',
      summary: 'Organisations I belong to',
      success: { status: '200', description: 'My organisations.', schema: obj({ organisations: { type: 'array', items: ref('Organisation') } }) },
      errors: ['401']
    }),
    post: op({
      id: 'createOrganisation',
      tag: 'organisations',
      summary: 'Create an organisation (install administrators only)',
      description: 'The creator becomes its administrator. Without `slug`, one is made from the name.',
      body: ref('OrganisationCreateInput'),
      success: { status: '201', description: 'Created.', schema: obj({ organisation: ref('Organisation') }) },
      errors: ['400', '401', '403', '409']
    })
  },
  '/organisations/{orgId}': {
    get: op({
      id: 'getOrganisation',
      tag: 'organisations',
      summary: 'One organisation (members only)',
      params: ['orgId'],
      success: { status: '200', description: 'The organisation.', schema: obj({ organisation: ref('Organisation') }) },
      errors: ['401', '404']
    }),
    patch: op({
      id: 'updateOrganisation',
      tag: 'organisations',
      summary: 'Rename an organisation (its administrators)',
      params: ['orgId'],
      body: ref('OrganisationUpdateInput'),
      success: { status: '200', description: 'Updated.', schema: obj({ organisation: ref('Organisation') }) },
      errors: ['400', '401', '403', '404']
    })
  },

  // Bodies
  '/organisations/{orgId}/bodies': {
    get: op({
      id: 'listBodies',
      tag: 'bodies',
      summary: "An organisation's bodies (not archived)",
      params: ['orgId'],
      success: { status: '200', description: 'Bodies, by name.', schema: obj({ bodies: { type: 'array', items: ref('Body') } }) },
      errors: ['401', '404']
    }),
    post: op({
      id: 'createBody',
      tag: 'bodies',
      summary: 'Create a body (organisation administrators)',
      params: ['orgId'],
      body: ref('BodyCreateInput'),
      success: { status: '201', description: 'Created.', schema: obj({ body: ref('Body') }) },
      errors: ['400', '401', '403', '404', '422']
    })
  },
  '/bodies/{bodyId}': {
    get: op({
      id: 'getBody',
      tag: 'bodies',
      summary: 'One body with its memberships',
      params: ['bodyId'],
      success: {
        status: '200',
        description: 'The body and its memberships (chair, secretary, admin, members, observers; then by name).',
        schema: obj({ body: ref('Body'), memberships: { type: 'array', items: ref('Membership') } })
      },
      errors: ['401', '404']
    }),
    patch: op({
      id: 'updateBody',
      tag: 'bodies',
      summary: "Change a body's name, type, parent or description",
      description: "Organisation administrators, and the body's own admin or secretary. Only the fields sent change.",
      params: ['bodyId'],
      body: ref('BodyUpdateInput'),
      success: { status: '200', description: 'Updated.', schema: obj({ body: ref('Body') }) },
      errors: ['400', '401', '403', '404', '422']
    }),
    delete: op({
      id: 'archiveBody',
      tag: 'bodies',
      summary: 'Archive a body (organisation administrators)',
      description: 'Archived bodies disappear from lists; their history stays. A body with open sub-bodies answers 409.',
      params: ['bodyId'],
      success: { status: '204', description: 'Archived.' },
      errors: ['401', '403', '404', '409']
    })
  },

  // People and memberships
  '/organisations/{orgId}/people': {
    get: op({
      id: 'listPeople',
      tag: 'people',
      summary: "An organisation's people",
      params: ['orgId'],
      success: { status: '200', description: 'People, by name.', schema: obj({ people: { type: 'array', items: ref('Person') } }) },
      errors: ['401', '404']
    }),
    post: op({
      id: 'createPerson',
      tag: 'people',
      summary: 'Add a person (organisation administrators)',
      description: 'A person needs no account; invite them to give them one. Emails are unique within an organisation.',
      params: ['orgId'],
      body: ref('PersonCreateInput'),
      success: { status: '201', description: 'Created.', schema: obj({ person: ref('Person') }) },
      errors: ['400', '401', '403', '404', '409']
    })
  },
  '/people/{personId}': {
    get: op({
      id: 'getPerson',
      tag: 'people',
      summary: 'One person with their memberships',
      params: ['personId'],
      success: {
        status: '200',
        description: 'The person and the bodies they sit on.',
        schema: obj({ person: ref('Person'), memberships: { type: 'array', items: ref('PersonMembership') } })
      },
      errors: ['401', '404']
    }),
    patch: op({
      id: 'updatePerson',
      tag: 'people',
      summary: 'Change a person (organisation administrators)',
      description: 'The organisation keeps at least one administrator, and no one removes their own admin rights (422).',
      params: ['personId'],
      body: ref('PersonUpdateInput'),
      success: { status: '200', description: 'Updated.', schema: obj({ person: ref('Person') }) },
      errors: ['400', '401', '403', '404', '409', '422']
    })
  },
  '/bodies/{bodyId}/memberships': {
    get: op({
      id: 'listMemberships',
      tag: 'memberships',
      summary: "A body's memberships",
      params: ['bodyId'],
      success: { status: '200', description: 'Memberships.', schema: obj({ memberships: { type: 'array', items: ref('Membership') } }) },
      errors: ['401', '404']
    }),
    post: op({
      id: 'addMembership',
      tag: 'memberships',
      summary: 'Seat a person on a body with a role, college and affiliation',
      description: "Organisation administrators, and the body's admin or secretary. A person sits once per body (409).",
      params: ['bodyId'],
      body: ref('MembershipCreateInput'),
      success: { status: '201', description: 'Created.', schema: obj({ membership: ref('Membership') }) },
      errors: ['400', '401', '403', '404', '409', '422']
    })
  },
  '/memberships/{membershipId}': {
    patch: op({
      id: 'updateMembership',
      tag: 'memberships',
      summary: 'Change a membership',
      description: 'The rules (mandate order, observers without a vote) are checked on the merged record, not only on the fields sent.',
      params: ['membershipId'],
      body: ref('MembershipUpdateInput'),
      success: { status: '200', description: 'Updated.', schema: obj({ membership: ref('Membership') }) },
      errors: ['400', '401', '403', '404']
    }),
    delete: op({
      id: 'removeMembership',
      tag: 'memberships',
      summary: 'Remove a person from a body',
      params: ['membershipId'],
      success: { status: '204', description: 'Removed.' },
      errors: ['401', '403', '404']
    })
  },

  // Invitations
  '/organisations/{orgId}/invitations': {
    get: op({
      id: 'listInvitations',
      tag: 'invitations',
      summary: "An organisation's invitations, newest first (organisation administrators)",
      params: ['orgId'],
      success: { status: '200', description: 'Up to 200 invitations.', schema: obj({ invitations: { type: 'array', items: ref('Invitation') } }) },
      errors: ['401', '403', '404']
    })
  },
  '/people/{personId}/invitations': {
    post: op({
      id: 'invitePerson',
      tag: 'invitations',
      summary: 'Invite a person to create their account',
      description:
        'A single-use link valid 7 days; inviting again cancels the earlier link. The link is in the answer (shown once) and in the server log; it is also mailed when SMTP_URL is set and the person has an email. The invitation is stored before the answer is sent.',
      params: ['personId'],
      success: { status: '201', description: 'Created.', schema: obj({ invitation: ref('CreatedInvitation') }) },
      errors: ['401', '403', '404', '409']
    })
  },
  '/invitations/{invitationId}': {
    delete: op({
      id: 'revokeInvitation',
      tag: 'invitations',
      summary: 'Cancel an invitation',
      params: ['invitationId'],
      success: { status: '204', description: 'Cancelled (or already used: nothing changes).' },
      errors: ['401', '403', '404']
    })
  },
  '/invitations/by-token/{token}': {
    get: op({
      id: 'previewInvitation',
      tag: 'invitations',
      summary: 'What an invitation link is for (no login needed)',
      auth: 'public',
      params: ['invitationToken'],
      success: { status: '200', description: 'The invitation.', schema: obj({ invitation: ref('InvitationPreview') }) },
      errors: ['404']
    })
  },
  '/invitations/by-token/{token}/accept': {
    post: op({
      id: 'acceptInvitation',
      tag: 'invitations',
      summary: 'Accept an invitation: set a password (or confirm an existing account) and log in',
      description:
        'When an account already exists with the invited email, `password` must be that account\'s password (401 otherwise). When the person has no email on file, `email` is required.',
      auth: 'public',
      params: ['invitationToken'],
      body: ref('InvitationAcceptInput'),
      success: {
        status: '201',
        description: 'Accepted and logged in.',
        schema: obj({ userId: uuid, organisationId: uuid }),
        headers: setsSessionCookie
      },
      errors: ['400', '401', '404', '409']
    })
  },

  // Guests
  '/organisations/{orgId}/guest-codes': {
    post: op({
      id: 'createGuestCode',
      tag: 'guests',
      summary: 'Create a join code (and QR code) for people without an account',
      description: 'Organisation administrators, and anyone who chairs, administers or is secretary of a body.',
      params: ['orgId'],
      body: ref('GuestCodeInput'),
      success: { status: '201', description: 'Created.', schema: obj({ guestCode: ref('GuestCode') }) },
      errors: ['400', '401', '403', '404', '422']
    })
  },
  '/guests/join': {
    post: op({
      id: 'joinAsGuest',
      tag: 'guests',
      summary: 'Join with a code and a display name',
      description: 'Sets the guest cookie `concerto_guest` (HttpOnly, SameSite=Lax), valid until the code expires.',
      auth: 'public',
      body: ref('GuestJoinInput'),
      success: {
        status: '201',
        description: 'Joined.',
        schema: obj({ guest: ref('Guest') }),
        headers: { 'Set-Cookie': { description: '`concerto_guest=<token>; Path=/; HttpOnly; SameSite=Lax`.', schema: { type: 'string' } } }
      },
      errors: ['400', '404', '429']
    })
  },
  '/guests/me': {
    get: op({
      id: 'getGuest',
      tag: 'guests',
      summary: 'Who this guest is',
      auth: 'guest',
      success: { status: '200', description: 'The guest.', schema: obj({ guest: ref('Guest') }) },
      errors: ['401']
    })
  },

  // Meetings
  '/bodies/{bodyId}/meetings': {
    get: op({
      id: 'listMeetings',
      tag: 'meetings',
      summary: "A body's meetings, latest first",
      description: "Organisation administrators and the body's members (observers included).",
      params: ['bodyId'],
      success: { status: '200', description: 'Meetings, by start time, latest first.', schema: obj({ meetings: { type: 'array', items: ref('MeetingSummary') } }) },
      errors: ['401', '404']
    }),
    post: op({
      id: 'createMeeting',
      tag: 'meetings',
      summary: 'Plan a meeting (draft)',
      description:
        "Organisation administrators, and the body's chair, secretary or admin (`manageMeeting`); other members answer 403. The meeting starts as `draft`: members see it, nobody is notified until it is convened.",
      params: ['bodyId'],
      body: ref('MeetingCreateInput'),
      success: { status: '201', description: 'Created.', schema: obj({ meeting: ref('MeetingSummary') }) },
      errors: ['400', '401', '403', '404']
    })
  },
  '/meetings/{meetingId}': {
    get: op({
      id: 'getMeeting',
      tag: 'meetings',
      summary: 'One meeting, and what the asker may do in it',
      params: ['meetingId'],
      success: {
        status: '200',
        description: 'The meeting (with the room check-in code for those who manage it) and the asker\'s capabilities.',
        schema: obj({ meeting: ref('MeetingDetail'), capabilities: ref('MeetingCapabilities') })
      },
      errors: ['401', '404']
    }),
    patch: op({
      id: 'updateMeeting',
      tag: 'meetings',
      summary: 'Change the title, start, place or video link',
      description: 'Those who manage the meeting. Only the fields sent change; unknown fields are refused. A closed meeting answers 409. Once convened, members get a "meeting changed" notification.',
      params: ['meetingId'],
      body: ref('MeetingUpdateInput'),
      success: { status: '200', description: 'Updated.', schema: obj({ meeting: ref('MeetingSummary') }) },
      errors: ['400', '401', '403', '404', '409']
    })
  },
  '/meetings/{meetingId}/transitions': {
    post: op({
      id: 'transitionMeeting',
      tag: 'meetings',
      summary: 'Convene, open, close (or take back to draft) a meeting',
      description:
        'Allowed: `draft` → `convened` (members are notified, and mailed when SMTP_URL is set), `convened` → `live` or back to `draft`, `live` → `closed` (the current item and the speaking list are closed). Anything else answers 409 with `fields.to`. Each change is recorded with who and when.',
      params: ['meetingId'],
      body: ref('MeetingTransitionInput'),
      success: { status: '200', description: 'The meeting in its new status.', schema: obj({ meeting: ref('MeetingSummary') }) },
      errors: ['400', '401', '403', '404', '409']
    })
  },
  '/meetings/{meetingId}/state': {
    get: op({
      id: 'getMeetingState',
      tag: 'meetings',
      summary: 'The full live state: meeting, agenda, attendance, quorum, speaking queue',
      description: 'The same state the Socket.IO event `meeting:join` answers (see docs/API.md, "Temps réel / Realtime"); `rev` grows with every committed change.',
      params: ['meetingId'],
      success: { status: '200', description: 'The state.', schema: obj({ state: ref('MeetingState') }) },
      errors: ['401', '404']
    })
  },
  '/meetings/{meetingId}/events': {
    get: op({
      id: 'listMeetingEvents',
      tag: 'meetings',
      summary: "The meeting's event log, oldest first",
      description: 'Every change, with who made it and when; the minutes draw on it.',
      params: ['meetingId'],
      success: { status: '200', description: 'Events.', schema: obj({ events: { type: 'array', items: ref('MeetingEvent') } }) },
      errors: ['401', '404']
    })
  },
  '/meetings/{meetingId}/convocation.ics': {
    get: op({
      id: 'getMeetingCalendar',
      tag: 'meetings',
      summary: 'The convocation as a calendar event (iCalendar)',
      description:
        'One VEVENT (`UID: <meetingId>@concerto`, times in UTC): the start, an end after the accepted items\' planned minutes (at least 30), the place (or the video link), the accepted top-level items and the meeting page\'s address. `STATUS:TENTATIVE` while the meeting is a draft, `CONFIRMED` afterwards.',
      params: ['meetingId'],
      success: {
        status: '200',
        description: 'An RFC 5545 file.',
        content: { 'text/calendar': { schema: { type: 'string' } } },
        headers: { 'Content-Disposition': { description: '`attachment; filename="convocation-YYYY-MM-DD.ics"`.', schema: { type: 'string' } } }
      },
      errors: ['401', '404']
    })
  },
  '/meetings/{meetingId}/agenda.pdf': {
    get: op({
      id: 'getAgendaPdf',
      tag: 'meetings',
      summary: 'The agenda as an accessible (tagged) PDF',
      description: 'Accepted items with their kind, presenter and planned duration, in the requester\'s language (`?lang=`, `Accept-Language`, then the account\'s locale).',
      params: ['meetingId'],
      success: {
        status: '200',
        description: 'A PDF.',
        content: { 'application/pdf': { schema: { type: 'string', contentMediaType: 'application/pdf' } } },
        headers: { 'Content-Disposition': { description: '`attachment; filename="ordre-du-jour-YYYY-MM-DD.pdf"`.', schema: { type: 'string' } } }
      },
      errors: ['401', '404']
    })
  },

  // Agenda
  '/meetings/{meetingId}/agenda': {
    post: op({
      id: 'addAgendaItem',
      tag: 'agenda',
      summary: 'Add an item (or propose one)',
      description:
        'Those who manage the meeting add `accepted` items. Members who are not observers may also call this: their item is `proposed` until the secretariat accepts or declines it. A closed meeting answers 409; a parent that does not exist or is itself a sub-item, or an `afterId` not at that level, answers 422.',
      params: ['meetingId'],
      body: ref('AgendaItemCreateInput'),
      success: { status: '201', description: 'Created.', schema: obj({ item: ref('AgendaItem') }) },
      errors: ['400', '401', '403', '404', '409', '422']
    })
  },
  '/agenda-items/{itemId}': {
    patch: op({
      id: 'updateAgendaItem',
      tag: 'agenda',
      summary: 'Change an item',
      description:
        'Those who manage the meeting; a member may change their own proposal while it waits (not `notes`). With `baseVersion`, a field someone else changed since that version is refused with 409 and listed in `fields`, instead of being overwritten. A closed meeting answers 409.',
      params: ['itemId'],
      body: ref('AgendaItemUpdateInput'),
      success: { status: '200', description: 'Updated (its `version` went up by one).', schema: obj({ item: ref('AgendaItem') }) },
      errors: ['400', '401', '403', '404', '409']
    }),
    delete: op({
      id: 'removeAgendaItem',
      tag: 'agenda',
      summary: 'Remove an item and its sub-items',
      description: 'Those who manage the meeting. The item under way, or a closed meeting, answers 409.',
      params: ['itemId'],
      success: { status: '204', description: 'Removed.' },
      errors: ['401', '403', '404', '409']
    })
  },
  '/agenda-items/{itemId}/move': {
    post: op({
      id: 'moveAgendaItem',
      tag: 'agenda',
      summary: 'Move an item within the agenda',
      description: 'Those who manage the meeting. Sub-items go one level deep: an item with sub-items cannot go under another (422).',
      params: ['itemId'],
      body: ref('AgendaItemMoveInput'),
      success: { status: '200', description: 'Moved.', schema: obj({ item: ref('AgendaItem') }) },
      errors: ['400', '401', '403', '404', '422']
    })
  },
  '/agenda-items/{itemId}/decision': {
    post: op({
      id: 'decideAgendaProposal',
      tag: 'agenda',
      summary: "Accept or decline a member's proposed item",
      description:
        'Those who manage the meeting. Declining needs a reason (422 otherwise), shown to the proposer, who is notified either way. An item already decided answers 409.',
      params: ['itemId'],
      body: ref('ProposalDecisionInput'),
      success: { status: '200', description: 'Decided.', schema: obj({ item: ref('AgendaItem') }) },
      errors: ['400', '401', '403', '404', '409', '422']
    })
  },
  '/agenda-items/{itemId}/attachments': {
    post: op({
      id: 'addAgendaAttachment',
      tag: 'agenda',
      summary: 'Attach a PDF or an image to an item',
      description:
        'Those who manage the meeting. The file is the raw request body, with its own `Content-Type` and its name in `?filename=`; it is stored with the meeting\'s records. The content must match the type (checked on its first bytes, 422 otherwise). Over 10 MB answers 413; an empty file, a missing name or another type answers 422 (or 400 `bad_request` for another type sent with the session cookie). A closed meeting answers 409.',
      params: ['itemId', 'filename'],
      rawBody: {
        description: `The file itself, at most 10 MB (${MAX_ATTACHMENT_BYTES} bytes).`,
        content: Object.fromEntries(ATTACHMENT_MEDIA_TYPES.map((t) => [t, { schema: { type: 'string', contentMediaType: t } }]))
      },
      success: { status: '201', description: 'Stored.', schema: obj({ attachment: ref('AttachmentInfo') }) },
      errors: ['400', '401', '403', '404', '409', '413', '422']
    })
  },
  '/attachments/{attachmentId}': {
    get: op({
      id: 'getAttachment',
      tag: 'agenda',
      summary: 'Download an attachment',
      description: 'Whoever may see the meeting. Served with the stored type, `X-Content-Type-Options: nosniff` and an inline `Content-Disposition` with the file name.',
      params: ['attachmentId'],
      success: {
        status: '200',
        description: 'The file.',
        content: Object.fromEntries(ATTACHMENT_MEDIA_TYPES.map((t) => [t, { schema: { type: 'string', contentMediaType: t } }])),
        headers: { 'Content-Disposition': { description: "`inline; filename*=UTF-8''<name>`.", schema: { type: 'string' } } }
      },
      errors: ['401', '404']
    }),
    delete: op({
      id: 'removeAgendaAttachment',
      tag: 'agenda',
      summary: 'Remove an attachment',
      description: 'Those who manage the meeting. A closed meeting answers 409.',
      params: ['attachmentId'],
      success: { status: '204', description: 'Removed.' },
      errors: ['401', '403', '404', '409']
    })
  },

  // Attendance
  '/meetings/{meetingId}/attendance': {
    put: op({
      id: 'setAttendance',
      tag: 'attendance',
      summary: "Set one member's attendance: present (room or remote), excused, absent, represented",
      description:
        'Those who manage the meeting set anyone\'s. A member who is not an observer sets only their own (403 otherwise): remote check-in, excuse, proxy, or room check-in with the code shown in the room (`checkinCode`, from the QR code; a wrong one answers 403 with `fields.checkinCode`). `represented` needs `proxyHolderId`, a member of the body the body\'s proxy rule accepts (same college, voting right, at most N proxies per holder, no chains by default); a refusal answers 422 with the reason in `fields.proxyHolderId`. Someone leaving with proxies in hand gives them back (their givers become absent). A closed meeting answers 409.',
      params: ['meetingId'],
      body: ref('AttendanceInput'),
      success: { status: '200', description: 'Recorded.', schema: ref('Ok') },
      errors: ['400', '401', '403', '404', '409', '422']
    })
  },
  '/meetings/{meetingId}/departures': {
    post: op({
      id: 'recordDeparture',
      tag: 'attendance',
      summary: 'Record that a present member left',
      description: 'Those who manage the meeting, or the member themselves. They stop counting for the quorum, and proxies they held go back to absent. Someone not present answers 409.',
      params: ['meetingId'],
      body: ref('DepartureInput'),
      success: { status: '200', description: 'Recorded.', schema: ref('Ok') },
      errors: ['400', '401', '403', '404', '409']
    })
  },

  // Live room and speaking queue
  '/meetings/{meetingId}/current-item': {
    post: op({
      id: 'setCurrentItem',
      tag: 'speaking',
      summary: 'Move the room to an agenda item (or to none)',
      description:
        'Those who manage the meeting, while it is `live` (409 otherwise). The item must be an accepted item of this meeting (422). The time spent on the previous item is added to its `spentSeconds`, and its speaker\'s turn ends.',
      params: ['meetingId'],
      body: ref('CurrentItemInput'),
      success: { status: '200', description: 'Done.', schema: ref('Ok') },
      errors: ['400', '401', '403', '404', '409', '422']
    })
  },
  '/meetings/{meetingId}/queue/open': {
    post: op({
      id: 'setSpeakingListOpen',
      tag: 'speaking',
      summary: 'Open or close the speaking list',
      description: 'Those who manage the meeting, while it is `live` (409 otherwise).',
      params: ['meetingId'],
      body: ref('SpeakingListOpenInput'),
      success: { status: '200', description: 'Done.', schema: ref('Ok') },
      errors: ['400', '401', '403', '404', '409']
    })
  },
  '/meetings/{meetingId}/queue/requests': {
    post: op({
      id: 'askToSpeak',
      tag: 'speaking',
      summary: 'Ask to speak on the current item',
      description:
        'A present member who is not an observer, for themselves (remote hand); those who manage the meeting may record a raised hand in the room for someone (`personId`, `source: "room"`). No item under way or a closed list answers 409; someone absent, an observer or a non-member answers 422. Asking again while waiting or speaking changes nothing. The queue puts those who have not spoken yet on this item first.',
      params: ['meetingId'],
      body: ref('SpeakingRequestInput'),
      bodyRequired: false,
      success: { status: '201', description: 'Queued (or already in the queue).', schema: ref('Ok') },
      errors: ['400', '401', '403', '404', '409', '422']
    })
  },
  '/meetings/{meetingId}/queue/withdraw': {
    post: op({
      id: 'withdrawSpeakingRequest',
      tag: 'speaking',
      summary: 'Withdraw a request to speak (or end one\'s own turn)',
      description: 'The person who asked, or those who manage the meeting. A request no longer waiting answers 409.',
      params: ['meetingId'],
      body: ref('SpeakingRequestRef'),
      success: { status: '200', description: 'Done.', schema: ref('Ok') },
      errors: ['400', '401', '403', '404', '409']
    })
  },
  '/meetings/{meetingId}/queue/grant': {
    post: op({
      id: 'grantFloor',
      tag: 'speaking',
      summary: 'Give the floor to a waiting request',
      description: 'Those who manage the meeting. The current speaker\'s turn ends. A request no longer waiting answers 409.',
      params: ['meetingId'],
      body: ref('SpeakingRequestRef'),
      success: { status: '200', description: 'Done.', schema: ref('Ok') },
      errors: ['400', '401', '403', '404', '409']
    })
  },
  '/meetings/{meetingId}/queue/end': {
    post: op({
      id: 'endFloor',
      tag: 'speaking',
      summary: "End the current speaker's turn",
      description: 'Those who manage the meeting. No body. Without a current speaker, nothing changes.',
      params: ['meetingId'],
      success: { status: '200', description: 'Done.', schema: ref('Ok') },
      errors: ['401', '403', '404']
    })
  },

  // Notifications
  '/organisations/{orgId}/notifications': {
    get: op({
      id: 'listNotifications',
      tag: 'notifications',
      summary: 'My latest notifications in an organisation',
      description: 'The 50 latest, newest first: meeting convened or changed, agenda changed (once until read), my proposal accepted or declined.',
      params: ['orgId'],
      success: { status: '200', description: 'Notifications.', schema: obj({ notifications: { type: 'array', items: ref('Notification') } }) },
      errors: ['401', '404']
    })
  },
  '/organisations/{orgId}/notifications/read': {
    post: op({
      id: 'markNotificationsRead',
      tag: 'notifications',
      summary: 'Mark all my notifications in an organisation as read',
      params: ['orgId'],
      success: { status: '200', description: 'Done.', schema: ref('Ok') },
      errors: ['401', '404']
    })
  }
};

// Components -----------------------------------------------------------------------------------

const BODY_KINDS = ['ccl', 'ccl_local', 'working_group', 'board', 'workshop_group', 'other'];
const BODY_ROLES = ['admin', 'secretary', 'chair', 'member', 'observer'];
const COLLEGES = ['landlord', 'tenant', 'other'];
const AFFILIATIONS = ['afoc', 'cgl', 'clcv', 'cnl', 'csf', 'other_association', 'none'];
const ERROR_CODES = [
  'bad_request',
  'validation_failed',
  'unauthorised',
  'forbidden',
  'not_found',
  'conflict',
  'unprocessable',
  'too_large',
  'rate_limited',
  'setup_done',
  'internal'
];

const MEETING_STATUS_TEXT =
  '`draft` (being prepared), `convened` (members notified), `live` (in session), `closed` (over; nothing changes any more).';
/** A date and time as the forms send it: wall-clock Paris time unless it carries its own zone. */
const meetingDateTime: Schema = {
  type: 'string',
  description: 'Date and time. Without a zone ("2026-06-06T14:00", as a datetime-local field sends it) it is Paris time; with one ("Z", "+02:00") it is taken as given.',
  examples: ['2026-06-06T14:00', '2026-06-06T12:00:00Z']
};
const videoUrl: Schema = {
  anyOf: [{ type: 'string', format: 'uri', pattern: '^https?://' }, { type: 'string', const: '' }, { type: 'null' }],
  description: 'An http(s) link; "" or null: none.',
  examples: ['https://visio.exemple.fr/ccl-patrimoine']
};
const blankableUuid = (description: string): Schema => ({ anyOf: [uuid, { type: 'string', const: '' }, { type: 'null' }], description });
const plannedMinutes: Schema = {
  type: 'integer',
  minimum: 0,
  maximum: 600,
  description: 'Whole minutes; a numeric string is accepted too.'
};
const speakingSource: Schema = { type: 'string', enum: ['room', 'remote'], description: 'A hand raised in the room (recorded by the secretariat) or a remote request.' };

const checkbox: Schema = {
  oneOf: [{ type: 'boolean' }, { type: 'string', enum: ['on', 'true', 'false', '1', '0'] }],
  description: 'A boolean; the form values "on", "true", "1" (true) and "false", "0" (false) are accepted too.'
};

const membershipRules =
  'Rules: `mandateEnd` is not before `mandateStart`; an observer has no voting right (domain brief: observers see but do not vote).';

const schemas: Record<string, Schema> = {
  ErrorEnvelope: obj({ error: ref('ApiError') }, ['error'], {
    examples: [
      {
        error: {
          code: 'validation_failed',
          message: 'Vérifiez ces champs : email.',
          messageEn: 'Please check these fields: email.',
          fields: { email: 'Adresse e-mail invalide (exemple : nom@exemple.fr).' }
        }
      }
    ]
  }),
  ApiError: obj(
    {
      code: { type: 'string', enum: ERROR_CODES },
      message: { type: 'string', description: 'In the requester\'s language: `?lang=`, then `Accept-Language`, then the account\'s locale; French by default.' },
      messageEn: { type: 'string', description: 'The same message in English.' },
      fields: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description: 'A message per invalid field (dotted path), in the requester\'s language; `_` for the input as a whole.'
      }
    },
    ['code', 'message']
  ),
  Ok: obj({ ok: { type: 'boolean', const: true } }),
  User: obj({
    id: uuid,
    email: { type: 'string', format: 'email' },
    displayName: { type: 'string' },
    locale: { type: 'string', enum: ['fr', 'en'] },
    isPlatformAdmin: { type: 'boolean', description: 'Administers the install (may create organisations).' }
  }),
  Organisation: obj({
    id: uuid,
    slug: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,62}$' },
    name: { type: 'string' },
    createdAt: dateTime
  }),
  BodyKind: {
    type: 'string',
    enum: BODY_KINDS,
    description: 'CCL, local CCL, working group, board (conseil d’administration), workshop group, other.'
  },
  BodyRole: { type: 'string', enum: BODY_ROLES },
  OrgRole: { type: 'string', enum: ['admin', 'member'] },
  College: { type: 'string', enum: COLLEGES, description: 'Landlord side, tenant side, other.' },
  Affiliation: { type: 'string', enum: AFFILIATIONS, description: 'Tenant federation, another association, or none.' },
  Body: obj({
    id: uuid,
    organisationId: uuid,
    parentId: nullable(uuid),
    kind: ref('BodyKind'),
    name: { type: 'string' },
    description: { type: 'string' },
    createdAt: dateTime,
    memberCount: { type: 'integer', minimum: 0 },
    myRole: { oneOf: [ref('BodyRole'), { type: 'null' }], description: "The asker's role in this body, if any." }
  }),
  Person: obj({
    id: uuid,
    organisationId: uuid,
    fullName: { type: 'string' },
    email: nullable({ type: 'string', format: 'email' }),
    phone: nullable({ type: 'string' }),
    orgRole: ref('OrgRole'),
    hasAccount: { type: 'boolean' },
    invitationPending: { type: 'boolean', description: 'An invitation was sent and is still usable.' },
    createdAt: dateTime
  }),
  Membership: obj({
    id: uuid,
    bodyId: uuid,
    personId: uuid,
    personName: { type: 'string' },
    role: ref('BodyRole'),
    college: ref('College'),
    affiliation: ref('Affiliation'),
    affiliationName: nullable({ type: 'string' }),
    votingRight: { type: 'boolean' },
    mandateStart: nullable(isoDate),
    mandateEnd: nullable(isoDate)
  }),
  PersonMembership: { allOf: [ref('Membership'), obj({ bodyName: { type: 'string' } })] },
  Invitation: obj({
    id: uuid,
    personId: uuid,
    personName: { type: 'string' },
    email: nullable({ type: 'string', format: 'email' }),
    createdAt: dateTime,
    expiresAt: dateTime,
    status: { type: 'string', enum: ['pending', 'accepted', 'expired', 'revoked'] }
  }),
  CreatedInvitation: {
    allOf: [
      ref('Invitation'),
      obj({
        url: { type: 'string', format: 'uri', description: 'The link to hand to the person: `<origin>/invitation/<token>`. Shown once.' },
        mailed: { type: 'boolean', description: 'Whether it was also sent by mail.' }
      })
    ]
  },
  InvitationPreview: obj({
    organisationName: { type: 'string' },
    personName: { type: 'string' },
    email: nullable({ type: 'string', format: 'email' }),
    accountExists: { type: 'boolean', description: 'An account exists with this email: the person confirms with its password.' }
  }),
  ApiToken: obj({
    id: { type: 'string', pattern: '^cnc_[a-z0-9]+$' },
    name: { type: 'string' },
    createdAt: dateTime,
    lastUsedAt: nullable(dateTime)
  }),
  GuestCode: obj({
    id: uuid,
    code: { type: 'string', pattern: '^[A-HJ-KM-NP-Z2-9]{6}$', description: 'Six characters without 0/O or 1/I/L, to read aloud.' },
    targetKind: { type: 'string', enum: ['workshop', 'meeting', 'body'] },
    targetId: uuid,
    expiresAt: dateTime,
    joinUrl: { type: 'string', format: 'uri' },
    qrSvg: { type: 'string', description: 'SVG of a QR code for `joinUrl`.' }
  }),
  Guest: obj({
    id: uuid,
    displayName: { type: 'string' },
    organisationId: uuid,
    targetKind: { type: 'string', enum: ['workshop', 'meeting', 'body'] },
    targetId: uuid,
    expiresAt: dateTime
  }),

  // Meetings
  MeetingStatus: { type: 'string', enum: [...MEETING_STATUSES], description: MEETING_STATUS_TEXT },
  MeetingSummary: obj({
    id: uuid,
    organisationId: uuid,
    bodyId: uuid,
    bodyName: { type: 'string' },
    title: { type: 'string' },
    startsAt: dateTime,
    place: { type: 'string', description: 'May be empty (remote-only meeting).' },
    videoUrl: nullable({ type: 'string', format: 'uri' }),
    status: ref('MeetingStatus')
  }),
  MeetingDetail: {
    allOf: [
      ref('MeetingSummary'),
      obj({
        checkinCode: nullable({
          type: 'string',
          description: 'The code behind the room QR code, for members checking in in the room; null unless the asker manages the meeting.'
        })
      })
    ]
  },
  MeetingCapabilities: obj(
    {
      personId: { ...nullable(uuid), description: 'The asker as a person of the organisation, if they are one.' },
      canManage: { type: 'boolean', description: "Convene, run the room, check others in, keep the agenda: organisation administrators and the body's chair, secretary or admin." },
      canTakePart: { type: 'boolean', description: 'Propose items, check oneself in, give a proxy, ask to speak: members of the body who are not observers.' }
    },
    undefined,
    { description: 'What the asker may do in this meeting; computed per person, never broadcast.' }
  ),
  AttachmentInfo: obj({
    id: uuid,
    filename: { type: 'string', maxLength: 200 },
    mimeType: { type: 'string', enum: ATTACHMENT_MEDIA_TYPES },
    sizeBytes: { type: 'integer', minimum: 1, maximum: MAX_ATTACHMENT_BYTES }
  }),
  AgendaItemKind: {
    type: 'string',
    enum: [...ITEM_KINDS],
    description: 'Information, consultation (the council gives its opinion, *avis*), decision.'
  },
  AgendaItem: obj({
    id: uuid,
    parentId: { ...nullable(uuid), description: 'The item this is a sub-item of (one level only).' },
    position: { type: 'string', description: 'Sort key among siblings (opaque; the list comes already ordered).' },
    title: { type: 'string' },
    kind: ref('AgendaItemKind'),
    presenter: { type: 'string' },
    plannedMinutes: { type: 'integer', minimum: 0, maximum: 600 },
    description: { type: 'string' },
    notes: { type: 'string', description: "The secretariat's notes on the item." },
    status: {
      type: 'string',
      enum: ['proposed', 'accepted', 'declined'],
      description: "Items added by the secretariat are `accepted`; members' proposals wait as `proposed` until decided."
    },
    proposedBy: nullable(obj({ personId: uuid, name: { type: 'string' } })),
    decisionReason: { ...nullable({ type: 'string' }), description: 'Why a proposal was declined (or the note given when accepting).' },
    decidedAt: nullable(dateTime),
    spentSeconds: { type: 'integer', minimum: 0, description: 'Time the room has spent on this item.' },
    version: { type: 'integer', minimum: 1, description: 'Goes up with every change; send it back as `baseVersion`.' },
    attachments: { type: 'array', items: ref('AttachmentInfo') }
  }),
  AttendanceStatus: {
    type: 'string',
    enum: [...ATTENDANCE_STATUSES],
    description: 'In the room, remote, excused, absent (the default), represented (gave a proxy).'
  },
  AttendanceEntry: obj(
    {
      personId: uuid,
      name: { type: 'string' },
      role: ref('BodyRole'),
      college: ref('College'),
      affiliation: ref('Affiliation'),
      votingRight: { type: 'boolean' },
      status: ref('AttendanceStatus'),
      proxyHolderId: { ...nullable(uuid), description: "Who holds this member's proxy, when `represented`." },
      arrivedAt: nullable(dateTime),
      departedAt: nullable(dateTime)
    },
    undefined,
    { description: 'One line per member of the body, by name.' }
  ),
  QuorumRule: {
    oneOf: [
      obj({ kind: { type: 'string', const: 'majority' } }),
      obj({ kind: { type: 'string', const: 'majority_per_college' } }),
      obj({ kind: { type: 'string', const: 'fixed' }, count: { type: 'integer', minimum: 0 } }),
      obj({ kind: { type: 'string', const: 'none' } })
    ],
    description:
      "The body's quorum rule: more than half of its voting members present or represented (default), the same on the landlord and the tenant side, a fixed number, or none."
  },
  QuorumCount: obj({
    members: { type: 'integer', minimum: 0, description: 'Voting members of the body (or the college).' },
    present: { type: 'integer', minimum: 0 },
    represented: { type: 'integer', minimum: 0, description: 'Proxies count only while their holder is present.' },
    counted: { type: 'integer', minimum: 0, description: 'Present plus represented: the figure compared with `required`.' },
    required: { type: 'integer', minimum: 0 },
    met: { type: 'boolean' }
  }),
  QuorumResult: {
    allOf: [
      ref('QuorumCount'),
      obj(
        {
          rule: ref('QuorumRule'),
          colleges: {
            type: 'object',
            properties: { landlord: ref('QuorumCount'), tenant: ref('QuorumCount') },
            description: 'Per college, for `majority_per_college`.'
          }
        },
        ['rule']
      )
    ]
  },
  ProxyRule: obj(
    {
      maxPerHolder: { type: 'integer', minimum: 0, description: 'Proxies one member may hold (default 1).' },
      sameCollege: { type: 'boolean', description: 'Giver and holder in the same college (default true).' },
      holderMustHaveVotingRight: { type: 'boolean', description: 'Default true.' }
    },
    undefined,
    { description: "The body's proxy rule. Proxies never chain: a represented member holds none, and one holding proxies must hand them back before giving theirs." }
  ),
  QueueEntry: obj({
    requestId: uuid,
    personId: uuid,
    name: { type: 'string' },
    source: speakingSource,
    requestedAt: dateTime
  }),
  SpeakingQueue: obj({
    itemId: { ...nullable(uuid), description: 'The current item the queue is about.' },
    pending: {
      type: 'array',
      items: ref('QueueEntry'),
      description: 'Waiting requests in speaking order: those who have not spoken yet on this item first, then by request time.'
    },
    speaking: nullable({ allOf: [ref('QueueEntry'), obj({ grantedAt: dateTime })] }),
    spoken: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 }, description: 'Seconds spoken on the current item, by person id.' }
  }),
  MeetingState: obj(
    {
      rev: { type: 'integer', minimum: 0, description: 'Increases with every committed change; keep the state with the highest rev.' },
      serverTime: { ...dateTime, description: "The server's clock when read (for timers)." },
      meeting: {
        allOf: [
          ref('MeetingSummary'),
          obj({
            currentItemId: nullable(uuid),
            currentItemStartedAt: nullable(dateTime),
            queueOpen: { type: 'boolean' },
            quorumRule: ref('QuorumRule'),
            proxyRule: ref('ProxyRule')
          })
        ]
      },
      agenda: { type: 'array', items: ref('AgendaItem'), description: 'Top-level items in order, each followed by its sub-items; proposed and declined items included.' },
      attendance: { type: 'array', items: ref('AttendanceEntry') },
      quorum: ref('QuorumResult'),
      queue: ref('SpeakingQueue')
    },
    undefined,
    { description: 'The live state of a meeting, as every view renders it. Over Socket.IO, `meeting:patch` replaces its sections one at a time (see docs/API.md).' }
  ),
  MeetingEvent: obj({
    id: { type: 'integer' },
    at: dateTime,
    type: {
      type: 'string',
      description:
        '`meeting.created`, `meeting.updated`, `meeting.status`, `agenda.added`, `agenda.proposed`, `agenda.updated`, `agenda.moved`, `agenda.removed`, `agenda.proposal_accepted`, `agenda.proposal_declined`, `agenda.attachment_added`, `agenda.attachment_removed`, `attendance.set`, `attendance.departed`, `room.current_item`, `queue.opened`, `queue.closed`, `queue.requested`, `queue.withdrawn`, `queue.granted`, `queue.ended`.',
      examples: ['attendance.set']
    },
    actorUserId: nullable(uuid),
    data: { type: 'object', description: 'Depends on `type` (ids, the fields changed, the statuses…).' }
  }),
  Notification: obj({
    id: uuid,
    kind: {
      type: 'string',
      examples: ['meeting.convened'],
      description: '`meeting.convened`, `meeting.changed`, `agenda.changed`, `proposal.accepted`, `proposal.declined`.'
    },
    data: { type: 'object', description: '`meetingId` and `title`; for proposals also `itemId` and `reason`.' },
    createdAt: dateTime,
    read: { type: 'boolean' }
  }),

  // Inputs
  SetupInput: obj({
    organisationName: trimmed(2, 200, { examples: ["Office 64 de l'Habitat"] }),
    adminName: trimmed(2, 120),
    email,
    password: newPassword
  }),
  LoginInput: obj({ email, password: { type: 'string', minLength: 1, maxLength: 200, format: 'password' } }),
  ChangePasswordInput: obj({ currentPassword: { type: 'string', minLength: 1, format: 'password' }, newPassword }),
  ApiTokenInput: obj({ name: trimmed(1, 100, { examples: ['export script'] }) }),
  OrganisationCreateInput: obj(
    {
      name: trimmed(2, 200),
      slug: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,62}$', description: 'Short name used in page addresses; made from the name when absent.' }
    },
    ['name']
  ),
  OrganisationUpdateInput: obj({ name: trimmed(2, 200) }),
  BodyCreateInput: obj(
    {
      name: trimmed(2, 200, { examples: ['CCL patrimoine'] }),
      kind: ref('BodyKind'),
      parentId: { ...clearable(uuid), description: 'A body of the same organisation to sit under (422 otherwise).' },
      description: { type: 'string', maxLength: 2000 }
    },
    ['name', 'kind']
  ),
  BodyUpdateInput: obj(
    {
      name: trimmed(2, 200),
      kind: ref('BodyKind'),
      parentId: { ...clearable(uuid), description: '"" or null: no parent. A body cannot sit under itself or its descendants (422).' },
      description: { type: 'string', maxLength: 2000 }
    },
    [],
    { additionalProperties: false }
  ),
  PersonCreateInput: obj(
    {
      fullName: trimmed(1, 200),
      email: clearable(email),
      phone: clearable({ type: 'string', pattern: '^\\+?[0-9 .()-]{6,25}$', examples: ['06 12 34 56 78'] }),
      orgRole: { ...ref('OrgRole'), default: 'member' }
    },
    ['fullName']
  ),
  PersonUpdateInput: obj(
    {
      fullName: trimmed(1, 200),
      email: clearable(email),
      phone: clearable({ type: 'string', pattern: '^\\+?[0-9 .()-]{6,25}$' }),
      orgRole: ref('OrgRole')
    },
    [],
    { additionalProperties: false }
  ),
  MembershipCreateInput: obj(
    {
      personId: { ...uuid, description: 'A person of the same organisation (422 otherwise).' },
      role: ref('BodyRole'),
      college: ref('College'),
      affiliation: { ...ref('Affiliation'), default: 'none' },
      affiliationName: nullable({ type: 'string', maxLength: 120, description: 'Name of the association when `other_association`.' }),
      votingRight: { ...checkbox, default: false },
      mandateStart: clearable(isoDate),
      mandateEnd: clearable(isoDate)
    },
    ['personId', 'role', 'college'],
    { description: membershipRules }
  ),
  MembershipUpdateInput: obj(
    {
      role: ref('BodyRole'),
      college: ref('College'),
      affiliation: ref('Affiliation'),
      affiliationName: nullable({ type: 'string', maxLength: 120 }),
      votingRight: checkbox,
      mandateStart: clearable(isoDate),
      mandateEnd: clearable(isoDate)
    },
    [],
    { additionalProperties: false, description: membershipRules }
  ),
  InvitationAcceptInput: obj(
    {
      password: { ...newPassword, description: "The new account's password, or the existing account's when `accountExists`." },
      email: { ...email, description: 'Required only when the invitation has no email.' },
      displayName: trimmed(2, 120)
    },
    ['password']
  ),
  GuestCodeInput: obj(
    {
      targetKind: { type: 'string', enum: ['workshop', 'meeting', 'body'] },
      targetId: { ...uuid, description: 'For `body`, a body of this organisation (422 otherwise).' },
      hours: { type: 'integer', minimum: 1, maximum: 336, default: 12, description: 'How long the code works.' }
    },
    ['targetKind', 'targetId']
  ),
  GuestJoinInput: obj({
    code: { type: 'string', description: 'Six letters and digits; case, spaces and hyphens are ignored.', examples: ['K7M-Q2P'] },
    displayName: trimmed(1, 60)
  }),
  MeetingCreateInput: obj(
    {
      title: trimmed(2, 200, { examples: ['CCL patrimoine : séance de juin'] }),
      startsAt: meetingDateTime,
      place: { type: 'string', maxLength: 300, default: '', description: 'Trimmed; at most 300 characters.', examples: ['Salle du conseil, 2 rue de l’Exemple, Pau'] },
      videoUrl
    },
    ['title', 'startsAt']
  ),
  MeetingUpdateInput: obj(
    {
      title: trimmed(2, 200),
      startsAt: meetingDateTime,
      place: { type: 'string', maxLength: 300, description: 'Trimmed; at most 300 characters.' },
      videoUrl
    },
    [],
    { additionalProperties: false }
  ),
  MeetingTransitionInput: obj({ to: ref('MeetingStatus') }),
  AgendaItemCreateInput: obj(
    {
      title: trimmed(1, 300, { examples: ['Renouvellement du marché de gaz propane'] }),
      kind: { ...ref('AgendaItemKind'), default: 'information' },
      presenter: { type: 'string', maxLength: 200, default: '' },
      plannedMinutes: { ...plannedMinutes, default: 10 },
      description: { type: 'string', maxLength: 10000, default: '' },
      parentId: blankableUuid('Makes it a sub-item of this top-level item of the same meeting; "" or null: top level.'),
      afterId: blankableUuid('Insert after this item (at the same level). Absent: at the end; "" or null: first.')
    },
    ['title']
  ),
  AgendaItemUpdateInput: obj(
    {
      title: trimmed(1, 300),
      kind: ref('AgendaItemKind'),
      presenter: { type: 'string', maxLength: 200 },
      plannedMinutes,
      description: { type: 'string', maxLength: 10000 },
      notes: { type: 'string', maxLength: 20000, description: 'Those who manage the meeting only (403 otherwise).' },
      baseVersion: {
        type: 'integer',
        minimum: 1,
        description: 'The `version` the editor started from: a field someone else changed since is refused (409), not overwritten. Absent: last write wins.'
      }
    },
    [],
    { additionalProperties: false }
  ),
  AgendaItemMoveInput: obj(
    {
      afterId: { ...nullable(uuid), description: 'Place after this item (at the target level); null: first.' },
      parentId: { ...nullable(uuid), description: 'The new parent; null: top level; absent: keep the current one.' }
    },
    ['afterId']
  ),
  ProposalDecisionInput: obj(
    {
      accept: { type: 'boolean' },
      reason: { type: 'string', maxLength: 1000, default: '', description: 'Required (non-blank) when declining: it is shown to the proposer (422 otherwise).' }
    },
    ['accept']
  ),
  AttendanceInput: obj(
    {
      personId: { ...uuid, description: 'A member of the body (422 otherwise); a member who does not manage the meeting may only send their own.' },
      status: ref('AttendanceStatus'),
      proxyHolderId: { ...nullable(uuid), description: 'Required with `represented`: the member who holds the proxy, checked against the body\'s proxy rule (422).' },
      checkinCode: { type: 'string', maxLength: 64, description: 'For a member checking themselves in `present_room`: the code from the room\'s QR code.' }
    },
    ['personId', 'status']
  ),
  DepartureInput: obj({ personId: uuid }),
  CurrentItemInput: obj({ itemId: { ...nullable(uuid), description: 'An accepted item of this meeting; null: no item under way.' } }),
  SpeakingListOpenInput: obj({ open: { type: 'boolean' } }),
  SpeakingRequestInput: obj(
    {
      personId: { ...uuid, description: 'Absent: the asker. Someone else: those who manage the meeting only.' },
      source: { ...speakingSource, default: 'remote' }
    },
    []
  ),
  SpeakingRequestRef: obj({ requestId: uuid })
};

const uuidParam = (name: string, what: string) => ({
  name,
  in: 'path',
  required: true,
  description: `${what} id. A malformed id answers 404 like an unknown one.`,
  schema: uuid
});

const parameters = {
  orgId: uuidParam('orgId', 'Organisation'),
  bodyId: uuidParam('bodyId', 'Body'),
  personId: uuidParam('personId', 'Person'),
  membershipId: uuidParam('membershipId', 'Membership'),
  invitationId: uuidParam('invitationId', 'Invitation'),
  meetingId: uuidParam('meetingId', 'Meeting'),
  itemId: uuidParam('itemId', 'Agenda item'),
  attachmentId: uuidParam('attachmentId', 'Attachment'),
  filename: {
    name: 'filename',
    in: 'query',
    required: true,
    description: 'The file\'s name as shown to members (at most 200 characters are kept; slashes and control characters become `_`).',
    schema: { type: 'string', minLength: 1 },
    examples: { pdf: { value: 'offre.pdf' } }
  },
  tokenId: { name: 'tokenId', in: 'path', required: true, description: 'API token id (`cnc_…`, the part before the dot).', schema: { type: 'string' } },
  invitationToken: {
    name: 'token',
    in: 'path',
    required: true,
    description: 'The token from the invitation link (`<id>.<secret>`).',
    schema: { type: 'string', maxLength: 200 }
  },
  lang: {
    name: 'lang',
    in: 'query',
    required: false,
    description: 'Language of error messages; otherwise `Accept-Language`, then the account\'s locale, then French.',
    schema: { type: 'string', enum: ['fr', 'en'] }
  }
};

const errorResponses = Object.fromEntries(
  Object.entries(ERROR_RESPONSES).map(([status, r]) => [
    r.name,
    {
      description: `${status}: ${r.description} \`error.code\`: ${r.codes.map((c) => `\`${c}\``).join(' or ')}.`,
      content: json(ref('ErrorEnvelope'))
    }
  ])
);

/**
 * Each feature describes its own routes beside them (`server/<feature>/<feature>.openapi.ts`);
 * they are merged here. A path may gain methods from several features; a schema or parameter
 * name claimed twice with different content is a mistake, and fails loudly.
 */
const FEATURES: { name: string; paths: Record<string, Record<string, unknown>>; schemas?: Record<string, unknown>; parameters?: Record<string, unknown> }[] = [
  { name: 'votes', ...votesOpenApi },
  { name: 'charters', ...chartersOpenApi },
  { name: 'minutes', ...minutesOpenApi },
  { name: 'workshops', ...workshopsOpenApi },
  { name: 'harvest', ...harvestOpenApi },
  { name: 'actions', ...actionsOpenApi }
];

function mergeInto(target: Record<string, unknown>, extra: Record<string, unknown> | undefined, what: string, feature: string): void {
  for (const [key, value] of Object.entries(extra ?? {})) {
    if (key in target && JSON.stringify(target[key]) !== JSON.stringify(value)) {
      throw new Error(`OpenAPI: ${what} "${key}" of ${feature} differs from one already declared`);
    }
    target[key] = value;
  }
}

const allPaths: Record<string, Record<string, unknown>> = { ...paths };
const allSchemas: Record<string, unknown> = { ...schemas };
const allParameters: Record<string, unknown> = { ...parameters };
for (const feature of FEATURES) {
  for (const [path, item] of Object.entries(feature.paths)) {
    const existing = allPaths[path] ?? {};
    for (const method of Object.keys(item)) {
      if (method in existing) throw new Error(`OpenAPI: ${method} ${path} of ${feature.name} is already declared`);
    }
    allPaths[path] = { ...existing, ...item };
  }
  mergeInto(allSchemas, feature.schemas, 'schema', feature.name);
  mergeInto(allParameters, feature.parameters, 'parameter', feature.name);
}

/** OpenAPI 3.1 description of /api/v1 (see docs/API.md). */
export function openApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Concerto API',
      version,
      summary: 'Organisations, bodies, people, memberships, invitations, guest access, meetings, votes, charters, minutes, workshops and action plans of a Concerto install.',
      description:
        'JSON in and out, except files: attachments are uploaded as the raw body (a PDF or an image, with its own `Content-Type`) and downloaded as such, and a meeting gives its convocation as `text/calendar` and its agenda as `application/pdf`. Live meeting state also travels over Socket.IO (`meeting:join`, then `meeting:patch`; see docs/API.md). Authenticate with the session cookie set by `POST /auth/login` (changes must then be sent as `application/json`, attachment uploads excepted) or with `Authorization: Bearer <token>` (a personal API token or a session token). Every error has the shape `{"error":{"code","message","messageEn","fields"}}`; messages are French by default, English with `?lang=en` or `Accept-Language: en`. See docs/API.md.',
      license: { name: 'AGPL-3.0-or-later', identifier: 'AGPL-3.0-or-later' }
    },
    servers: [{ url: '/api/v1' }],
    security: [{ cookieAuth: [] }, { bearerAuth: [] }],
    tags: [
      { name: 'setup', description: 'First run.' },
      { name: 'auth', description: 'Sessions, password, personal API tokens.' },
      { name: 'organisations', description: 'Landlords (one install can host several, each isolated).' },
      { name: 'bodies', description: 'CCL, local CCL, working groups, boards, workshop groups.' },
      { name: 'people', description: 'People an organisation knows, with or without an account.' },
      { name: 'memberships', description: 'Who sits on which body, with role, college, affiliation, vote and mandate.' },
      { name: 'invitations', description: 'Single-use links that give a person an account.' },
      { name: 'guests', description: 'People without an account joining one session by code.' },
      { name: 'meetings', description: 'Council meetings: planning, convening, status, live state, event log, calendar file, agenda PDF.' },
      { name: 'agenda', description: 'Agenda items, members\' proposals and attachments.' },
      { name: 'attendance', description: 'Check-in (room or remote), excuses, proxies, departures.' },
      { name: 'speaking', description: 'The item under way and the speaking queue.' },
      { name: 'notifications', description: 'What changed for me: convocations, agenda changes, decisions on my proposals.' },
      { name: 'votes', description: 'Votes on agenda items (device, hybrid, hands), ballots, room counts, results, body voting rules, register of decisions.' },
      { name: 'charters', description: 'Co-written texts of a body: versions, comparison, adoption by vote, signatures, exports.' },
      { name: 'minutes', description: 'Minutes of a meeting: draft from the record, facts, approval by vote, publication, exports.' },
      { name: 'workshops', description: 'World-café workshops: tables, participants, rotation plan, live run, round locks.' },
      { name: 'harvest', description: 'Harvest of a workshop: gathered ideas, themes, dot voting, synthesis.' },
      { name: 'actions', description: "A body's action plan: actions with owner, horizon and status." },
      { name: 'meta', description: 'This document.' }
    ],
    paths: allPaths,
    components: {
      schemas: allSchemas,
      parameters: allParameters,
      responses: {
        ...errorResponses,
        InternalError: { description: 'Unexpected failure (`internal`); no detail is given, the server log has it.', content: json(ref('ErrorEnvelope')) }
      },
      securitySchemes: {
        cookieAuth: {
          type: 'apiKey',
          in: 'cookie',
          name: 'concerto_session',
          description: 'Session cookie from `POST /auth/login`, `POST /setup` or accepting an invitation. HttpOnly, SameSite=Lax, sliding expiry (SESSION_DAYS, 30 by default).'
        },
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'A personal API token (`cnc_…`, from `POST /auth/tokens`) or a session token (from `POST /auth/login`).'
        },
        guestCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'concerto_guest',
          description: 'Guest cookie from `POST /guests/join`.'
        }
      }
    }
  };
}
