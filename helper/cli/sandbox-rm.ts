// cnm sandbox rm [-f] SANDBOX...: -f also disconnects it from its networks first.
import { forEachName } from './each.js';
import type { Verb } from './verb.js';

export const verb: Verb = {
  usage: 'SANDBOX [SANDBOX...]',
  summary: 'Remove one or more sandboxes',
  args: [1, Infinity],
  flags: [{ name: 'force', short: 'f', type: 'bool', help: 'Remove even when connected to networks' }],
  run: (args, ctx) => forEachName(args.positionals, ctx, (n) => ctx.client.removeSandbox(n, args.bool('force'))),
};
