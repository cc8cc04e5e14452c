import { readFileSync } from 'node:fs';
import type { RequestHandler } from 'express';
import pino from 'pino';
import { createServer as createVite, type ViteDevServer } from 'vite';
import { ConfigError, loadConfig } from './config.ts';
import { createConcerto } from './app.ts';

/**
 * `npm run dev`: the same composition root as production, with Vite in middleware mode
 * serving the pages with hot reload, on one http.Server.
 */
const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
let config;
try {
  config = loadConfig(process.env, version);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}
const logger = pino({ level: config.logLevel, base: { app: 'concerto' }, transport: undefined });

let vite: ViteDevServer | undefined;
const webHandler: RequestHandler = (req, res, next) => {
  if (!vite) return next();
  vite.middlewares(req, res, next);
};
const concerto = await createConcerto({
  config,
  logger,
  webHandler,
  // Vite's HMR socket is the only other upgrade allowed, in dev only.
  onOtherUpgrade: (req) => String(req.headers['sec-websocket-protocol'] ?? '').includes('vite-hmr')
});
vite = await createVite({
  server: { middlewareMode: true, hmr: { server: concerto.httpServer } },
  appType: 'custom'
});
const { url } = await concerto.listen();
logger.info({ url }, `Concerto (dev) prêt / ready: ${url}`);

const stop = async () => {
  await vite?.close();
  await concerto.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
