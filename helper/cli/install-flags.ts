// What `cnm install`, `uninstall` and `cleanup` share: the path flags (injectable, so tests drive
// the same code against temp dirs), the confirmation that names what will go, and the removal of
// everything cnmd made, done by `cnmd cleanup` (cnmd alone knows what it owns).
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_RUN_DIR, DEFAULT_STATE_DIR } from '../cnmd/flags.js';
import {
  cnmdCleanup,
  DEFAULT_UNIT_DIR,
  InstallError,
  managedBySystemd,
  readUnit,
  recordedGroup,
  removeGroup,
  systemctl,
} from '../install/system.js';
import { pathsOfUnit, UNIT_NAME, unitPath, type InstallPaths } from '../install/unit.js';
import type { FlagSpec, ParsedArgs } from './flags.js';
import type { CliContext } from './verb.js';

export const PATH_FLAGS: FlagSpec[] = [
  { name: 'unit-dir', type: 'string', value: 'dir', help: `Where the systemd unit is written or found (default ${DEFAULT_UNIT_DIR})` },
  {
    name: 'state-dir',
    type: 'string',
    value: 'dir',
    help: `cnmd's state dir (default ${DEFAULT_STATE_DIR}; uninstall, cleanup: the installed unit's)`,
  },
  {
    name: 'run-dir',
    type: 'string',
    value: 'dir',
    help: `cnmd's run dir: socket, log (default ${DEFAULT_RUN_DIR}; uninstall, cleanup: the installed unit's)`,
  },
  {
    name: 'socket',
    type: 'string',
    value: 'path',
    help: "cnmd's API socket (default <run-dir>/cnmd.sock; uninstall, cleanup: the installed unit's)",
  },
  { name: 'group', type: 'string', value: 'name', help: 'Group owning the socket, created if absent (default cnm)' },
];

export const YES_FLAG: FlagSpec = { name: 'yes', short: 'y', type: 'bool', help: 'Do not prompt for confirmation' };

/**
 * The flags, else (with `fromUnit`, for uninstall and cleanup) what the installed unit runs cnmd
 * with, else the documented defaults.
 */
export function installPaths(args: ParsedArgs, fromUnit: boolean): InstallPaths {
  const unitDir = path.resolve(args.string('unit-dir') ?? DEFAULT_UNIT_DIR);
  const unit = fromUnit ? pathsOfUnit(readUnit({ unitDir }) ?? '') : {};
  const runDir = path.resolve(args.string('run-dir') ?? unit.runDir ?? DEFAULT_RUN_DIR);
  return {
    unitDir,
    stateDir: path.resolve(args.string('state-dir') ?? unit.stateDir ?? DEFAULT_STATE_DIR),
    runDir,
    socket: path.resolve(args.string('socket') ?? unit.socket ?? path.join(runDir, 'cnmd.sock')),
    group: args.string('group') ?? unit.group ?? 'cnm',
  };
}

/** Lists `items`; true when confirmed (or --yes). Without a terminal and without --yes it refuses. */
async function confirm(items: string[], args: ParsedArgs, { io, command }: CliContext): Promise<boolean> {
  io.stdout(`This will remove:\n${items.map((i) => `  - ${i}\n`).join('')}`);
  if (args.bool('yes')) return true;
  if (!io.interactive)
    throw new InstallError(`${command} needs confirmation and stdin is not a terminal: pass -y/--yes to remove the above`);
  io.stdout('Are you sure you want to continue? [y/N] ');
  const answer = (await io.readLine()).trim().toLowerCase();
  return answer === 'y' || answer === 'yes';
}

/**
 * Stops cnmd and removes every kernel object and file it made; with `unit`, also the unit and the
 * group `cnm install` created. false when there was nothing to remove or the user declined.
 */
export async function removeEverything(cnmd: string, p: InstallPaths, unit: boolean, args: ParsedArgs, ctx: CliContext): Promise<boolean> {
  const unitText = readUnit(p);
  const group = unit ? recordedGroup(p) : undefined;
  const items = [
    ...cnmdCleanup(cnmd, p, ['--dry-run']),
    ...(unit && unitText !== undefined ? [`systemd unit ${unitPath(p)}`] : []),
    ...(group ? [`group ${group} (created by cnm install)`] : []),
  ];
  if (!items.length) {
    ctx.io.stdout('Nothing to remove.\n');
    return false;
  }
  if (!(await confirm(items, args, ctx))) return false;
  const systemd = unitText !== undefined && managedBySystemd(p);
  // With systemd, stop through it (so Restart= does not bring cnmd back); otherwise `cnmd cleanup --stop`.
  if (systemd) systemctl(unit ? 'disable' : 'stop', ...(unit ? ['--now'] : []), UNIT_NAME);
  const removed = cnmdCleanup(cnmd, p, ['--stop']);
  if (unit && unitText !== undefined) {
    fs.rmSync(unitPath(p), { force: true });
    if (systemd) systemctl('daemon-reload');
    removed.push(`removed systemd unit ${unitPath(p)}`);
  }
  if (group) {
    removeGroup(group);
    removed.push(`removed group ${group}`);
  }
  ctx.io.stdout(removed.map((l) => `${l}\n`).join(''));
  return true;
}
