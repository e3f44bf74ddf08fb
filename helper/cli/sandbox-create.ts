// cnm sandbox create NAME [--net N] [--ip IP] [--ip6 IP] [--hostname H] [--label k=v] [--alias A] [--dns IP]
//   [-p [IP:][HOST:]PORT[/PROTO]] [-P] [--expose PORT[/PROTO]] [--link NAME[:ALIAS]]
//   [--netns PATH | --container NAME] (adopt a namespace cnm did not make)
import { parseExpose, parsePortSpecs, PortSpecError } from '../../model/ports.js';
import { sandboxCreateSchema } from '../../model/requests.js';
import { checkBody } from './check-body.js';
import { keyValues } from './filter-flag.js';
import { FlagError } from './flags.js';
import type { Verb } from './verb.js';

/** A port flag's value parsed, or cobra's wording naming the flag. */
function portFlag<T>(flag: string, values: string[], parse: (v: string[]) => T): T {
  try {
    return parse(values);
  } catch (err) {
    if (!(err instanceof PortSpecError)) throw err;
    throw new FlagError(`invalid argument ${JSON.stringify(values.join(','))} for "${flag}" flag: ${err.message}`);
  }
}

export const verb: Verb = {
  usage: 'NAME',
  summary: 'Create a sandbox (a network namespace), optionally connected to a network',
  args: [1, 1],
  flags: [
    { name: 'alias', type: 'list', value: 'strings', help: 'Network-scoped alias on --net' },
    { name: 'dns', type: 'list', value: 'ip', help: 'Upstream DNS server for the sandbox' },
    { name: 'expose', type: 'list', value: 'port', help: 'Expose a port or a range of ports (published by -P)' },
    { name: 'hostname', type: 'string', help: 'Sandbox host name' },
    { name: 'ip', type: 'string', help: 'IPv4 address on --net' },
    { name: 'ip6', type: 'string', help: 'IPv6 address on --net' },
    { name: 'label', type: 'list', help: 'Set metadata on the sandbox' },
    { name: 'link', type: 'list', value: 'name[:alias]', help: 'Add a legacy link to another sandbox (default bridge only)' },
    { name: 'net', type: 'string', value: 'network', help: 'Connect to this network' },
    { name: 'publish', short: 'p', type: 'list', value: 'list', help: "Publish a sandbox's port(s) to the host" },
    { name: 'publish-all', short: 'P', type: 'bool', help: 'Publish all exposed ports to random ports' },
    { name: 'netns', type: 'string', value: 'path', help: 'Adopt this existing namespace (/proc/PID/ns/net, /run/netns/NAME)' },
    { name: 'container', type: 'string', value: 'name', help: "Adopt a running Docker or Podman container's namespace" },
  ],
  async run(args, { io, client }) {
    const bindings = portFlag('-p, --publish', args.list('publish'), parsePortSpecs);
    const exposed = portFlag('--expose', args.list('expose'), (v) => v.flatMap(parseExpose));
    const req = {
      Name: args.positionals[0]!,
      Network: args.string('net'),
      IPv4Address: args.string('ip'),
      IPv6Address: args.string('ip6'),
      Hostname: args.string('hostname'),
      Labels: keyValues(args.list('label'), '--label'),
      Aliases: args.list('alias'),
      Dns: args.list('dns'),
      ExposedPorts: Object.fromEntries(exposed.map((k) => [k, {}])),
      PortBindings: bindings,
      PublishAllPorts: args.bool('publish-all'),
      Links: args.list('link'),
      Netns: args.string('netns'),
      Container: args.string('container'),
    };
    const flags = {
      Name: 'NAME',
      Network: '--net',
      IPv4Address: '--ip',
      IPv6Address: '--ip6',
      Hostname: '--hostname',
      Labels: '--label',
      Aliases: '--alias',
      Dns: '--dns',
      Netns: '--netns',
      Container: '--container',
    };
    const view = await client.createSandbox(checkBody(sandboxCreateSchema, req, flags));
    io.stdout(`${view.id}\n`);
    return 0;
  },
};
