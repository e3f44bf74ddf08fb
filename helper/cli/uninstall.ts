// cnm uninstall (root): stops cnmd, removes every kernel object and file it made, its unit, and the
// group `cnm install` created (only if it did), after a confirmation naming all of it.
import { locateCnmd, requireRoot } from '../install/system.js';
import { installPaths, PATH_FLAGS, removeEverything, YES_FLAG } from './install-flags.js';
import type { Verb } from './verb.js';

export const verb: Verb = {
  usage: '',
  summary: 'Stop cnmd and remove everything it made, its unit and group (root)',
  args: [0, 0],
  flags: [...PATH_FLAGS, YES_FLAG],
  async run(args, ctx) {
    requireRoot(ctx.command);
    await removeEverything(locateCnmd(), installPaths(args, true), true, args, ctx);
    return 0;
  },
};
