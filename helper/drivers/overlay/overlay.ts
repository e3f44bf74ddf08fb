// The overlay driver (libnetwork's layout): per host and per network a namespace holding a bridge
// `br0` and a VXLAN device `vxlan0` (nolearning, ARP proxy, dstport 4789, id = the network's VNI,
// local = this host's VTEP); each local endpoint is a veth from that bridge into the sandbox. The
// VXLAN device is born inside the network's namespace from cnmd's socket, so its UDP socket stays
// on the underlay. Nothing is made until the first local endpoint joins, and the namespace goes
// when the last one leaves. Remote endpoints (from the cluster store) become a static neighbour
// and FDB entries (MAC → remote VTEP) on vxlan0 (peers.ts): no flooding, no learning; after every
// full read of the store the table is reconciled with it. MTU = underlay − 50.
import type { ClusterEndpoint, Endpoint, Network } from '../../../model/cnm.js';
import { VXLAN_OVERHEAD } from '../../../model/overlay.js';
import { CnmError, TeardownErrors, invalid, withContext } from '../../errors.js';
import { log } from '../../log.js';
import { Netlink } from '../../kernel/netlink/netlink.js';
import { createNetns, deleteNetns, listNetns, netnsPath } from '../../kernel/netns/netns.js';
import { setIPv6, writeSysctlIn } from '../../kernel/sysctl.js';
import type { Bound, Capabilities, DriverDeps, NetworkDriver, SandboxHandle } from '../driver.js';
import { ownerAlias } from '../owner.js';
import { plumbInterface } from '../plumbing.js';
import { parseOverlayOptions, type OverlayConfig } from './options.js';
import { VXLAN, programPeer, reconcilePeers } from './peers.js';

export const OVERLAY_CAPS: Capabilities = {
  ipam: true,
  hostNetns: false,
  singleton: false,
  // The default route goes through the host's cnm_gwbridge, never through the overlay.
  gateway: false,
  interfaces: true,
  exclusive: false,
  scope: 'global',
  parentLink: false,
};

const BRIDGE = 'br0';
const DEFAULT_UNDERLAY_MTU = 1500;

/**
 * br_netfilter (loaded here by Docker or a host firewall) sends every frame crossing a bridge
 * through the IPv4, IPv6 and ARP netfilter hooks of the bridge's namespace. The overlay namespace
 * holds no rules (cnm's firewall lives in the host namespace), so that detour is pure cost on the
 * sandbox↔sandbox path (~5–10 % of iperf3 throughput in paired A/B runs here, noisy): these
 * sysctls are per namespace, so they go off in the overlay namespace only; the host's stay.
 */
const BRIDGE_NF_SYSCTLS = ['iptables', 'ip6tables', 'arptables'].map((f) => `net.bridge.bridge-nf-call-${f}`);

function skipBridgeNetfilter(nsPath: string): void {
  for (const key of BRIDGE_NF_SYSCTLS) {
    try {
      writeSysctlIn(nsPath, key, '0');
    } catch (err) {
      // No br_netfilter module: no detour to skip.
      if (!(err instanceof CnmError && err.kind === 'not-found')) throw err;
    }
  }
}

/** The bridge-side end of an endpoint's veth, inside the network's namespace. */
export const overlayVethName = (endpointId: string): string => `veth${endpointId.slice(0, 10)}`;

type Net = Bound<OverlayConfig>;

/** A network's kernel objects on this host, while it has local endpoints. */
interface Datapath {
  nl: Netlink;
  bridge: number;
  mtu: number;
}

export class OverlayDriver implements NetworkDriver<OverlayConfig> {
  readonly name = 'overlay' as const;
  readonly caps = OVERLAY_CAPS;
  private readonly host: Netlink;
  private readonly prefix: string;
  private readonly vtep: string | undefined;
  private readonly paths = new Map<string, Datapath>();
  /** Remote endpoints by network id, then endpoint id: installed whenever the datapath exists. */
  private readonly peers = new Map<string, Map<string, ClusterEndpoint>>();

