// `cnmd cleanup`: removes every kernel object and file one cnmd instance made, found the way cnmd
// finds its own at start-up (ownership.ts): links aliased cnm:* in this network namespace, sandbox
// namespaces and /etc/netns folders with the instance's prefix, the nftables table inet cnm, then
// the state dir, run dir and socket. Keeps going past failures and reports each one.
import fs from 'node:fs';
import { CnmError, TeardownErrors } from '../errors.js';
import { Netlink } from '../kernel/netlink/netlink.js';
import { deleteNetns, listNetns, netnsPath } from '../kernel/netns/netns.js';
import { Firewall } from '../kernel/nftables/nft.js';
import { SandboxFiles } from '../sandbox/files.js';
import { lockOwner, lockStateDir } from '../store/lock.js';
import type { DaemonFlags } from './flags.js';
import { isOwnLink, netnsPrefixFor } from './ownership.js';

export interface Owned {
  links: Array<{ name: string; kind: string; alias: string }>;
  netns: string[];
  /** /etc/netns/<ns> folders (names). */
  files: string[];
  table: boolean;
  /** State dir, run dir, socket: those that exist. */
  paths: string[];
}

/** Without libnftables cnmd could not have made its table (nor could anything remove it). */
function tableExists(fw: Firewall): boolean {
  try {
    return fw.hasTable();
  } catch (err) {
    if (err instanceof CnmError && err.kind === 'unsupported') return false;
    throw err;
  }
}

export async function findOwned(flags: DaemonFlags, host: Netlink, fw: Firewall, files: SandboxFiles): Promise<Owned> {
  const prefix = fs.existsSync(flags.stateDir) ? netnsPrefixFor(flags.stateDir) : undefined;
  return {
    links: (await host.listLinks()).filter(isOwnLink).map((l) => ({ name: l.name, kind: l.kind, alias: l.alias })),
    netns: prefix ? await listNetns(prefix) : [],
    files: prefix ? files.list(prefix) : [],
    table: tableExists(fw),
    // The socket usually sits in the run dir, which goes as a whole.
    paths: [flags.stateDir, flags.runDir, flags.socket].filter(
      (p, i, all) => fs.existsSync(p) && !all.some((d, j) => j < i && p.startsWith(`${d}/`)),
    ),
  };
}

interface Removal {
  what: string;
  remove(): unknown;
}

/**
 * One removal per object, each named as the confirmation of `cnm cleanup` / `cnm uninstall` shows
 * it. Namespaces first: deleting one removes the veth ends inside it, and their host ends with them.
 */
function removals(o: Owned, host: Netlink, fw: Firewall, files: SandboxFiles): Removal[] {
  return [
    ...o.netns.map((n) => ({ what: `network namespace ${netnsPath(n)}`, remove: () => deleteNetns(n) })),
    ...o.links.map((l) => ({ what: `link ${l.name} (${l.kind || 'link'}, alias ${l.alias})`, remove: () => host.deleteLink(l.name) })),
    ...o.files.map((n) => ({ what: `sandbox files ${files.dir(n)}`, remove: () => files.remove(n) })),
    ...(o.table ? [{ what: 'nftables table inet cnm', remove: () => fw.flush() }] : []),
    ...o.paths.map((p) => ({ what: `path ${p}`, remove: () => fs.rmSync(p, { recursive: true, force: true }) })),
  ];
}

async function stopOwner(stateDir: string): Promise<void> {
  const pid = lockOwner(stateDir);
  if (pid === undefined) return;
  process.kill(pid, 'SIGTERM');
  // Bounded: 10 s for a clean stop, then SIGKILL (kernel objects stay and are removed below).
  for (let i = 0; i < 120 && lockOwner(stateDir) !== undefined; i++) {
    if (i === 100) process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
  }
  if (lockOwner(stateDir) !== undefined) throw new CnmError('internal', `cnmd (pid ${pid}) did not stop`, { call: 'kill' });
}

/** Prints what it removes (or would remove, with --dry-run) to `out`; throws listing every failure. */
export async function cleanup(flags: DaemonFlags, out: (line: string) => void): Promise<void> {
  if (!flags.dryRun && fs.existsSync(flags.stateDir)) {
    const pid = lockOwner(flags.stateDir);
    if (pid !== undefined && !flags.stop) {
      throw new CnmError('conflict', `cnmd (pid ${pid}) is running on ${flags.stateDir}: stop it first, or pass --stop`, {
        call: 'cleanup',
      });
    }
    await stopOwner(flags.stateDir);
    // Held until the state dir goes, so no cnmd starts on it meanwhile.
    lockStateDir(flags.stateDir);
  }
  const host = Netlink.forCurrent();
  const fw = Firewall.forCurrent();
  const files = new SandboxFiles();
  try {
    const todo = removals(await findOwned(flags, host, fw, files), host, fw, files);
    if (flags.dryRun) return todo.forEach((r) => out(r.what));
    const td = new TeardownErrors();
    for (const r of todo) {
      const before = td.failed.length;
      await td.run({ call: `remove ${r.what}` }, r.remove);
      if (td.failed.length === before) out(`removed ${r.what}`);
    }
    td.throwIfAny('cleanup incomplete');
  } finally {
    host.close();
    fw.close();
  }
}
