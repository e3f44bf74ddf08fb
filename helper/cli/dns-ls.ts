// cnm dns ls [NETWORK]: the names the embedded DNS answers, as a table.
import { listFlags, printList } from './list.js';
import type { Verb } from './verb.js';

const DEFAULT_FORMAT = 'table {{.Network}}\t{{.Name}}\t{{.Type}}\t{{.Address}}\t{{.Sandbox}}';
const HEADERS = { Network: 'NETWORK', Name: 'NAME', Type: 'TYPE', Address: 'ADDRESS', Sandbox: 'SANDBOX' };

export const verb: Verb = {
  usage: '[NETWORK]',
  summary: 'List the names the embedded DNS serves',
  args: [0, 1],
  flags: listFlags('records'),
  async run(args, { io, client }) {
    const records = await client.dnsRecords(args.positionals[0]);
    const rows = records.map((r) => ({ Network: r.network, Name: r.name, Type: r.type, Address: r.address, Sandbox: r.sandbox }));
    printList(io, args, rows, HEADERS, DEFAULT_FORMAT);
    return 0;
  },
};
