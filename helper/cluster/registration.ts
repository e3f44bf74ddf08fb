// This host's presence in the cluster: `hosts/<name>` under a lease with a TTL, kept alive every
// TTL/3, plus the lease-less `members/<name>`. When etcd is unreachable the loop retries with
// backoff; a lease that expired meanwhile is replaced by a new one (the host re-registers). close()
// revokes the lease so the other hosts see this one leave at once instead of after the TTL.
import { EtcdLeaseInvalidError, type Lease } from 'etcd3';
import type { ClusterHostRecord } from '../../model/cnm.js';
import { log } from '../log.js';
import { Sleeper, backoffDelay } from './backoff.js';
import { hostKey, memberKey } from './keys.js';
import { CALL_TIMEOUT_MS, type ClusterStore } from './store.js';

export const DEFAULT_TTL_S = 10;

export class HostRegistration {
  private lease: Lease | undefined;
  /** When etcd last confirmed the lease (grant or keepalive). */
  private confirmed = 0;
  private stopped = false;
  private readonly sleeper = new Sleeper();
  private loop: Promise<void> | undefined;
  /** Why this host is not registered right now (etcd unreachable, name held by another host). */
  problem: string | undefined;
  /** The lease this host's keys live under, while registered. */
  leaseId: string | undefined;
  /** Called after each (re-)registration under a new lease: the host's endpoints are put under it. */
  onRegistered: ((leaseId: string) => Promise<void>) | undefined;

  constructor(
    private readonly store: ClusterStore,
    readonly self: ClusterHostRecord,
    private readonly ttlS = DEFAULT_TTL_S,
  ) {}

  /** Starts registering in the background; cnmd serves local networks whatever etcd does. */
  start(): void {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      try {
        if (!this.lease) await this.register();
        else await this.store.call('lease keepalive', () => this.lease!.keepaliveOnce({ deadline: Date.now() + CALL_TIMEOUT_MS }));
        this.confirmed = Date.now();
        this.problem = undefined;
        attempt = 0;
        await this.sleeper.sleep((this.ttlS * 1000) / 3);
      } catch (err) {
        // A lease etcd no longer knows, or one that must have expired while etcd was out of reach, is replaced.
        if (err instanceof EtcdLeaseInvalidError || Date.now() - this.confirmed > this.ttlS * 1000) this.dropLease();
        if (this.problem !== (err as Error).message)
          log('warn', 'cluster registration failed, retrying', { error: (err as Error).message });
        this.problem = (err as Error).message;
        await this.sleeper.sleep(backoffDelay(attempt++));
      }
    }
  }

  /** A new lease, then `hosts/<name>` on it (compare-and-swap: a live host with our name keeps it). */
  private async register(): Promise<void> {
    const lease = this.store.kv.lease(this.ttlS, { autoKeepAlive: false });
    // A lease whose grant failed rejects here; the caller retries with a new one.
    const id = await this.store
      .call('lease grant', () => lease.grant())
      .catch((err) => {
        lease.release();
        throw err;
      });
    try {
      const value = JSON.stringify(this.self);
      const key = hostKey(this.self.name);
      const r = await this.store.createOnce(key, value, id);
      if (!r.won) {
        const other = JSON.parse(r.current.value || '{}') as Partial<ClusterHostRecord>;
        // Our own earlier life (same address; killed before its lease ran out) is taken over.
        if (other.address !== this.self.address || !(await this.store.replaceIfUnchanged(key, r.current.modRevision, value, id)))
          throw new Error(`cluster name ${this.self.name} is held by a live host at ${other.address}; give this one --cluster-name`);
      }
      await this.store.call('put member', () => this.store.kv.put(memberKey(this.self.name)).value(value).exec());
    } catch (err) {
      await lease.revoke().catch(() => undefined);
      throw err;
    }
    this.lease = lease;
    this.leaseId = id;
    this.confirmed = Date.now();
    await this.onRegistered?.(id).catch((err) => log('warn', 'cluster re-publish failed', { error: String(err) }));
    log('info', 'cluster host registered', { name: this.self.name, address: this.self.address, lease: id, ttl: this.ttlS });
  }

  private dropLease(): void {
    this.lease?.release();
    this.lease = undefined;
    this.leaseId = undefined;
  }

  /** Stops the loop and revokes the lease (bounded: a dead etcd does not hold up shutdown). */
  async close(): Promise<void> {
    this.stopped = true;
    this.sleeper.wake();
    await this.loop;
    const lease = this.lease;
    this.lease = undefined;
    this.leaseId = undefined;
    if (lease)
      await lease
        .revoke({ deadline: Date.now() + CALL_TIMEOUT_MS })
        .catch((err) => log('warn', 'cluster lease revoke failed', { error: String(err) }));
  }
}
