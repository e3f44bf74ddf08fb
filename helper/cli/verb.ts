// What one CLI verb is: its flags, its usage text and a run function. Each verb lives in its own file
// (netavark style) and exports `verb`; verbs.ts lists them. Verbs talk to cnmd only through ApiClient.
import type { ApiClient } from '../api/client.js';
import type { FlagSpec, ParsedArgs } from './flags.js';

/** Where a verb reads and writes; tests pass strings-collecting fakes, main.ts passes the process's. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Reads one line from stdin (for confirmations); resolves '' at end of input. */
  readLine(): Promise<string>;
  env: Record<string, string | undefined>;
  /** stdin is a terminal: a confirmation can be asked (verbs that remove things refuse otherwise). */
  interactive?: boolean;
}

export interface CliContext {
  io: CliIo;
  /** A client for the daemon chosen by -H/--host, CNM_HOST or the default socket. */
  client: ApiClient;
  /** The command as typed so far, e.g. 'cnm network create', for help and error hints. */
  command: string;
}

export interface Verb {
  /** Positional arguments in the usage line, e.g. 'NETWORK [NETWORK...]'. */
  usage: string;
  summary: string;
  flags: FlagSpec[];
  /** Fewest / most positional arguments (Infinity for no limit); checked before run. */
  args: [min: number, max: number];
  /** Stop parsing flags at the first positional argument (exec: everything after NAME is the command). */
  stopAtPositional?: boolean;
  /** Returns the exit code. Errors thrown are printed by the dispatcher (daemon errors as Docker does). */
  run(args: ParsedArgs, ctx: CliContext): Promise<number>;
}
