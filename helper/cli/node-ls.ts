// cnm node ls: the hosts of the cluster this cnmd joined (--cluster-store), with their state and how
// many endpoints each holds on global networks, and the cluster store's health on stderr when it is
// degraded (the list is then the last one cnmd read).
import { listFlags, printList } from './list.js';
import type { Verb } from './verb.js';

const DEFAULT_FORMAT = 'table {{.Name}}\t{{.Address}}\t{{.State}}\t{{.Endpoints}}\t{{.Version}}';
const HEADERS = { Name: 'NAME', Address: 'ADDRESS', State: 'STATE', Endpoints: 'ENDPOINTS', Version: 'VERSION' };

export const verb: Verb = {
  usage: '',
  summary: 'List the hosts of the cluster',
  args: [0, 0],
  flags: listFlags('hosts'),
  async run(args, { io, client }) {
    const view = await client.cluster();
    if (!view.configured) {
      io.stderr('This cnmd is not part of a cluster: start it with --cluster-store etcd://HOST:2379 --cluster-advertise IP|IFACE\n');
      return 1;
    }
    const h = view.health!;
    if (h.state === 'degraded')
      io.stderr(`cluster store ${h.store} degraded since ${h.since}: ${h.lastError ?? 'unknown error'} (hosts as last read)\n`);
    const rows = view.hosts.map((n) => ({
      Name: n.name,
      Address: n.port ? `${n.address.includes(':') ? `[${n.address}]` : n.address}:${n.port}` : n.address,
      State: n.state,
      Endpoints: String(n.endpoints?.length ?? 0),
      Version: n.version,
    }));
    printList(io, args, rows, HEADERS, DEFAULT_FORMAT);
    return 0;
  },
};
