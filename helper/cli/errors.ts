// How the CLI reports errors: Docker's wording, every failure exits 1.
import { ApiError, DaemonUnreachable } from '../api/client.js';
import { FlagError } from './flags.js';
import { TemplateError } from './template.js';
import type { CliIo } from './verb.js';

/** Wrong use of a verb (argument count): printed with a pointer to its --help. */
export class UsageError extends Error {}

/** One error's line: daemon errors prefixed as Docker does, an unreachable daemon in Docker's words. */
export function errorLine(err: unknown): string {
  if (err instanceof ApiError) return `Error response from daemon: ${err.message}`;
  if (err instanceof DaemonUnreachable || err instanceof TemplateError) return err.message;
  return `Error: ${err instanceof Error ? err.message : String(err)}`;
}

export function reportError(err: unknown, command: string, io: CliIo): number {
  if (err instanceof FlagError || err instanceof UsageError) io.stderr(`${err.message}\nSee '${command} --help'.\n`);
  else io.stderr(`${errorLine(err)}\n`);
  return 1;
}
