// cnm sandbox rename SANDBOX NEW_NAME: like docker rename; DNS follows on the next query.
import type { Verb } from './verb.js';

export const verb: Verb = {
  usage: 'SANDBOX NEW_NAME',
  summary: 'Rename a sandbox',
  args: [2, 2],
  flags: [],
  async run(args, ctx) {
    const [from, to] = args.positionals;
    await ctx.client.renameSandbox(from, to);
    return 0;
  },
};
