// A sandbox's own /etc/hosts and /etc/resolv.conf. They live in /etc/netns/<netns name>/, the
// place `ip netns exec` bind-mounts over /etc for commands run in that namespace, so `cnm exec`
// and a plain `ip netns exec` both see them.
import fs from 'node:fs';
import path from 'node:path';
import { parseAddr } from '../../model/ip.js';
import { withContext } from '../errors.js';

export const ETC_NETNS = '/etc/netns';

/** A token /etc/hosts can carry: no whitespace, control character or comment sign (no line can be injected). */
// eslint-disable-next-line no-control-regex
const HOSTS_TOKEN = /^[^\s#\x00-\x1f\x7f]{1,253}$/;

/**
 * Docker's default /etc/hosts head, then one line per own address with the sandbox's names. The
 * API validated them (RFC 1123 host name, sandbox name rules); a value that still does not fit a
 * hosts line (a record from an older cnmd) is left out rather than written.
 */
export function renderHosts(names: string[], addresses: string[], extra: string[] = []): string {
  const head = [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'ff00::0\tip6-mcastprefix',
    'ff02::1\tip6-allnodes',
    'ff02::2\tip6-allrouters',
  ];
  const safe = names.filter((n) => HOSTS_TOKEN.test(n));
  const own = addresses
    .map((a) => a.split('/')[0]!)
    .filter((a) => parseAddr(a) && safe.length > 0)
    .map((a) => `${a}\t${safe.join(' ')}`);
  return [...head, ...extra, ...own].join('\n') + '\n';
}

export class SandboxFiles {
  /** What each file holds now, so a connect rewrites only what changed (it sits on the hot path). */
  private readonly written = new Map<string, string>();

  constructor(private readonly root: string = ETC_NETNS) {}

  dir(nsName: string): string {
    return path.join(this.root, nsName);
  }

  /** Only what changed; written in place synchronously (see writeInPlace). */
  async write(nsName: string, hosts: string, resolvConf: string): Promise<void> {
    const dir = this.dir(nsName);
    try {
      if (!this.written.has(path.join(dir, 'hosts'))) fs.mkdirSync(dir, { recursive: true });
      this.writeIfChanged(path.join(dir, 'hosts'), hosts);
      this.writeIfChanged(path.join(dir, 'resolv.conf'), resolvConf);
    } catch (err) {
      throw withContext(err, { netns: nsName, call: `write ${dir}` }, `cannot write sandbox files in ${dir}`);
    }
  }

  private writeIfChanged(file: string, content: string): void {
    if (this.written.get(file) === content) return;
    this.written.set(file, content);
    try {
      writeInPlace(file, content);
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
 * `ip netns exec` has the old inode bind-mounted at /etc/hosts and must see the update. Written
 * over from offset 0 and then cut to length, not truncated to zero first: on ext4 a file emptied
 * and rewritten is flushed to disk on close (auto_da_alloc), ~150 µs that also lands in the
 * store's next fdatasync. Synchronously: what is left takes ~15 µs, less than the thread-pool
 * round trips of an async open, write and close on the connect's busy event loop.
 */
function writeInPlace(file: string, content: string): void {
  const buf = Buffer.from(content);
  const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT, 0o644);
  try {
    for (let off = 0; off < buf.length;) off += fs.writeSync(fd, buf, off, buf.length - off, off);
    fs.ftruncateSync(fd, buf.length);
  } finally {
    fs.closeSync(fd);
  }
}
