/**
 * OpenAPI 3.1 paths and schemas of the minutes API (server/minutes/minutes.routes.ts), in the
 * style of server/api/openapi.ts, for it to merge: `paths` into its paths, `schemas` into
 * `components.schemas`. Parameters (`meetingId`, `lang`) and error responses are those
 * openapi.ts already declares.
 *
 * @example
 * import { minutesOpenApi } from '../minutes/minutes.openapi.ts';
 * const paths = { ...corePaths, ...minutesOpenApi.paths };
 */

import { dateTime, json, nullable, obj, ref, uuid, type Schema } from '../api/openapi-kit.ts';

const ERROR_NAMES = { '400': 'BadRequest', '401': 'Unauthorised', '403': 'Forbidden', '404': 'NotFound', '409': 'Conflict', '422': 'Unprocessable' } as const;
type Status = keyof typeof ERROR_NAMES;

interface Op {
  id: string;
  summary: string;
  description?: string;
  body?: Schema;
  success: { description: string; schema?: Schema; content?: Record<string, Schema> };
  errors: Status[];
}

function op(o: Op): Schema {
  const responses: Record<string, unknown> = { '200': { description: o.success.description, content: o.success.content ?? json(o.success.schema!) } };
  for (const status of o.errors) responses[status] = { $ref: `#/components/responses/${ERROR_NAMES[status]}` };
  responses.default = { $ref: '#/components/responses/InternalError' };
  return {
    operationId: o.id,
    tags: ['minutes'],
    summary: o.summary,
    ...(o.description ? { description: o.description } : {}),
    parameters: [{ $ref: '#/components/parameters/meetingId' }, { $ref: '#/components/parameters/lang' }],
    ...(o.body ? { requestBody: { required: true, content: json(o.body) } } : {}),
    responses
  };
}

const WHO =
  'The secretariat (chair, secretary or admin of the body, organisation admins) once the meeting is live or closed; the body’s tenant representatives (tenant college, not observers) once it is closed and a draft exists; every member of the body once published. Others: 403 (members of the body) or 404.';

const paths: Record<string, Record<string, Schema>> = {
  '/meetings/{meetingId}/minutes': {
    get: op({
      id: 'getMinutes',
      summary: 'The minutes of a meeting: status, facts from the record, approval votes, what the asker may do',
      description: `${WHO} The text itself is the co-edited Yjs document \`minutes:<meetingId>\` (\`/yjs/minutes:<meetingId>\`) while a draft; from submission on, \`content\` holds the frozen text. Reading also approves submitted minutes whose approval vote has closed adopted.`,
      success: { description: 'The minutes.', schema: obj({ minutes: ref('Minutes') }) },
      errors: ['401', '403', '404', '409']
    })
  },
  '/meetings/{meetingId}/minutes/draft': {
    post: op({
      id: 'generateMinutesDraft',
      summary: 'Generate the draft from the meeting record (French, in the shape of a CCL compte rendu)',
      description:
        'Secretariat only, meeting live or closed, minutes in draft. Header (body, date, place), attendance (present in the room, remote, represented and by whom, excused, absent), agenda, each item with its notes ("Sujets évoqués"), votes (question, rule, counts, result) and "Décisions", then a record of decisions. Written into the empty document; if the document has text, it is never replaced: 409 with `fields.mode`, unless `mode` is `append`, which adds the draft as a new dated section at the end. The facts stated (date, place, attendance, proxies, vote results) are stored for the check.',
      body: obj({ mode: { type: 'string', enum: ['new', 'append'], default: 'new' } }, []),
      success: { description: 'The minutes after generation.', schema: obj({ minutes: ref('Minutes') }) },
      errors: ['400', '401', '403', '404', '409']
    })
  },
  '/meetings/{meetingId}/minutes/check': {
    get: op({
      id: 'checkMinutes',
      summary: 'Facts of the record the text no longer states, and counts that contradict it',
      description: `${WHO} Spaces, apostrophes and case are ignored. A count written as "N pour, N contre, N abstention(s)" that no recorded vote has is a contradiction.`,
      success: { description: 'The check.', schema: obj({ check: ref('MinutesCheck') }) },
      errors: ['401', '403', '404', '409']
    })
  },
  '/meetings/{meetingId}/minutes/transitions': {
    post: op({
      id: 'transitionMinutes',
      summary: 'Submit for approval, return to draft, or publish',
      description:
        'Secretariat only. `submitted` from `draft` (needs a generated draft and a text that agrees with the record, else 409; the text is frozen as submitted), `draft` from `submitted`, `published` from `approved` (every member of the body gets an in-app notice `minutes.published`). `approved` is reached only by an approval vote.',
      body: obj({ to: { type: 'string', enum: ['submitted', 'draft', 'published'] } }),
      success: { description: 'The minutes in their new status.', schema: obj({ minutes: ref('Minutes') }) },
      errors: ['400', '401', '403', '404', '409']
    })
  },
  '/meetings/{meetingId}/minutes/approval-candidates': {
    get: op({
      id: 'listMinutesApprovalCandidates',
      summary: 'Votes of later meetings of the same body that could approve these minutes',
      description: 'Secretariat only. Votes not already approving other minutes, oldest meeting first.',
      success: { description: 'Votes.', schema: obj({ votes: { type: 'array', items: ref('MinutesApprovalVote') } }) },
      errors: ['401', '403', '404', '409']
    })
  },
  '/meetings/{meetingId}/minutes/approvals': {
    post: op({
      id: 'linkMinutesApproval',
      summary: 'Tie a vote of a later meeting to these submitted minutes',
      description:
        'Secretariat only, minutes submitted. When the vote closes adopted (or with a favourable opinion), the minutes are approved, whichever instance hears it first, and on any later read. A vote of this meeting, an earlier meeting or another body: 422 with `fields.voteId`.',
      body: obj({ voteId: uuid }),
      success: { description: 'The minutes (approved already if the vote had closed adopted).', schema: obj({ minutes: ref('Minutes') }) },
      errors: ['400', '401', '403', '404', '409', '422']
    })
  },
  '/meetings/{meetingId}/minutes.pdf': {
    get: op({
      id: 'downloadMinutesPdf',
      summary: 'The minutes as a tagged (accessible) PDF, in French',
      description: `${WHO} The live text while a draft, the submitted text afterwards; the status under the title.`,
      success: { description: 'PDF (`attachment; filename="compte-rendu-<date>.pdf"`).', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } },
      errors: ['401', '403', '404', '409']
    })
  },
  '/meetings/{meetingId}/minutes.docx': {
    get: op({
      id: 'downloadMinutesDocx',
      summary: 'The minutes as a Word document (headings, lists, tables)',
      description: `${WHO} Same text as the PDF.`,
      success: {
        description: 'DOCX (`attachment; filename="compte-rendu-<date>.docx"`).',
        content: { 'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { schema: { type: 'string', format: 'binary' } } }
      },
      errors: ['401', '403', '404', '409']
    })
  }
};

