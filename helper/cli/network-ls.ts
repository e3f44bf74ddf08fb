// cnm network ls: Docker's table (sorted by name, 12-char ids), -q, --filter, --format, --no-trunc.
import type { NetworkResource } from '../../model/docker.js';
import type { SubnetConflict } from '../../model/diagnose.js';
import { filtersFromFlags } from './filter-flag.js';
import { listFlags, printList } from './list.js';
import { naturalCompare, shortId } from './table.js';
import type { Verb } from './verb.js';

const DEFAULT_FORMAT = 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}';
/** Docker's columns plus a marker column, used only while some network has a subnet conflict. */
const CONFLICT_FORMAT = `${DEFAULT_FORMAT}\t{{.Conflict}}`;
const HEADERS = {
  ID: 'NETWORK ID',
  Name: 'NAME',
  Driver: 'DRIVER',
  Scope: 'SCOPE',
  IPv6: 'IPV6',
  Internal: 'INTERNAL',
  Labels: 'LABELS',
  CreatedAt: 'CREATED AT',
  Conflict: 'CONFLICT',
};

/** `! route 10.0.0.0/8 on tun0` for a network a host route or address overlaps; '' otherwise. */
function conflictMarker(id: string, conflicts: SubnetConflict[]): string {
  return conflicts
    .filter((c) => c.networkId === id)
    .map((c) => `! ${c.kind} ${c.prefix}${c.ifname ? ` on ${c.ifname}` : ''}`)
    .join(', ');
}

/** Go's time.Time String(): 2026-11-22 10:19:34.826341741 +0000 UTC. */
export function goTime(rfc3339: string): string {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d+)?Z$/.exec(rfc3339);
  return m ? `${m[1]} ${m[2]}${(m[3] ?? '').replace(/0+$/, '').replace(/\.$/, '')} +0000 UTC` : rfc3339;
}

export function networkRow(n: NetworkResource, noTrunc: boolean, conflicts: SubnetConflict[] = []): Record<string, string> {
  return {
    Conflict: conflictMarker(n.Id, conflicts),
    ID: noTrunc ? n.Id : shortId(n.Id),
    Name: n.Name,
    Driver: n.Driver,
    Scope: n.Scope,
    IPv6: String(n.EnableIPv6),
    Internal: String(n.Internal),
    Labels: Object.entries(n.Labels ?? {})
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
    CreatedAt: goTime(n.Created),
  };
}

export const verb: Verb = {
  usage: '',
  summary: 'List networks',
  args: [0, 0],
  flags: [
    { name: 'filter', short: 'f', type: 'list', value: 'filter', help: "Provide filter values (e.g. 'driver=bridge')" },
    ...listFlags('networks', 'network'),
  ],
  async run(args, { io, client }) {
    const [networks, conflicts] = await Promise.all([
      client.listNetworks(filtersFromFlags(args.list('filter'))),
      // A Docker engine has no conflict watch: its answer is Docker's table.
      client.conflicts().catch(() => [] as SubnetConflict[]),
    ]);
    networks.sort((a, b) => naturalCompare(a.Name, b.Name));
    const marked = conflicts.some((c) => networks.some((n) => n.Id === c.networkId));
    printList(
      io,
      args,
      networks.map((n) => networkRow(n, args.bool('no-trunc'), conflicts)),
      HEADERS,
      marked ? CONFLICT_FORMAT : DEFAULT_FORMAT,
    );
    return 0;
  },
};
