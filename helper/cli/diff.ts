// cnm diff -f FILE: what `cnm apply -f FILE` would do, one line per step (+ made, ~ changed,
// - removed, ! blocker). With --exit-code, exits 1 when there is anything to do (as git diff).
import fs from 'node:fs';
import type { ApiClient } from '../api/client.js';
import { invalid } from '../errors.js';
import { formatPlan } from '../topology/format.js';
import { plan } from '../topology/plan.js';
import { desiredFromText } from '../topology/source.js';
import type { Plan } from '../topology/types.js';
import type { FlagSpec, ParsedArgs } from './flags.js';
import type { Verb } from './verb.js';

export const FILE_FLAG: FlagSpec = {
  name: 'file',
  short: 'f',
  type: 'string',
  value: 'file',
  help: 'Topology file (*.cnm.yaml) or compose file',
};

/** Reads the file named by -f and plans it against what cnmd has now. */
export async function planFile(args: ParsedArgs, client: ApiClient): Promise<Plan> {
  const file = args.string('file');
  if (!file) throw invalid('"--file" is required: the topology or compose file to compare with the host');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw invalid(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`, { file });
  }
  const desired = desiredFromText(text, file);
  const [networks, sandboxes] = await Promise.all([client.listNetworks(), client.listSandboxes()]);
  return plan(desired, { networks, sandboxes });
}

export const verb: Verb = {
  usage: '-f FILE',
  summary: 'Show what apply would change on the host',
  args: [0, 0],
  flags: [FILE_FLAG, { name: 'exit-code', type: 'bool', help: 'Exit with 1 when there are changes' }],
  async run(args, { io, client }) {
    const p = await planFile(args, client);
    io.stdout(formatPlan(p));
    return args.bool('exit-code') && (p.steps.length > 0 || p.blockers.length > 0) ? 1 : 0;
  },
};
