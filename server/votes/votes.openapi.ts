/**
 * OpenAPI 3.1 paths and schemas of the votes API (server/votes/votes.routes.ts), in the style of
 * server/api/openapi.ts, for it to merge: `paths` into its paths, `schemas` into
 * `components.schemas`, `parameters` into `components.parameters`. Responses refer to the error
 * responses openapi.ts already declares (`#/components/responses/<Name>`), and every operation
 * takes its `lang` parameter.
 *
 * @example
 * import { votesOpenApi } from '../votes/votes.openapi.ts';
 * const paths = { ...corePaths, ...votesOpenApi.paths };
 */
import { bilingual, dateTime, json, nullable, obj, opFor, ref, uuid, type Schema } from '../api/openapi-kit.ts';
import { CHOICES, DECISION_KINDS, VOTE_MODES, VOTE_RULES } from './votes.schemas.ts';

const op = opFor('votes');
const count: Schema = { type: 'integer', minimum: 0, maximum: 10_000 };

const RULES_TEXT =
  '`simple_majority` (majority of votes cast; abstentions are not votes cast), `absolute_majority_members` (more than half the frozen electorate), `two_thirds` (of votes cast), `majority_each_college` (landlord and tenant sides separately), `consensus` (no vote against), `advisory` (an opinion is recorded, nothing adopted). A tie is rejected unless the body gives its chair a casting vote and the chair uses it on closing.';

