// The extension's picture of one daemon: its networks (inspected, so endpoints are known), its
// sandboxes, and whether it is reachable. It follows /events: a network event re-reads just that
// network; a lost stream marks the daemon unreachable and resubscribes with backoff, then re-reads
// everything (events may have been missed meanwhile). The cluster (GET /cnm/cluster) is read apart
// from that queue, since a call to a degraded store can take seconds: after each full read, on a
// cluster event (the store's health changed), on any event while in a cluster (an endpoint on
// another host came or went), and every few seconds while in one: a remote host's lease running
// out is no event of this daemon's.
import type { ClusterView, SandboxView } from '../../model/cnm.js';
import type { DockerEvent, DockerInfo, NetworkResource } from '../../model/docker.js';
import { isHealEvent, type HealEvent } from '../../model/heal.js';
import { ApiError, type CnmClient, type EventSubscription } from './client.js';

/** platform: /version's Platform.Name ('cnmd' for cnm's daemon; a Docker engine's own name otherwise). */
export type Reachability =
  { state: 'connecting' } | { state: 'connected'; version: string; platform?: string } | { state: 'unreachable'; error: Error };

export interface Snapshot {
  networks: NetworkResource[];
  /** undefined when the daemon has no /cnm/ paths (a plain Docker engine). */
  sandboxes: SandboxView[] | undefined;
  reachability: Reachability;
  /** GET /info as read at connect; undefined when the daemon does not answer it. */
  info?: DockerInfo;
  /** GET /cnm/cluster as last read; undefined until read; null from a daemon without it (a Docker engine). */
  cluster?: ClusterView | null;
}

export interface StateOptions {
  /** First and largest delay between reconnect attempts. */
  retryMs?: number;
  maxRetryMs?: number;
  /** How many network inspects run at once during a full read. */
  concurrency?: number;
  /** How often the cluster is re-read while the daemon is in one (default 5 s). */
  clusterPollMs?: number;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export class DaemonState {
  private snapshot: Snapshot = { networks: [], sandboxes: undefined, reachability: { state: 'connecting' } };
  private readonly listeners = new Set<(s: Snapshot) => void>();
  private readonly healListeners = new Set<(e: HealEvent) => void>();
  private sub: EventSubscription | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay: number;
  private disposed = false;
  /** Serialises reads so an event's partial update never interleaves with a full read. */
  private queue: Promise<unknown> = Promise.resolve();
  private clusterRead: Promise<void> | undefined;
  private clusterAgain = false;
  private clusterTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly client: CnmClient,
    private readonly opts: StateOptions = {},
  ) {
    this.retryDelay = opts.retryMs ?? 250;
  }

  get current(): Snapshot {
    return this.snapshot;
  }

  onChange(fn: (s: Snapshot) => void): { dispose(): void } {
    this.listeners.add(fn);
    return { dispose: () => this.listeners.delete(fn) };
  }

  /** cnmd's self-healing events (model/heal.ts), as they arrive; the snapshot follows as for any event. */
  onHeal(fn: (e: HealEvent) => void): { dispose(): void } {
    this.healListeners.add(fn);
    return { dispose: () => this.healListeners.delete(fn) };
  }

  /** Connects, reads everything and follows events until dispose(). Resolves after the first attempt. */
  async start(): Promise<void> {
    await this.connect();
  }

