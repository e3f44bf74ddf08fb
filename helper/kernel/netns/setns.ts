// Entering a network namespace from Node's main thread, for the length of one synchronous call.
// Sockets created inside `fn` (netlink, DNS listeners) stay bound to that namespace for their
// whole life, so the helper opens them once per sandbox and keeps them. No maintained npm package
// exposes setns(2); koffi calls libc directly, which needs no compile step (a prebuilt koffi ships
// in its npm package).
import fs from 'node:fs';
import koffi from 'koffi';
import { CnmError } from '../../errors.js';

const CLONE_NEWNET = 0x40000000;

let libc: { setns: (fd: number, nstype: number) => number } | undefined;
function lib() {
  if (!libc) {
    const l = koffi.load('libc.so.6');
    libc = { setns: l.func('int setns(int fd, int nstype)') };
  }
  return libc;
}

/** fd of the namespace the main thread started in, opened once. */
let homeFd: number | undefined;
function home(): number {
  if (homeFd === undefined) homeFd = fs.openSync('/proc/thread-self/ns/net', 'r');
  return homeFd;
}

function enter(fd: number, what: string): void {
  if (lib().setns(fd, CLONE_NEWNET) !== 0) {
    const errno = koffi.errno();
    throw new CnmError('internal', `cannot enter network namespace ${what}: errno ${errno}`, { netns: what, call: 'setns' });
  }
}

/**
 * Run `fn` with the main thread inside the netns at `nsPath`, then return to the home netns.
 * `fn` must be synchronous: no await may happen while the thread is switched.
 */
export function inNetns<T>(nsPath: string, fn: () => T): T {
  const back = home();
  let fd: number;
  try {
    fd = fs.openSync(nsPath, 'r');
  } catch (err) {
    throw new CnmError('not-found', `network namespace ${nsPath} does not exist`, { netns: nsPath, call: 'open' }, err);
  }
  try {
    enter(fd, nsPath);
    try {
      return fn();
    } finally {
      enter(back, 'home');
    }
  } finally {
    fs.closeSync(fd);
  }
}
