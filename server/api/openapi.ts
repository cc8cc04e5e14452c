/**
 * OpenAPI 3.1 description of /api/v1, served at `/api/v1/openapi.json` and explained in prose in
 * docs/API.md. It mirrors server/api/router.ts and the zod schemas the services validate with
 * (`*.schemas.ts`); `openapi.spec.ts` fails when a route in the router is missing here.
 *
 * @example
 * curl -s http://localhost:3000/api/v1/openapi.json | jq '.paths | keys'
 */

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: Schema): Schema => ({ oneOf: [schema, { type: 'null' }] });
const json = (schema: Schema) => ({ 'application/json': { schema } });
const obj = (properties: Record<string, Schema>, required: string[] = Object.keys(properties), extra: Schema = {}): Schema => ({
  type: 'object',
  properties,
  required,
  ...extra
});

const uuid: Schema = { type: 'string', format: 'uuid' };
const dateTime: Schema = { type: 'string', format: 'date-time' };
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
    description: 'The change conflicts with existing data (duplicate email or short name, already set up, sub-bodies still open…).',
    codes: ['conflict', 'setup_done']
  },
  '422': {
    name: 'Unprocessable',
    description: 'Well-formed input that breaks a rule needing the database (a parent body or person from another organisation, a cycle, the last admin…).',
    codes: ['unprocessable']
  },
  '429': {
    name: 'RateLimited',
    description: 'Too many attempts (login: 10 per account and 50 per address in 15 minutes; guest joins: 30 per address in 10 minutes).',
    codes: ['rate_limited']
  }
};

type Status = '200' | '201' | '204' | '400' | '401' | '403' | '404' | '409' | '422' | '429';

function responses(success: { status: '200' | '201' | '204'; description: string; schema?: Schema; headers?: Schema }, errors: Status[]) {
  const out: Record<string, unknown> = {
    [success.status]: {
      description: success.description,
      ...(success.schema ? { content: json(success.schema) } : {}),
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
  params?: string[];
  body?: Schema;
  bodyRequired?: boolean;
  /** `public`: no authentication; `guest`: the guest cookie. Default: session cookie or bearer token. */
  auth?: 'public' | 'guest';
  success: { status: '200' | '201' | '204'; description: string; schema?: Schema; headers?: Schema };
  errors: Status[];
}

function op(o: Op): Schema {
  return {
    operationId: o.id,
    tags: [o.tag],
    summary: o.summary,
    ...(o.description ? { description: o.description } : {}),
    parameters: [...(o.params ?? []).map((p) => ({ $ref: `#/components/parameters/${p}` })), { $ref: '#/components/parameters/lang' }],
    ...(o.body ? { requestBody: { required: o.bodyRequired ?? true, content: json(o.body) } } : {}),
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
  'rate_limited',
  'setup_done',
  'internal'
];

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
  })
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

/** OpenAPI 3.1 description of /api/v1 (see docs/API.md). */
export function openApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Concerto API',
      version,
      summary: 'Organisations, bodies, people, memberships, invitations and guest access of a Concerto install.',
      description:
        'JSON in and out. Authenticate with the session cookie set by `POST /auth/login` (changes must then be sent as `application/json`) or with `Authorization: Bearer <token>` (a personal API token or a session token). Every error has the shape `{"error":{"code","message","messageEn","fields"}}`; messages are French by default, English with `?lang=en` or `Accept-Language: en`. See docs/API.md.',
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
      { name: 'meta', description: 'This document.' }
    ],
    paths,
    components: {
      schemas,
      parameters,
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
