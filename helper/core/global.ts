// Global-scope (overlay) networks. With a cluster store (`GlobalStore`, implemented by
// helper/cluster) the network's name, VNI, subnet and every endpoint's address and name are taken
// with compare-and-swap in etcd, endpoints are published under this host's lease, and what other
// hosts publish is mirrored here: their networks become local records, their endpoints go into
// the IPAM mirror, the DNS, the driver's peers (neighbour/FDB) and `network inspect`. A
// `--scope local` overlay (only without a store: networks.ts checkMultiHost) takes its VNI and
// subnet from `LocalClaims` instead and lives on this host only: its endpoints are plain local ones.
import type {
  ClusterEndpoint,
  ClusterHealth,
  Endpoint,
  EndpointClaim,
  GlobalListener,
  Network,
  NetworkClaim,
  Sandbox,
} from '../../model/cnm.js';
import type { NetworkContainer, NetworkCreateRequest, NetworkCreateResponse } from '../../model/docker.js';
import { macFromIPv4, parseAddr } from '../../model/ip.js';
import { VXLANID_OPTION, parseVxlanIdList } from '../../model/overlay.js';
import { HANDOFF_LABEL } from '../../model/plugin.js';
import { CnmError, forbidden, invalid } from '../errors.js';
import { log } from '../log.js';
import { Txn } from '../store/txn.js';
import type { CoreContext, NetworkOf } from './context.js';
import { connect, disconnect, endpointKey, gatewayEndpoint } from './endpoints.js';
import { newId } from './ids.js';
import { LocalClaims } from './local-claims.js';
import { checkRequest, createNetwork, removeNetwork } from './networks.js';

/** Where an overlay network's unique things (name, VNI, subnet) are taken: etcd, or this host (LocalClaims). */
export interface NetworkClaims {
  /** Throws a CnmError (naming the store and its last error) when cluster-wide changes cannot be made now. */
  ensureAvailable(what: string): void;
  claimNetwork(c: NetworkClaim): Promise<{ subnet: string; vni: number }>;
  publishNetwork(net: Network): Promise<void>;
  /** Frees the network's keys; refuses (forbidden, naming endpoints and hosts) while any host has endpoints on it. */
  releaseNetwork(net: Network, claim?: { subnet: string; vni: number }): Promise<void>;
}

/** The cluster store as the core sees it (helper/cluster's ClusterGlobals implements it). */
export interface GlobalStore extends NetworkClaims {
  readonly hostName: string;
  readonly vtep: string;
  claimEndpoint(ep: ClusterEndpoint): Promise<EndpointClaim>;
  /** Holds `ip` for this host (under its lease) until an endpoint of this host claims it; else names the holder. */
  reserveAddress(networkId: string, ip: string): Promise<string | undefined>;
  releaseAddress(networkId: string, ip: string): Promise<void>;
  /** The endpoint's record under its sandbox's new name (claimed as claimEndpoint does), then the old name freed. */
  renameEndpoint(ep: ClusterEndpoint, oldName: string): Promise<EndpointClaim>;
  withdrawEndpoint(ep: ClusterEndpoint): Promise<void>;
  /** Starts delivering (a full sync first, again after every watch gap). */
  follow(l: GlobalListener): void;
}

const isGlobal = (net: Network) => net.scope === 'global';

/** Docker's docker_gwbridge: egress for overlay sandboxes, masqueraded, no traffic between sandboxes. */
export const GWBRIDGE = 'cnm_gwbridge';
const GWBRIDGE_REQUEST: NetworkCreateRequest = {
  Name: GWBRIDGE,
  Driver: 'bridge',
  Options: {
    'com.docker.network.bridge.name': GWBRIDGE,
    'com.docker.network.bridge.enable_icc': 'false',
    'com.docker.network.bridge.enable_ip_masquerade': 'true',
  },
};
const MAX_CLAIMS = 32;

export class GlobalNetworks implements GlobalListener {
  /** Endpoints other hosts hold, by endpoint id. */
  private readonly remote = new Map<string, ClusterEndpoint>();
  private readonly local: LocalClaims;

