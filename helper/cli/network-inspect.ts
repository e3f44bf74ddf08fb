// cnm network inspect NETWORK...: Docker's JSON array, or -f with a Go template.
import { FORMAT_FLAG, inspectEach } from './inspect.js';
import type { Verb } from './verb.js';

export const verb: Verb = {
  usage: 'NETWORK [NETWORK...]',
  summary: 'Display detailed information on one or more networks',
  args: [1, Infinity],
  flags: [FORMAT_FLAG, { name: 'verbose', short: 'v', type: 'bool', help: 'Verbose output for diagnostics' }],
  run: (args, ctx) => inspectEach(args.positionals, args.string('format'), ctx, (n) => ctx.client.inspectNetwork(n)),
};
