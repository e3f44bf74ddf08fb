// cnm sandbox create NAME [--net N] [--ip IP] [--ip6 IP] [--hostname H] [--label k=v] [--alias A] [--dns IP]
//                         [--netns PATH | --container NAME] (adopt a namespace cnm did not make)
import { keyValues } from './filter-flag.js';
import type { Verb } from './verb.js';

export const verb: Verb = {
  usage: 'NAME',
  summary: 'Create a sandbox (a network namespace), optionally connected to a network',
  args: [1, 1],
  flags: [
    { name: 'alias', type: 'list', value: 'strings', help: 'Network-scoped alias on --net' },
    { name: 'dns', type: 'list', value: 'ip', help: 'Upstream DNS server for the sandbox' },
    { name: 'hostname', type: 'string', help: 'Sandbox host name' },
    { name: 'ip', type: 'string', help: 'IPv4 address on --net' },
    { name: 'ip6', type: 'string', help: 'IPv6 address on --net' },
    { name: 'label', type: 'list', help: 'Set metadata on the sandbox' },
    { name: 'net', type: 'string', value: 'network', help: 'Connect to this network' },
    { name: 'netns', type: 'string', value: 'path', help: 'Adopt this existing namespace (/proc/PID/ns/net, /run/netns/NAME)' },
    { name: 'container', type: 'string', value: 'name', help: "Adopt a running Docker or Podman container's namespace" },
  ],
  async run(args, { io, client }) {
    const view = await client.createSandbox({
      Name: args.positionals[0]!,
      Network: args.string('net'),
      IPv4Address: args.string('ip'),
      IPv6Address: args.string('ip6'),
      Hostname: args.string('hostname'),
      Labels: keyValues(args.list('label'), '--label'),
      Aliases: args.list('alias'),
      Dns: args.list('dns'),
      Netns: args.string('netns'),
      Container: args.string('container'),
    });
    io.stdout(`${view.id}\n`);
    return 0;
  },
};