  constructor(
    private readonly ctx: CoreContext,
    private readonly store: GlobalStore | undefined,
  ) {
    this.local = new LocalClaims(ctx.state);
  }

  start(): void {
    this.store?.follow(this);
  }

  /** Docker's `network create -d overlay`: claims in the store (or on this host), then the local record. */
  async createNetwork(req: NetworkCreateRequest): Promise<NetworkCreateResponse> {
    const { ctx } = this;
    checkRequest(ctx, req, {});
    let ids: number[] | undefined;
    try {
      ids = parseVxlanIdList(req.Options?.[VXLANID_OPTION]);
    } catch (err) {
      throw invalid((err as Error).message, { network: req.Name });
    }
    // checkRequest let a `--scope local` one through only without a store.
    const claims: NetworkClaims = req.Scope === 'local' || !this.store ? this.local : this.store;
    const configs = req.IPAM?.Config ?? [];
    const userSubnet = configs[0]?.Subnet || undefined;
    const avoid = [...ctx.state.networks.values()].flatMap((n) => n.ipam.pools.map((p) => p.subnet));
    const id = newId();
    claims.ensureAvailable(`create network ${req.Name}`);
    const claim = await claims.claimNetwork({ id, name: req.Name, subnet: userSubnet, vni: ids?.[0], avoid });
    // No subnet asked for: the claimed one is the default pool, shown with its gateway on every host
    // as Docker shows a pool its IPAM chose (empty configs dropped: they would take a local pool).
    const Config = userSubnet ? configs : configs.filter((c) => Object.values(c).some(Boolean));
    const defaultPool = userSubnet ? undefined : { subnet: claim.subnet, showGateway: true };
    let created: NetworkCreateResponse;
    try {
      created = await createNetwork(ctx, { ...req, IPAM: { ...(req.IPAM ?? {}), Config } }, { id, vxlanId: claim.vni, defaultPool });
    } catch (err) {
      await claims
        .releaseNetwork({ id, name: req.Name } as Network, claim)
        .catch((e) => log('warn', 'network claims not released', { error: String(e) }));
      throw err;
    }
    const net = ctx.state.networks.get(id)!;
    try {
      await claims.publishNetwork(net);
    } catch (err) {
      await removeNetwork(ctx, net).catch(() => undefined);
      await claims.releaseNetwork(net, claim).catch(() => undefined);
      throw err;
    }
    return created;
  }

  /** `network rm`: refused while any host has endpoints on it; the store's keys go first. */
  async removeNetwork(net: Network): Promise<void> {
    const { ctx, store } = this;
    if (store) {
      if (ctx.state.endpointsOfNetwork(net.id).length === 0) {
        store.ensureAvailable(`remove network ${net.name}`);
        await store.releaseNetwork(net);
      }
    }
    await removeNetwork(ctx, net);
  }

  /** Before the kernel work of a connect: the endpoint's address(es) and name, taken in the store. */
  async claimEndpoint(txn: Txn, net: Network, sb: Sandbox, ep: Endpoint, staticAddress: boolean): Promise<void> {
    const { store } = this;
    if (!store || !isGlobal(net)) return;
    store.ensureAvailable(`connect ${sb.name} to network ${net.name}`);
    for (let i = 0; i < MAX_CLAIMS; i++) {
      const r = await store.claimEndpoint(this.record(net, sb, ep));
      if (r.won) return;
      if (r.name)
        throw forbidden(`endpoint with name ${sb.name} already exists in network ${net.name} (on host ${r.holder})`, { network: net.name });
      if (staticAddress || !r.address)
        throw forbidden(`Address already in use (${r.address} is held on host ${r.holder})`, { network: net.name });
      // Another host took that address first: keep it taken in the local mirror, try the next.
      const pool = this.ctx.deps.ipam.findPool(net.id, r.address)!;
      const addr = this.ctx.deps.ipam.requestAddress(txn, net.id, pool.subnet);
      if (r.address.includes(':')) ep.ipv6 = addr;
      else {
        ep.ipv4 = addr;
        ep.mac = macFromIPv4(parseAddr(addr.split('/')[0])!.value);
      }
      txn.put(endpointKey(ep.id), JSON.stringify(ep));
    }
    throw new CnmError('conflict', `could not claim an address on network ${net.name} after ${MAX_CLAIMS} tries`, { network: net.name });
  }

