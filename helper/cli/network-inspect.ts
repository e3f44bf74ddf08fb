// cnm network inspect NETWORK...: Docker's JSON array, or -f with a Go template. cnm's notes on
// a network (e.g. macvlan: the host cannot reach it) go to stderr, so stdout stays Docker's JSON.
import { FORMAT_FLAG, inspectEach } from './inspect.js';
import type { Verb } from './verb.js';

export const verb: Verb = {
  usage: 'NETWORK [NETWORK...]',
  summary: 'Display detailed information on one or more networks',
  args: [1, Infinity],
  flags: [FORMAT_FLAG, { name: 'verbose', short: 'v', type: 'bool', help: 'Verbose output for diagnostics' }],
  async run(args, ctx) {
    const notes: string[] = [];
    const code = await inspectEach(args.positionals, args.string('format'), ctx, async (n) => {
      const net = await ctx.client.inspectNetwork(n);
      for (const note of await ctx.client.networkNotes(net.Id).catch(() => [])) notes.push(`note (${net.Name}): ${note}\n`);
      return net;
    });
    if (!args.string('format')) for (const n of notes) ctx.io.stderr(n);
    return code;
  },
};
