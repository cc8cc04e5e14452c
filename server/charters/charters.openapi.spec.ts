import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chartersOpenApi } from './charters.openapi.ts';

const refs = (value: unknown, out: string[] = []): string[] => {
  if (Array.isArray(value)) value.forEach((v) => refs(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
};

describe('charters OpenAPI', () => {
  it('documents every route of charters.routes.ts', () => {
    const source = readFileSync(new URL('./charters.routes.ts', import.meta.url), 'utf8');
    const routes = [...source.matchAll(/r\.(get|post)\('([^']+)'/g)].map(([, method, path]) => `${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
    const documented = Object.entries(chartersOpenApi.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`));
    expect(documented.sort()).toEqual(routes.sort());
  });

  it('refers only to schemas and parameters it declares (or the core bodyId, lang and error responses)', () => {
    for (const ref of refs(chartersOpenApi)) {
      const [, , kind, name] = ref.split('/');
      if (kind === 'schemas') expect(chartersOpenApi.schemas, ref).toHaveProperty(name);
      else if (kind === 'parameters') expect(['bodyId', 'lang', ...Object.keys(chartersOpenApi.parameters)], ref).toContain(name);
      else expect(kind, ref).toBe('responses');
    }
  });
});
