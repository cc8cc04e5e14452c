// `npm run cli -- <command>`: the Concerto command line. The commands are listed in
// commands.ts; this file only runs one and turns its result into the exit code.
import { KEEP_RUNNING } from './command.ts';
import { runCli } from './run-cli.ts';

const code = await runCli(process.argv.slice(2));
if (code !== KEEP_RUNNING) {
  // Exit explicitly: a database driver or timer left behind must not keep a finished command alive.
  process.exit(code);
}
