// What `cnm install` / `uninstall` / `cleanup` do to the host outside the kernel: the group, the
// unit file, systemd, a direct (detached) start of cnmd where systemd is not running, and running
// `cnmd cleanup`, which alone knows what cnmd made (helper/cnmd/cleanup.ts).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { cnmdArgv, createdGroupOf, renderUnit, unitPath, type InstallPaths, type UnitSpec } from './unit.js';

export class InstallError extends Error {}

/** systemd's own test (sd_booted): it is the init system when /run/systemd/system exists. */
export function systemdRunning(): boolean {
  return fs.existsSync('/run/systemd/system');
}

export function initName(): string {
  try {
    return fs.readFileSync('/proc/1/comm', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

/** systemd manages the unit only when it runs and the unit sits where it reads units. */
export const managedBySystemd = (p: InstallPaths): boolean => systemdRunning() && p.unitDir === DEFAULT_UNIT_DIR;
export const DEFAULT_UNIT_DIR = '/etc/systemd/system';

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new InstallError(`${cmd} ${args.join(' ')} failed: ${(r.stderr || String(r.error ?? '')).trim()}`);
}

export function requireRoot(command: string): void {
  if (process.getuid?.() !== 0) throw new InstallError(`${command} must run as root (try: sudo ${command})`);
}

/** dist/cnmd.js beside the running cnm.js (also inside an unpacked .vsix). */
export function locateCnmd(cliScript = process.argv[1] ?? ''): string {
  const cnmd = path.join(path.dirname(fs.realpathSync(cliScript)), 'cnmd.js');
  if (!fs.existsSync(cnmd))
    throw new InstallError(`cannot find cnmd.js next to ${cliScript}: run cnm from its built dist/ folder (npm run build)`);
  return cnmd;
}

export function groupExists(name: string): boolean {
  return spawnSync('getent', ['group', name]).status === 0;
}

/** Creates the group if absent; true when this call created it. */
export function ensureGroup(name: string): boolean {
  if (groupExists(name)) return false;
  run('groupadd', ['--system', name]);
  return true;
}

export function removeGroup(name: string): void {
  if (groupExists(name)) run('groupdel', [name]);
}

export function readUnit(p: Pick<InstallPaths, 'unitDir'>): string | undefined {
  try {
    return fs.readFileSync(unitPath(p), 'utf8');
  } catch {
    return undefined;
  }
}

/** The group an earlier `cnm install` created (kept across re-installs so uninstall still removes it). */
export const recordedGroup = (p: InstallPaths): string | undefined => createdGroupOf(readUnit(p) ?? '');

export function writeUnit(spec: UnitSpec): string {
  fs.mkdirSync(spec.unitDir, { recursive: true });
  const file = unitPath(spec);
  fs.writeFileSync(file, renderUnit(spec), { mode: 0o644 });
  return file;
}

export function systemctl(...args: string[]): void {
  run('systemctl', args);
}

/** true when something answers GET /_ping on the socket. */
export function socketAnswers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath: socket, path: '/_ping', timeout: 2000, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

export const logFile = (p: InstallPaths): string => path.join(p.runDir, 'cnmd.log');

/**
 * Starts cnmd in a session of its own (it outlives the CLI), output to the log file in the run
 * dir; waits until its socket answers. A cnmd that exits first (a missing runtime need) fails
 * this with its own message.
 */
export async function startDetached(spec: Omit<UnitSpec, 'unitDir' | 'createdGroup'>): Promise<number> {
  fs.mkdirSync(spec.runDir, { recursive: true });
  const log = logFile({ ...spec, unitDir: '' });
  const fd = fs.openSync(log, 'a');
  const [node, ...args] = cnmdArgv(spec);
  const child = spawn(node!, args, { detached: true, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  let exited: number | null = null;
  child.once('exit', (code, signal) => (exited = code ?? (signal ? 128 : 1)));
  try {
    for (let i = 0; i < 200; i++) {
      if (exited !== null) {
        const tail = fs.readFileSync(log, 'utf8').trim().split('\n').slice(-8).join('\n');
        throw new InstallError(`cnmd exited with status ${exited} at start:\n${tail}`);
      }
      if (await socketAnswers(spec.socket)) return child.pid!;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGTERM');
    throw new InstallError(`cnmd did not answer on ${spec.socket} within 20 s; see ${log}`);
  } finally {
    child.unref();
  }
}

/** Runs `cnmd cleanup` with these paths; returns its output lines; throws with its message. */
export function cnmdCleanup(cnmd: string, p: InstallPaths, extra: string[]): string[] {
  const r = spawnSync(
    process.execPath,
    [cnmd, 'cleanup', ...extra, '--socket', p.socket, '--state-dir', p.stateDir, '--run-dir', p.runDir],
    { encoding: 'utf8' },
  );
  const lines = (r.stdout ?? '').split('\n').filter(Boolean);
  if (r.status !== 0) throw new InstallError(`${lines.map((l) => `${l}\n`).join('')}${(r.stderr || String(r.error ?? '')).trim()}`);
  return lines;
}
