// cnm port SANDBOX [PRIVATE_PORT[/PROTO]]: the sandbox's published ports, as `docker port` prints them.
import { formatPortLines, mappingsOf } from '../../model/ports.js';
import type { Verb } from './verb.js';

export const verb: Verb = {
  usage: 'SANDBOX [PRIVATE_PORT[/PROTO]]',
  summary: 'List port mappings or a specific mapping for the sandbox',
  args: [1, 2],
  flags: [],
  async run(args, { io, client }) {
    const [name, only] = args.positionals;
    const view = await client.inspectSandbox(name!);
    const lines = formatPortLines(mappingsOf(view.NetworkSettings?.Ports), only);
    if (only !== undefined && !lines.length) {
      io.stderr(`Error: No public port '${only.includes('/') ? only : `${only}/tcp`}' published for ${name}\n`);
      return 1;
    }
    io.stdout(lines.map((l) => `${l}\n`).join(''));
    return 0;
  },
};
