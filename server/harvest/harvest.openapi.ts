/**
 * OpenAPI 3.1 paths and schemas of a workshop's harvest (server/harvest/harvest.routes.ts), for
 * server/api/openapi.ts to merge: `paths` into its paths, `schemas` into `components.schemas`,
 * `parameters` into `components.parameters` (`lang` is already there). The same operations exist
 * as Socket.IO events (`harvest:*`, src/lib/protocol/events.ts), which also push the board after
 * each change.
 */
import { ACTION_STATUSES } from '../actions/actions.schemas.ts';
import { nullable, obj, opFor, ref, uuid, uuidParam, type Schema } from '../api/openapi-kit.ts';

const op = opFor('harvest');
const WHO =
  'Members of the workshop’s body (and people added to the workshop) and guests who joined this workshop with its code (guest cookie). Observers read only. Gathering, rules, stages and making actions are for the body’s chair, secretary or admin, organisation admins and the workshop’s creator.';
const ok = obj({ ok: { type: 'boolean', const: true } });

const paths: Record<string, Record<string, Schema>> = {
  '/workshops/{workshopId}/harvest': {
    get: op({
      id: 'getHarvest',
      summary: 'The harvest board, the asker’s dots and what the asker may do',
      description: `${WHO} While results are hidden, \`dots\` and \`ranking\` are null.`,
      params: ['workshopId'],
      success: { status: '200', description: 'The board', schema: obj({ state: ref('HarvestState'), mine: ref('HarvestMine'), capabilities: ref('HarvestCapabilities') }) },
      errors: ['401', '404']
    })
  },
  '/workshops/{workshopId}/harvest/gather': {
    post: op({
      id: 'gatherHarvest',
      summary: 'Copies every table’s tablecloth notes onto the board; a note already gathered is not added again',
      params: ['workshopId'],
      success: { status: '200', description: 'How many new ideas', schema: obj({ added: { type: 'integer', minimum: 0 } }) },
      errors: ['401', '403', '404']
    })
  },
  '/workshops/{workshopId}/harvest/settings': {
    patch: op({
      id: 'updateHarvestSettings',
      summary: 'Voting rules: dots per person (default 5), several dots on one idea, results live or hidden until everyone has voted',
      description: 'Only while grouping and before any dot (409 otherwise).',
      params: ['workshopId'],
      body: obj({ dotsPerPerson: { type: 'integer', minimum: 1, maximum: 20 }, allowStacking: { type: 'boolean' }, resultsMode: { type: 'string', enum: ['live', 'hidden'] } }, [], { additionalProperties: false }),
      success: { status: '200', description: 'The board', schema: obj({ state: ref('HarvestState') }) },
      errors: ['400', '401', '403', '404', '409']
    })
  },
  '/workshops/{workshopId}/harvest/phase': {
    post: op({
      id: 'setHarvestPhase',
      summary: 'Moves the harvest to grouping, voting or closed (back to grouping only before any dot)',
      params: ['workshopId'],
      body: obj({ phase: { type: 'string', enum: ['grouping', 'voting', 'closed'] } }, ['phase'], { additionalProperties: false }),
      success: { status: '200', description: 'The board', schema: obj({ state: ref('HarvestState') }) },
      errors: ['400', '401', '403', '404', '409']
    })
  },
  '/workshops/{workshopId}/harvest/themes': {
    post: op({
      id: 'createHarvestTheme',
      summary: 'Adds a theme at the end',
      params: ['workshopId'],
      body: obj({ name: { type: 'string', minLength: 1, maxLength: 120 } }, ['name'], { additionalProperties: false }),
      success: { status: '201', description: 'The theme', schema: obj({ theme: ref('HarvestTheme') }) },
      errors: ['400', '401', '403', '404', '409']
    })
  },
  '/harvest-themes/{themeId}': {
    patch: op({
      id: 'renameHarvestTheme',
      summary: 'Renames a theme',
      params: ['themeId'],
      body: obj({ name: { type: 'string', minLength: 1, maxLength: 120 } }, ['name'], { additionalProperties: false }),
      success: { status: '200', description: 'Renamed', schema: ok },
      errors: ['400', '401', '403', '404', '409']
    }),
    delete: op({ id: 'deleteHarvestTheme', summary: 'Deletes a theme; its ideas become ungrouped', params: ['themeId'], success: { status: '204', description: 'Deleted' }, errors: ['401', '403', '404', '409'] })
  },
  '/harvest-ideas/{ideaId}/move': {
    post: op({
      id: 'moveHarvestIdea',
      summary: 'Moves an idea into a theme (`themeId` null: ungrouped) at a position (absent: at the end)',
      params: ['ideaId'],
      body: obj({ themeId: nullable(uuid), index: { type: 'integer', minimum: 0 } }, ['themeId'], { additionalProperties: false }),
      success: { status: '200', description: 'Moved', schema: ok },
      errors: ['400', '401', '403', '404', '409', '422']
    })
  },
  '/harvest-ideas/{ideaId}/dots': {
    post: op({
      id: 'placeHarvestDot',
      summary: 'Places one of the asker’s dots on the idea',
      description: 'Refused (409) outside voting, beyond the dots allowed (enforced by a database check, also under concurrent requests), or a second dot on one idea when stacking is off.',
      params: ['ideaId'],
      success: { status: '201', description: 'The asker’s dots', schema: obj({ mine: ref('HarvestMine') }) },
      errors: ['401', '403', '404', '409']
    }),
    delete: op({
      id: 'removeHarvestDot',
      summary: 'Takes back one of the asker’s dots from the idea',
      params: ['ideaId'],
      success: { status: '200', description: 'The asker’s dots', schema: obj({ mine: ref('HarvestMine') }) },
      errors: ['401', '403', '404', '409']
    })
  },
  '/harvest-ideas/{ideaId}/action': {
    post: op({
      id: 'makeHarvestIdeaAction',
      summary: 'Makes the idea an action of the body’s action plan (once: again answers the same action with 200)',
      params: ['ideaId'],
      body: obj(
        {
          title: { type: 'string', minLength: 2, maxLength: 200 },
          horizon: nullable({ type: 'integer', minimum: 2000, maximum: 2100 }),
          status: { type: 'string', enum: [...ACTION_STATUSES] },
          ownerText: nullable({ type: 'string', maxLength: 200 })
        },
        [],
        { additionalProperties: false }
      ),
      success: { status: '201', description: 'The action made', schema: obj({ actionId: uuid, created: { type: 'boolean' } }) },
      errors: ['400', '401', '403', '404']
    })
  },
  '/workshops/{workshopId}/synthesis.pdf': {
    get: op({
      id: 'getWorkshopSynthesisPdf',
      summary: 'The workshop’s synthesis as a tagged PDF: tables and questions, notes and host summaries per round, themes, ranking, actions',
      params: ['workshopId'],
      success: { status: '200', description: 'PDF', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } },
      errors: ['401', '404']
    })
  },
  '/workshops/{workshopId}/synthesis.docx': {
    get: op({
      id: 'getWorkshopSynthesisDocx',
      summary: 'The same synthesis as a Word document',
      params: ['workshopId'],
      success: { status: '200', description: 'DOCX', content: { 'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { schema: { type: 'string', format: 'binary' } } } },
      errors: ['401', '404']
    })
  },
  '/workshops/{workshopId}/harvest.csv': {
    get: op({
      id: 'getHarvestCsv',
      summary: 'Ideas and dots as CSV (semicolons, UTF-8 with BOM): idea, table, round, author, theme, dots',
      params: ['workshopId'],
      success: { status: '200', description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } },
      errors: ['401', '404']
    })
  }
};

