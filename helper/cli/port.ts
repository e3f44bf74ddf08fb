// cnm port SANDBOX [PRIVATE_PORT[/PROTO]]: the sandbox's published ports, as `docker port` prints them.
import { formatPortLines, type PortMapping } from '../../model/ports.js';
import type { Verb } from './verb.js';

/** NetworkSettings.Ports back to mappings (what `docker port` reads too). */
const mappingsOf = (ports: Record<string, { HostIp: string; HostPort: string }[] | null>): PortMapping[] =>
  Object.entries(ports).flatMap(([key, list]) => {
    const [port, proto] = key.split('/');
    return (list ?? []).map((b) => ({ proto: proto as PortMapping['proto'], containerPort: Number(port), hostIp: b.HostIp, hostPort: Number(b.HostPort) }));
  });

export const verb: Verb = {
  usage: 'SANDBOX [PRIVATE_PORT[/PROTO]]',
  summary: 'List port mappings or a specific mapping for the sandbox',
  args: [1, 2],
  flags: [],
  async run(args, { io, client }) {
    const [name, only] = args.positionals;
    const view = await client.inspectSandbox(name!);
    const lines = formatPortLines(mappingsOf(view.NetworkSettings?.Ports ?? {}), only);
    if (only !== undefined && !lines.length) {
      io.stderr(`Error: No public port '${only.includes('/') ? only : `${only}/tcp`}' published for ${name}\n`);
      return 1;
    }
    io.stdout(lines.map((l) => `${l}\n`).join(''));
    return 0;
  },
};
