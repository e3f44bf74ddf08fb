// The CNM objects as cnmd stores them and as its own API (sandboxes, DNS records) returns them.
// One definition, imported by the helper, the CLI, the extension and the language server.
import type { PortMap, PortMapping } from './ports.js';
import type { SubnetConflict } from './diagnose.js';

import type { IPAMPoolConfig } from './docker.js';

export type DriverName = 'bridge' | 'overlay' | 'macvlan' | 'host' | 'null';
export const DRIVERS: readonly DriverName[] = ['bridge', 'overlay', 'macvlan', 'host', 'null'];

/** A network as persisted in the store. Docker's JSON is derived from it (helper/api/shapes). */
export interface Network {
  id: string; // 64 hex
  name: string;
  created: string; // RFC3339 with nanoseconds, as Docker prints it
  scope: 'local' | 'global';
  driver: DriverName;
  enableIPv6: boolean;
  internal: boolean;
  attachable: boolean;
  ipam: NetworkIpam;
  options: Record<string, string>;
  labels: Record<string, string>;
  /** Docker shows IPAM.Options null for the predefined bridge, {} otherwise. */
  builtin?: 'bridge' | 'host' | 'none';
  /** `--config-only`: a stored configuration for other networks (`--config-from`); no kernel objects, no endpoints. */
  configOnly?: true;
  /** `--config-from`: the config-only network whose IPAM, options and labels this network took. */
  configFrom?: string;
  /** overlay: the VXLAN id, allocated cluster-wide (not among Docker's Options). */
  vxlanId?: number;
  /** The host's egress bridge for overlay sandboxes (Docker's docker_gwbridge): no names served on it. */
  gwbridge?: boolean;
}

export interface NetworkIpam {
  driver: string;
  options: Record<string, string> | null;
  pools: IpamPool[];
  /**
   * Pool configurations kept as given but not allocated, shown after the pools as Docker shows
   * them: all of a config-only network's, and the IPv6 ones of a network without IPv6 (Docker
   * allocates those only with EnableIPv6).
   */
  unallocated?: IPAMPoolConfig[];
}

export interface IpamPool {
  subnet: string; // CIDR, normalised
  gateway?: string; // plain address
  ipRange?: string; // CIDR within subnet
  auxAddresses: Record<string, string>;
  /** true when Docker would print the Gateway field (user gave it or the pool was allocated for a user network). */
  showGateway: boolean;
}

export interface Endpoint {
  id: string; // 64 hex
  networkId: string;
  sandboxId: string;
  /** Interface name inside the sandbox: eth0, eth1, … in connect order. */
  ifname: string;
  /** Host-side link (veth) name, if the driver made one. */
  hostIfname?: string;
  mac: string;
  ipv4?: string; // CIDR form, e.g. 172.18.0.2/16
  ipv6?: string;
  aliases: string[];
  /** The addresses the connect asked for (Docker shows this request as the container's IPAMConfig). */
  requested?: { ipv4?: string; ipv6?: string };
  /** Docker's EndpointConfig.Links on a user-defined network, as given ("container:alias"). */
  links?: string[];
  /** EndpointConfig.DriverOpts, kept as given (Docker shows them; no driver of cnm's reads any). */
  driverOpts?: Record<string, string>;
  /** IPAMConfig.LinkLocalIPs, as CIDRs on the interface (169.254.0.0/16 or fe80::/64 masks, as Docker). */
  linkLocal?: string[];
  /** Connect order within the sandbox; the lowest carries the default route. */
  order: number;
}

export interface Sandbox {
  id: string; // 64 hex
  name: string;
  hostname: string;
  labels: Record<string, string>;
  /** Path of the netns file (bind mount), or 'host' for sandboxes on the host network. */
  netnsPath: string;
  created: string;
  /** Upstream DNS servers given with --dns; empty = the host's. */
  dns: string[];
  /** Published ports, with the host port chosen at create (helper/ports). */
  ports?: PortMapping[];
  /** Exposed container ports ('80/tcp'), published or not. */
  exposed?: string[];
  /** Legacy links (default bridge): the target sandbox's id and the names it gets in /etc/hosts. */
  links?: SandboxLink[];
  /** Set for a namespace cnm adopted (did not make): it is never deleted, only let go of. */
  adopted?: AdoptedNetns;
}