const paths: Record<string, Record<string, Schema>> = {
  '/meetings/{meetingId}/votes': {
    get: op({
      id: 'listMeetingVotes',
      summary: "The meeting's votes, oldest first",
      description: 'Open and closed. The running tally of a vote that hides it is null for those who do not run the meeting.',
      params: ['meetingId'],
      success: { status: '200', description: 'Votes.', schema: obj({ votes: { type: 'array', items: ref('Vote') } }) },
      errors: ['401', '404']
    }),
    post: op({
      id: 'openVote',
      summary: 'Open a vote on an agenda item of the live meeting',
      description: `Chair, secretary or admin of the body. The quorum must be met, or \`quorumOverrideReason\` given (recorded). The electorate (voting members present in the room or remotely, plus one ballot per member represented by a present proxy holder) is frozen now. One open vote per meeting. Without \`rule\`, the body's default rule applies; the body's casting vote and changeable-ballot settings are copied to the vote. Rules: ${RULES_TEXT} A choice among options is won by the most votes (\`simple_majority\`) or records a preference (\`advisory\`); other rules are refused for it (422, \`fields.rule\`).`,
      params: ['meetingId'],
      body: ref('VoteOpenInput'),
      success: { status: '201', description: 'The vote, open.', schema: obj({ vote: ref('Vote') }) },
      errors: ['400', '401', '403', '404', '409', '422']
    })
  },
  '/votes/{voteId}': {
    get: op({
      id: 'getVote',
      summary: 'A vote, its tally when shown, its result and (named votes, once closed) its roll call',
      params: ['voteId'],
      success: { status: '200', description: 'The vote.', schema: obj({ vote: ref('Vote') }) },
      errors: ['401', '404']
    })
  },
  '/votes/{voteId}/ballots': {
    post: op({
      id: 'castBallot',
      summary: 'Cast a ballot (own, or for a member one represents)',
      description:
        'Answered only once the ballot is committed. Idempotent: the same ballot again answers `alreadyCast: true` and stores nothing. A different ballot is refused (409) unless the vote is changeable, when it replaces the first (`changed: true`); a changeable secret ballot is changed only with the `receipt` its first cast returned. In a hybrid vote, voters who were in the room when it opened vote by show of hands (409). Secret votes never echo the choice and keep who voted apart from what was chosen.',
      params: ['voteId'],
      body: ref('BallotInput'),
      success: { status: '200', description: 'The ballot is recorded.', schema: obj({ ballot: ref('CastResult') }) },
      errors: ['400', '401', '403', '404', '409', '422']
    })
  },
  '/votes/{voteId}/room-counts': {
    put: op({
      id: 'setRoomCounts',
      summary: "Enter or correct the room's show-of-hands counts (hybrid and hands modes)",
      description:
        'Chair, secretary or admin. A motion takes `pour`, `contre`, `abstention` (per `college` when the rule is `majority_each_college`); a choice takes `options` (votes per option id) and `abstention` (blank). Totals above the number of people who may be counted (the room in hybrid mode, everyone in hands mode, proxies included) are refused with the reason (422). Every correction is kept in the audit log.',
      params: ['voteId'],
      body: { oneOf: [ref('MotionRoomCountsInput'), ref('ChoiceRoomCountsInput')] },
      success: { status: '200', description: 'The vote with its new tally.', schema: obj({ vote: ref('Vote') }) },
      errors: ['400', '401', '403', '404', '409', '422']
    })
  },
  '/votes/{voteId}/close': {
    post: op({
      id: 'closeVote',
      summary: 'Close a vote: the result is computed, stored and never changes again',
      description:
        "Chair, secretary or admin. The result (rule, counts, electorate, participation, times) is stored; the database refuses any later change. The decision is added to the body's register and a `vote.closed` line to the meeting's event log. `castingVote` decides a tie when the body gives its chair a casting vote ('pour' or 'contre', or an option id); otherwise 422.",
      params: ['voteId'],
      body: ref('VoteCloseInput'),
      bodyRequired: false,
      success: { status: '200', description: 'The closed vote with its result.', schema: obj({ vote: ref('Vote') }) },
      errors: ['400', '401', '403', '404', '409', '422']
    })
  },
  '/bodies/{bodyId}/vote-settings': {
    get: op({
      id: 'getBodyVoteSettings',
      summary: "The body's voting defaults",
      params: ['bodyId'],
      success: { status: '200', description: 'Settings.', schema: obj({ settings: ref('BodyVoteSettings') }) },
      errors: ['401', '404']
    }),
    put: op({
      id: 'setBodyVoteSettings',
      summary: "Set the body's voting defaults",
      description: 'Admins and secretaries of the body, organisation admins. Votes already open keep the settings they opened with. Recorded in the organisation\'s audit trail.',
      params: ['bodyId'],
      body: ref('BodyVoteSettingsInput'),
      success: { status: '200', description: 'The new settings.', schema: obj({ settings: ref('BodyVoteSettings') }) },
      errors: ['400', '401', '403', '404']
    })
  },
  '/bodies/{bodyId}/decisions': {
    get: op({
      id: 'listDecisions',
      summary: "The body's register of decisions, newest first",
      description: 'One line per closed vote, numbered within the body and the year (Paris time). Members of the body and organisation admins.',
      params: ['bodyId', 'decisionYear', 'decisionKind'],
      success: {
        status: '200',
        description: 'Decisions, and every year that has some (for the filter).',
        schema: obj({ decisions: { type: 'array', items: ref('Decision') }, years: { type: 'array', items: { type: 'integer' } } })
      },
      errors: ['400', '401', '404']
    })
  },
  '/bodies/{bodyId}/decisions.csv': {
    get: op({
      id: 'exportDecisionsCsv',
      summary: 'The register as CSV for spreadsheets',
      description:
        'UTF-8 with a byte-order mark, `;` between fields, CRLF line ends (what French Excel opens as is). Headings and result texts in French, or English with `?lang=en`. Same filters as the JSON register.',
      params: ['bodyId', 'decisionYear', 'decisionKind'],
      success: {
        status: '200',
        description: 'The CSV file.',
        content: { 'text/csv': { schema: { type: 'string' } } },
        headers: { 'Content-Disposition': { description: '`attachment; filename="registre-des-decisions[-<year>].csv"`', schema: { type: 'string' } } }
      },
      errors: ['400', '401', '404']
    })
  }
};

const parameters: Record<string, Schema> = {
  voteId: { name: 'voteId', in: 'path', required: true, description: 'Vote id. A malformed id answers 404 like an unknown one.', schema: uuid },
  decisionYear: { name: 'year', in: 'query', required: false, description: 'Only decisions of this year (Paris time).', schema: { type: 'integer', minimum: 2000, maximum: 2100 } },
  decisionKind: {
    name: 'kind',
    in: 'query',
    required: false,
    description: '`decision` (a motion under a deciding rule), `opinion` (an advisory motion: an *avis*), `choice` (a choice among options).',
    schema: { type: 'string', enum: [...DECISION_KINDS] }
  }
};

