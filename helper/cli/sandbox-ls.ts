// cnm sandbox ls: SANDBOX ID, NAME, NETWORKS, IP ADDRESSES; -q, --no-trunc, --format.
import type { SandboxView } from '../../model/cnm.js';
import { listFlags, printList } from './list.js';
import { naturalCompare, shortId } from './table.js';
import type { Verb } from './verb.js';

const DEFAULT_FORMAT = 'table {{.ID}}\t{{.Name}}\t{{.Networks}}\t{{.IPAddresses}}';
const HEADERS = {
  ID: 'SANDBOX ID',
  Name: 'NAME',
  Networks: 'NETWORKS',
  IPAddresses: 'IP ADDRESSES',
  Hostname: 'HOSTNAME',
  NetnsPath: 'NETNS',
};

function sandboxRow(s: SandboxView, noTrunc: boolean): Record<string, string> {
  const endpoints = [...s.endpoints].sort((a, b) => a.order - b.order);
  return {
    ID: noTrunc ? s.id : shortId(s.id),
    Name: s.name,
    Networks: endpoints.map((e) => e.networkName).join(','),
    IPAddresses: endpoints.flatMap((e) => [e.ipv4, e.ipv6].filter((a): a is string => !!a)).join(','),
    Hostname: s.hostname,
    NetnsPath: s.netnsPath,
  };
}

export const verb: Verb = {
  usage: '',
  summary: 'List sandboxes',
  args: [0, 0],
  flags: listFlags('sandboxes', 'sandbox'),
  async run(args, { io, client }) {
    const sandboxes = (await client.listSandboxes()).sort((a, b) => naturalCompare(a.name, b.name));
    printList(
      io,
      args,
      sandboxes.map((s) => sandboxRow(s, args.bool('no-trunc'))),
      HEADERS,
      DEFAULT_FORMAT,
    );
    return 0;
  },
};
