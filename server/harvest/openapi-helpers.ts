/** Small builders for the OpenAPI fragments of the harvest and the action plan (same shapes as server/api/openapi.ts). */
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
export const uuidParam = (n: string, what: string) => ({ name: n, in: 'path', required: true, description: `${what} id.`, schema: uuid });

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
  success: { status: '200' | '201' | '204'; description: string; schema?: Schema; content?: Record<string, Schema> };
  errors: Status[];
}

export function opFor(tag: string) {
  return (o: Op): Schema => {
    const responses: Record<string, unknown> = {
      [o.success.status]: {
        description: o.success.description,
        ...(o.success.status === '204' ? {} : { content: o.success.content ?? json(o.success.schema!) })
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
      ...(o.body ? { requestBody: { required: true, content: json(o.body) } } : {}),
      responses
    };
  };
}
