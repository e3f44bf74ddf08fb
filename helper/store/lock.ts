// One cnmd per state directory: a pidfile created atomically (written under a private name, then
// hard-linked into place, which fails if it exists). A pidfile whose process is gone is stale and
// is replaced.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CnmError } from '../errors.js';
import { log } from '../log.js';

export const LOCK_FILE = 'cnmd.pid';

export interface DirLock {
  release(): void;
}

export function lockStateDir(dir: string): DirLock {
  const file = path.join(dir, LOCK_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${process.pid}\n`);
  try {
    // Two tries: the second after removing a stale pidfile.
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.linkSync(tmp, file);
        return { release: () => releaseIfOurs(file) };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw lockError(dir, file, err);
      }
      const owner = readPid(file);
      if (owner !== undefined && isAlive(owner)) {
        throw new CnmError(
          'conflict',
          `state directory ${dir} is in use by another cnmd (pid ${owner}); stop it or give a different state directory`,
          { call: 'lock', path: file },
        );
      }
      log('warn', 'removing stale cnmd pidfile', { path: file, pid: owner });
      fs.rmSync(file, { force: true });
    }
    throw lockError(dir, file, new Error('pidfile keeps reappearing'));
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function lockError(dir: string, file: string, cause: unknown): CnmError {
  return new CnmError('internal', `cannot lock state directory ${dir}`, { call: 'lock', path: file }, cause);
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function releaseIfOurs(file: string): void {
  if (readPid(file) === process.pid) fs.rmSync(file, { force: true });
}

/** The pid of the live cnmd holding `dir`'s lock, if any (for `cnmd cleanup --stop`). */
export function lockOwner(dir: string): number | undefined {
  const pid = readPid(path.join(dir, LOCK_FILE));
  return pid !== undefined && pid !== process.pid && isAlive(pid) ? pid : undefined;
}
