/**
 * OpenAPI 3.1 paths and schemas of the charters API (server/charters/charters.routes.ts), in the
 * style of server/api/openapi.ts, for it to merge: `paths` into its paths, `schemas` into
 * `components.schemas`, `parameters` into `components.parameters` (`bodyId` and `lang` are
 * already there). Responses refer to the error responses openapi.ts declares.
 *
 * @example
 * import { chartersOpenApi } from '../charters/charters.openapi.ts';
 * const paths = { ...corePaths, ...chartersOpenApi.paths };
 */
import { bilingual, dateTime, json, nullable, obj, opFor, ref, uuid, uuidParam as kitUuidParam, type Schema } from '../api/openapi-kit.ts';
import { CHARTER_KINDS, CHARTER_STATUSES } from './charters.schemas.ts';

const op = opFor('charters');
const name = (max: number): Schema => ({ type: 'string', minLength: 2, maxLength: max });

const POLICY =
  'Anyone of the organisation reads a body’s texts; its members who are not observers (and organisation admins) create texts, edit them and save versions while a text is a draft or in review; the body’s chair, secretary or admin change the status and tie versions to adoption votes. Once adopted a text is read-only; its adopted version is what is signed.';

const paths: Record<string, Record<string, Schema>> = {
  '/bodies/{bodyId}/charters': {
    get: op({
      id: 'listCharters',
      summary: 'The co-written texts of a body, most recently changed first',
      description: POLICY,
      params: ['bodyId'],
      success: { status: '200', description: 'The texts, and whether the asker may create one', schema: obj({ charters: { type: 'array', items: ref('CharterSummary') }, canCreate: { type: 'boolean' } }) },
      errors: ['401', '404']
    }),
    post: op({
      id: 'createCharter',
      summary: 'Creates a text (a draft) of the body',
      params: ['bodyId'],
      body: obj({ title: name(200), kind: { type: 'string', enum: [...CHARTER_KINDS], default: 'charter' } }, ['title'], { additionalProperties: false }),
      success: { status: '201', description: 'The new text', schema: obj({ charter: ref('Charter') }) },
      errors: ['400', '401', '403', '404']
    })
  },
  '/charters/{charterId}': {
    get: op({
      id: 'getCharter',
      summary: 'A text with its status history, versions, adoption votes, signatures and what the asker may do',
      description:
        'Its living text is the Yjs document named in `docName` (y-websocket protocol at `/yjs/<docName>`; edit or read-only access as `capabilities.edit` says). Reading brings the adoption up to date: a tied vote that closed adopted marks its version adopted.',
      params: ['charterId'],
      success: { status: '200', description: 'The text', schema: obj({ charter: ref('Charter') }) },
      errors: ['401', '404']
    })
  },
  '/charters/{charterId}/status': {
    post: op({
      id: 'changeCharterStatus',
      summary: 'Changes the status: draft ⇄ in_review, adopted → signed (once signed by someone), signed → published',
      description: '`adopted` is never set by hand: only the adoption vote does that. Every change is recorded (who, when).',
      params: ['charterId'],
      body: obj({ to: { type: 'string', enum: ['draft', 'in_review', 'signed', 'published'] } }, ['to'], { additionalProperties: false }),
      success: { status: '200', description: 'The text after the change', schema: obj({ charter: ref('Charter') }) },
      errors: ['400', '401', '403', '404', '409']
    })
  },
  '/charters/{charterId}/versions': {
    get: op({
      id: 'listCharterVersions',
      summary: 'Named versions, newest first',
      params: ['charterId'],
      success: { status: '200', description: 'The versions', schema: obj({ versions: { type: 'array', items: ref('CharterVersionSummary') } }) },
      errors: ['401', '404']
    }),
    post: op({
      id: 'saveCharterVersion',
      summary: 'Saves the text as it is now as a named, numbered version, which never changes afterwards',
      description: 'Stores the Yjs state and the ProseMirror JSON. Refused (409) once the text is adopted.',
      params: ['charterId'],
      body: obj({ name: name(200) }, ['name'], { additionalProperties: false }),
      success: { status: '201', description: 'The version', schema: obj({ version: ref('CharterVersionSummary') }) },
      errors: ['400', '401', '403', '404', '409']
    })
  },
  '/charters/{charterId}/versions/{versionId}': {
    get: op({
      id: 'getCharterVersion',
      summary: 'A version: its text (ProseMirror JSON) and, for the adopted version, its signatures',
      params: ['charterId', 'versionId'],
      success: { status: '200', description: 'The version', schema: obj({ version: ref('CharterVersion') }) },
      errors: ['401', '404']
    })
  },
  '/charters/{charterId}/versions/{versionId}/export.{format}': {
    get: op({
      id: 'exportCharterVersion',
      summary: 'Downloads a version as a tagged PDF or as a Word (DOCX) file',
      description: 'In the language of `lang`: title, version name and date on the first page.',
      params: ['charterId', 'versionId', 'exportFormat'],
      success: {
        status: '200',
        description: 'The file, as an attachment',
        content: {
          'application/pdf': { schema: { type: 'string', format: 'binary' } },
          'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { schema: { type: 'string', format: 'binary' } }
        },
        headers: { 'Content-Disposition': { schema: { type: 'string' }, description: 'attachment; filename="<title>-v<number>.<format>"' } }
      },
      errors: ['401', '404']
    })
  },
  '/charters/{charterId}/compare': {
    get: op({
      id: 'compareCharterVersions',
      summary: 'What changed from one version to another, block by block and word by word',
      description: 'Blocks are headings, paragraphs, list items and table rows in reading order; a block that changed lists its parts as `same`, `del` (removed) or `ins` (added).',
      params: ['charterId', 'fromVersion', 'toVersion'],
      success: { status: '200', description: 'The comparison', schema: obj({ comparison: ref('CharterComparison') }) },
      errors: ['400', '401', '404']
    })
  },
  '/charters/{charterId}/adoptions': {
    post: op({
      id: 'tieCharterAdoptionVote',
      summary: 'Ties a motion vote of one of the body’s meetings to one named version',
      description:
        'When the vote closes adopted, that version becomes the adopted text (status `adopted`, recorded with the vote, and in the meeting’s audit log). A draft goes to review. A vote adopts at most one version.',
      params: ['charterId'],
      body: obj({ versionId: uuid, voteId: uuid }, ['versionId', 'voteId'], { additionalProperties: false }),
      success: { status: '201', description: 'The text after the change', schema: obj({ charter: ref('Charter') }) },
      errors: ['400', '401', '403', '404', '409', '422']
    })
  },
  '/charters/{charterId}/signatures': {
    post: op({
      id: 'signCharter',
      summary: 'Records a party’s signature on the adopted version',
      description: 'Refused (409) before adoption. Written into the hash-chained audit log of the meeting whose vote adopted the text.',
      params: ['charterId'],
      body: obj({ name: name(200), role: name(200), organisation: name(200) }, ['name', 'role', 'organisation'], { additionalProperties: false }),
      success: { status: '201', description: 'The signature', schema: obj({ signature: ref('CharterSignature') }) },
      errors: ['400', '401', '403', '404', '409']
    })
  }
};

