/**
 * Builders shared by server/api/openapi.ts and every feature's `<feature>.openapi.ts`: schema
 * shorthands and `opFor(tag)`, an operation with its parameters, body, success answer and the
 * error responses openapi.ts declares.
 *
 * @example
 * const op = opFor('votes');
 * const paths = { '/votes/{voteId}': { get: op({ id: 'getVote', summary: 'A vote', params: ['voteId'], success: { status: '200', description: 'The vote', schema: ref('Vote') }, errors: ['401', '404'] }) } };
 */
export type Schema = Record<string, unknown>;

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
export const nullable = (schema: Schema): Schema => ({ oneOf: [schema, { type: 'null' }] });
export const json = (schema: Schema) => ({ 'application/json': { schema } });
export const obj = (properties: Record<string, Schema>, required: string[] = Object.keys(properties), extra: Schema = {}): Schema => ({
  type: 'object',
  properties,
  required,
  ...extra
});
export const uuid: Schema = { type: 'string', format: 'uuid' };
export const dateTime: Schema = { type: 'string', format: 'date-time' };
export const bilingual: Schema = obj({ fr: { type: 'string' }, en: { type: 'string' } });
export const uuidParam = (n: string, what: string, where: 'path' | 'query' = 'path', description = `${what} id.`) => ({
  name: n,
  in: where,
  required: true,
  description,
  schema: uuid
});

const ERROR_NAMES: Record<string, string> = {
  '400': 'BadRequest',
  '401': 'Unauthorised',
  '403': 'Forbidden',
  '404': 'NotFound',
  '409': 'Conflict',
  '422': 'Unprocessable'
};
export type Status = keyof typeof ERROR_NAMES;

export interface Op {
  id: string;
  summary: string;
  description?: string;
  params?: string[];
  body?: Schema;
  /** Whether the body is required (default true). */
  bodyRequired?: boolean;
  success: { status: '200' | '201' | '204'; description: string; schema?: Schema; content?: Record<string, Schema>; headers?: Schema };
  errors: Status[];
}

export function opFor(tag: string) {
  return (o: Op): Schema => {
    const responses: Record<string, unknown> = {
      [o.success.status]: {
        description: o.success.description,
        ...(o.success.status === '204' ? {} : { content: o.success.content ?? json(o.success.schema!) }),
        ...(o.success.headers ? { headers: o.success.headers } : {})
      }
    };
    for (const status of o.errors) responses[status] = { $ref: `#/components/responses/${ERROR_NAMES[status]}` };
    responses.default = { $ref: '#/components/responses/InternalError' };
    return {
      operationId: o.id,
      tags: [tag],
      summary: o.summary,
      ...(o.description ? { description: o.description } : {}),
      parameters: [...(o.params ?? []).map((p) => ({ $ref: `#/components/parameters/${p}` })), { $ref: '#/components/parameters/lang' }],
      ...(o.body ? { requestBody: { required: o.bodyRequired ?? true, content: json(o.body) } } : {}),
      responses
    };
  };
}
