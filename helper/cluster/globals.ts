// Global-scope state in etcd: the core's `GlobalStore` (helper/core/global.ts). Every unique thing
// is taken with a compare-and-swap transaction: a network's name, VNI and subnet (no lease: they
// live until `network rm`), an endpoint's address(es) and name together with its record (under
// this host's lease, so a crashed host's endpoints vanish when the lease expires). One watch on
// /cnm/v1/ tells the core what changed; after every gap (etcd unreachable, stream reconnected) a
// full read replaces what was delivered, so nothing is lost and nothing stale survives.
import type { IKeyValue } from 'etcd3';
import type {
  ClusterEndpoint,
  ClusterHealth,
  ClusterHostRecord,
  EndpointClaim,
  GlobalListener,
  Network,
  NetworkClaim,
} from '../../model/cnm.js';
import { formatCidr, overlaps, parseCidr } from '../../model/ip.js';
import { nextGlobalSubnet, nextVni } from '../../model/overlay.js';
import { CnmError, conflict, forbidden } from '../errors.js';
import { log } from '../log.js';
import {
  ENDPOINTS,
  EPNAMES,
  IPS,
  NETWORKS,
  PREFIX,
  SUBNETS,
  VNIS,
  endpointKey,
  epNameKey,
  ipKey,
  nameKey,
  networkKey,
  subnetKey,
  vniKey,
} from './keys.js';
import type { HostRegistration } from './registration.js';
import type { ClusterStore } from './store.js';

/** How many candidates a racing allocation tries before giving up. */
const MAX_TRIES = 64;