const uuidParam = (n: string, what: string, where: 'path' | 'query' = 'path') => kitUuidParam(n, what, where, `${what} (uuid)`);

const parameters = {
  charterId: uuidParam('charterId', 'Text'),
  versionId: uuidParam('versionId', 'Version'),
  fromVersion: uuidParam('from', 'The earlier version', 'query'),
  toVersion: uuidParam('to', 'The later version', 'query'),
  exportFormat: { name: 'format', in: 'path', required: true, schema: { type: 'string', enum: ['pdf', 'docx'] } }
};

const status: Schema = { type: 'string', enum: [...CHARTER_STATUSES] };
const versionSummary = {
  id: uuid,
  number: { type: 'integer', minimum: 1 },
  name: { type: 'string' },
  author: nullable({ type: 'string' }),
  createdAt: dateTime,
  adopted: { type: 'boolean' }
};
const summary = {
  id: uuid,
  bodyId: uuid,
  title: { type: 'string' },
  kind: { type: 'string', enum: [...CHARTER_KINDS] },
  status,
  versions: { type: 'integer', minimum: 0 },
  updatedAt: dateTime
};
const diffPart = obj({ op: { type: 'string', enum: ['same', 'ins', 'del'] }, text: { type: 'string' } });

const schemas: Record<string, Schema> = {
  CharterSummary: obj(summary),
  Charter: obj({
    ...summary,
    organisationId: uuid,
    bodyName: { type: 'string' },
    adoptedVersionId: nullable(uuid),
    adoptedVoteId: nullable(uuid),
    docName: { type: 'string', examples: ['charter:0f8c…'] },
    capabilities: obj({ edit: { type: 'boolean' }, manage: { type: 'boolean' }, sign: { type: 'boolean' } }),
    history: { type: 'array', items: obj({ from: nullable(status), to: status, by: nullable({ type: 'string' }), voteId: nullable(uuid), at: dateTime }) },
    versionList: { type: 'array', items: ref('CharterVersionSummary') },
    adoptions: {
      type: 'array',
      items: obj({
        voteId: uuid,
        versionId: uuid,
        versionNumber: { type: 'integer' },
        question: { type: 'string' },
        meetingId: uuid,
        meetingTitle: { type: 'string' },
        voteStatus: { type: 'string', enum: ['open', 'closed'] },
        outcome: nullable({ type: 'string' }),
        resultText: nullable(bilingual)
      })
    },
    signatures: { type: 'array', items: ref('CharterSignature') }
  }),
  CharterVersionSummary: obj(versionSummary),
  CharterVersion: obj({
    ...versionSummary,
    charterId: uuid,
    charterTitle: { type: 'string' },
    content: { type: 'object', description: 'ProseMirror JSON (`doc` with paragraphs, headings, lists, tables, links)' },
    signatures: { type: 'array', items: ref('CharterSignature') }
  }),
  CharterSignature: obj({ id: uuid, versionId: uuid, name: { type: 'string' }, role: { type: 'string' }, organisation: { type: 'string' }, signedAt: dateTime }),
  CharterComparison: obj({
    from: ref('CharterVersionSummary'),
    to: ref('CharterVersionSummary'),
    diff: obj({
      blocks: {
        type: 'array',
        items: obj({
          change: { type: 'string', enum: ['same', 'added', 'removed', 'changed'] },
          kind: { type: 'string', enum: ['heading1', 'heading2', 'heading3', 'paragraph', 'bullet', 'ordered', 'table-row', 'quote'] },
          parts: { type: 'array', items: diffPart }
        })
      },
      wordsAdded: { type: 'integer', minimum: 0 },
      wordsRemoved: { type: 'integer', minimum: 0 },
      unchanged: { type: 'boolean' }
    })
  })
};

export const chartersOpenApi = { paths, schemas, parameters };
