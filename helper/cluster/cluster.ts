// This cnmd's membership in a cluster: the store client, its registration, and the host list
// (`GET /cnm/cluster`, `cnm node ls`). The core reaches it only through its `ClusterMembership` seam.
import type { ClusterHealth, ClusterHost, ClusterHostRecord, ClusterView } from '../../model/cnm.js';
import { HOSTS, MEMBERS } from './keys.js';
import { ClusterGlobals } from './globals.js';
import { HostRegistration } from './registration.js';
import { ClusterStore } from './store.js';
import type { ClusterCredentials, ClusterStoreUrl } from './options.js';

export interface ClusterOptions {
  url: ClusterStoreUrl;
  /** TLS to etcd (--cluster-store-opt), the files already read. */
  credentials?: ClusterCredentials;
  self: ClusterHostRecord;
  /** Lease TTL in seconds (default 10). */
  ttlS?: number;
}

export class Cluster {
  private readonly store: ClusterStore;
  private readonly registration: HostRegistration;
  /** Global-scope networks and endpoints (the core's GlobalStore). */
  readonly globals: ClusterGlobals;
  /** The last host list read, served while the store is degraded. */
  private known: ClusterHost[] = [];

  private constructor(private readonly opts: ClusterOptions) {
    this.store = new ClusterStore(opts.url, opts.credentials);
    this.registration = new HostRegistration(this.store, opts.self, opts.ttlS);
    this.globals = new ClusterGlobals(this.store, this.registration, opts.self);
  }

  /** Connects lazily and registers in the background: an unreachable etcd never stops cnmd starting. */
  static start(opts: ClusterOptions): Cluster {
    const c = new Cluster(opts);
    c.registration.start();
    return c;
  }

  /** The store's health; a store that answers while this host cannot register (its name is taken) is degraded too. */
  health(): ClusterHealth {
    const h = this.store.health();
    const problem = this.registration.problem;
    return h.state === 'up' && problem ? { ...h, state: 'degraded', lastError: `registration: ${problem}` } : h;
  }

  async view(): Promise<ClusterView> {
    const self = this.opts.self;
    try {
      const [live, members] = await Promise.all([this.store.list(HOSTS), this.store.list(MEMBERS)]);
      const records = new Map<string, ClusterHostRecord>();
      for (const v of [...Object.values(members), ...Object.values(live)]) {
        const r = JSON.parse(v) as ClusterHostRecord;
        records.set(r.name, r);
      }
      const liveNames = new Set(Object.keys(live).map((k) => k.slice(HOSTS.length)));
      records.delete(self.name);
      this.known = [...records.values()]
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map((r) => ({ ...r, state: liveNames.has(r.name) ? 'up' : 'lease expired' }));
    } catch {
      // Degraded: the health says so; the list is the last one read.
    }
    const eps = this.globals.allEndpoints();
    const withEndpoints = (h: ClusterHost): ClusterHost => ({ ...h, endpoints: eps.filter((e) => e.host === h.name) });
    return {
      configured: true,
      name: self.name,
      health: this.health(),
      hosts: [{ ...self, state: 'this host' as const }, ...this.known].map(withEndpoints),
    };
  }

  async close(): Promise<void> {
    await this.globals.close();
    await this.registration.close();
    this.store.close();
  }
}
