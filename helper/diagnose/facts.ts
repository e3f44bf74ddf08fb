// The facts an explanation is built from: cnm's model (networks, sandboxes, DNS names) and what
// the kernel has (host routes and addresses, link MTUs, cnm's firewall table, the conflicts the
// watch found). Gathered once per question; explain.ts only reads them.
import { HOST_NETNS, type DnsRecord, type SandboxView } from '../../model/cnm.js';
import type { NetworkResource } from '../../model/docker.js';
import type { SubnetConflict } from '../../model/diagnose.js';
import type { NftTable } from './nft-rules.js';

export interface NetFacts {
  id: string;
  name: string;
  driver: string;
  internal: boolean;
  /** Inter-container communication (bridge option enable_icc; true for other drivers). */
  icc: boolean;
  /** The default bridge: no embedded DNS there, as in Docker. */
  defaultBridge: boolean;
  /** The network's interface in cnmd's netns (bridge), when it has one. */
  bridge?: string;
  /** The macvlan parent link. */
  parent?: string;
  subnets: string[];
  gateways: string[];
  /** The bridge's MTU as the kernel has it. */
  mtu?: number;
}

export interface EndpointFacts {
  network: NetFacts;
  ifname: string;
  ipv4?: string; // plain address
  ipv6?: string;
  order: number;
  /** The interface's MTU inside the sandbox, as the kernel has it. */
  mtu?: number;
}

export interface SandboxFacts {
  id: string;
  name: string;
  aliases: string[];
  /** Shares cnmd's own namespace (host network). */
  hostNetns: boolean;
  netnsFile: string;
  endpoints: EndpointFacts[];
}

export interface Facts {
  networks: NetFacts[];
  sandboxes: SandboxFacts[];
  dns: DnsRecord[];
  host: {
    routes: Array<{ dst: string; gateway?: string; ifname?: string }>;
    addresses: Array<{ ifname: string; cidr: string }>;
  };
  conflicts: SubnetConflict[];
  /** cnm's nftables table; undefined when it could not be read (the reason in firewallError). */
  firewall?: NftTable;
  firewallError?: string;
  /** Bridged traffic passes the inet forward hook (br_netfilter's bridge-nf-call-iptables). */
  bridgeNetfilter: boolean;
  /** Ports something listens on in the target sandbox, for --port. */
  listening?: Set<number>;
}

const ICC = 'com.docker.network.bridge.enable_icc';
const BRIDGE_NAME = 'com.docker.network.bridge.name';
const DEFAULT_BRIDGE = 'com.docker.network.bridge.default_bridge';

const plain = (cidr?: string) => (cidr ? cidr.split('/')[0] : undefined);

/** The network as explain.ts needs it, from Docker's shape (the bridge name as the bridge driver derives it). */
export function netFacts(n: NetworkResource, mtus: Map<string, number>): NetFacts {
  const o = n.Options ?? {};
  const bridge = n.Driver === 'bridge' ? o[BRIDGE_NAME] || `br-${n.Id.slice(0, 12)}` : undefined;
  const pools = n.IPAM?.Config ?? [];
  return {
    id: n.Id,
    name: n.Name,
    driver: n.Driver,
    internal: n.Internal,
    icc: n.Driver !== 'bridge' || o[ICC] !== 'false',
    defaultBridge: n.Driver === 'bridge' && (o[DEFAULT_BRIDGE] === 'true' || n.Name === 'bridge'),
    bridge,
    parent: n.Driver === 'macvlan' ? o.parent : undefined,
    subnets: pools.map((p) => p.Subnet).filter((s): s is string => !!s),
    gateways: pools.map((p) => p.Gateway).filter((g): g is string => !!g),
    mtu: bridge ? mtus.get(bridge) : undefined,
  };
}

/** The sandbox as explain.ts needs it; `mtus` are its interfaces' MTUs by name (when read). */
export function sandboxFacts(sb: SandboxView, nets: Map<string, NetFacts>, mtus?: Map<string, number>): SandboxFacts {
  return {
    id: sb.id,
    name: sb.name,
    aliases: [...new Set(sb.endpoints.flatMap((e) => e.aliases))],
    hostNetns: sb.netnsPath === HOST_NETNS,
    netnsFile: sb.netnsFile ?? sb.netnsPath,
    endpoints: sb.endpoints
      .filter((e) => nets.has(e.networkId))
      .sort((a, b) => a.order - b.order)
      .map((e) => ({
        network: nets.get(e.networkId)!,
        ifname: e.ifname,
        ipv4: plain(e.ipv4),
        ipv6: plain(e.ipv6),
        order: e.order,
        mtu: mtus?.get(e.ifname),
      })),
  };
}
