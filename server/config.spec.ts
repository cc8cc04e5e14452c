import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('defaults to port 3000 and the embedded database in ./data', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeNull();
    expect(c.dataDir).toBe('./data');
    expect(c.redisUrl).toBeNull();
    expect(c.logLevel).toBe('info');
  });

  it('reads every documented variable', () => {
    const c = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/concerto',
      REDIS_URL: 'redis://127.0.0.1:6379',
      ORIGIN: 'https://concerto.exemple.fr',
      LOG_LEVEL: 'debug',
      DATA_DIR: '/var/lib/concerto'
    });
    expect(c).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/concerto',
      redisUrl: 'redis://127.0.0.1:6379',
      origin: 'https://concerto.exemple.fr',
      logLevel: 'debug',
      dataDir: '/var/lib/concerto'
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', REDIS_URL: '' }).databaseUrl).toBeNull();
  });

  it('names each bad value with a French and an English message', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', ORIGIN: 'https://x.fr/path', REDIS_URL: 'http://x' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toContain('PORT: PORT doit être un nombre / PORT must be a number');
    expect(problems).toContain('DATABASE_URL');
    expect(problems).toContain('LOG_LEVEL');
    expect(problems).toContain('ORIGIN');
    expect(problems).toContain('REDIS_URL');
    expect((err as ConfigError).problems).toHaveLength(5);
  });

  it('refuses a port out of range', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT doit être entre 0 et 65535/);
  });
});
