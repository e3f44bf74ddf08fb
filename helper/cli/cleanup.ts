// cnm cleanup (root): what uninstall does except removing the unit and group. The answer to "how
// do I remove everything": cnmd is stopped and every kernel object and file it made is removed.
import { locateCnmd, requireRoot } from '../install/system.js';
import { installPaths, PATH_FLAGS, removeEverything, YES_FLAG } from './install-flags.js';
import type { Verb } from './verb.js';

export const verb: Verb = {
  usage: '',
  summary: 'Stop cnmd and remove every network, sandbox and file it made (root)',
  args: [0, 0],
  flags: [...PATH_FLAGS.filter((f) => f.name !== 'group'), YES_FLAG],
  async run(args, ctx) {
    requireRoot(ctx.command);
    if (await removeEverything(locateCnmd(), installPaths(args, true), false, args, ctx)) {
      ctx.io.stdout('cnmd is stopped; its unit stays installed (start it again: cnm install, or systemctl start cnmd)\n');
    }
    return 0;
  },
};