  /** The endpoint left (or its connect failed): its keys in the store go. */
  async withdrawEndpoint(net: Network, sb: Sandbox, ep: Endpoint): Promise<void> {
    if (!this.store || !isGlobal(net)) return;
    await this.store.withdrawEndpoint(this.record(net, sb, ep));
  }

  /** See Controller.reserveAddress. */
  async reserveAddress(net: Network, ip: string): Promise<string | undefined> {
    if (!this.store || !isGlobal(net)) return undefined;
    this.store.ensureAvailable(`reserve ${ip} on network ${net.name}`);
    return this.store.reserveAddress(net.id, ip);
  }

  async releaseAddress(net: Network, ip: string): Promise<void> {
    if (this.store && isGlobal(net)) await this.store.releaseAddress(net.id, ip);
  }

  /** A sandbox renamed: its global endpoints' names are claimed anew, so other hosts resolve the new one. */
  async rename(old: Sandbox, renamed: Sandbox): Promise<void> {
    const { ctx, store } = this;
    if (!store) return;
    for (const ep of ctx.state.endpointsOfSandbox(old.id)) {
      const net = ctx.state.networks.get(ep.networkId)!;
      if (!isGlobal(net)) continue;
      store.ensureAvailable(`rename ${old.name} on network ${net.name}`);
      const r = await store.renameEndpoint(this.record(net, renamed, ep), old.name);
      if (!r.won) throw forbidden(`endpoint with name ${renamed.name} already exists in network ${net.name} (on host ${r.holder})`);
    }
  }

  /** Refuses a cluster-wide change (disconnect from a global network) while the store is out of reach. */
  ensureAvailable(net: Network, what: string): void {
    if (this.store && isGlobal(net)) this.store.ensureAvailable(what);
  }

  private record(net: Network, sb: Sandbox, ep: Endpoint): ClusterEndpoint {
    const s = this.store!;
    return {
      networkId: net.id,
      endpointId: ep.id,
      sandboxId: sb.id,
      name: sb.name,
      hostname: sb.hostname,
      aliases: ep.aliases,
      ipv4: ep.ipv4,
      ipv6: ep.ipv6,
      mac: ep.mac,
      host: s.hostName,
      vtep: s.vtep,
    };
  }

  /**
   * After a change to a sandbox's endpoints: a sandbox on a non-internal global network and on no
   * other network that can carry its default route gets an endpoint on cnm_gwbridge (made on first
   * use); one that no longer needs it loses it.
   */
  async egress(sb: Sandbox): Promise<void> {
    const { ctx } = this;
    const eps = ctx.state.endpointsOfSandbox(sb.id);
    const netOf = (e: Endpoint) => ctx.state.networks.get(e.networkId)!;
    const onGw = eps.find((e) => netOf(e).gwbridge);
    const others = eps.filter((e) => e !== onGw);
    // A sandbox standing for another runtime's endpoint (the Docker plugin): that runtime gives egress.
    if (sb.labels[HANDOFF_LABEL]) return;
    // Any network of a multi-host driver, a stand-alone (`--scope local`) overlay too.
    const overlay = (n: Network) => ctx.tracked(n)?.driver.caps.scope === 'global';
    const needs = others.some((e) => overlay(netOf(e)) && !netOf(e).internal) && !gatewayEndpoint(ctx, others);
    if (needs && !onGw) {
      let gw = [...ctx.state.networks.values()].find((n) => n.gwbridge);
      if (!gw) {
        const { Id } = await createNetwork(ctx, GWBRIDGE_REQUEST, { gwbridge: true });
        gw = ctx.state.networks.get(Id)!;
      }
      await connect(ctx, gw, sb, {});
    } else if (!needs && onGw) {
      await disconnect(ctx, netOf(onGw), sb, true);
    }
  }

