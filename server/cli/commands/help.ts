import { bi } from '../../shared/app-error.ts';
import type { OptionSpec } from '../args.ts';
import { UsageError } from '../args.ts';
import type { CliCommand, CliContext } from '../command.ts';

const PROGRAM = 'npm run cli --';

function usageLine(cmd: CliCommand, lang: 'fr' | 'en'): string {
  const opt = (o: OptionSpec) => {
    const text = o.kind === 'boolean' ? `--${o.name}` : `--${o.name} <${o.placeholder?.[lang] ?? (lang === 'fr' ? 'valeur' : 'value')}>`;
    return o.required ? text : `[${text}]`;
  };
  const parts = [PROGRAM, cmd.name, ...(cmd.options ?? []).map(opt), ...(cmd.positionals ?? []).map((p) => (p.required ? `<${p.name[lang]}>` : `[<${p.name[lang]}>]`))];
  return parts.join(' ');
}

export function commandHelp(cmd: CliCommand): string {
  const lines = [`Utilisation : ${usageLine(cmd, 'fr')}`, `Usage: ${usageLine(cmd, 'en')}`, '', `  ${cmd.summary.fr}`, `  ${cmd.summary.en}`];
  for (const d of cmd.details ?? []) lines.push('', `  ${d.fr}`, `  ${d.en}`);
  const entries = [
    ...(cmd.positionals ?? []).map((p) => ({ label: `<${p.name.fr}>`, help: p.help })),
    ...(cmd.options ?? []).map((o) => ({ label: `--${o.name}`, help: o.help }))
  ];
  if (entries.length) {
    const w = Math.max(...entries.map((e) => e.label.length));
    lines.push('', 'Arguments et options / Arguments and options:');
    for (const e of entries) lines.push(`  ${e.label.padEnd(w)}  ${e.help.fr}`, `  ${' '.repeat(w)}  ${e.help.en}`);
  }
  return lines.join('\n');
}

export function generalHelp(commands: readonly CliCommand[]): string {
  const w = Math.max(...commands.map((c) => c.name.length));
  return [
    'Concerto : outil en ligne de commande / command-line tool',
    '',
    `Utilisation : ${PROGRAM} <commande> [options]`,
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Commandes / Commands:',
    ...commands.flatMap((c) => [`  ${c.name.padEnd(w)}  ${c.summary.fr}`, `  ${' '.repeat(w)}  ${c.summary.en}`]),
    '',
    `Aide d'une commande / Help on a command: ${PROGRAM} help <commande|command>`,
    '',
    'Environnement / Environment:',
    '  DATABASE_URL   PostgreSQL (postgres://...) ; absent : PGlite dans DATA_DIR / absent: PGlite in DATA_DIR',
    '  DATA_DIR       dossier de données PGlite / PGlite data directory (./data)',
    '  DEMO_DATA_DIR  dossier de la démo / demo data directory (./data-demo)',
    '',
    'Codes de sortie / Exit codes: 0 succès / success, 1 échec / failure, 2 erreur d’utilisation / usage error'
  ].join('\n');
}

export const help: CliCommand = {
  name: 'help',
  summary: bi('Affiche cette aide, ou celle d’une commande.', 'Shows this help, or a command’s.'),
  positionals: [{ name: bi('commande', 'command'), help: bi('La commande à expliquer.', 'The command to explain.') }],
  async run(ctx: CliContext) {
    const name = ctx.args.positionals[0];
    if (!name) {
      ctx.out(generalHelp(ctx.commands));
      return 0;
    }
    const cmd = ctx.commands.find((c) => c.name === name);
    if (!cmd) throw new UsageError(bi(`Commande inconnue : ${name}`, `Unknown command: ${name}`));
    ctx.out(commandHelp(cmd));
    return 0;
  }
};
