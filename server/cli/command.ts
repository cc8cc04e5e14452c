import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import type { Bilingual } from '../shared/app-error.ts';
import type { OptionSpec, ParsedArgs, PositionalSpec } from './args.ts';

/** Returned by a command that handed the process over to a long-running server (`demo`). */
export const KEEP_RUNNING = Symbol('keep-running');
export type CommandResult = number | typeof KEEP_RUNNING | void;

/**
 * One CLI command. The table in `commands.ts` lists them; adding a command is one file and
 * one entry there.
 *
 * @example
 * export const verifyAudit: CliCommand = {
 *   name: 'verify-audit',
 *   summary: bi('Vérifie le registre d’un vote.', 'Verifies the audit log of a vote.'),
 *   positionals: [{ name: bi('séance', 'meeting'), required: true, help: bi('Identifiant de la séance.', 'Meeting id.') }],
 *   async run(ctx) {
 *     return ctx.withDb(async (db) => { ...; return 0; });
 *   }
 * };
 */
export interface CliCommand {
  name: string;
  summary: Bilingual;
  /** Longer explanation for `help <command>`, one entry per paragraph. */
  details?: Bilingual[];
  options?: OptionSpec[];
  positionals?: PositionalSpec[];
  /** Resolves to the exit code (0 when nothing is returned). Throw `UsageError` for exit code 2. */
  run(ctx: CliContext): Promise<CommandResult>;
}

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export interface CliContext {
  args: ParsedArgs;
  env: NodeJS.ProcessEnv;
  /** A line on stdout. */
  out(line?: string): void;
  /** A line on stderr. */
  err(line?: string): void;
  /** The configuration from the environment (throws `ConfigError`, exit code 2). */
  config(): Config;
  /** Opens the configured database, applies pending migrations, runs `fn`, and always closes it. */
  withDb<T>(fn: (db: Db, applied: number[]) => Promise<T>): Promise<T>;
  /** Every command, for `help`. */
  commands: readonly CliCommand[];
  /** A string option (validated as present by the parser when required). */
  option(name: string): string | undefined;
  flag(name: string): boolean;
}
