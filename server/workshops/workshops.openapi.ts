/**
 * OpenAPI 3.1 paths and schemas of world-café workshops (server/workshops/workshops.routes.ts), for
 * server/api/openapi.ts to merge: `paths` into its paths, `schemas` into `components.schemas`,
 * `parameters` into `components.parameters` (`bodyId` and `lang` are already there).
 * The live run is also driven over Socket.IO (`workshop:join`, `workshop:control`,
 * `workshop:lock-round`; the server sends `workshop:state`), see src/lib/protocol/events.ts.
 */
import { dateTime, nullable, obj, opFor, ref, uuid, uuidParam, type Schema } from '../api/openapi-kit.ts';

const op = opFor('workshops');
const college: Schema = { type: 'string', enum: ['landlord', 'tenant', 'other'] };
const FACILITATE = 'Organisation administrators and the body’s chair, secretary or admin (`manageMeeting`); others answer 403.';
const VIEW = 'The body’s members, organisation administrators, the workshop’s participants, and guests who joined with this workshop’s code (guests see only this workshop).';

const grid: Schema = {
  description: 'A criteria grid (rows × columns). In a form, each list may be sent as text separated by `;`.',
  ...nullable(obj({ rows: { type: 'array', items: { type: 'string', maxLength: 80 }, minItems: 1, maxItems: 12 }, columns: { type: 'array', items: { type: 'string', maxLength: 80 }, minItems: 1, maxItems: 6 } }))
};
const tableInput = (required: string[]) =>
  obj(
    {
      name: { type: 'string', minLength: 1, maxLength: 120 },
      question: { type: 'string', maxLength: 1000 },
      hostParticipantId: { anyOf: [uuid, { type: 'string', const: '' }, { type: 'null' }], description: 'A participant of the workshop, who stays at the table every round.' },
      grid
    },
    required,
    { additionalProperties: false }
  );
const workshopFields: Record<string, Schema> = {
  title: { type: 'string', minLength: 2, maxLength: 200 },
  purpose: { type: 'string', maxLength: 4000 },
  roundCount: { type: 'integer', minimum: 1, maximum: 8, default: 3 },
  roundMinutes: { type: 'integer', minimum: 1, maximum: 180, default: 20 },
  anonymousNotes: { type: 'boolean', default: false }
};
const plan: Schema = { type: 'array', items: { type: 'object', additionalProperties: uuid }, description: 'One map per round: participant id → table id (hosts are not listed: they stay at their table).' };
const planCheck = obj({
  plan: nullable(plan),
  violations: {
    type: 'array',
    items: obj(
      {
        kind: { type: 'string', enum: ['unknown_table', 'unknown_participant', 'missing_participant', 'host_moved', 'table_repeated', 'round_count', 'unbalanced', 'single_side'] },
        severity: { type: 'string', enum: ['error', 'warning'] },
        round: { type: 'integer' },
        participantId: { type: 'string' },
        tableId: { type: 'string' }
      },
      ['kind', 'severity']
    )
  }
});