const fact = obj(
  {
    id: { type: 'string', description: '`header:date`, `header:place`, `attendance:<personId>`, `proxy:<personId>`, `vote:<voteId>`.' },
    kind: { type: 'string', enum: ['header', 'attendance', 'proxy', 'vote'] },
    label: { type: 'string', description: 'What the fact is, in French.' },
    text: { type: 'string', description: 'The words the text must contain.' },
    counts: obj({ pour: { type: 'integer' }, contre: { type: 'integer' }, abstention: { type: 'integer' } })
  },
  ['id', 'kind', 'label', 'text']
);

const approvalVote = obj({
  voteId: uuid,
  question: { type: 'string' },
  meetingId: uuid,
  meetingTitle: { type: 'string' },
  startsAt: dateTime,
  status: { type: 'string', enum: ['open', 'closed'] },
  result: nullable({ type: 'string', description: 'The result sentence, e.g. "Adopté : 6 pour, 1 contre, 1 abstention (majorité des suffrages exprimés)".' }),
  approves: { type: 'boolean' }
});

const schemas: Record<string, Schema> = {
  MinutesFact: fact,
  MinutesApprovalVote: approvalVote,
  MinutesCheck: obj({
    ok: { type: 'boolean' },
    missing: { type: 'array', items: ref('MinutesFact') },
    contradictions: { type: 'array', items: obj({ text: { type: 'string' } }) }
  }),
  Minutes: obj({
    meetingId: uuid,
    meetingTitle: { type: 'string' },
    meetingStatus: { type: 'string', enum: ['draft', 'convened', 'live', 'closed'] },
    bodyId: uuid,
    bodyName: { type: 'string' },
    startsAt: dateTime,
    docName: { type: 'string', description: 'The Yjs document: `minutes:<meetingId>`.' },
    status: { type: 'string', enum: ['draft', 'submitted', 'approved', 'published'] },
    generated: { type: 'boolean' },
    generations: { type: 'integer', minimum: 0 },
    generatedAt: nullable(dateTime),
    submittedAt: nullable(dateTime),
    approvedAt: nullable(dateTime),
    publishedAt: nullable(dateTime),
    facts: { type: 'array', items: ref('MinutesFact') },
    approvals: { type: 'array', items: ref('MinutesApprovalVote') },
    approvedBy: nullable(ref('MinutesApprovalVote')),
    content: nullable({ type: 'object', description: 'The submitted text as ProseMirror JSON (null while a draft).' }),
    can: obj({
      read: { type: 'boolean' },
      edit: { type: 'boolean' },
      generate: { type: 'boolean' },
      submit: { type: 'boolean' },
      reopen: { type: 'boolean' },
      linkApproval: { type: 'boolean' },
      publish: { type: 'boolean' }
    })
  })
};

export const minutesOpenApi = { paths, schemas };
