// cnm port ls: every published port on the host and the host addresses it is reachable on
// (the firewall-exposure view: what the outside can reach, sandbox by sandbox).
import { hostPortText } from '../../model/ports.js';
import { listFlags, printList } from './list.js';
import type { Verb } from './verb.js';

const DEFAULT_FORMAT = 'table {{.Sandbox}}\t{{.Network}}\t{{.Port}}\t{{.Target}}\t{{.Binding}}\t{{.Reachable}}';
const HEADERS = { Sandbox: 'SANDBOX', Network: 'NETWORK', Port: 'PORT', Target: 'TARGET', Binding: 'BINDING', Reachable: 'REACHABLE AT' };

export const verb: Verb = {
  usage: '',
  summary: 'List every published port and the host addresses it is reachable on',
  args: [0, 0],
  flags: listFlags('ports'),
  async run(args, { io, client }) {
    const ports = await client.publishedPorts();
    const rows = ports.map((p) => ({
      Sandbox: p.sandbox,
      Network: p.network,
      Port: `${p.containerPort}/${p.proto}`,
      Target: p.containerIp ? `${p.containerIp}:${p.containerPort}` : '-',
      Binding: hostPortText(p.hostIp, p.hostPort),
      Reachable: p.reachableAt.join(', ') || 'nowhere (no address of that family)',
    }));
    printList(io, args, rows, HEADERS, DEFAULT_FORMAT);
    return 0;
  },
};
