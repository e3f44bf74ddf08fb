// A sandbox's own /etc/hosts and /etc/resolv.conf. They live in /etc/netns/<netns name>/, the
// place `ip netns exec` bind-mounts over /etc for commands run in that namespace, so `cnm exec`
// and a plain `ip netns exec` both see them.
import fs from 'node:fs';
import path from 'node:path';
import { withContext } from '../errors.js';

export const ETC_NETNS = '/etc/netns';

/** Docker's default /etc/hosts head, then one line per own address with the sandbox's names. */
export function renderHosts(names: string[], addresses: string[]): string {
  const head = [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'ff00::0\tip6-mcastprefix',
    'ff02::1\tip6-allnodes',
    'ff02::2\tip6-allrouters',
  ];
  const own = addresses.map((a) => `${a.split('/')[0]}\t${names.join(' ')}`);
  return [...head, ...own].join('\n') + '\n';
}

export class SandboxFiles {
  /** What each file holds now, so a connect rewrites only what changed (it sits on the hot path). */
  private readonly written = new Map<string, string>();

  constructor(private readonly root: string = ETC_NETNS) {}

  dir(nsName: string): string {
    return path.join(this.root, nsName);
  }

  /** Both files at once, and only what changed: this overlaps the store commit on a connect. */
  async write(nsName: string, hosts: string, resolvConf: string): Promise<void> {
    const dir = this.dir(nsName);
    try {
      if (!this.written.has(path.join(dir, 'hosts'))) fs.mkdirSync(dir, { recursive: true });
      await Promise.all([
        this.writeIfChanged(path.join(dir, 'hosts'), hosts),
        this.writeIfChanged(path.join(dir, 'resolv.conf'), resolvConf),
      ]);
    } catch (err) {
      throw withContext(err, { netns: nsName, call: `write ${dir}` }, `cannot write sandbox files in ${dir}`);
    }
  }

  private async writeIfChanged(file: string, content: string): Promise<void> {
    if (this.written.get(file) === content) return;
    this.written.set(file, content);
    try {
      await writeInPlace(file, content);
    } catch (err) {
      this.written.delete(file);
      throw err;
    }
  }

  remove(nsName: string): void {
    const dir = this.dir(nsName);
    for (const f of ['hosts', 'resolv.conf']) this.written.delete(path.join(dir, f));
    fs.rmSync(dir, { recursive: true, force: true });
  }

  /** Directories here whose names start with `prefix` (for orphan clean-up). */
  list(prefix: string): string[] {
    try {
      return fs.readdirSync(this.root).filter((n) => n.startsWith(prefix));
    } catch {
      return [];
    }
  }
}

/**
 * Rewrite in place rather than rename a new file over it: a command already running under
 * `ip netns exec` has the old inode bind-mounted at /etc/hosts and must see the update.
 */
function writeInPlace(file: string, content: string): Promise<void> {
  return fs.promises.writeFile(file, content);
}
