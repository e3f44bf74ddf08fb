// cnm install (root): the group owning cnmd's socket (created if absent), a systemd unit for cnmd
// running the bundled dist/cnmd.js with this Node.js, then cnmd started: through systemd when it is
// the init system, otherwise directly in a session of its own (and the user is told so).
import fs from 'node:fs';
import {
  cnmdCleanup,
  DEFAULT_UNIT_DIR,
  ensureGroup,
  initName,
  locateCnmd,
  logFile,
  managedBySystemd,
  readUnit,
  recordedGroup,
  removeGroup,
  requireRoot,
  socketAnswers,
  startDetached,
  systemctl,
  writeUnit,
} from '../install/system.js';
import { UNIT_NAME, type UnitSpec } from '../install/unit.js';
import { installPaths, PATH_FLAGS } from './install-flags.js';
import type { CliIo, Verb } from './verb.js';

export const verb: Verb = {
  usage: '',
  summary: 'Install cnmd as a service on this host (root)',
  args: [0, 0],
  flags: PATH_FLAGS,
  async run(args, { io, command }) {
    requireRoot(command);
    const p = installPaths(args, false);
    const cnmd = locateCnmd();
    const had = { unit: readUnit(p) !== undefined, state: fs.existsSync(p.stateDir) };
    const created = ensureGroup(p.group);
    // A group recorded by an earlier install stays recorded, so uninstall still removes it.
    const spec = {
      ...p,
      node: process.execPath,
      electron: Boolean(process.versions.electron),
      cnmd,
      createdGroup: created || recordedGroup(p) === p.group,
    };
    const file = writeUnit(spec);
    io.stdout(`Wrote ${file}\nGroup ${p.group} ${created ? 'created' : 'exists'}: its members can use ${p.socket} without root\n`);
    try {
      await start(spec, io);
      return 0;
    } catch (err) {
      // A cnmd that cannot start leaves nothing of this install behind; an earlier install's unit
      // and state stay as they were.
      const undone: string[] = [];
      const undo = (what: string, fn: () => unknown) => {
        try {
          fn();
          undone.push(what);
        } catch (e) {
          io.stderr(`cannot undo ${what}: ${(e as Error).message}\n`);
        }
      };
      if (!had.state) undo(`what cnmd made (${p.stateDir}, ${p.runDir})`, () => cnmdCleanup(cnmd, p, ['--stop']));
      if (!had.unit) {
        if (managedBySystemd(p)) undo(`systemctl enable ${UNIT_NAME}`, () => systemctl('disable', UNIT_NAME));
        undo(file, () => fs.rmSync(file, { force: true }));
      }
      if (created) undo(`group ${p.group}`, () => removeGroup(p.group));
      if (undone.length) io.stderr(`Undone: ${undone.join('; ')}\n`);
      throw err;
    }
  },
};

async function start(spec: UnitSpec, io: CliIo): Promise<void> {
  if (managedBySystemd(spec)) {
    systemctl('daemon-reload');
    systemctl('enable', UNIT_NAME);
    systemctl('restart', UNIT_NAME);
    io.stdout(`Enabled and started ${UNIT_NAME} (systemctl status ${UNIT_NAME})\n`);
    return;
  }
  const why =
    spec.unitDir === DEFAULT_UNIT_DIR ? `systemd is not running here (PID 1 is ${initName()})` : `the unit is outside systemd's unit dir`;
  if (await socketAnswers(spec.socket)) {
    io.stdout(`${why}; a cnmd already answers on ${spec.socket} and was left running\n`);
    return;
  }
  const pid = await startDetached(spec);
  io.stdout(
    `${why}: started cnmd directly (pid ${pid}, log ${logFile(spec)}); it will not start again at boot unless systemd runs the unit\n`,
  );
}