export interface SandboxLink {
  sandboxId: string;
  alias: string;
}

/** A running container of a Docker or Podman engine cnmd can reach (GET /cnm/containers). */
export interface EngineContainer {
  engine: 'docker' | 'podman';
  id: string;
  name: string;
  image: string;
}

/** Where an adopted namespace came from and how cnm tells it is still alive. */
export interface AdoptedNetns {
  /** What was given: /proc/PID/ns/net, /run/netns/X, or the container's. */
  source: string;
  /** `processes`: alive while a process is in it (a PID's or a container's); `file`: while `source` still names it. */
  liveness: 'processes' | 'file';
  /** The namespace's inode (its identity). */
  ino: number;
  /** `--container NAME` and the engine that answered for it. */
  container?: string;
  engine?: 'docker' | 'podman';
}

/** Sandbox.netnsPath of a sandbox sharing cnmd's own namespace (its network's driver shares the host netns). */
export const HOST_NETNS = 'host';

/** What `GET /cnm/sandboxes/{id}` returns: the sandbox plus its endpoints. */
export interface SandboxView extends Sandbox {
  endpoints: Array<Endpoint & { networkName: string }>;
  /** The netns file a process enters to run inside: cnmd's own (/proc/<pid>/ns/net) for a sandbox sharing it. */
  netnsFile?: string;
  /** What is wrong with it that cnmd does not repair by itself (its namespace was deleted from outside). */
  warnings?: string[];
  /** Docker's NetworkSettings.Ports: each exposed port with its host bindings (null: not published). */
  NetworkSettings?: { Ports: PortMap };
}

/** POST /cnm/sandboxes/create body. */
export interface SandboxCreateRequest {
  Name: string;
  Network?: string;
  IPv4Address?: string;
  IPv6Address?: string;
  Hostname?: string;
  Labels?: Record<string, string>;
  Aliases?: string[];
  Dns?: string[];
  /** Docker's shapes (container create): ports to expose, their bindings, -P. */
  ExposedPorts?: Record<string, object>;
  PortBindings?: PortMap | null;
  PublishAllPorts?: boolean;
  /** Docker's HostConfig.Links: 'name:alias' (or 'name'), default bridge only. */
  Links?: string[] | null;
  /** Adopt this existing namespace file (/proc/PID/ns/net, /run/netns/X) instead of making one. */
  Netns?: string;
  /** Adopt the namespace of this running Docker or Podman container (asked of the engine's socket). */
  Container?: string;
}

/** One name the embedded DNS serves (GET /cnm/dns). */
export interface DnsRecord {
  network: string;
  name: string;
  type: 'A' | 'AAAA';
  address: string;
  sandbox: string;
}

/** GET /cnm/host: what the live checks of the extension and language server need. */
export interface HostInfo {
  interfaces: Array<{ name: string; kind: string; addresses: string[]; up: boolean }>;
  routes: Array<{ dst: string; gateway?: string; ifname?: string }>;
  /** The routes/addresses above that overlap a network's subnet now (cnmd's conflict watch). */
  conflicts?: SubnetConflict[];
}

/** Kernel and userland features cnmd checks at start and reports (GET /info → Cnm, `cnm info`). */
export interface KernelFeatures {
  bridge: boolean;
  veth: boolean;
  vxlan: boolean;
  macvlan: boolean;
  /** 802.1q VLAN sub-interfaces (macvlan parents like eth1.10). */
  vlan: boolean;
  dummy: boolean;
  ipvlan: boolean;
  nftables: boolean;
  ipv6: boolean;
}