  /** Remote endpoints of a network in Docker's inspect shape (`ep-<endpoint id>` keys, as libnetwork). */
  remoteContainers(networkId: string): Record<string, NetworkContainer> {
    const out: Record<string, NetworkContainer> = {};
    for (const ep of this.remote.values()) {
      if (ep.networkId !== networkId) continue;
      out[`ep-${ep.endpointId}`] = {
        Name: ep.name,
        EndpointID: ep.endpointId,
        MacAddress: ep.mac,
        IPv4Address: ep.ipv4 ?? '',
        IPv6Address: ep.ipv6 ?? '',
      };
    }
    return out;
  }

  remoteEndpoints(networkId: string): ClusterEndpoint[] {
    return [...this.remote.values()].filter((e) => e.networkId === networkId);
  }

  // ---- the store's changes, applied through the core's queue ----

  networkPut(net: Network): void {
    void this.queued('adopt network', async () => {
      const { ctx } = this;
      if (ctx.state.networks.has(net.id)) return;
      const clash = ctx.state.networkNames.get(net.name);
      if (clash) return log('warn', 'global network not adopted: a local network has its name', { network: net.name, id: net.id });
      const txn = new Txn();
      try {
        for (const p of net.ipam.pools) {
          await ctx.deps.ipam.requestPool(txn, net.id, {
            subnet: p.subnet,
            ipRange: p.ipRange,
            gateway: p.gateway,
            auxAddresses: p.auxAddresses,
            showGateway: p.showGateway,
            v6: p.subnet.includes(':'),
            networkName: net.name,
          });
        }
        const b = await ctx.validate(net, true);
        txn.put(`networks/${net.id}`, JSON.stringify(net));
        await txn.commit(ctx.deps.store);
        ctx.track(b);
      } catch (err) {
        txn.abort();
        throw err;
      }
      ctx.state.putNetwork(net);
      ctx.emit('create', net);
      for (const ep of this.remote.values()) if (ep.networkId === net.id) await this.applyRemote(ep, 'up');
    });
  }

  networkGone(net: Network): void {
    void this.queued('drop network', async () => {
      const local = this.ctx.state.networks.get(net.id);
      if (!local) return;
      if (this.ctx.state.endpointsOfNetwork(net.id).length > 0) {
        return log('warn', 'global network removed elsewhere while this host has endpoints on it; kept', { network: net.name });
      }
      for (const ep of this.remoteEndpoints(net.id)) this.remote.delete(ep.endpointId);
      await removeNetwork(this.ctx, local);
    });
  }

  endpointPut(ep: ClusterEndpoint): void {
    void this.queued('remote endpoint', async () => {
      if (ep.host === this.store!.hostName) {
        // Ours in the store but not here (a crash between claim and commit): withdraw it.
        if (!this.ctx.state.endpoints.has(ep.endpointId)) await this.store!.withdrawEndpoint(ep);
        return;
      }
      const old = this.remote.get(ep.endpointId);
      if (old) await this.applyRemote(old, 'down');
      this.remote.set(ep.endpointId, ep);
      await this.applyRemote(ep, 'up');
    });
  }

  endpointGone(ep: ClusterEndpoint): void {
    void this.queued('remote endpoint gone', async () => {
      const old = this.remote.get(ep.endpointId);
      if (!old) return;
      this.remote.delete(ep.endpointId);
      await this.applyRemote(old, 'down');
    });
  }

  localEndpoints(): ClusterEndpoint[] {
    const { state } = this.ctx;
    return [...state.endpoints.values()].flatMap((ep) => {
      const net = state.networks.get(ep.networkId);
      const sb = state.sandboxes.get(ep.sandboxId);
      return net && sb && isGlobal(net) ? [this.record(net, sb, ep)] : [];
    });
  }

  knownNetworks(): Network[] {
    return [...this.ctx.state.networks.values()].filter(isGlobal);
  }

  healthChanged(h: ClusterHealth): void {
    const now = Date.now();
    this.ctx.events.emit('event', {
      Type: 'cluster',
      Action: h.state,
      Actor: { ID: this.store!.hostName, Attributes: { store: h.store, since: h.since, error: h.lastError ?? '' } },
      scope: 'swarm',
      time: Math.floor(now / 1000),
      timeNano: now * 1_000_000,
    });
  }

