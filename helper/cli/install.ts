// cnm install (root): the group owning cnmd's socket (created if absent), a systemd unit for cnmd
// running the bundled dist/cnmd.js with this Node.js, then cnmd started: through systemd when it is
// the init system, otherwise directly in a session of its own (and the user is told so).
import { DEFAULT_UNIT_DIR, ensureGroup, initName, locateCnmd, logFile, managedBySystemd, recordedGroup, requireRoot, socketAnswers, startDetached, systemctl, writeUnit } from '../install/system.js';
import { UNIT_NAME } from '../install/unit.js';
import { installPaths, PATH_FLAGS } from './install-flags.js';
import type { Verb } from './verb.js';

export const verb: Verb = {
  usage: '',
  summary: 'Install cnmd as a service on this host (root)',
  args: [0, 0],
  flags: PATH_FLAGS,
  async run(args, { io, command }) {
    requireRoot(command);
    const p = installPaths(args, false);
    const cnmd = locateCnmd();
    const created = ensureGroup(p.group);
    // A group recorded by an earlier install stays recorded, so uninstall still removes it.
    const spec = { ...p, node: process.execPath, cnmd, createdGroup: created || recordedGroup(p) === p.group };
    const file = writeUnit(spec);
    io.stdout(`Wrote ${file}\nGroup ${p.group} ${created ? 'created' : 'exists'}: its members can use ${p.socket} without root\n`);
    if (managedBySystemd(p)) {
      systemctl('daemon-reload');
      systemctl('enable', UNIT_NAME);
      systemctl('restart', UNIT_NAME);
      io.stdout(`Enabled and started ${UNIT_NAME} (systemctl status ${UNIT_NAME})\n`);
      return 0;
    }
    const why = p.unitDir === DEFAULT_UNIT_DIR ? `systemd is not running here (PID 1 is ${initName()})` : `the unit is outside systemd's unit dir`;
    if (await socketAnswers(p.socket)) {
      io.stdout(`${why}; a cnmd already answers on ${p.socket} and was left running\n`);
      return 0;
    }
    const pid = await startDetached(spec);
    io.stdout(`${why}: started cnmd directly (pid ${pid}, log ${logFile(p)}); it will not start again at boot unless systemd runs the unit\n`);
    return 0;
  },
};
