// A real dockerd 20.10 (Debian's docker.io) beside a TestHost's cnmd, in the host's namespace
// (bench/peers/docker-up.sh), with the busybox image imported and cnmd's --docker-host link to its
// socket; stop() removes all of it. For the Docker plugin's tests and benchmarks.
import fs from 'node:fs';
import path from 'node:path';
import { sh, type Run, type TestHost } from './host.js';
import { OverlayCluster } from './overlay-cluster.js';

const PEERS = path.resolve(__dirname, '../../bench/peers');
export const dockerdMissing = fs.existsSync('/usr/sbin/dockerd') ? false : 'dockerd is missing: apt-get install docker.io';
export const BBOX_IMAGE = `cnm-bbox-${process.pid}`;

export class DockerEngine {
  private constructor(
    readonly host: TestHost,
    /** The plugin's (and so the driver's) name: its socket under /run/docker/plugins. */
    readonly plugin: string,
  ) {}

  /** cnmd flags for a host whose engine will use plugin `plugin` (the dockerd socket link is fixed before the namespace exists). */
  static cnmdArgs(plugin: string): string[] {
    return [`--docker-plugin=/run/docker/plugins/${plugin}.sock`, '--docker-host', `/run/${plugin}-docker.sock`];
  }

  static async start(host: TestHost, plugin: string, dockerdArgs = ['--bridge', 'none', '--iptables=false']): Promise<DockerEngine> {
    const e = new DockerEngine(host, plugin);
    try {
      const up = sh('bash', [path.join(PEERS, 'docker-up.sh'), host.ns, ...dockerdArgs], { timeout: 120_000 });
      if (up.code !== 0) throw new Error(`dockerd in ${host.ns} did not start: ${up.stderr}`);
      fs.symlinkSync(`/run/${host.ns}.sock`, `/run/${plugin}-docker.sock`);
      const tar = '/var/tmp/cnm-bbox.tar';
      if (!fs.existsSync(tar)) sh('bash', [path.join(PEERS, 'mk-bbox-rootfs.sh'), tar]);
      e.must('import', tar, BBOX_IMAGE);
    } catch (err) {
      e.stop();
      throw err;
    }
    return e;
  }

  docker(...args: string[]): Run {
    return sh('docker', ['-H', `unix:///run/${this.host.ns}.sock`, ...args], { timeout: 120_000 });
  }

  must(...args: string[]): string {
    const r = this.docker(...args);
    if (r.code !== 0) throw new Error(`docker ${args.join(' ')} in ${this.host.ns} failed (${r.code}): ${r.stderr}`);
    return r.stdout.trim();
  }

  /** Stops dockerd (its containers first) and removes its data, the link and the plugin socket. */
  stop(): void {
    sh('bash', [path.join(PEERS, 'docker-down.sh'), this.host.ns, '--purge'], { timeout: 120_000 });
    fs.rmSync(`/run/${this.plugin}-docker.sock`, { force: true });
    fs.rmSync(`/run/docker/plugins/${this.plugin}.sock`, { force: true });
  }
}

/**
 * Hosts of an OverlayCluster (one etcd), each with its own dockerd using its own cnmd as plugin
 * `cnm<label><pid>` (names differ only because all engines share this machine's
 * /run/docker/plugins); everything is removed after `fn`, also when it throws.
 */
export async function withEngineCluster<T>(
  labels: string[],
  opts: { underlay: string; net: string },
  fn: (engines: DockerEngine[], cluster: OverlayCluster) => Promise<T>,
): Promise<T> {
  const plugin = (label: string) => `cnm${label}${process.pid}`;
  const cluster = await OverlayCluster.start(labels, { ...opts, daemonArgs: (l) => DockerEngine.cnmdArgs(plugin(l)) });
  const engines: DockerEngine[] = [];
  try {
    for (const [i, host] of cluster.hosts.entries()) engines.push(await DockerEngine.start(host, plugin(labels[i]!)));
    return await fn(engines, cluster);
  } finally {
    for (const e of engines) e.stop();
    await cluster.destroy();
  }
}