  constructor({ host, netnsPrefix, vtep }: DriverDeps) {
    this.host = host;
    this.prefix = `${netnsPrefix ?? 'cnm-'}ov-`;
    this.vtep = vtep;
  }

  /** The per-network namespace: `<cnmd's prefix>ov-<network id 12>`. */
  netnsName(net: Network): string {
    return `${this.prefix}${net.id.slice(0, 12)}`;
  }

  async validate(net: Network): Promise<OverlayConfig> {
    return parseOverlayOptions(net);
  }

  ownedNetns({ net }: Net): string {
    return this.netnsName(net);
  }

  /** Nothing is made here (lazily at the first join); at start-up an existing datapath is re-adopted. */
  async setupNetwork(n: Net): Promise<void> {
    const name = this.netnsName(n.net);
    if (this.paths.has(n.net.id) || !listNetns(name).includes(name)) return;
    const nl = Netlink.inNetns(netnsPath(name));
    const br = await nl.getLink(BRIDGE);
    const vx = await nl.getLink(VXLAN);
    if (!br || !vx) {
      nl.close();
      await deleteNetns(name);
      return;
    }
    this.paths.set(n.net.id, { nl, bridge: br.index, mtu: br.mtu });
    await this.installPeers(n);
  }

  async teardownNetwork({ net }: Net): Promise<void> {
    this.peers.delete(net.id);
    await this.dropDatapath(net);
  }

  private async dropDatapath(net: Network): Promise<void> {
    this.paths.get(net.id)?.nl.close();
    this.paths.delete(net.id);
    await deleteNetns(this.netnsName(net)).catch((err) => {
      throw withContext(err, { network: net.id });
    });
  }

  /** The namespace with br0 and vxlan0, made on the first local join. */
  private async datapath(n: Net): Promise<Datapath> {
    const have = this.paths.get(n.net.id);
    if (have) return have;
    const { net, cfg } = n;
    const name = this.netnsName(net);
    const ctx = { network: net.id, netns: name };
    // The underlay's MTU is read while the namespace is made (both on the cold connect's path).
    const underlay = cfg.mtu !== undefined ? Promise.resolve(cfg.mtu) : this.underlayMtu().then((m) => m - VXLAN_OVERHEAD);
    underlay.catch(() => undefined); // awaited below; a failed createNetns must not leave it unhandled
    await createNetns(name);
    const nsPath = netnsPath(name);
    const nl = Netlink.inNetns(nsPath);
    try {
      const mtu = await underlay;
      skipBridgeNetfilter(nsPath);
      // The VXLAN device (made on the host's socket) while the bridge is made on the namespace's.
      const vxlan = this.host.createVxlan({
        name: VXLAN,
        vni: cfg.vni,
        port: 4789,
        local: this.vtep,
        learning: false,
        proxy: true,
        mtu,
        netnsPath: nsPath,
        alias: ownerAlias(net.id),
      });
      const bridge = await nl.createBridge(BRIDGE, { mtu, alias: ownerAlias(net.id), up: true }).catch(async (err) => {
        await vxlan.catch(() => undefined); // settled before the namespace is removed
        throw err;
      });
      await vxlan;
      setIPv6(BRIDGE, false, nsPath);
      await Netlink.inOrder([nl.setAlias(VXLAN, ownerAlias(net.id)), nl.setMaster(VXLAN, bridge), nl.setUp(VXLAN)]);
      const dp = { nl, bridge, mtu };
      this.paths.set(net.id, dp);
      await this.installPeers(n);
      log('debug', 'overlay datapath made', { network: net.id, vni: String(cfg.vni), mtu: String(mtu) });
      return dp;
    } catch (err) {
      this.paths.delete(net.id);
      nl.close();
      await deleteNetns(name).catch(() => undefined);
      throw withContext(err, ctx);
    }
  }

