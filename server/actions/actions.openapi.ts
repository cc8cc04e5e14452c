/**
 * OpenAPI 3.1 paths and schemas of a body's action plan (server/actions/actions.routes.ts), for
 * server/api/openapi.ts to merge: `paths` into its paths, `schemas` into `components.schemas`,
 * `parameters` into `components.parameters` (`bodyId` and `lang` are already there).
 */
import { ACTION_STATUSES } from './actions.schemas.ts';
import { dateTime, nullable, obj, opFor, ref, uuid, uuidParam, type Schema } from '../api/openapi-kit.ts';

const op = opFor('actions');
const status: Schema = { type: 'string', enum: [...ACTION_STATUSES], description: '`validee` (validée), `en_cours` (en cours), `a_etudier` (à étudier).' };
const horizon: Schema = { type: 'integer', minimum: 2000, maximum: 2100, description: 'The year the action is planned for.' };
const POLICY = 'Members of the body and organisation admins read the plan; the body’s chair, secretary or admin (and organisation admins) edit it.';

const fields: Record<string, Schema> = {
  title: { type: 'string', minLength: 2, maxLength: 200 },
  description: { type: 'string', maxLength: 4000 },
  ownerPersonId: nullable(uuid),
  ownerText: nullable({ type: 'string', maxLength: 200 }),
  horizon: nullable(horizon),
  status
};
const input = (required: string[], extra: Record<string, Schema> = {}) => obj({ ...fields, ...extra }, required, { additionalProperties: false });

const paths: Record<string, Record<string, Schema>> = {
  '/bodies/{bodyId}/actions': {
    get: op({
      id: 'listActions',
      summary: 'A body’s action plan, by horizon then status',
      description: POLICY,
      params: ['bodyId', 'actionStatusFilter', 'actionHorizonFilter'],
      success: { status: '200', description: 'The actions', schema: obj({ actions: { type: 'array', items: ref('Action') } }) },
      errors: ['400', '401', '404']
    }),
    post: op({
      id: 'createAction',
      summary: 'Adds an action (status `a_etudier` unless given)',
      description: `${POLICY} \`sourceMeetingId\` names the meeting of the body it came from.`,
      params: ['bodyId'],
      body: input(['title'], { sourceMeetingId: nullable(uuid) }),
      success: { status: '201', description: 'The action', schema: obj({ action: ref('Action') }) },
      errors: ['400', '401', '403', '404', '422']
    })
  },
  '/bodies/{bodyId}/actions/review-item': {
    post: op({
      id: 'addActionReviewItem',
      summary: 'Adds to a meeting of the body an information item “Suivi du plan d’actions” listing the actions by status',
      description: 'The item’s text (French, like the agenda) lists each status with its actions, horizon and owner. For the body’s managers; the meeting must be of this body and not closed (422).',
      params: ['bodyId'],
      body: obj({ meetingId: uuid }, ['meetingId'], { additionalProperties: false }),
      success: { status: '201', description: 'The agenda item', schema: obj({ item: { type: 'object', description: 'The agenda item, as the meetings API returns it' } }) },
      errors: ['400', '401', '403', '404', '422']
    })
  },
  '/actions/{actionId}': {
    get: op({
      id: 'getAction',
      summary: 'An action with the history of its status changes',
      params: ['actionId'],
      success: { status: '200', description: 'The action', schema: obj({ action: { allOf: [ref('Action'), obj({ history: { type: 'array', items: ref('ActionStatusChange') } })] } }) },
      errors: ['401', '404']
    }),
    patch: op({
      id: 'updateAction',
      summary: 'Changes an action; a new status is added to its history',
      description: 'A named owner replaces a free-text owner and the other way round.',
      params: ['actionId'],
      body: input([]),
      success: { status: '200', description: 'The action', schema: obj({ action: ref('Action') }) },
      errors: ['400', '401', '403', '404', '422']
    }),
    delete: op({ id: 'deleteAction', summary: 'Deletes an action', params: ['actionId'], success: { status: '204', description: 'Deleted' }, errors: ['401', '403', '404'] })
  }
};

const schemas: Record<string, Schema> = {
  Action: obj({
    id: uuid,
    bodyId: uuid,
    title: { type: 'string' },
    description: { type: 'string' },
    ownerPersonId: nullable(uuid),
    ownerText: nullable({ type: 'string' }),
    ownerName: nullable({ type: 'string' }),
    horizon: nullable(horizon),
    status,
    source: obj({
      kind: { type: 'string', enum: ['manual', 'workshop', 'meeting', 'decision'] },
      workshopId: nullable(uuid),
      ideaId: nullable(uuid),
      meetingId: nullable(uuid),
      label: nullable({ type: 'string' })
    }),
    createdAt: dateTime,
    updatedAt: dateTime
  }),
  ActionStatusChange: obj({ from: nullable(status), to: status, by: nullable({ type: 'string' }), at: dateTime })
};

const parameters = {
  actionId: uuidParam('actionId', 'Action'),
  actionStatusFilter: { name: 'status', in: 'query', required: false, schema: status },
  actionHorizonFilter: { name: 'horizon', in: 'query', required: false, schema: horizon }
};

export const actionsOpenApi = { paths, schemas, parameters };
