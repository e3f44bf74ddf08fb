// cnm network disconnect [-f] NETWORK SANDBOX
import type { Verb } from './verb.js';

export const verb: Verb = {
  usage: 'NETWORK SANDBOX',
  summary: 'Disconnect a sandbox from a network',
  args: [2, 2],
  flags: [{ name: 'force', short: 'f', type: 'bool', help: 'Force the sandbox to disconnect from a network' }],
  async run(args, { client }) {
    const [network, sandbox] = args.positionals as [string, string];
    await client.disconnect(network, { Container: sandbox, Force: args.bool('force') });
    return 0;
  },
};