const paths: Record<string, Record<string, Schema>> = {
  '/bodies/{bodyId}/workshops': {
    get: op({
      id: 'listWorkshops',
      summary: 'A body’s workshops, latest first',
      description: 'The body’s members and organisation administrators.',
      params: ['bodyId'],
      success: { status: '200', description: 'The workshops', schema: obj({ workshops: { type: 'array', items: ref('WorkshopSummary') } }) },
      errors: ['401', '404']
    }),
    post: op({
      id: 'createWorkshop',
      summary: 'Prepares a workshop (draft) with its tables',
      description: FACILITATE,
      params: ['bodyId'],
      body: obj({ ...workshopFields, tables: { type: 'array', maxItems: 12, items: tableInput(['name']) } }, ['title'], { additionalProperties: false }),
      success: { status: '201', description: 'Created', schema: obj({ workshop: ref('WorkshopSummary') }) },
      errors: ['400', '401', '403', '404', '422']
    })
  },
  '/workshops/{workshopId}': {
    get: op({
      id: 'getWorkshop',
      summary: 'The workshop’s full live state, and what the asker may do',
      description: VIEW,
      params: ['workshopId'],
      success: { status: '200', description: 'State and capabilities', schema: obj({ state: ref('WorkshopState'), capabilities: ref('WorkshopCapabilities') }) },
      errors: ['401', '404']
    }),
    patch: op({
      id: 'updateWorkshop',
      summary: 'Changes the title, purpose, rounds or anonymity of notes',
      description: FACILITATE,
      params: ['workshopId'],
      body: obj(workshopFields, [], { additionalProperties: false }),
      success: { status: '200', description: 'The workshop', schema: obj({ workshop: ref('WorkshopSummary') }) },
      errors: ['400', '401', '403', '404', '409']
    })
  },
  '/workshops/{workshopId}/tables': {
    post: op({
      id: 'addWorkshopTable',
      summary: 'Adds a table (before the first round)',
      description: FACILITATE,
      params: ['workshopId'],
      body: tableInput(['name']),
      success: { status: '201', description: 'The table', schema: obj({ table: ref('WorkshopTable') }) },
      errors: ['400', '401', '403', '404', '409', '422']
    })
  },
  '/workshop-tables/{tableId}': {
    patch: op({
      id: 'updateWorkshopTable',
      summary: 'Changes a table (its host only before the first round)',
      description: FACILITATE,
      params: ['tableId'],
      body: tableInput([]),
      success: { status: '200', description: 'The table', schema: obj({ table: ref('WorkshopTable') }) },
      errors: ['400', '401', '403', '404', '409', '422']
    }),
    delete: op({ id: 'removeWorkshopTable', summary: 'Removes a table (before the first round)', description: FACILITATE, params: ['tableId'], success: { status: '204', description: 'Removed' }, errors: ['401', '403', '404', '409'] })
  },
  '/workshops/{workshopId}/participants': {
    post: op({
      id: 'addWorkshopParticipant',
      summary: 'Adds a person of the organisation (college defaults to their seat on the body)',
      description: FACILITATE,
      params: ['workshopId'],
      body: obj({ personId: uuid, college }, ['personId'], { additionalProperties: false }),
      success: { status: '201', description: 'The participant', schema: obj({ participant: ref('WorkshopParticipant') }) },
      errors: ['400', '401', '403', '404', '409', '422']
    })
  },
  '/workshops/{workshopId}/participants/body-members': {
    post: op({
      id: 'addWorkshopBodyMembers',
      summary: 'Adds every member of the body not yet taking part',
      description: FACILITATE,
      params: ['workshopId'],
      success: { status: '200', description: 'How many were added', schema: obj({ added: { type: 'integer' } }) },
      errors: ['401', '403', '404', '409']
    })
  },
  '/workshop-participants/{participantId}': {
    patch: op({
      id: 'updateWorkshopParticipant',
      summary: 'Changes a participant’s college, or marks an arrival or departure',
      description: `${FACILITATE} During the run, an arrival or departure re-plans the rounds after the current one.`,
      params: ['participantId'],
      body: obj({ college, present: { type: 'boolean' } }, [], { additionalProperties: false }),
      success: { status: '200', description: 'The participant', schema: obj({ participant: ref('WorkshopParticipant') }) },
      errors: ['400', '401', '403', '404', '409']
    }),
    delete: op({ id: 'removeWorkshopParticipant', summary: 'Removes a participant (before the first round)', description: FACILITATE, params: ['participantId'], success: { status: '204', description: 'Removed' }, errors: ['401', '403', '404', '409'] })
  },
  '/workshops/{workshopId}/join': {
    post: op({
      id: 'joinWorkshop',
      summary: 'The asker takes part: a member of the body (not an observer), or a guest of this workshop',
      params: ['workshopId'],
      success: { status: '200', description: 'What the asker may now do', schema: obj({ capabilities: ref('WorkshopCapabilities') }) },
      errors: ['401', '403', '404', '409']
    })
  },
  '/workshops/{workshopId}/plan': {
    get: op({ id: 'getWorkshopPlan', summary: 'The rotation plan and its violations', description: FACILITATE, params: ['workshopId'], success: { status: '200', description: 'Plan and check', schema: planCheck }, errors: ['401', '403', '404'] }),
    post: op({
      id: 'generateWorkshopPlan',
      summary: 'Proposes a rotation plan (seeded, deterministic); during the run, only the rounds not yet played',
      description: `${FACILITATE} Hosts stay; everyone changes table each round while tables remain; tables are even; people meet as many new people as possible; colleges are mixed.`,
      params: ['workshopId'],
      body: obj({ seed: { type: 'integer', minimum: 0 } }, [], { additionalProperties: false }),
      success: { status: '200', description: 'Plan and check', schema: planCheck },
      errors: ['400', '401', '403', '404', '409', '422']
    }),
    put: op({
      id: 'saveWorkshopPlan',
      summary: 'Saves a plan edited by hand',
      description: `${FACILITATE} Refused (400, one field per broken rule: \`rounds.<index>.<participantId>\`) when a host moves, someone returns to a table, a table is unknown or someone has no table; uneven tables and tables without one side are warnings.`,
      params: ['workshopId'],
      body: obj({ rounds: plan }),
      success: { status: '200', description: 'Plan and check', schema: planCheck },
      errors: ['400', '401', '403', '404', '409']
    })
  },
  '/workshops/{workshopId}/guest-code': {
    post: op({
      id: 'workshopGuestCode',
      summary: 'The code and QR code guests join with (made on first call, valid 24 h)',
      description: FACILITATE,
      params: ['workshopId'],
      success: { status: '200', description: 'The code', schema: obj({ join: obj({ code: { type: 'string', pattern: '^[A-Z0-9]{6}$' }, joinUrl: { type: 'string', format: 'uri' }, qrSvg: { type: 'string' }, expiresAt: dateTime }) }) },
      errors: ['401', '403', '404']
    })
  },
  '/workshops/{workshopId}/control': {
    post: op({
      id: 'controlWorkshop',
      summary: 'Runs the workshop: start, next, pause, resume, extend, message, close',
      description: `${FACILITATE} Same as the Socket.IO event \`workshop:control\`; every phone in the room gets the new state.`,
      params: ['workshopId'],
      body: {
        oneOf: [
          obj({ action: { type: 'string', enum: ['start', 'next', 'pause', 'resume', 'close'] } }),
          obj({ action: { const: 'extend' }, minutes: { type: 'integer', minimum: 1, maximum: 60 } }),
          obj({ action: { const: 'message' }, text: { type: 'string', maxLength: 300, description: 'Empty clears the message.' } })
        ]
      },
      success: { status: '200', description: 'The new state', schema: obj({ state: ref('WorkshopState') }) },
      errors: ['400', '401', '403', '404', '409', '422']
    })
  },
  '/workshops/{workshopId}/locks': {
    post: op({
      id: 'lockWorkshopRound',
      summary: 'Locks a round’s notes on one table’s tablecloth',
      description: 'The table’s host or a facilitator; a round not yet played answers 409. Recorded in PostgreSQL; the tablecloth shows that round read-only.',
      params: ['workshopId'],
      body: obj({ tableId: uuid, round: { type: 'integer', minimum: 1, maximum: 8 } }),
      success: { status: '204', description: 'Locked' },
      errors: ['400', '401', '403', '404', '409']
    })
  }
};