/** cnm's part of GET /info (field `Cnm`): version, the drivers this cnmd implements, the host's features. */
export interface CnmInfo {
  version: string;
  /** Driver names this cnmd implements; the same list as Docker's `Plugins.Network`. */
  drivers: string[];
  kernel: KernelFeatures;
  /** The cluster store's health; absent when cnmd runs without --cluster-store. */
  cluster?: ClusterHealth;
}

/** What a host stores about itself in the cluster store (`/cnm/v1/hosts/<name>`, `/cnm/v1/members/<name>`). */
export interface ClusterHostRecord {
  name: string;
  /** The advertise IP (from --cluster-advertise) other hosts reach this one at. */
  address: string;
  /** The advertise port, when --cluster-advertise gave one. */
  port?: number;
  /** cnmd's version on that host. */
  version: string;
}

/** up: its lease is alive; lease expired: it joined once and its lease has gone; this host: the cnmd answering. */
export type ClusterHostState = 'up' | 'lease expired' | 'this host';

export interface ClusterHost extends ClusterHostRecord {
  state: ClusterHostState;
  /** Its endpoints on global networks, as the cluster store holds them (under its lease). */
  endpoints?: ClusterEndpoint[];
}

/**
 * An endpoint on a global (overlay) network as every host sees it
 * (`/cnm/v1/endpoints/<network id>/<endpoint id>`, under its host's lease).
 */
export interface ClusterEndpoint {
  networkId: string;
  endpointId: string;
  sandboxId: string;
  /** The sandbox's name and hostname: what other hosts' DNS answers for. */
  name: string;
  hostname: string;
  aliases: string[];
  ipv4?: string;
  ipv6?: string;
  mac: string;
  /** The cluster name of the host holding it and that host's VTEP (advertise) address. */
  host: string;
  vtep: string;
}

/** The cluster store as this cnmd sees it: degraded while the last call to it failed. */
export interface ClusterHealth {
  /** The store as given to --cluster-store, e.g. etcd://10.0.0.1:2379. */
  store: string;
  state: 'up' | 'degraded';
  /** When the state last changed (ISO time). */
  since: string;
  /** The last error talking to the store (kept after recovery, for the record). */
  lastError?: string;
}

/** GET /cnm/cluster. Without a cluster store: `{"configured":false,"hosts":[]}`. */
export interface ClusterView {
  configured: boolean;
  /** This host's name in the cluster (hostname or --cluster-name). */
  name?: string;
  health?: ClusterHealth;
  /** Every host that ever joined, this one first; from the last successful read while degraded. */
  hosts: ClusterHost[];
}

// The seam between the core's global networks (helper/core/global.ts) and the cluster store.

/** What the core asks for a new global network. */
export interface NetworkClaim {
  id: string;
  name: string;
  /** The user's --subnet, else one from 10.0.0.0/8 in /24s. */
  subnet?: string;
  /** The user's vxlanid_list, else the lowest free from 4096. */
  vni?: number;
  /** Subnets this host already uses (its local pools): not handed out. */
  avoid: string[];
}

/** Of an endpoint's claim: won, or which unique thing another endpoint holds. */
export type EndpointClaim = { won: true } | { won: false; address?: string; name?: string; holder: string };

/** What the core (helper/core/global.ts) hears from the cluster store (diffs against what it delivered before). */
export interface GlobalListener {
  networkPut(net: Network): void;
  networkGone(net: Network): void;
  endpointPut(ep: ClusterEndpoint): void;
  endpointGone(ep: ClusterEndpoint): void;
  /** This host's endpoints on global networks: published again under each new lease. */
  localEndpoints(): ClusterEndpoint[];
  /** The global networks this host has on record (from before a restart): a full read drops those gone. */
  knownNetworks(): Network[];
  healthChanged(h: ClusterHealth): void;
  /** A full read was delivered (every put and gone before this call): the truth to reconcile with. */
  synced(): void;
}
