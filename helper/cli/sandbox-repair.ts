// cnm sandbox repair SANDBOX…: re-makes what a sandbox lost (its namespace deleted from outside,
// links, addresses, routes) and prints each sandbox's name once it is whole again.
import type { Verb } from './verb.js';

export const verb: Verb = {
  usage: 'SANDBOX [SANDBOX...]',
  summary: 'Re-make what a sandbox lost (namespace, links, addresses)',
  args: [1, Infinity],
  flags: [],
  async run(args, ctx) {
    for (const ref of args.positionals) {
      const sb = await ctx.client.repairSandbox(ref);
      ctx.io.stdout(`${sb.name}\n`);
    }
    return 0;
  },
};