  /** MTU of the link holding the VTEP address (or of the default route's link): the underlay's. */
  private async underlayMtu(): Promise<number> {
    let ifname: string | undefined;
    if (this.vtep) ifname = (await this.host.listAddresses()).find((a) => a.cidr.split('/')[0] === this.vtep)?.ifname;
    else ifname = (await this.host.listRoutes()).find((r) => r.dst === '0.0.0.0/0')?.ifname;
    const link = ifname ? await this.host.getLink(ifname) : undefined;
    return link?.mtu || DEFAULT_UNDERLAY_MTU;
  }

  async setupEndpoint(n: Net, ep: Endpoint, sb: SandboxHandle): Promise<void> {
    const ctx = { network: n.net.id, endpoint: ep.id, sandbox: sb.sandbox.id };
    if (!sb.nl) throw invalid('an overlay endpoint needs a sandbox with its own network namespace', ctx);
    const dp = await this.datapath(n);
    const hostName = overlayVethName(ep.id);
    try {
      await dp.nl.createVethWithPeerInNetns({
        hostName,
        peerName: ep.ifname,
        peerNetnsPath: sb.sandbox.netnsPath,
        peerMac: ep.mac,
        mtu: dp.mtu,
        master: dp.bridge,
        alias: ownerAlias(ep.id),
      });
      // The overlay never carries the default route (caps.gateway is false): cnm_gwbridge does.
      await plumbInterface(n.net, ep, sb, false);
    } catch (err) {
      await dp.nl.deleteLink(hostName).catch(() => undefined);
      await this.dropIfUnused(n.net).catch(() => undefined);
      throw withContext(err, { ...ctx, link: ep.ifname });
    }
  }

  async teardownEndpoint(n: Net, ep: Endpoint): Promise<void> {
    const errors = new TeardownErrors();
    const ctx = { network: n.net.id, endpoint: ep.id };
    const dp = this.paths.get(n.net.id);
    // Deleting the bridge-side end removes the sandbox's end with it.
    if (dp) await errors.run({ ...ctx, link: overlayVethName(ep.id) }, () => dp.nl.deleteLink(overlayVethName(ep.id)));
    await errors.run(ctx, () => this.dropIfUnused(n.net));
    errors.throwIfAny(`cannot tear down endpoint ${ep.id.slice(0, 12)} on network ${n.net.name}`, ctx);
  }

  /** The last local endpoint left: the namespace (bridge, VXLAN, neighbour and FDB entries) goes. */
  private async dropIfUnused(net: Network): Promise<void> {
    const dp = this.paths.get(net.id);
    if (!dp) return;
    const ports = (await dp.nl.listLinks()).filter((l) => l.kind === 'veth' && l.masterIndex === dp.bridge);
    if (ports.length === 0) await this.dropDatapath(net);
  }

  async peerUp(n: Net, peer: ClusterEndpoint): Promise<void> {
    let map = this.peers.get(n.net.id);
    if (!map) this.peers.set(n.net.id, (map = new Map()));
    map.set(peer.endpointId, peer);
    const dp = this.paths.get(n.net.id);
    if (dp) await programPeer(dp.nl, peer, 'add');
  }

  async peerDown(n: Net, peer: ClusterEndpoint): Promise<void> {
    const known = this.peers.get(n.net.id)?.get(peer.endpointId) ?? peer;
    this.peers.get(n.net.id)?.delete(peer.endpointId);
    const dp = this.paths.get(n.net.id);
    if (dp) await programPeer(dp.nl, known, 'del');
  }

  async peersSynced(n: Net, peers: ClusterEndpoint[]): Promise<void> {
    this.peers.set(n.net.id, new Map(peers.map((p) => [p.endpointId, p])));
    const dp = this.paths.get(n.net.id);
    if (!dp) return;
    const removed = await reconcilePeers(dp.nl, peers);
    if (removed) log('info', 'overlay: stale peer entries removed', { network: n.net.id, entries: String(removed) });
  }

  /** Every known remote endpoint at once on the one socket (the kernel runs them in order), not a round trip each. */
  private async installPeers(n: Net): Promise<void> {
    const dp = this.paths.get(n.net.id)!;
    await Netlink.inOrder([...(this.peers.get(n.net.id)?.values() ?? [])].map((peer) => programPeer(dp.nl, peer, 'add')));
  }
}