export class ClusterGlobals {
  private listener: GlobalListener | undefined;
  /** What was delivered to the listener, with each key's mod revision. */
  private readonly networks = new Map<string, { net: Network; rev: number }>();
  private readonly endpoints = new Map<string, { ep: ClusterEndpoint; rev: number }>();
  /** Watch events at or below this revision are already reflected by the last full read. */
  private syncedRev = 0;
  /** Full reads and watch events are applied one at a time, in order. */
  private chain: Promise<void> = Promise.resolve();
  private gap = true;
  /** Whether the watch stream is connected; while not, a full read every second stands in for it. */
  private watchUp = false;
  private poller: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly store: ClusterStore,
    private readonly registration: HostRegistration,
    private readonly self: ClusterHostRecord,
  ) {}

  get hostName(): string {
    return this.self.name;
  }

  get vtep(): string {
    return this.self.address;
  }

  ensureAvailable(what: string): void {
    const h = this.store.health();
    if (h.state === 'up' && this.registration.leaseId) return;
    const why = this.registration.leaseId
      ? (h.lastError ?? 'unreachable')
      : (this.registration.problem ?? 'this host is not registered yet');
    throw this.unavailable(what, why);
  }

  private unavailable(what: string, why: string): CnmError {
    return new CnmError(
      'internal',
      `cannot ${what}: the cluster store ${this.store.url.text} is unavailable (${why}); cluster-wide changes wait for it, local networks keep working`,
      { call: 'cluster store' },
    );
  }

  /**
   * A failed call to etcd (not a refusal of ours) is tried again twice, shortly (the client's
   * channel may still be reconnecting just after etcd returned), then becomes the clear "store
   * unavailable" error.
   */
  private async guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (err instanceof CnmError) throw err;
        if (attempt >= 2) throw this.unavailable(what, (err as Error).message);
        await new Promise((r) => setTimeout(r, 300 * (attempt + 1)));
      }
    }
  }

  private lease(what: string): string {
    this.ensureAvailable(what);
    return this.registration.leaseId!;
  }

  /** Puts `value` at `key` if absent; records the key in `taken` for a rollback. */
  private async take(key: string, value: string, taken: string[]): Promise<string | undefined> {
    const r = await this.store.createOnce(key, value);
    if (r.won) {
      taken.push(key);
      return undefined;
    }
    return r.current.value;
  }

  claimNetwork(c: NetworkClaim): Promise<{ subnet: string; vni: number }> {
    return this.guard(`create network ${c.name}`, () => this.claimNetworkKeys(c));
  }

  private async claimNetworkKeys(c: NetworkClaim): Promise<{ subnet: string; vni: number }> {
    const taken: string[] = [];
    try {
      if ((await this.take(nameKey(c.name), c.id, taken)) !== undefined)
        throw conflict(`network with name ${c.name} already exists`, { network: c.name });
      let vni = c.vni;
      if (vni !== undefined) {
        const holder = await this.take(vniKey(vni), c.id, taken);
        if (holder !== undefined)
          throw conflict(`VXLAN id ${vni} is already in use by network ${holder.slice(0, 12)}`, { network: c.name });
      } else {
        const used = new Set(Object.keys(await this.store.list(VNIS)).map((k) => Number(k.slice(VNIS.length))));
        for (let i = 0; vni === undefined && i < MAX_TRIES; i++) {
          const v = nextVni(used);
          if (v === undefined) break;
          if ((await this.take(vniKey(v), c.id, taken)) === undefined) vni = v;
          else used.add(v);
        }
        if (vni === undefined) throw forbidden('no available VXLAN id', { network: c.name });
      }
      const globals = Object.keys(await this.store.list(SUBNETS)).map((k) => k.slice(SUBNETS.length));
      const given = c.subnet === undefined ? undefined : parseCidr(c.subnet);
      if (c.subnet !== undefined && !given) throw new CnmError('invalid', `invalid subnet ${c.subnet}`, { network: c.name });
      let subnet = given && formatCidr(given);
      if (subnet) {
        const mine = parseCidr(subnet)!;
        const other = globals.find((g) => overlaps(parseCidr(g)!, mine));
        if (other || (await this.take(subnetKey(subnet), c.id, taken)) !== undefined) {
          throw forbidden(`Pool overlaps with other one on this address space (${other ?? subnet} is used by another global network)`, {
            network: c.name,
          });
        }
      } else {
        const avoid = [...globals, ...c.avoid];
        for (let i = 0; subnet === undefined && i < MAX_TRIES; i++) {
          const s = nextGlobalSubnet(avoid);
          if (s === undefined) break;
          if ((await this.take(subnetKey(s), c.id, taken)) === undefined) subnet = s;
          else avoid.push(s);
        }
        if (!subnet) throw forbidden('could not find an available, non-overlapping IPv4 address pool in 10.0.0.0/8', { network: c.name });
      }
      return { subnet, vni };
    } catch (err) {
      for (const k of taken) await this.store.deleteIf(k, c.id).catch(() => undefined);
      throw err;
    }
  }

  async publishNetwork(net: Network): Promise<void> {
    await this.guard(`create network ${net.name}`, () =>
      this.store.call(`put ${networkKey(net.id)}`, () => this.store.kv.put(networkKey(net.id)).value(JSON.stringify(net)).exec()),
    );
  }

  releaseNetwork(net: Network, claim?: { subnet: string; vni: number }): Promise<void> {
    return this.guard(`remove network ${net.name}`, () => this.releaseNetworkKeys(net, claim));
  }

  private async releaseNetworkKeys(net: Network, claim?: { subnet: string; vni: number }): Promise<void> {
    const keys = claim ? [vniKey(claim.vni), subnetKey(claim.subnet)] : [];
    if (!claim) {
      const eps = Object.values(await this.store.list(`${ENDPOINTS}${net.id}/`)).map((v) => JSON.parse(v) as ClusterEndpoint);
      if (eps.length > 0) {
        const who = eps.map((e) => `${e.name} on ${e.host}`).join(', ');
        throw forbidden(`error while removing network: network ${net.name} id ${net.id} has active endpoints (${who})`, {
          network: net.name,
        });
      }
      if (net.vxlanId !== undefined) keys.push(vniKey(net.vxlanId));
      keys.push(...net.ipam.pools.map((p) => subnetKey(p.subnet)));
      // The record first: the other hosts drop the network as soon as it goes.
      await this.store.call(`delete ${networkKey(net.id)}`, () => this.store.kv.delete().key(networkKey(net.id)).exec());
      await this.store.call('delete claims', () => this.store.kv.delete().prefix(`${IPS}${net.id}/`).exec());
      await this.store.call('delete claims', () => this.store.kv.delete().prefix(`${EPNAMES}${net.id}/`).exec());
    }
    for (const k of [nameKey(net.name), ...keys]) await this.store.deleteIf(k, net.id);
  }

  /**
   * One transaction in the common case: the endpoint's address(es) and name are free → all of them
   * and the endpoint's record are put under the lease; otherwise the holders are read back. Keys
   * already holding this endpoint (re-publishing under a new lease) are compared by value instead.
   */
  claimEndpoint(ep: ClusterEndpoint): Promise<EndpointClaim> {
    return this.guard(`connect ${ep.name}`, () => this.claimEndpointKeys(ep));
  }

  /** The value of an address held for this host before its endpoint has it (reserveAddress). */
  private get reservation(): string {
    return `reserved:${this.self.name}`;
  }

  reserveAddress(networkId: string, ip: string): Promise<string | undefined> {
    return this.guard(`reserve ${ip}`, async () => {
      const r = await this.store.createOnce(ipKey(networkId, ip), this.reservation, this.lease(`reserve ${ip}`));
      if (r.won || r.current.value === this.reservation) return undefined;
      return this.holderOf(r.current.value);
    });
  }

  /** The host holding a claim: an endpoint's host, or the host that reserved it. */
  private holderOf(value: string): string {
    return this.endpoints.get(value)?.ep.host ?? (value.startsWith('reserved:') ? value.slice('reserved:'.length) : 'another host');
  }

  releaseAddress(networkId: string, ip: string): Promise<void> {
    return this.guard(`release ${ip}`, () => this.store.deleteIf(ipKey(networkId, ip), this.reservation));
  }

  private async claimEndpointKeys(ep: ClusterEndpoint, current?: Array<string | null>, tries = 0): Promise<EndpointClaim> {
    const lease = this.lease(`connect ${ep.name}`);
    const claims = [
      ...[ep.ipv4, ep.ipv6].filter((a): a is string => !!a).map((a) => ({ key: ipKey(ep.networkId, a), address: a.split('/')[0] })),
      { key: epNameKey(ep.networkId, ep.name), address: undefined },
    ];
    // Ours: the endpoint's own key (a re-publish) or an address this host reserved for it.
    const mine = (v: string | null | undefined) => v === ep.endpointId || v === this.reservation;
    const ours = (i: number) => mine(current?.[i]);
    const r = await this.store.call(`claim ${ep.endpointId.slice(0, 12)}`, () => {
      let txn = ours(0) ? this.store.kv.if(claims[0].key, 'Value', '==', current![0]!) : this.store.kv.if(claims[0].key, 'Create', '==', 0);
      for (let i = 1; i < claims.length; i++)
        txn = ours(i) ? txn.and(claims[i].key, 'Value', '==', current![i]!) : txn.and(claims[i].key, 'Create', '==', 0);
      const puts = [
        ...claims.map((c) => this.store.kv.put(c.key).value(ep.endpointId).lease(lease)),
        this.store.kv.put(endpointKey(ep.networkId, ep.endpointId)).value(JSON.stringify(ep)).lease(lease),
      ];
      return txn
        .then(...puts)
        .else(...claims.map((c) => this.store.kv.get(c.key)))
        .commit();
    });
    if (r.succeeded) return { won: true };
    const now = r.responses.map((x) => x.response_range?.kvs?.[0]?.value.toString() ?? null);
    for (const [i, v] of now.entries()) {
      if (v !== null && !mine(v)) {
        const holder = this.holderOf(v);
        return claims[i].address ? { won: false, address: claims[i].address, holder } : { won: false, name: ep.name, holder };
      }
    }
    // Every key is free or ours (a re-publish, or a key that changed meanwhile): compare with what was read.
    if (tries >= MAX_TRIES)
      throw conflict(`endpoint ${ep.name}: its claims keep changing in the cluster store`, { endpoint: ep.endpointId });
    return this.claimEndpointKeys(ep, now, tries + 1);
  }

  renameEndpoint(ep: ClusterEndpoint, oldName: string): Promise<EndpointClaim> {
    return this.guard(`rename ${oldName} to ${ep.name}`, async () => {
      const r = await this.claimEndpointKeys(ep);
      if (r.won) await this.store.deleteIf(epNameKey(ep.networkId, oldName), ep.endpointId);
      return r;
    });
  }

  withdrawEndpoint(ep: ClusterEndpoint): Promise<void> {
    return this.guard(`disconnect ${ep.name}`, () => this.withdrawEndpointKeys(ep));
  }

  private async withdrawEndpointKeys(ep: ClusterEndpoint): Promise<void> {
    await this.store.call(`delete ${endpointKey(ep.networkId, ep.endpointId)}`, () =>
      this.store.kv.delete().key(endpointKey(ep.networkId, ep.endpointId)).exec(),
    );
    for (const a of [ep.ipv4, ep.ipv6]) if (a) await this.store.deleteIf(ipKey(ep.networkId, a), ep.endpointId);
    await this.store.deleteIf(epNameKey(ep.networkId, ep.name), ep.endpointId);
  }

  /** Every endpoint in the store (all hosts), as last read. */
  allEndpoints(): ClusterEndpoint[] {
    return [...this.endpoints.values()].map((e) => e.ep);
  }

  follow(l: GlobalListener): void {
    this.listener = l;
    for (const net of l.knownNetworks()) this.networks.set(net.id, { net, rev: 0 });
    this.store.onHealth = (h) => this.healthChanged(h);
    this.registration.onRegistered = () => this.republish();
    const w = this.store.kv.watch().prefix('').watcher();
    w.on('put', (kv) => this.enqueue(() => this.event(kv, 'put')));
    w.on('delete', (kv) => this.enqueue(() => this.event(kv, 'delete')));
    w.on('disconnected', (err) => {
      this.gap = true;
      this.watchUp = false;
      this.store.mark('degraded', `watch: ${err.message}`);
    });
    w.on('connected', () => {
      this.watchUp = true;
      if (this.gap) this.enqueue(() => this.resync());
    });
    this.poller = setInterval(() => {
      if (this.gap || !this.watchUp) this.enqueue(() => this.resync());
    }, 1000);
    this.poller.unref();
    w.on('error', (err) => log('warn', 'cluster watch error', { error: err.message }));
    this.watcher = w;
    this.enqueue(() => this.resync());
    // A registration that happened before follow() missed its re-publish.
    if (this.registration.leaseId) void this.republish();
  }

  private watcher: { cancel(): Promise<void> } | undefined;

  private healthChanged(h: ClusterHealth): void {
    this.listener?.healthChanged(h);
    if (h.state === 'up' && this.gap) this.enqueue(() => this.resync());
  }

  /** This host's endpoints put again under the current lease (after a restart or an expired lease). */
  private async republish(): Promise<void> {
    for (const ep of this.listener?.localEndpoints() ?? []) {
      const r = await this.claimEndpoint(ep);
      if (!r.won)
        log('warn', 'cluster: an endpoint of this host lost its claim while the host was away', {
          endpoint: ep.endpointId,
          holder: r.holder,
        });
    }
  }

  private enqueue(fn: () => Promise<void>): void {
    this.chain = this.chain.then(fn).catch((err) => {
      this.gap = true;
      log('debug', 'cluster sync deferred', { error: String(err) });
    });
  }

  /** A full read of networks and endpoints; the listener gets the difference to what it had. */
  private async resync(): Promise<void> {
    if (this.closed) return;
    const [nets, eps] = await this.store.call('resync', () =>
      Promise.all([this.store.kv.getAll().prefix(NETWORKS).exec(), this.store.kv.getAll().prefix(ENDPOINTS).exec()]),
    );
    this.gap = false;
    this.syncedRev = Math.min(Number(nets.header.revision), Number(eps.header.revision));
    const seenNets = new Set<string>();
    for (const kv of nets.kvs) seenNets.add(this.putNetwork(kv));
    const seenEps = new Set<string>();
    for (const kv of eps.kvs) seenEps.add(this.putEndpoint(kv));
    for (const [id, e] of [...this.endpoints]) if (!seenEps.has(id)) this.dropEndpoint(id, e.ep);
    for (const [id, n] of [...this.networks]) if (!seenNets.has(id)) this.dropNetwork(id, n.net);
    this.listener?.synced();
    log('debug', 'cluster resync', { networks: String(seenNets.size), endpoints: String(seenEps.size) });
  }

  private async event(kv: IKeyValue, type: 'put' | 'delete'): Promise<void> {
    if (Number(kv.mod_revision) <= this.syncedRev) return;
    const key = relative(kv.key.toString());
    if (key.startsWith(NETWORKS)) {
      const id = key.slice(NETWORKS.length);
      if (type === 'put') this.putNetwork(kv);
      else if (this.networks.has(id)) this.dropNetwork(id, this.networks.get(id)!.net);
    } else if (key.startsWith(ENDPOINTS)) {
      const id = key.slice(key.lastIndexOf('/') + 1);
      if (type === 'put') this.putEndpoint(kv);
      else if (this.endpoints.has(id)) this.dropEndpoint(id, this.endpoints.get(id)!.ep);
    }
  }

  private putNetwork(kv: IKeyValue): string {
    const net = JSON.parse(kv.value.toString()) as Network;
    const rev = Number(kv.mod_revision);
    const had = this.networks.get(net.id);
    if (!had || had.rev < rev) {
      this.networks.set(net.id, { net, rev });
      if (!had) this.listener?.networkPut(net);
    }
    return net.id;
  }

  private dropNetwork(id: string, net: Network): void {
    this.networks.delete(id);
    this.listener?.networkGone(net);
  }

  private putEndpoint(kv: IKeyValue): string {
    const ep = JSON.parse(kv.value.toString()) as ClusterEndpoint;
    const rev = Number(kv.mod_revision);
    const had = this.endpoints.get(ep.endpointId);
    if (!had || had.rev < rev) {
      this.endpoints.set(ep.endpointId, { ep, rev });
      // A re-put under a new lease with the same content is no change.
      if (!had || JSON.stringify(had.ep) !== JSON.stringify(ep)) this.listener?.endpointPut(ep);
    }
    return ep.endpointId;
  }

  private dropEndpoint(id: string, ep: ClusterEndpoint): void {
    this.endpoints.delete(id);
    this.listener?.endpointGone(ep);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.poller);
    await this.watcher?.cancel().catch(() => undefined);
  }
}

const relative = (key: string) => (key.startsWith(PREFIX) ? key.slice(PREFIX.length) : key);