  /**
   * After a full read, per global network: the driver reconciles its peers with the store's list
   * (a re-adopted datapath may hold entries of endpoints removed while this cnmd was down), and
   * the IPAM mirror lets go of addresses no endpoint here or in the store holds any more.
   */
  synced(): void {
    void this.queued('reconcile with the store', async () => {
      for (const net of this.knownNetworks()) {
        const b = this.ctx.of(net);
        await b.driver
          .peersSynced?.(b, this.remoteEndpoints(net.id))
          .catch((err) => log('warn', 'cluster sync: reconcile peers failed', { network: net.id, error: String(err) }));
        await this.releaseLeft(b);
      }
    });
  }

  private async releaseLeft(b: NetworkOf): Promise<void> {
    const { net } = b;
    const { ipam, store } = this.ctx.deps;
    const eps = [...this.ctx.state.endpointsOfNetwork(net.id), ...this.remoteEndpoints(net.id)];
    const addrs = [...eps.flatMap((e) => [e.ipv4, e.ipv6]), ...(b.driver.reservedAddresses?.(b) ?? [])];
    const held = new Set(addrs.flatMap((a) => (a ? [a.split('/')[0]] : [])));
    const txn = new Txn();
    for (const p of ipam.networkPools(net.id))
      for (const a of ipam.endpointAddresses(net.id, p.subnet)) if (!held.has(a)) ipam.releaseAddress(txn, net.id, p.subnet, a);
    await txn.commit(store);
  }

  /**
   * A remote endpoint into (or out of) the driver's peers, the DNS and the IPAM mirror, in that
   * order: the datapath and the name first (convergence), the mirror's durable commit last.
   */
  private async applyRemote(ep: ClusterEndpoint, dir: 'up' | 'down'): Promise<void> {
    const { ctx } = this;
    const net = ctx.state.networks.get(ep.networkId);
    if (!net) return; // its network arrives later; applied then
    const b = ctx.of(net);
    const sb = pseudoSandbox(ep);
    const rec: Endpoint = {
      id: ep.endpointId,
      networkId: net.id,
      sandboxId: ep.sandboxId,
      ifname: '',
      mac: ep.mac,
      aliases: ep.aliases,
      order: 0,
      ipv4: ep.ipv4,
      ipv6: ep.ipv6,
    };
    if (dir === 'up') {
      await b.driver.peerUp?.(b, ep);
      ctx.deps.names.endpointUp(sb, net, rec);
    } else {
      ctx.deps.names.endpointDown(rec);
      await b.driver.peerDown?.(b, ep);
    }
    ctx.emit(dir === 'up' ? 'connect' : 'disconnect', net, { container: ep.sandboxId, host: ep.host });
    const txn = new Txn();
    for (const cidr of [ep.ipv4, ep.ipv6]) {
      const pool = cidr && ctx.deps.ipam.findPool(net.id, cidr);
      if (!pool) continue;
      if (dir === 'down') ctx.deps.ipam.releaseAddress(txn, net.id, pool.subnet, cidr);
      else {
        try {
          ctx.deps.ipam.requestAddress(txn, net.id, pool.subnet, cidr.split('/')[0]);
        } catch {
          // already taken in the mirror (it lost a race to this endpoint)
        }
      }
    }
    await txn.commit(ctx.deps.store);
  }

  private queued(what: string, fn: () => Promise<void>): Promise<void> {
    return this.ctx.mutex
      .run(fn)
      .catch((err) => log('warn', `cluster sync: ${what} failed`, { error: err instanceof CnmError ? err.detail() : String(err) }));
  }
}

/** A remote sandbox as the name service needs it: its names only (no namespace here). */
function pseudoSandbox(ep: ClusterEndpoint): Sandbox {
  return { id: ep.sandboxId, name: ep.name, hostname: ep.hostname, labels: {}, netnsPath: '', created: '', dns: [] };
}
