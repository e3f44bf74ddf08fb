// cnm network prune [-f] [--filter k=v]: asks first (as Docker does) unless -f.
import { filtersFromFlags } from './filter-flag.js';
import type { Verb } from './verb.js';

export const PRUNE_WARNING =
  'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ';

export const verb: Verb = {
  usage: '',
  summary: 'Remove all unused networks',
  args: [0, 0],
  flags: [
    { name: 'filter', type: 'list', value: 'filter', help: "Provide filter values (e.g. 'until=<timestamp>')" },
    { name: 'force', short: 'f', type: 'bool', help: 'Do not prompt for confirmation' },
  ],
  async run(args, { io, client }) {
    const filters = filtersFromFlags(args.list('filter'));
    if (!args.bool('force')) {
      io.stdout(PRUNE_WARNING);
      const answer = (await io.readLine()).trim().toLowerCase();
      if (answer !== 'y' && answer !== 'yes') return 0;
    }
    const { NetworksDeleted } = await client.pruneNetworks(filters);
    if (NetworksDeleted?.length) io.stdout(`Deleted Networks:\n${NetworksDeleted.map((n) => `${n}\n`).join('')}\n`);
    return 0;
  },
};
