// cnm version: this CLI's version and, when cnmd answers, the daemon's.
import pkg from '../../package.json';
import { errorLine } from './errors.js';
import type { Verb } from './verb.js';

export const CLI_VERSION: string = pkg.version;

export const verb: Verb = {
  usage: '',
  summary: 'Show the cnm and cnmd versions',
  args: [0, 0],
  flags: [],
  async run(_args, { io, client }) {
    io.stdout(`Client:\n Version:           ${CLI_VERSION}\n Host:              ${client.host}\n\n`);
    try {
      const v = await client.version();
      io.stdout(
        `Server: cnmd\n Version:           ${v.Version}\n API version:       ${v.ApiVersion} (minimum version ${v.MinAPIVersion})\n OS/Arch:           ${v.Os}/${v.Arch}\n Kernel version:    ${v.KernelVersion}\n`,
      );
      return 0;
    } catch (err) {
      io.stderr(`${errorLine(err)}\n`);
      return 1;
    }
  },
};