const triple = obj({ pour: count, contre: count, abstention: count });
const optionId: Schema = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$' };
const optionLabel: Schema = { type: 'string', minLength: 1, maxLength: 300 };
const option = obj({ id: optionId, label: optionLabel });

const schemas: Record<string, Schema> = {
  VoteRule: { type: 'string', enum: [...VOTE_RULES], description: RULES_TEXT },
  VoteOpenInput: obj(
    {
      itemId: uuid,
      question: { type: 'string', minLength: 2, maxLength: 1000 },
      kind: { type: 'string', enum: ['motion', 'choice'], default: 'motion' },
      options: {
        type: 'array',
        minItems: 2,
        maxItems: 50,
        items: { oneOf: [{ type: 'string', minLength: 1, maxLength: 300 }, obj({ id: optionId, label: optionLabel }, ['label'])] },
        description: 'Choice votes only: labels (ids `o1`, `o2`… are given) or `{id?, label}`. Labels must differ.'
      },
      maxChoices: { type: 'integer', minimum: 1, maximum: 50, description: 'Choice votes only: how many options a voter may choose (default 1).' },
      mode: { type: 'string', enum: [...VOTE_MODES], description: '`device`: everyone on a device; `hybrid`: remote voters on devices, the room by show of hands; `hands`: the secretariat counts all.' },
      secret: { type: 'boolean', default: false },
      rule: ref('VoteRule'),
      showTally: { type: 'boolean', default: true },
      quorumOverrideReason: nullable({ type: 'string', maxLength: 1000 })
    },
    ['itemId', 'question', 'mode'],
    { additionalProperties: false }
  ),
  BallotInput: obj(
    {
      choice: { type: 'string', description: `A motion: one of ${CHOICES.map((c) => `\`${c}\``).join(', ')}. A choice vote: one option id (or \`abstention\` for a blank ballot).` },
      optionIds: { type: 'array', items: { type: 'string' }, maxItems: 50, description: 'A choice vote: the options chosen, at most `maxChoices`; empty for a blank ballot.' },
      forPersonId: nullable({ ...uuid, description: 'The member represented, for a proxy holder; default: oneself.' }),
      receipt: nullable({ type: 'string', maxLength: 100, description: 'To change a changeable secret ballot: the receipt its first cast returned.' })
    },
    [],
    { additionalProperties: false }
  ),
  CastResult: obj(
    {
      voteId: uuid,
      forPersonId: uuid,
      alreadyCast: { type: 'boolean', description: 'A retry: nothing new was stored.' },
      changed: { type: 'boolean', description: 'An earlier ballot was replaced (changeable vote).' },
      message: { ...bilingual, description: '"Votre vote « pour » est enregistré." (a secret vote never echoes the choice).' },
      receipt: { type: 'string', description: 'Changeable secret votes: keep it on the device to change this ballot; the server keeps only its hash, linked to no one.' }
    },
    ['voteId', 'forPersonId', 'alreadyCast', 'message']
  ),
  MotionRoomCountsInput: obj({ college: nullable({ type: 'string', enum: ['landlord', 'tenant', 'other'] }), pour: count, contre: count, abstention: count }, ['pour', 'contre', 'abstention'], {
    additionalProperties: false
  }),
  ChoiceRoomCountsInput: obj({ options: { type: 'object', additionalProperties: count, description: 'Votes per option id.' }, abstention: { ...count, default: 0, description: 'Blank ballots.' } }, ['options'], {
    additionalProperties: false
  }),
  VoteCloseInput: obj({ castingVote: nullable({ type: 'string', description: "The chair's casting vote on a tie: `pour` or `contre`, or an option id." }) }, [], { additionalProperties: false }),
  VoteTally: obj(
    {
      total: { ...triple, description: 'For a choice vote, `abstention` counts blank ballots.' },
      colleges: obj({ landlord: triple, tenant: triple, other: triple }),
      device: triple,
      room: triple,
      deviceBallots: { type: 'integer', minimum: 0 },
      electorate: { type: 'integer', minimum: 0 },
      options: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 }, description: 'Choice votes: votes per option id.' },
      roomOptions: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 }, description: "Choice votes: the room's share of `options`." }
    },
    ['total', 'colleges', 'device', 'room', 'deviceBallots', 'electorate']
  ),
  VoteResult: obj(
    {
      outcome: { type: 'string', enum: ['adopted', 'rejected', 'favourable', 'unfavourable', 'no_opinion'] },
      reason: { type: 'string', description: 'Why, e.g. `majority`, `tie`, `tie_casting_vote`, `college_tenant_majority_against`, `most_votes`.' },
      cast: { type: 'integer', minimum: 0 },
      counts: triple,
      rule: ref('VoteRule'),
      text: { ...bilingual, examples: [{ fr: 'Adopté : 6 pour, 1 contre, 1 abstention (majorité des suffrages exprimés)', en: 'Adopted: 6 for, 1 against, 1 abstention (majority of votes cast)' }] },
      castingVote: obj({ allowed: { type: 'boolean' }, used: nullable({ type: 'string' }) }),
      winners: { type: 'array', items: { type: 'string' }, description: 'Choice votes: the option ids retained.' },
      tied: { type: 'array', items: { type: 'string' }, description: 'Choice votes: options tied for the last place, not retained.' },
      optionCounts: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
      blank: { type: 'integer', minimum: 0 }
    },
    ['outcome', 'reason', 'cast', 'counts', 'rule', 'text']
  ),
  Vote: obj({
    id: uuid,
    meetingId: uuid,
    itemId: uuid,
    question: { type: 'string' },
    kind: { type: 'string', enum: ['motion', 'choice'] },
    options: nullable({ type: 'array', items: option }),
    maxChoices: nullable({ type: 'integer', minimum: 1 }),
    changeable: { type: 'boolean' },
    castingVoteAllowed: { type: 'boolean' },
    mode: { type: 'string', enum: [...VOTE_MODES] },
    secret: { type: 'boolean' },
    rule: ref('VoteRule'),
    showTally: { type: 'boolean' },
    status: { type: 'string', enum: ['open', 'closed'] },
    openedAt: dateTime,
    closedAt: nullable(dateTime),
    quorumOverrideReason: nullable({ type: 'string' }),
    electorateSize: { type: 'integer', minimum: 0 },
    participation: { type: 'integer', minimum: 0, description: 'Device ballots so far (never who, for a secret vote).' },
    tally: nullable(ref('VoteTally')),
    result: nullable(ref('VoteResult')),
    rollCall: nullable({
      type: 'array',
      description: 'Named votes, once closed.',
      items: obj({ personId: uuid, name: { type: 'string' }, castBy: uuid, choice: nullable({ type: 'string', enum: [...CHOICES] }), optionIds: { type: 'array', items: { type: 'string' } } }, [
        'personId',
        'name',
        'castBy',
        'choice'
      ])
    })
  }),
  BodyVoteSettingsInput: obj({ defaultRule: ref('VoteRule'), chairCastingVote: { type: 'boolean' }, ballotsChangeable: { type: 'boolean' } }, undefined, { additionalProperties: false }),
  BodyVoteSettings: obj({ bodyId: uuid, defaultRule: ref('VoteRule'), chairCastingVote: { type: 'boolean' }, ballotsChangeable: { type: 'boolean' } }),
  Decision: obj({
    id: uuid,
    bodyId: uuid,
    meetingId: uuid,
    voteId: uuid,
    reference: { type: 'string', pattern: '^\\d{4}-\\d{3,}$', examples: ['2026-003'] },
    year: { type: 'integer' },
    number: { type: 'integer', minimum: 1 },
    decidedAt: dateTime,
    kind: { type: 'string', enum: [...DECISION_KINDS] },
    rule: ref('VoteRule'),
    outcome: { type: 'string' },
    question: { type: 'string' },
    itemTitle: { type: 'string' },
    meetingTitle: { type: 'string' },
    meetingStartsAt: dateTime,
    result: bilingual,
    counts: ref('VoteTally'),
    winners: nullable({ type: 'array', items: { type: 'string' } }),
    electorateSize: { type: 'integer', minimum: 0 },
    participation: { type: 'integer', minimum: 0 },
    secret: { type: 'boolean' },
    castingVote: nullable(obj({ allowed: { type: 'boolean' }, used: nullable({ type: 'string' }) })),
    quorumOverrideReason: nullable({ type: 'string' })
  })
};

export const votesOpenApi = { paths, schemas, parameters };
