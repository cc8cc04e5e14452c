import type { Bilingual } from '../shared/app-error.ts';
import { bi } from '../shared/app-error.ts';

/** What a command accepts: `--name value` / `--name=value` options and bare flags. */
export interface OptionSpec {
  name: string;
  /** `string` takes a value; `boolean` is a bare flag (`--force`). */
  kind: 'string' | 'boolean';
  required?: boolean;
  /** Shown in the usage line: `--email <e-mail>` / `--email <email>`. */
  placeholder?: Bilingual;
  help: Bilingual;
}

/** A positional argument, e.g. the `<meeting>` of `verify-audit <meeting>`. */
export interface PositionalSpec {
  name: Bilingual;
  required?: boolean;
  help: Bilingual;
}

export interface ParsedArgs {
  options: Record<string, string | boolean>;
  positionals: string[];
  /** `--help` or `-h` was given: the command's help is wanted, nothing else is checked. */
  help: boolean;
}

/** A mistake in the command line (exit code 2), with its message in both languages. */
export class UsageError extends Error {
  constructor(
    readonly text: Bilingual,
    /** The command whose help to point at, when known. */
    readonly command?: string
  ) {
    super(`${text.fr} / ${text.en}`);
    this.name = 'UsageError';
  }
}

/**
 * Parses a command's arguments by hand (no framework): `--flag value`, `--flag=value`, bare
 * boolean flags, `--` to end the options, and positionals. Unknown, repeated and missing
 * options are usage errors.
 *
 * @example
 * parseArgs(['--email=a@b.fr', '--force'], [{ name: 'email', kind: 'string', help }, { name: 'force', kind: 'boolean', help }])
 * // → { options: { email: 'a@b.fr', force: true }, positionals: [], help: false }
 */
export function parseArgs(argv: readonly string[], options: readonly OptionSpec[] = [], positionals: readonly PositionalSpec[] = []): ParsedArgs {
  const specs = new Map(options.map((o) => [o.name, o]));
  const out: ParsedArgs = { options: {}, positionals: [], help: false };
  let onlyPositionals = false;

  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (onlyPositionals || !token.startsWith('-') || token === '-') {
      out.positionals.push(token);
      continue;
    }
    if (token === '--') {
      onlyPositionals = true;
      continue;
    }
    if (token === '--help' || token === '-h') {
      out.help = true;
      continue;
    }
    if (!token.startsWith('--')) {
      throw new UsageError(bi(`Option inconnue : ${token}`, `Unknown option: ${token}`));
    }
    const eq = token.indexOf('=');
    const name = token.slice(2, eq === -1 ? undefined : eq);
    const inline = eq === -1 ? undefined : token.slice(eq + 1);
    const spec = specs.get(name);
    if (!spec) throw new UsageError(bi(`Option inconnue : --${name}`, `Unknown option: --${name}`));
    if (name in out.options) throw new UsageError(bi(`Option donnée deux fois : --${name}`, `Option given twice: --${name}`));

    if (spec.kind === 'boolean') {
      if (inline === undefined || inline === 'true') out.options[name] = true;
      else if (inline === 'false') out.options[name] = false;
      else throw new UsageError(bi(`--${name} ne prend pas de valeur`, `--${name} takes no value`));
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      // A following `--option` means the value was forgotten, not that it is the value.
      if (next === undefined || next.startsWith('--')) {
        throw new UsageError(bi(`Valeur manquante pour --${name}`, `Missing value for --${name}`));
      }
      value = next;
      i++;
    }
    out.options[name] = value;
  }

  if (out.help) return out;
  for (const spec of options) {
    if (spec.required && !(spec.name in out.options)) {
      throw new UsageError(bi(`Option manquante : --${spec.name}`, `Missing option: --${spec.name}`));
    }
  }
  const required = positionals.filter((p) => p.required).length;
  if (out.positionals.length < required) {
    const missing = positionals[out.positionals.length];
    throw new UsageError(bi(`Argument manquant : <${missing.name.fr}>`, `Missing argument: <${missing.name.en}>`));
  }
  if (out.positionals.length > positionals.length) {
    const extra = out.positionals[positionals.length];
    throw new UsageError(bi(`Argument inattendu : ${extra}`, `Unexpected argument: ${extra}`));
  }
  return out;
}
