// `cnm`: global flags, picking the verb from the registry, flag parsing, and turning errors into
// Docker's wording and exit codes. `run` is the whole CLI, callable in-process by tests.
import readline from 'node:readline';
import { ApiClient, resolveHost } from '../api/client.js';
import { errorLine, reportError, UsageError } from './errors.js';
import { tunnelFor } from './ssh-host.js';
import { flagHelp, parseFlags, type FlagSpec } from './flags.js';
import { didYouMean } from './suggest.js';
import type { CliIo, Verb } from './verb.js';
import { VERBS, type VerbEntry } from './verbs.js';
import { CLI_VERSION } from './version.js';

const GLOBAL_FLAGS: FlagSpec[] = [
  {
    name: 'host',
    short: 'H',
    type: 'string',
    help: 'Daemon socket to connect to: unix:///path or ssh://user@host[:port][/path] (default unix:///run/cnmd/cnmd.sock, or $CNM_HOST)',
  },
  { name: 'help', type: 'bool', help: 'Print usage' },
  { name: 'version', short: 'v', type: 'bool', help: 'Print version information and quit' },
];
const HELP_FLAG: FlagSpec = { name: 'help', type: 'bool', help: 'Print usage' };

export async function run(argv: string[], io: CliIo): Promise<number> {
  let command = 'cnm';
  try {
    const globals = parseFlags(argv, GLOBAL_FLAGS, true);
    const words = globals.positionals;
    if (globals.bool('version')) {
      io.stdout(`cnm version ${CLI_VERSION}\n`);
      return 0;
    }
    const entry = findVerb(words);
    if (!entry) {
      const group = words[0] ? VERBS.filter((v) => v.name.startsWith(`${words[0]} `)) : [];
      if (group.length && (words.length === 1 || words[1] === '--help')) {
        io.stdout(groupHelp(`cnm ${words[0]}`, group));
        return 0;
      }
      if (!words.length || globals.bool('help')) {
        io.stdout(groupHelp('cnm', VERBS));
        return 0;
      }
      const inGroup = group.length > 0;
      // The mistyped word: the verb within a known group, else the first word.
      const names = (inGroup ? group : VERBS).flatMap((v) => [v.name, ...(v.aliases ?? [])]);
      const candidates = names.map((n) => n.split(' ')[inGroup ? 1 : 0]!);
      const hint = didYouMean(words[inGroup ? 1 : 0]!, candidates);
      io.stderr(`cnm: '${words.slice(0, inGroup ? 2 : 1).join(' ')}' is not a cnm command.\n${hint}See 'cnm --help'\n`);
      return 1;
    }
    command = `cnm ${entry.name}`;
    const { verb } = await entry.load();
    const rest = words.slice(entry.matchedWords);
    const args = parseFlags(rest, [...verb.flags, HELP_FLAG], verb.stopAtPositional);
    if (args.bool('help') && !(verb.stopAtPositional && args.positionals.length)) {
      io.stdout(verbHelp(command, verb));
      return 0;
    }
    checkArgCount(command, verb, args.positionals.length);
    const host = resolveHost(globals.string('host'), io.env);
    const tunnel = await tunnelFor(host, io.env);
    try {
      const client = new ApiClient(tunnel ? tunnel.socketPath : host);
      return await verb.run(args, { io, client, command });
    } finally {
      tunnel?.close();
    }
  } catch (err) {
    return reportError(err, command, io);
  }
}

function findVerb(words: string[]): (VerbEntry & { matchedWords: number }) | undefined {
  for (const entry of VERBS) {
    for (const name of [entry.name, ...(entry.aliases ?? [])]) {
      const parts = name.split(' ');
      if (parts.every((p, i) => words[i] === p)) return { ...entry, matchedWords: parts.length };
    }
  }
  return undefined;
}

function checkArgCount(command: string, verb: Verb, count: number): void {
  const [min, max] = verb.args;
  const plural = (n: number) => `${n} argument${n === 1 ? '' : 's'}`;
  if (min === max && count !== min) throw new UsageError(`"${command}" requires exactly ${plural(min)}.`);
  if (count < min) throw new UsageError(`"${command}" requires at least ${plural(min)}.`);
  if (count > max) throw new UsageError(`"${command}" accepts at most ${plural(max)}.`);
}

function verbHelp(command: string, verb: Verb): string {
  const options = verb.flags.length ? ' [OPTIONS]' : '';
  return `\nUsage:  ${command}${options}${verb.usage ? ` ${verb.usage}` : ''}\n\n${verb.summary}\n${
    verb.flags.length ? `\nOptions:\n${flagHelp(verb.flags)}\n` : ''
  }`;
}

function groupHelp(command: string, entries: VerbEntry[]): string {
  const prefix = command === 'cnm' ? '' : `${command.slice(4)} `;
  const names = entries.map((e) => e.name.slice(prefix.length));
  const width = Math.max(...names.map((n) => n.length));
  const lines = entries.map((e, i) => `  ${names[i]!.padEnd(width)}   ${e.summary}`);
  const globals = command === 'cnm' ? `\nGlobal options:\n${flagHelp(GLOBAL_FLAGS)}\n` : '';
  return `\nUsage:  ${command} COMMAND\n\nCommands:\n${lines.join('\n')}\n${globals}\nRun '${command} COMMAND --help' for more information on a command.\n`;
}

/** The process's own terminal, for the real `cnm` binary. */
export function processIo(): CliIo {
  let lines: AsyncIterator<string> | undefined;
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    async readLine() {
      lines ??= readline.createInterface({ input: process.stdin, terminal: false })[Symbol.asyncIterator]();
      const next = await lines.next();
      return next.done ? '' : next.value;
    },
    env: process.env,
    interactive: process.stdin.isTTY === true,
  };
}

if (require.main === module) {
  run(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
      process.stdin.destroy();
    },
    (err) => {
      process.stderr.write(`${errorLine(err)}\n`);
      process.exitCode = 1;
    },
  );
}
