import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import express, { type RequestHandler } from 'express';
import { Redis } from 'ioredis';
import { createAdapter } from '@socket.io/redis-adapter';
import pino, { type Logger } from 'pino';
import { CloseCodes } from '../src/lib/protocol/close-codes.ts';
import type { Config } from './config.ts';
import type { Db } from './db/db.ts';
import { runMigrations } from './db/migrate.ts';
import { openDb } from './db/open-db.ts';
import { createApiRouter } from './api/router.ts';
import { createMailer } from './mail/mailer.ts';
import { createSocketServer, type ConcertoIo } from './realtime/socket-server.ts';
import { YjsDocumentRegistry } from './realtime/yjs-documents.ts';
import { buildServices, type Services } from './services.ts';
import { publishServices } from './context.ts';
import { createYjsServer } from './yjs/yjs-server.ts';
import { createRedisYjsBus } from './yjs/redis-yjs-bus.ts';

export interface ConcertoOptions {
  config: Config;
  logger?: Logger;
  /** An already-open database (tests share one PGlite); otherwise opened from the config. */
  db?: Db;
  /** Serves the pages: the built SvelteKit handler in production, Vite's middlewares in dev. Mounted last. */
  webHandler?: RequestHandler;
  /** Upgrades that are neither Socket.IO nor Yjs (Vite's HMR socket in dev). */
  onOtherUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;
}

export interface Concerto {
  services: Services;
  httpServer: HttpServer;
  io: ConcertoIo;
  yjs: YjsDocumentRegistry;
  listen(port?: number, host?: string): Promise<{ port: number; url: string }>;
  /** Graceful stop: refuse new work, flush pending writes, close clients, close the database. */
  close(): Promise<void>;
}

/** The composition root: builds every service once and wires the transports to them. */
export async function createConcerto(opts: ConcertoOptions): Promise<Concerto> {
  const { config } = opts;
  const logger = opts.logger ?? pino({ level: config.logLevel, base: { app: 'concerto' } });
  const ownsDb = !opts.db;
  const db = opts.db ?? (await openDb(config, logger));
  const applied = await runMigrations(db);
  if (applied.length) logger.info({ applied }, 'migrations applied');

  const mailer = await createMailer(config.smtpUrl, config.mailFrom, logger);
  const services = buildServices(config, logger, db, mailer);
  publishServices(services);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.get('/healthz', async (_req, res) => {
    try {
      await Promise.race([db.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000))]);
      res.json({ status: 'ok', db: db.kind, version: config.version });
    } catch (err) {
      logger.warn({ err }, 'health check: database not responding');
      res.status(503).json({ status: 'unavailable', db: db.kind, version: config.version });
    }
  });
  app.use('/api/v1', createApiRouter(services));
  if (opts.webHandler) app.use(opts.webHandler);

  const httpServer = createServer(app);
  const io = createSocketServer(httpServer, services);

  let redisClients: Redis[] = [];
  let bus: Awaited<ReturnType<typeof createRedisYjsBus>> | undefined;
  if (config.redisUrl) {
    const pub = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
    const sub = pub.duplicate();
    await Promise.all([pub.connect(), sub.connect()]);
    io.adapter(createAdapter(pub, sub));
    redisClients = [pub, sub];
    bus = await createRedisYjsBus({ url: config.redisUrl, logger });
    logger.info('redis adapter enabled');
  }

  const registry = new YjsDocumentRegistry(services);
  const yjs = createYjsServer({ db, logger, authorize: registry.authorize, bus });
  services.documents.bind({
    readDocument: yjs.readDocument,
    applyServerUpdate: yjs.applyServerUpdate,
    reauthorise(docName) {
      yjs.reauthorise(docName);
      // Other instances exist only behind the Redis adapter (the in-memory one warns on serverSideEmit).
      if (config.redisUrl) io.serverSideEmit('yjs:reauthorise', docName);
    }
  });
  io.on('yjs:reauthorise', (docName: string) => {
    yjs.reauthorise(docName);
  });
  services.charters.onAdopted(({ docName }) => services.documents.reauthorise(docName));
  services.minutes.bind(services);

  // Upgrade routing by hand (STACK.md trap 1): Socket.IO's own, Yjs, and nothing else.
  httpServer.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    if (path.startsWith('/socket.io/')) return; // Socket.IO's engine listens for its own path.
    if (path.startsWith('/yjs/')) {
      let docName: string;
      try {
        docName = decodeURIComponent(path.slice('/yjs/'.length));
      } catch {
        socket.destroy();
        return;
      }
      yjs.handleUpgrade(req, socket, head, docName);
      return;
    }
    if (opts.onOtherUpgrade?.(req, socket, head)) return;
    socket.destroy();
  });

  let closing: Promise<void> | null = null;
  const concerto: Concerto = {
    services,
    httpServer,
    io,
    yjs: registry,
    listen(port = config.port, host = config.host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const addr = httpServer.address();
          const actual = typeof addr === 'object' && addr ? addr.port : port;
          const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
          resolve({ port: actual, url: `http://${shownHost}:${actual}` });
        });
      });
    },
    close() {
      closing ??= (async () => {
        httpServer.close();
        await yjs.flushAll().catch((err: unknown) => logger.error({ err }, 'yjs flush failed on shutdown'));
        await yjs.close();
        io.disconnectSockets(true);
        await new Promise<void>((resolve) => io.close(() => resolve()));
        httpServer.closeAllConnections();
        if (bus) await bus.close();
        // Close Socket.IO before quitting Redis (STACK.md trap 11).
        await Promise.all(redisClients.map((c) => c.quit().catch(() => c.disconnect())));
        publishServices(null);
        if (ownsDb) await db.close();
      })();
      return closing;
    }
  };
  return concerto;
}
