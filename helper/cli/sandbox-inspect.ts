// cnm sandbox inspect NAME...: the sandboxes with their endpoints as a JSON array, or -f.
import { FORMAT_FLAG, inspectEach } from './inspect.js';
import type { Verb } from './verb.js';

export const verb: Verb = {
  usage: 'SANDBOX [SANDBOX...]',
  summary: 'Display detailed information on one or more sandboxes',
  args: [1, Infinity],
  flags: [FORMAT_FLAG],
  run: (args, ctx) => inspectEach(args.positionals, args.string('format'), ctx, (n) => ctx.client.inspectSandbox(n)),
};
