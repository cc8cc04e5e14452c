import type { Services } from './services.ts';

// SvelteKit's server bundle has its own copy of every module it imports, so the service
// instances built by the composition root are handed over through one well-known global.
const KEY = Symbol.for('concerto.services');

export function publishServices(services: Services | null): void {
  (globalThis as Record<symbol, unknown>)[KEY] = services;
}

export function publishedServices(): Services {
  const s = (globalThis as Record<symbol, unknown>)[KEY] as Services | undefined;
  if (!s) throw new Error('Concerto services are not started: run the app through server/main.ts or server/dev.ts');
  return s;
}
