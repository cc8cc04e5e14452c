/**
 * The server without the pages, as a process of its own, for tests that kill it: the same
 * composition root and shutdown as server/main.ts, minus build/handler.js. Configured from the
 * environment (DATA_DIR, DATABASE_URL, ...; PORT defaults to a free port, HOST to 127.0.0.1);
 * prints one JSON line `{"port":...,"url":...}` on stdout once it listens. Logs go to stderr.
 *
 * @example
 * DATA_DIR=/tmp/concerto-x node --import tsx tests/helpers/api-only-server.ts
 */
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { createConcerto } from '../../server/app.ts';
import { ConfigError, loadConfig } from '../../server/config.ts';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

let config;
try {
  config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...process.env }, version);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}
const logger = pino({ level: config.logLevel, base: { app: 'concerto' } }, pino.destination(2));
const concerto = await createConcerto({ config, logger });
const { port, url } = await concerto.listen();
process.stdout.write(`${JSON.stringify({ port, url })}\n`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  try {
    await concerto.close();
    process.exit(0);
  } catch (err) {
    logger.error({ err }, 'shutdown failed');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
