import { readFileSync } from 'node:fs';
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

/** Every `r.<method>('<path>'` in the router, as OpenAPI keys (`:param` becomes `{param}`). */
function routerRoutes(): string[] {
  const source = readFileSync(new URL('./router.ts', import.meta.url), 'utf8');
  const routes = [...source.matchAll(/\br\.(get|post|patch|delete)\(\s*'([^']+)'/g)].map(
    ([, method, path]) => `${method} ${path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}')}`
  );
  return routes;
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

  it('documents every route registered in router.ts', () => {
    const routes = routerRoutes();
    expect(routes.length).toBeGreaterThan(20);
    const documented = new Set(documentedRoutes());
    expect(routes.filter((r) => !documented.has(r))).toEqual([]);
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

  it('describes cookie and bearer authentication, and lets the public routes through', () => {
    const schemes = doc.components.securitySchemes as Record<string, { type: string; in?: string; scheme?: string }>;
    expect(schemes.cookieAuth).toMatchObject({ type: 'apiKey', in: 'cookie' });
    expect(schemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const route of ['/auth/login', '/setup', '/guests/join', '/invitations/by-token/{token}/accept']) {
      expect(doc.paths[route].post.security, route).toEqual([]);
    }
  });
});
