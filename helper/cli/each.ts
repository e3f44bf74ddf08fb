// Verbs that act on several names (rm): do each, print the name on success, report each failure,
// exit 1 if any failed — as the docker CLI does.
import { errorLine } from './errors.js';
import type { CliContext } from './verb.js';

export async function forEachName(names: string[], ctx: CliContext, act: (name: string) => Promise<void>): Promise<number> {
  let failed = false;
  for (const name of names) {
    try {
      await act(name);
      ctx.io.stdout(`${name}\n`);
    } catch (err) {
      ctx.io.stderr(`${errorLine(err)}\n`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}
