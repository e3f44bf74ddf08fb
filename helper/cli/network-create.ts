// cnm network create: the docker CLI's flags and request body; prints the new network's id.
// Unlike the docker CLI, `-d overlay` without --scope on a cnmd without a cluster store asks for
// a stand-alone (`--scope local`) overlay, which cnmd makes on this host (model/overlay.ts).
import type { NetworkCreateRequest } from '../../model/docker.js';
import { requestScope } from '../../model/overlay.js';
import { networkCreateSchema } from '../../model/requests.js';
import { checkBody } from './check-body.js';
import { keyValues } from './filter-flag.js';
import { consolidateIpam } from './ipam-flags.js';
import type { Verb } from './verb.js';

export const verb: Verb = {
  usage: 'NETWORK',
  summary: 'Create a network',
  args: [1, 1],
  flags: [
    { name: 'attachable', type: 'bool', help: 'Enable manual container attachment' },
    { name: 'aux-address', type: 'list', value: 'map', help: 'Auxiliary IPv4 or IPv6 addresses used by Network driver (name=ip)' },
    { name: 'driver', short: 'd', type: 'string', help: 'Driver to manage the Network (default "bridge")' },
    { name: 'gateway', type: 'list', value: 'strings', help: 'IPv4 or IPv6 Gateway for the master subnet' },
    { name: 'internal', type: 'bool', help: 'Restrict external access to the network' },
    { name: 'ip-range', type: 'list', value: 'strings', help: 'Allocate container ip from a sub-range' },
    { name: 'ipam-driver', type: 'string', help: 'IP Address Management Driver (default "default")' },
    { name: 'ipam-opt', type: 'list', value: 'map', help: 'Set IPAM driver specific options' },
    { name: 'ipv6', type: 'bool', help: 'Enable IPv6 networking' },
    { name: 'label', type: 'list', help: 'Set metadata on a network' },
    { name: 'opt', short: 'o', type: 'list', value: 'map', help: 'Set driver specific options' },
    { name: 'scope', type: 'string', help: "Control the network's scope" },
    { name: 'subnet', type: 'list', value: 'strings', help: 'Subnet in CIDR format that represents a network segment' },
  ],
  async run(args, { io, client }) {
    const driver = args.string('driver') ?? 'bridge';
    const req: NetworkCreateRequest = {
      Name: args.positionals[0]!,
      CheckDuplicate: true,
      Driver: driver,
      Scope: await requestScope(driver, args.string('scope') ?? '', () => client.info().catch(() => undefined)),
      Internal: args.bool('internal'),
      Attachable: args.bool('attachable'),
      Ingress: false,
      EnableIPv6: args.bool('ipv6'),
      IPAM: {
        Driver: args.string('ipam-driver') ?? 'default',
        Config: consolidateIpam(
          args.list('subnet'),
          args.list('ip-range'),
          args.list('gateway'),
          keyValues(args.list('aux-address'), '--aux-address'),
        ),
        Options: keyValues(args.list('ipam-opt'), '--ipam-opt'),
      },
      Options: keyValues(args.list('opt'), '-o, --opt'),
      Labels: keyValues(args.list('label'), '--label'),
      ConfigOnly: false,
    };
    const flags = { Name: 'NETWORK', Driver: '--driver', Scope: '--scope', IPAM: '--subnet', Options: '--opt', Labels: '--label' };
    const res = await client.createNetwork(checkBody(networkCreateSchema, req, flags));
    if (res.Warning) io.stderr(`WARNING: ${res.Warning}\n`);
    io.stdout(`${res.Id}\n`);
    return 0;
  },
};
