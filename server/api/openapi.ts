/** OpenAPI 3.1 description of /api/v1 (filled in route by route; see docs/API.md). */
export function openApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'Concerto API', version },
    servers: [{ url: '/api/v1' }],
    paths: {}
  };
}
