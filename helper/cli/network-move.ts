// cnm network move NETWORK [--subnet CIDR] [--dry-run] [--force]: re-address a network on a free
// (or the given) IPv4 subnet, its sandboxes reconnected; --dry-run prints the plan only.
import { movePlanLines } from '../../model/move.js';
import { networkMoveSchema } from '../../model/requests.js';
import { checkBody } from './check-body.js';
import type { Verb } from './verb.js';

export const verb: Verb = {
  usage: 'NETWORK',
  summary: 'Move a network to a free subnet (or --subnet), reconnecting its sandboxes',
  args: [1, 1],
  flags: [
    { name: 'subnet', type: 'string', help: 'The new IPv4 subnet in CIDR notation (default: a free one, clear of every route)' },
    { name: 'dry-run', type: 'bool', help: 'Print what would change; change nothing' },
    { name: 'force', short: 'f', type: 'bool', help: 'Move even when static addresses, the IP range or aux addresses cannot be kept' },
    { name: 'format', type: 'string', help: "'json' prints the API's answer" },
  ],
  async run(args, { io, client }) {
    const req = checkBody(
      networkMoveSchema,
      { Subnet: args.string('subnet') || undefined, DryRun: args.bool('dry-run'), Force: args.bool('force') },
      { Subnet: '--subnet' },
    );
    const plan = await client.moveNetwork(args.positionals[0]!, req);
    if (args.string('format') === 'json') {
      io.stdout(JSON.stringify(plan, null, 2) + '\n');
      return 0;
    }
    const head = plan.dryRun ? 'would move' : `moved in ${plan.ms} ms`;
    io.stdout(`${head}: ${movePlanLines(plan).join('\n')}\n`);
    return 0;
  },
};
