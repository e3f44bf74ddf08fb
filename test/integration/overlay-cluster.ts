// A throwaway cluster for overlay tests and the overlay benchmark: an underlay bridge in a
// namespace of its own where a real etcd runs, and N hosts (TestHost: a namespace with its own
// cnmd) each joined to it by a veth (`ul0`, MTU 1500) and registered as host<label>. With `tls`,
// etcd asks every client for a certificate (the hosts' --cluster-store-opt come in `daemonArgs`).
import type { TestPki } from './certs.js';
import { TestEtcd } from './etcd.js';
import { TestHost, mustSh, sh } from './host.js';

export class OverlayCluster {
  readonly hosts: TestHost[] = [];
  etcd: TestEtcd | undefined;

  private constructor(
    readonly underlay: string,
    /** The underlay's /24 prefix, e.g. 10.233.0 (etcd on .1, hosts from .2). */
    readonly net: string,
  ) {}

  /** `daemonArgs(label)`: more cnmd flags for one host (e.g. --docker-plugin, --cluster-store-opt). */
  static async start(
    labels: string[],
    opts: { underlay: string; net: string; tls?: TestPki; daemonArgs?: (label: string) => string[] },
  ): Promise<OverlayCluster> {
    const c = new OverlayCluster(opts.underlay, opts.net);
    try {
      mustSh('ip', ['netns', 'add', c.underlay]);
      mustSh('ip', ['-n', c.underlay, 'link', 'set', 'lo', 'up']);
      mustSh('ip', ['-n', c.underlay, 'link', 'add', 'br0', 'type', 'bridge']);
      mustSh('ip', ['-n', c.underlay, 'addr', 'add', `${c.net}.1/24`, 'dev', 'br0']);
      mustSh('ip', ['-n', c.underlay, 'link', 'set', 'br0', 'up']);
      c.etcd = await TestEtcd.create({ netns: c.underlay, ip: `${c.net}.1`, tls: opts.tls });
      for (const label of labels) await c.add(label, opts.daemonArgs?.(label) ?? []);
    } catch (err) {
      await c.destroy().catch(() => undefined);
      throw err;
    }
    return c;
  }

  /** One more host on the underlay (the next address), its cnmd started with `daemonArgs` too. */
  async add(label: string, daemonArgs: string[] = []): Promise<TestHost> {
    const addr = `${this.net}.${this.hosts.length + 2}`;
    const h = await TestHost.start(label, {
      setup: (h) => {
        mustSh('ip', ['-n', this.underlay, 'link', 'add', `p${label}`, 'type', 'veth', 'peer', 'name', 'ul0', 'netns', h.ns]);
        mustSh('ip', ['-n', this.underlay, 'link', 'set', `p${label}`, 'master', 'br0', 'up']);
        mustSh('ip', ['-n', h.ns, 'addr', 'add', `${addr}/24`, 'dev', 'ul0']);
        mustSh('ip', ['-n', h.ns, 'link', 'set', 'ul0', 'up']);
      },
      daemonArgs: ['--cluster-store', this.etcd!.url, '--cluster-advertise', addr, '--cluster-name', `host${label}`, ...daemonArgs],
    });
    this.hosts.push(h);
    return h;
  }

  /** Removes every host, etcd and the underlay; throws listing what could not be removed. */
  async destroy(): Promise<void> {
    const problems: string[] = [];
    for (const h of this.hosts) await h.destroy().catch((err) => problems.push(String(err)));
    await this.etcd?.destroy().catch((err) => problems.push(String(err)));
    const r = sh('ip', ['netns', 'delete', this.underlay]);
    if (r.code !== 0 && !/No such file/.test(r.stderr)) problems.push(`netns ${this.underlay}: ${r.stderr}`);
    if (problems.length) throw new Error(`cluster clean-up: ${problems.join('; ')}`);
  }
}
