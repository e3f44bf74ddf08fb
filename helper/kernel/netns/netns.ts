// Named network namespace files under /run/netns. Creating one spawns `ip netns add` (it does the
// bind-mount dance correctly, and sandbox creation is not on the hot path); the new namespace
// gets its loopback up through a netlink socket opened inside it.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { CnmError } from '../../errors.js';
import { Netlink } from '../netlink/netlink.js';
import { log } from '../../log.js';

const run = promisify(execFile);
export const NETNS_DIR = '/run/netns';

export const netnsPath = (name: string): string => path.join(NETNS_DIR, name);

async function ip(args: string[], name: string): Promise<void> {
  try {
    await run('ip', args);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim() ?? String(err);
    const kind = /File exists/.test(stderr) ? 'conflict' : 'internal';
    throw new CnmError(kind, `cannot ${args[1]} network namespace ${name}: ${stderr}`, { netns: name, call: `ip ${args.join(' ')}` }, err);
  }
}

/** Create /run/netns/<name> with loopback up; returns the netns file path. */
export async function createNetns(name: string): Promise<string> {
  await ip(['netns', 'add', name], name);
  const file = netnsPath(name);
  try {
    const nl = Netlink.inNetns(file);
    try {
      await nl.setUp('lo');
    } finally {
      nl.close();
    }
  } catch (err) {
    await deleteNetns(name).catch(() => undefined); // drops only cnm's bind mount
    throw err;
  }
  return file;
}

/**
 * Names an existing namespace (any netns file: /proc/PID/ns/net, another bind mount) as
 * /run/netns/<name> with a bind mount, what `ip netns attach` does for a PID. cnm's reference then
 * keeps it reachable; deleteNetns drops that reference only (the namespace lives on while used).
 */
export async function attachNetns(name: string, source: string): Promise<string> {
  const file = netnsPath(name);
  fs.mkdirSync(NETNS_DIR, { recursive: true });
  fs.writeFileSync(file, '', { flag: 'wx' });
  try {
    await run('mount', ['--bind', source, file]);
  } catch (err) {
    fs.rmSync(file, { force: true });
    const stderr = (err as { stderr?: string }).stderr?.trim() ?? String(err);
    throw new CnmError(
      'internal',
      `cannot attach network namespace ${source} as ${name}: ${stderr}`,
      { netns: source, call: 'mount --bind' },
      err,
    );
  }
  // Loopback up, as in every sandbox (the embedded DNS listens on it); a container's already is.
  const nl = Netlink.inNetns(file);
  try {
    await nl.setUp('lo');
  } finally {
    nl.close();
  }
  return file;
}

/** The inode of a namespace file (on nsfs, as /proc/self/ns/net is), or undefined when it is not one. */
export function netnsInode(file: string): number | undefined {
  try {
    const st = fs.statSync(file);
    return st.dev === fs.statSync('/proc/self/ns/net').dev ? st.ino : undefined;
  } catch {
    return undefined;
  }
}

/** Idempotent: a namespace that is already gone is not an error. */
export async function deleteNetns(name: string): Promise<void> {
  if (!fs.existsSync(netnsPath(name))) return;
  await ip(['netns', 'delete', name], name);
}

/** Names under /run/netns starting with `prefix`. */
export function listNetns(prefix = ''): string[] {
  try {
    return fs
      .readdirSync(NETNS_DIR)
      .filter((n) => n.startsWith(prefix))
      .sort();
  } catch {
    return [];
  }
}

/**
 * Calls `onGone(name)` when a namespace file starting with `prefix` leaves /run/netns (`ip netns
 * delete` from outside, or cnmd's own): inotify, no polling. The caller tells the two apart.
 */
export function watchNetns(prefix: string, onGone: (name: string) => void): { close(): void } {
  fs.mkdirSync(NETNS_DIR, { recursive: true });
  const w = fs.watch(NETNS_DIR, (_event, file) => {
    if (file && file.startsWith(prefix) && !fs.existsSync(netnsPath(file))) onGone(file);
  });
  w.on('error', (err) => log('warn', 'namespace watch failed', { dir: NETNS_DIR, error: String(err) }));
  return { close: () => w.close() };
}
