import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RequestHandler } from 'express';
import pino from 'pino';
import { ConfigError, loadConfig } from './config.ts';
import { createConcerto } from './app.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * Production entry: `npm start` builds the pages if needed, then runs this file.
 * The built SvelteKit handler is mounted last in Express (STACK.md trap 2).
 */
async function main(): Promise<void> {
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
  const logger = pino({ level: config.logLevel, base: { app: 'concerto' } });

  // adapter-node assumes https when it has no ORIGIN (trap 3), which breaks form actions over
  // plain http; tell it the real protocol through a header we set ourselves on each request.
  process.env.PROTOCOL_HEADER ??= 'x-concerto-proto';
  if (config.origin) process.env.ORIGIN = config.origin;
  const handlerPath = join(root, 'build', 'handler.js');
  if (!existsSync(handlerPath)) {
    logger.fatal('build/handler.js is missing: run `npm run build` (npm start does it for you)');
    process.exit(1);
  }
  const { handler } = (await import(pathToFileURL(handlerPath).href)) as { handler: RequestHandler };
  const webHandler: RequestHandler = (req, res, next) => {
    req.headers['x-concerto-proto'] = req.protocol;
    handler(req, res, next);
  };

  const started = Date.now();
  const concerto = await createConcerto({ config, logger, webHandler });
  const { url } = await concerto.listen();
  logger.info({ url, db: concerto.services.db.kind, ms: Date.now() - started }, `Concerto prêt / ready: ${url}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took over 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    try {
      await concerto.close();
      logger.info('stopped cleanly');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

await main();