const schemas: Record<string, Schema> = {
  HarvestTheme: obj({ id: uuid, name: { type: 'string' }, position: { type: 'integer' } }),
  HarvestIdea: obj({
    id: uuid,
    tableId: uuid,
    tableName: { type: 'string' },
    round: { type: 'integer' },
    text: { type: 'string' },
    authorName: nullable({ type: 'string' }),
    colour: { type: 'string' },
    themeId: nullable(uuid),
    position: { type: 'integer' },
    dots: nullable({ type: 'integer', minimum: 0 }),
    actionId: nullable(uuid)
  }),
  HarvestState: obj({
    workshopId: uuid,
    workshopTitle: { type: 'string' },
    bodyId: uuid,
    rev: { type: 'integer' },
    phase: { type: 'string', enum: ['grouping', 'voting', 'closed'] },
    settings: obj({ dotsPerPerson: { type: 'integer' }, allowStacking: { type: 'boolean' }, resultsMode: { type: 'string', enum: ['live', 'hidden'] } }),
    gatheredAt: nullable({ type: 'string', format: 'date-time' }),
    themes: { type: 'array', items: ref('HarvestTheme') },
    ideas: { type: 'array', items: ref('HarvestIdea') },
    resultsVisible: { type: 'boolean' },
    ranking: nullable({ type: 'array', items: obj({ id: uuid, dots: { type: 'integer' }, rank: { type: 'integer' } }) }),
    progress: obj({ voted: { type: 'integer' }, voters: { type: 'integer' } })
  }),
  HarvestMine: obj({ workshopId: uuid, dots: { type: 'object', additionalProperties: { type: 'integer' } }, used: { type: 'integer' }, allowed: { type: 'integer' } }),
  HarvestCapabilities: obj({ canManage: { type: 'boolean' }, canGroup: { type: 'boolean' }, canVote: { type: 'boolean' } })
};

const parameters = {
  workshopId: uuidParam('workshopId', 'Workshop'),
  themeId: uuidParam('themeId', 'Theme'),
  ideaId: uuidParam('ideaId', 'Idea')
};

export const harvestOpenApi = { paths, schemas, parameters };
