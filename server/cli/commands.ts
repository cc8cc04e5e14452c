import type { CliCommand } from './command.ts';
import { createAdmin } from './commands/create-admin.ts';
import { demo } from './commands/demo.ts';
import { help } from './commands/help.ts';
import { migrate } from './commands/migrate.ts';
import { seedDemoCommand } from './commands/seed-demo.ts';
import { verifyAudit } from './commands/verify-audit.ts';

/**
 * Every CLI command, in the order `help` lists them. To add one (e.g. `verify-audit
 * <meeting>` from the votes issue): write `commands/verify-audit.ts` exporting a
 * `CliCommand` (see the example in command.ts) and add it here. Parsing, `--help`, usage
 * errors (exit 2), configuration and database opening come with it.
 */
export const commands: readonly CliCommand[] = [migrate, createAdmin, seedDemoCommand, demo, verifyAudit, help];