  /** Re-reads everything now (the Refresh command, and after each write the extension makes). */
  refresh(): Promise<void> {
    return this.enqueue(() => this.readAll());
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.clusterTimer);
    this.sub?.close();
    this.client.dispose();
  }

  private enqueue(fn: () => Promise<void>): Promise<void> {
    const p = this.queue.then(fn, fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private emit(patch: Partial<Snapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const l of this.listeners) l(this.snapshot);
  }

  private async connect(): Promise<void> {
    if (this.disposed) return;
    try {
      const v = await this.client.version();
      const info = await this.client.info().catch(() => undefined);
      this.sub = await this.client.events({
        onEvent: (e) => this.onEvent(e),
        onEnd: (err) => this.lost(err ?? new Error('event stream ended')),
      });
      this.retryDelay = this.opts.retryMs ?? 250;
      await this.enqueue(() => this.readAll({ state: 'connected', version: v.Version, platform: v.Platform?.Name }, info));
    } catch (err) {
      this.lost(err as Error);
    }
  }

  private lost(error: Error): void {
    if (this.disposed) return;
    this.sub?.close();
    this.sub = undefined;
    this.emit({ reachability: { state: 'unreachable', error } });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, this.opts.maxRetryMs ?? 5000);
  }

  /** Retries at once instead of waiting out the backoff (after the helper was installed). */
  retryNow(): void {
    if (this.disposed || this.snapshot.reachability.state !== 'unreachable') return;
    clearTimeout(this.retryTimer);
    void this.connect();
  }

  private async readAll(connected?: Reachability, info?: DockerInfo): Promise<void> {
    const list = await this.client.listNetworks();
    const [networks, sandboxes] = await Promise.all([
      mapLimit(list, this.opts.concurrency ?? 16, (n) => this.inspectOrUndefined(n.Id)),
      this.client.listSandboxes(),
    ]);
    const reachability: Reachability =
      connected ?? (this.snapshot.reachability.state === 'connected' ? this.snapshot.reachability : { state: 'connected', version: '' });
    this.emit({ networks: networks.filter((n): n is NetworkResource => !!n), sandboxes, reachability, ...(connected ? { info } : {}) });
    void this.readCluster();
  }

  private onEvent(e: DockerEvent): void {
    if (isHealEvent(e)) for (const l of this.healListeners) l(e);
    const aboutCluster = e.Type === 'cluster';
    // an endpoint that joins or leaves an overlay network changes its host's row too
    if (aboutCluster || this.snapshot.cluster?.configured) void this.readCluster();
    if (!aboutCluster) void this.enqueue(() => this.applyEvent(e)).catch(() => undefined);
  }

  /** Re-reads /cnm/cluster: one read at a time, and one more after it when asked meanwhile. */
  private readCluster(): Promise<void> {
    if (this.clusterRead) {
      this.clusterAgain = true;
      return this.clusterRead;
    }
    const read = async () => {
      do {
        this.clusterAgain = false;
        clearTimeout(this.clusterTimer);
        // a failed read keeps the last picture; the reconnect logic deals with a daemon that went away
        const cluster = await this.client.cluster().then(
          (c) => c ?? null,
          () => this.snapshot.cluster,
        );
        if (this.disposed || this.snapshot.reachability.state !== 'connected') return;
        if (JSON.stringify(cluster) !== JSON.stringify(this.snapshot.cluster)) this.emit({ cluster });
      } while (this.clusterAgain);
      if (this.snapshot.cluster?.configured)
        this.clusterTimer = setTimeout(() => void this.readCluster(), this.opts.clusterPollMs ?? 5000).unref();
    };
    this.clusterRead = read().finally(() => (this.clusterRead = undefined));
    return this.clusterRead;
  }

  /** A network can vanish between list and inspect; that is not an error. */
  private async inspectOrUndefined(id: string): Promise<NetworkResource | undefined> {
    try {
      return await this.client.inspectNetwork(id);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  private async applyEvent(e: DockerEvent): Promise<void> {
    if (e.Type !== 'network') {
      // cnmd reports sandboxes as containers; a plain Docker engine's containers show through networks
      this.emit({ sandboxes: await this.client.listSandboxes() });
      return;
    }
    const id = e.Actor.ID;
    const rest = this.snapshot.networks.filter((n) => n.Id !== id);
    const [fresh, sandboxes] = await Promise.all([
      e.Action === 'destroy' ? Promise.resolve(undefined) : this.inspectOrUndefined(id),
      this.client.listSandboxes(),
    ]);
    const networks = fresh ? this.placeNetwork(fresh) : rest;
    this.emit({ networks, sandboxes });
  }

  /** Replace in place (keeps the tree stable) or append a new network. */
  private placeNetwork(n: NetworkResource): NetworkResource[] {
    const i = this.snapshot.networks.findIndex((x) => x.Id === n.Id);
    if (i < 0) return [...this.snapshot.networks, n];
    const copy = this.snapshot.networks.slice();
    copy[i] = n;
    return copy;
  }
}
