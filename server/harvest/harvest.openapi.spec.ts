import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { actionsOpenApi } from '../actions/actions.openapi.ts';
import { harvestOpenApi } from './harvest.openapi.ts';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const routesIn = (file: string) =>
  [...readFileSync(new URL(file, import.meta.url), 'utf8').matchAll(/\br\.(get|post|put|patch|delete)\(\s*'([^']+)'/g)].map(
    ([, method, path]) => `${method} ${path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}')}`
  );
const documented = (paths: Record<string, Record<string, unknown>>) =>
  Object.entries(paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => METHODS.includes(m))
      .map((m) => `${m} ${path}`)
  );

describe('OpenAPI fragments of the harvest and the action plan (for server/api/openapi.ts to merge)', () => {
  it('document exactly the routes their route files register', () => {
    expect(documented(harvestOpenApi.paths).sort()).toEqual(routesIn('./harvest.routes.ts').sort());
    expect(documented(actionsOpenApi.paths).sort()).toEqual(routesIn('../actions/actions.routes.ts').sort());
  });

  it('refer only to schemas and parameters they define, or that openapi.ts already has', () => {
    const text = JSON.stringify([harvestOpenApi.paths, harvestOpenApi.schemas, actionsOpenApi.paths, actionsOpenApi.schemas]);
    const schemas = new Set([...Object.keys(harvestOpenApi.schemas), ...Object.keys(actionsOpenApi.schemas)]);
    const params = new Set([...Object.keys(harvestOpenApi.parameters), ...Object.keys(actionsOpenApi.parameters), 'bodyId', 'lang']);
    for (const [, name] of text.matchAll(/#\/components\/schemas\/([A-Za-z]+)/g)) expect(schemas, name).toContain(name);
    for (const [, name] of text.matchAll(/#\/components\/parameters\/([A-Za-z]+)/g)) expect(params, name).toContain(name);
    for (const item of [...Object.values(harvestOpenApi.paths), ...Object.values(actionsOpenApi.paths)])
      for (const op of Object.values(item)) expect((op as { operationId?: string }).operationId).toBeTruthy();
  });
});
