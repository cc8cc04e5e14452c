import { z } from 'zod';

/**
 * Configuration from the environment, validated once at start. Each bad value is named with
 * a French and an English message, and the process exits before opening anything.
 *
 * @example
 * PORT=8080 DATABASE_URL=postgres://postgres@127.0.0.1:5432/concerto npm start
 */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | null;
  dataDir: string;
  redisUrl: string | null;
  origin: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  smtpUrl: string | null;
  mailFrom: string;
  sessionDays: number;
  version: string;
}

const schema = z.object({
  PORT: z.coerce
    .number({ error: 'PORT doit être un nombre / PORT must be a number' })
    .int('PORT doit être un entier / PORT must be an integer')
    .min(0, 'PORT doit être entre 0 et 65535 / PORT must be between 0 and 65535')
    .max(65535, 'PORT doit être entre 0 et 65535 / PORT must be between 0 and 65535')
    .default(3000),
  HOST: z.string().min(1, 'HOST est vide / HOST is empty').default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL doit commencer par postgres:// / DATABASE_URL must start with postgres://')
    .optional(),
  DATA_DIR: z.string().min(1, 'DATA_DIR est vide / DATA_DIR is empty').default('./data'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'REDIS_URL doit commencer par redis:// / REDIS_URL must start with redis://')
    .optional(),
  ORIGIN: z
    .string()
    .regex(/^https?:\/\/[^/]+$/, "ORIGIN doit être une origine comme https://concerto.exemple.fr (sans chemin) / ORIGIN must be an origin like https://concerto.example.org (no path)")
    .optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'LOG_LEVEL doit valoir fatal, error, warn, info, debug, trace ou silent / LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent'
    })
    .default('info'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'SMTP_URL doit commencer par smtp:// ou smtps:// / SMTP_URL must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().default('Concerto <no-reply@concerto.local>'),
  SESSION_DAYS: z.coerce
    .number({ error: 'SESSION_DAYS doit être un nombre / SESSION_DAYS must be a number' })
    .int()
    .min(1, 'SESSION_DAYS doit être au moins 1 / SESSION_DAYS must be at least 1')
    .max(365)
    .default(30)
});

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration invalide / Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const blankToUndefined = (env: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '' ? undefined : v]));

export function loadConfig(env: Record<string, string | undefined> = process.env, version = '0.0.0'): Config {
  const parsed = schema.safeParse(blankToUndefined(env));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`));
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL ?? null,
    dataDir: e.DATA_DIR,
    redisUrl: e.REDIS_URL ?? null,
    origin: e.ORIGIN ?? null,
    logLevel: e.LOG_LEVEL,
    smtpUrl: e.SMTP_URL ?? null,
    mailFrom: e.MAIL_FROM,
    sessionDays: e.SESSION_DAYS,
    version
  };
}
