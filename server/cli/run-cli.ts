import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { runMigrations } from '../db/migrate.ts';
import { openDb } from '../db/open-db.ts';
import { AppError, bi } from '../shared/app-error.ts';
import { parseArgs, UsageError } from './args.ts';
import { KEEP_RUNNING, type CliContext, type CliIo } from './command.ts';
import { commands as allCommands } from './commands.ts';
import { generalHelp, commandHelp } from './commands/help.ts';
import { both } from './output.ts';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

const stdio: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text)
};

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/**
 * Runs one command line (without `node` and the script) and resolves to its exit code, or to
 * `KEEP_RUNNING` when the command started a server that now owns the process.
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo = stdio,
  env: NodeJS.ProcessEnv = process.env,
  commands = allCommands
): Promise<number | typeof KEEP_RUNNING> {
  const out = (line = '') => io.out(`${line}\n`);
  const err = (line = '') => io.err(`${line}\n`);
  const [name, ...rest] = argv;

  if (name === undefined || name === '--help' || name === '-h') {
    out(generalHelp(commands));
    return EXIT_OK;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    err(both(bi(`Commande inconnue : ${name}`, `Unknown command: ${name}`)));
    err(both(bi('Commandes', 'Commands')) + ` : ${commands.map((c) => c.name).join(', ')}`);
    err(`Aide / Help: npm run cli -- help`);
    return EXIT_USAGE;
  }

  try {
    const args = parseArgs(rest, command.options, command.positionals);
    if (args.help) {
      out(commandHelp(command));
      return EXIT_OK;
    }
    let config: Config | null = null;
    const ctx: CliContext = {
      args,
      env,
      out,
      err,
      commands,
      option: (n) => (typeof args.options[n] === 'string' ? (args.options[n] as string) : undefined),
      flag: (n) => args.options[n] === true,
      config: () => (config ??= loadConfig(env, packageVersion())),
      async withDb(fn) {
        const db = await openDb(ctx.config());
        try {
          const applied = await runMigrations(db);
          return await fn(db, applied);
        } finally {
          await db.close();
        }
      }
    };
    const result = await command.run(ctx);
    return result === undefined ? EXIT_OK : result;
  } catch (e) {
    if (e instanceof UsageError) {
      err(both(e.text));
      const about = e.command ?? (command.name === 'help' ? '' : command.name);
      err(`Aide / Help: npm run cli -- help ${about}`.trimEnd());
      return EXIT_USAGE;
    }
    if (e instanceof ConfigError) {
      err(e.message);
      return EXIT_USAGE;
    }
    if (e instanceof AppError) {
      err(`Échec / Failed: ${both(e.text)}`);
      for (const [field, t] of Object.entries(e.fields ?? {})) err(`  ${field}: ${both(t)}`);
      return EXIT_FAILURE;
    }
    err(`Échec / Failed: ${e instanceof Error ? e.message : String(e)}`);
    if (env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace') err(e instanceof Error ? (e.stack ?? '') : '');
    return EXIT_FAILURE;
  }
}
