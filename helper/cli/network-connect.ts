// cnm network connect [--ip --ip6 --alias] NETWORK SANDBOX
import type { Verb } from './verb.js';

export const verb: Verb = {
  usage: 'NETWORK SANDBOX',
  summary: 'Connect a sandbox to a network',
  args: [2, 2],
  flags: [
    { name: 'alias', type: 'list', value: 'strings', help: 'Add network-scoped alias for the sandbox' },
    { name: 'ip', type: 'string', help: 'IPv4 address (e.g., 172.30.100.104)' },
    { name: 'ip6', type: 'string', help: 'IPv6 address (e.g., 2001:db8::33)' },
  ],
  async run(args, { client }) {
    const [network, sandbox] = args.positionals as [string, string];
    await client.connect(network, {
      Container: sandbox,
      EndpointConfig: {
        IPAMConfig: { IPv4Address: args.string('ip'), IPv6Address: args.string('ip6') },
        Aliases: args.list('alias'),
      },
    });
    return 0;
  },
};
