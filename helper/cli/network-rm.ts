// cnm network rm NETWORK...: prints each removed name; each failure as Docker prints it.
import { forEachName } from './each.js';
import type { Verb } from './verb.js';

export const verb: Verb = {
  usage: 'NETWORK [NETWORK...]',
  summary: 'Remove one or more networks',
  args: [1, Infinity],
  flags: [],
  run: (args, ctx) => forEachName(args.positionals, ctx, (n) => ctx.client.removeNetwork(n)),
};
