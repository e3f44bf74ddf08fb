// cnm sandbox ls: SANDBOX ID, NAME, NETWORKS, IP ADDRESSES; -q, --no-trunc, --format.
import type { SandboxView } from '../../model/cnm.js';
import { formatList } from './format.js';
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
  flags: [
    { name: 'format', type: 'string', help: 'Pretty-print sandboxes using a Go template' },
    { name: 'no-trunc', type: 'bool', help: 'Do not truncate the output' },
    { name: 'quiet', short: 'q', type: 'bool', help: 'Only display sandbox IDs' },
  ],
  async run(args, { io, client }) {
    const sandboxes = (await client.listSandboxes()).sort((a, b) => naturalCompare(a.name, b.name));
    const format = args.bool('quiet') ? '{{.ID}}' : args.string('format') || DEFAULT_FORMAT;
    io.stdout(
      formatList(
        sandboxes.map((s) => sandboxRow(s, args.bool('no-trunc'))),
        HEADERS,
        format,
      ),
    );
    return 0;
  },
};