const schemas: Record<string, Schema> = {
  WorkshopSummary: obj({
    id: uuid,
    organisationId: uuid,
    bodyId: uuid,
    bodyName: { type: 'string' },
    title: { type: 'string' },
    purpose: { type: 'string' },
    status: { type: 'string', enum: ['draft', 'live', 'closed'] },
    roundCount: { type: 'integer' },
    roundMinutes: { type: 'integer' },
    anonymousNotes: { type: 'boolean' }
  }),
  WorkshopTable: obj({
    id: uuid,
    position: { type: 'integer' },
    name: { type: 'string' },
    question: { type: 'string' },
    hostParticipantId: nullable(uuid),
    hostName: nullable({ type: 'string' }),
    grid: nullable(obj({ rows: { type: 'array', items: { type: 'string' } }, columns: { type: 'array', items: { type: 'string' } } }))
  }),
  WorkshopParticipant: obj({ id: uuid, name: { type: 'string' }, kind: { type: 'string', enum: ['person', 'guest'] }, personId: nullable(uuid), college, present: { type: 'boolean' } }),
  WorkshopCapabilities: obj({ facilitate: { type: 'boolean' }, edit: { type: 'boolean', description: 'May write on the tablecloths.' }, participantId: nullable(uuid) }),
  WorkshopState: obj({
    rev: { type: 'integer', description: 'Rises with every committed change; keep the highest.' },
    serverTime: dateTime,
    workshop: ref('WorkshopSummary'),
    round: obj({
      current: { type: 'integer', description: '0 before the first round.' },
      startedAt: nullable(dateTime),
      endsAt: nullable(dateTime),
      pausedAt: nullable(dateTime),
      remainingSeconds: nullable({ type: 'integer' })
    }),
    message: nullable(obj({ text: { type: 'string' }, at: dateTime })),
    tables: { type: 'array', items: ref('WorkshopTable') },
    participants: { type: 'array', items: ref('WorkshopParticipant') },
    plan: nullable(plan),
    locks: { type: 'object', additionalProperties: { type: 'array', items: { type: 'integer' } }, description: 'Locked rounds per table id.' }
  })
};

export const workshopsOpenApi = {
  paths,
  schemas,
  parameters: {
    workshopId: uuidParam('workshopId', 'Workshop'),
    tableId: uuidParam('tableId', 'Workshop table'),
    participantId: uuidParam('participantId', 'Workshop participant')
  }
};
