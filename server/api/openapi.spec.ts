import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from './openapi.ts';

type Operation = { operationId?: string; responses?: Record<string, unknown>; security?: unknown[] };
type Doc = {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, unknown>>;
};

const doc = openApiDocument('9.9.9') as unknown as Doc;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** The files that register routes on the /api/v1 router: the router itself and every feature's `*.routes.ts` it mounts. */
const serverDir = new URL('../', import.meta.url);
const ROUTE_FILES = [
  './router.ts',
  ...readdirSync(serverDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(new URL(`${d.name}/`, serverDir)).filter((f) => f.endsWith('.routes.ts')).map((f) => `../${d.name}/${f}`))
];

/**
 * Every `r.<method>('<path>'` in one file, as OpenAPI keys (`:param` becomes `{param}`). `\s*`
 * spans line breaks, so a call whose path is on the next line (`r.post(\n  '/…'`) counts too.
 */
function routesIn(file: string): string[] {
  const source = readFileSync(new URL(file, import.meta.url), 'utf8');
  return [...source.matchAll(/\br\.(get|post|put|patch|delete)\(\s*'([^']+)'/g)].map(
    ([, method, path]) => `${method} ${path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}')}`
  );
}

function routerRoutes(): string[] {
  return ROUTE_FILES.flatMap(routesIn);
}

function documentedRoutes(): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => METHODS.includes(m))
      .map((m) => `${m} ${path}`)
  );
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and carries the running version', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe('9.9.9');
  });

  it('finds the routes of both files, multi-line calls and PUT included', () => {
    expect(routesIn('./router.ts').length).toBeGreaterThan(20);
    const meetingRoutes = routesIn('../meetings/meetings.routes.ts');
    expect(meetingRoutes.length).toBeGreaterThan(20);
    expect(meetingRoutes).toContain('post /agenda-items/{itemId}/attachments');
    expect(meetingRoutes).toContain('put /meetings/{meetingId}/attendance');
    expect(new Set(routerRoutes()).size).toBe(routerRoutes().length);
  });

  it('scans every feature that registers routes', () => {
    for (const feature of ['meetings', 'votes', 'charters', 'minutes', 'workshops', 'harvest', 'actions']) {
      expect(ROUTE_FILES).toContain(`../${feature}/${feature}.routes.ts`);
    }
  });

  it('documents every route registered in router.ts and the features\' routes files', () => {
    const documented = new Set(documentedRoutes());
    expect(routerRoutes().filter((r) => !documented.has(r))).toEqual([]);
  });

  it('documents no route the router does not have', () => {
    const routes = new Set(routerRoutes());
    expect(documentedRoutes().filter((r) => !routes.has(r))).toEqual([]);
  });

  it('gives every operation a unique id, a success answer and the error envelope', () => {
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method} ${path}`;
        expect(op.operationId, where).toBeTruthy();
        expect(ids.has(op.operationId!), `duplicate operationId at ${where}`).toBe(false);
        ids.add(op.operationId!);
        const statuses = Object.keys(op.responses ?? {});
        expect(statuses.some((s) => /^2\d\d$/.test(s)), where).toBe(true);
        expect(statuses, where).toContain('default');
      }
    }
  });

  it('declares every path parameter it uses', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(item) as Array<{ parameters?: Array<{ $ref: string }> }>) {
        const declared = (op.parameters ?? []).map((p) => {
          const key = p.$ref.split('/').pop()!;
          return (doc.components.parameters[key] as { name: string; in: string }).name;
        });
        for (const name of names) expect(declared, `${path}: {${name}}`).toContain(name);
      }
    }
  });

  it('resolves every $ref inside the document', () => {
    const missing: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') {
          const [, , section, name] = value.split('/');
          if (!doc.components[section]?.[name]) missing.push(value);
        } else walk(value);
      }
    };
    walk(doc);
    expect(missing).toEqual([]);
  });

  it('describes the non-JSON bodies: raw attachment upload, calendar file, agenda PDF', () => {
    type Media = Record<string, { schema?: unknown }>;
    type Op = { requestBody?: { content: Media }; responses: Record<string, { content?: Media }>; parameters?: Array<{ $ref: string }> };
    const paths = doc.paths as unknown as Record<string, Record<string, Op>>;
    const upload = paths['/agenda-items/{itemId}/attachments'].post;
    expect(Object.keys(upload.requestBody!.content).sort()).toEqual(['application/pdf', 'image/gif', 'image/jpeg', 'image/png', 'image/webp']);
    expect(upload.parameters).toContainEqual({ $ref: '#/components/parameters/filename' });
    expect(Object.keys(upload.responses)).toEqual(expect.arrayContaining(['201', '413', '422']));
    expect(Object.keys(paths['/meetings/{meetingId}/convocation.ics'].get.responses['200'].content!)).toEqual(['text/calendar']);
    expect(Object.keys(paths['/meetings/{meetingId}/agenda.pdf'].get.responses['200'].content!)).toEqual(['application/pdf']);
  });

  it('describes cookie and bearer authentication, and lets the public routes through', () => {
    const schemes = doc.components.securitySchemes as Record<string, { type: string; in?: string; scheme?: string }>;
    expect(schemes.cookieAuth).toMatchObject({ type: 'apiKey', in: 'cookie' });
    expect(schemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const route of ['/auth/login', '/setup', '/guests/join', '/invitations/by-token/{token}/accept']) {
      expect(doc.paths[route].post.security, route).toEqual([]);
    }
  });
});
