// What the list verbs (network ls, sandbox ls, dns ls, node ls, port ls) share: their flags, worded
// as Docker's, and printing their rows: -q prints IDs, else --format, else the verb's own table.
import type { FlagSpec, ParsedArgs } from './flags.js';
import { formatList } from './format.js';
import type { CliIo } from './verb.js';

/** --format for `items` (plural); with `idOf` (singular), Docker's --no-trunc and -q too. */
export function listFlags(items: string, idOf?: string): FlagSpec[] {
  const format: FlagSpec = { name: 'format', type: 'string', help: `Pretty-print ${items} using a Go template` };
  if (!idOf) return [format];
  return [
    format,
    { name: 'no-trunc', type: 'bool', help: 'Do not truncate the output' },
    { name: 'quiet', short: 'q', type: 'bool', help: `Only display ${idOf} IDs` },
  ];
}

export function printList(
  io: CliIo,
  args: ParsedArgs,
  rows: Array<Record<string, string>>,
  headers: Record<string, string>,
  defaultFormat: string,
): void {
  const format = args.bool('quiet') ? '{{.ID}}' : args.string('format') || defaultFormat;
  io.stdout(formatList(rows, headers, format));
}
