// Flag parsing with cobra's behaviour and wording: --name value, --name=value, -n value, -nvalue,
// grouped short booleans (-fq), repeatable flags, `--` ends flags. Errors name the flag as cobra does.

export interface FlagSpec {
  name: string;
  short?: string;
  /** bool takes no value; string keeps the last value; list collects every value in order. */
  type: 'bool' | 'string' | 'list';
  help: string;
  /** Placeholder shown in help, e.g. 'ip'; defaults to 'string'. */
  value?: string;
}

export class FlagError extends Error {}

export class ParsedArgs {
  constructor(
    readonly positionals: string[],
    private readonly values: Map<string, string | boolean | string[]>,
  ) {}

  bool(name: string): boolean {
    return this.values.get(name) === true;
  }

  string(name: string): string | undefined {
    const v = this.values.get(name);
    return typeof v === 'string' ? v : undefined;
  }

  list(name: string): string[] {
    const v = this.values.get(name);
    return Array.isArray(v) ? v : [];
  }

  has(name: string): boolean {
    return this.values.has(name);
  }
}

/** Parses argv against specs; with stopAtPositional everything from the first positional on is positional. */
export function parseFlags(argv: string[], specs: FlagSpec[], stopAtPositional = false): ParsedArgs {
  const values = new Map<string, string | boolean | string[]>();
  const positionals: string[] = [];
  const set = (spec: FlagSpec, value: string | true) => {
    if (spec.type === 'list') values.set(spec.name, [...((values.get(spec.name) as string[]) ?? []), value as string]);
    else values.set(spec.name, value);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const spec = specs.find((s) => s.name === name);
      if (!spec) throw new FlagError(`unknown flag: --${name}`);
      if (spec.type === 'bool') {
        const v = eq < 0 ? 'true' : arg.slice(eq + 1);
        if (v !== 'true' && v !== 'false')
          throw new FlagError(`invalid argument "${v}" for "--${name}" flag: strconv.ParseBool: parsing "${v}": invalid syntax`);
        if (v === 'true') set(spec, true);
        else values.delete(spec.name);
      } else if (eq >= 0) set(spec, arg.slice(eq + 1));
      else if (i + 1 < argv.length) set(spec, argv[++i]!);
      else throw new FlagError(`flag needs an argument: --${name}`);
    } else if (arg.startsWith('-') && arg.length > 1) {
      // Short flags may be grouped; a value-taking one consumes the rest of the word or the next word.
      for (let j = 1; j < arg.length; j++) {
        const c = arg[j]!;
        const spec = specs.find((s) => s.short === c);
        if (!spec) throw new FlagError(`unknown shorthand flag: '${c}' in ${arg}`);
        if (spec.type === 'bool') {
          set(spec, true);
          continue;
        }
        const rest = arg.slice(j + 1).replace(/^=/, '');
        if (rest) set(spec, rest);
        else if (i + 1 < argv.length) set(spec, argv[++i]!);
        else throw new FlagError(`flag needs an argument: '${c}' in -${c}`);
        break;
      }
    } else {
      positionals.push(arg);
      if (stopAtPositional) {
        positionals.push(...argv.slice(i + 1));
        break;
      }
    }
  }
  return new ParsedArgs(positionals, values);
}

/** The flag section of `--help`, aligned like cobra's. */
export function flagHelp(specs: FlagSpec[]): string {
  const rows = specs.map((s) => {
    const names = `${s.short ? `-${s.short}, ` : '    '}--${s.name}${s.type === 'bool' ? '' : ` ${s.value ?? (s.type === 'list' ? 'list' : 'string')}`}`;
    return [names, s.help] as const;
  });
  const width = Math.max(0, ...rows.map(([n]) => n.length));
  return rows.map(([n, h]) => `  ${n.padEnd(width)}   ${h}`).join('\n');
}
