// The network driver contract, netavark-style: validate → setup → teardown. A driver declares
// what it is (capabilities) and the core asks those, never the driver's name. Drivers are
// instances made per core (their state lives in the instance), by the registry the core receives.
//
// Who undoes what: a driver's setup step that fails undoes its own partial work before it throws;
// the core undoes only steps that completed (it calls teardown for a setup that succeeded when a
// later step — store commit, sandbox files — failed). Teardown keeps going and reports every failure.
import type { ClusterEndpoint, DriverName, Endpoint, Network, Sandbox } from '../../model/cnm.js';
import type { AddressInfo, LinkInfo, Netlink, RouteInfo } from '../kernel/netlink/netlink.js';
import type { NetworkRules } from '../kernel/nftables/ruleset.js';

export interface Capabilities {
  /** Networks take IPAM pools (subnets, gateways, endpoint addresses). */
  ipam: boolean;
  /** Sandboxes on it share cnmd's own netns instead of getting one (host). */
  hostNetns: boolean;
  /** Only one network of this driver may exist (the predefined host and none). */
  singleton: boolean;
  /** An endpoint can carry its sandbox's default route through its pool's gateway. */
  gateway: boolean;
  /** Endpoints get an interface (ethN) inside the sandbox. */
  interfaces: boolean;
  /** A sandbox on it may be on no other network (none: loopback only). */
  exclusive: boolean;
  /** Where the network's data lives: this host only, or shared through a store (overlay). */
  scope: 'local' | 'global';
  /** Hangs off a host link named by `-o parent` (macvlan). */
  parentLink: boolean;
}

/** A single-host driver whose endpoints are interfaces with addresses from IPAM (bridge, macvlan). */
export const LOCAL_LINK_CAPS: Capabilities = {
  ipam: true,
  hostNetns: false,
  singleton: false,
  gateway: true,
  interfaces: true,
  exclusive: false,
  scope: 'local',
  parentLink: false,
};

/** A network with the driver's typed configuration, parsed once by `validate`. */
export interface Bound<C> {
  net: Network;
  cfg: C;
}

/** A sandbox as a driver sees it: its record plus a netlink socket opened inside its netns. */
export interface SandboxHandle {
  sandbox: Sandbox;
  /** null for sandboxes sharing the host's netns (a driver with `hostNetns`). */
  nl: Netlink | null;
}

/** The kernel as it is, read once per sandbox, for checking endpoints (re-adoption, healing). */
export interface KernelView {
  /** Links of cnmd's own namespace. */
  hostLinks: LinkInfo[];
  /** Links, addresses and main-table routes inside the sandbox. */
  links: LinkInfo[];
  addrs: AddressInfo[];
  routes: RouteInfo[];
}

/** What a driver instance is made with: cnmd's own ("host") namespace. */
export interface DriverDeps {
  host: Netlink;
  /** Prefix of every netns this cnmd makes (`cnm-<tag>-`): drivers that keep one per network use it. */
  netnsPrefix?: string;
  /** This host's VTEP address (--cluster-advertise); absent on a stand-alone host. */
  vtep?: string;
}

/** What `validate` may look at besides the request. */
export interface ValidateContext {
  /** The links of cnmd's own namespace (parents, name clashes). */
  hostLinks(): Promise<LinkInfo[]>;
  /** Every other network, with its parsed configuration. */
  others: ReadonlyArray<Bound<unknown>>;
  /** true when re-reading a stored network at start-up: it was accepted once, only parse it. */
  restoring: boolean;
}

export interface NetworkDriver<C = unknown> {
  readonly name: DriverName;
  readonly caps: Capabilities;
  /**
   * Parses the options into the typed value every later call gets, and rejects a bad request
   * before anything is made (CnmError with Docker's wording and status).
   */
  validate(net: Network, ctx: ValidateContext): Promise<C>;
  /** Addresses of the network's pools the driver uses itself: kept from endpoints. */
  reservedAddresses?(n: Bound<C>): string[];
  /** Make the network's kernel objects (bridge + gateway address, parent, shim…). Idempotent (re-adoption). */
  setupNetwork(n: Bound<C>): Promise<void>;
  teardownNetwork(n: Bound<C>): Promise<void>;
  /**
   * Names the endpoint's host-side link (sets ep.hostIfname) before any kernel work, synchronously,
   * so the endpoint's record can be committed while setupEndpoint runs. Drivers without a host
   * link leave it out.
   */
  nameHostLink?(n: Bound<C>, ep: Endpoint, sb: SandboxHandle): void;
  /**
   * Plumb one endpoint into a sandbox: link inside the netns named ep.ifname with ep.mac, its
   * addresses, up; the default route when `defaultRoute` is true. On failure, undoes its own work.
   */
  setupEndpoint(n: Bound<C>, ep: Endpoint, sb: SandboxHandle, defaultRoute: boolean): Promise<void>;
  teardownEndpoint(n: Bound<C>, ep: Endpoint, sb: SandboxHandle): Promise<void>;
  /**
   * What is not as setupEndpoint makes it (links, `cnm:` alias, up, bridge membership, MAC,
   * addresses, default route), one line each; empty when all is there. The core re-makes an
   * endpoint with problems. Without it, the core checks only that ep.ifname exists.
   */
  checkEndpoint?(n: Bound<C>, ep: Endpoint, view: KernelView, defaultRoute: boolean): string[];
  /** The sandbox and its namespace are gone: forget anything kept for it (e.g. spare links). */
  sandboxGone?(sandboxId: string): void;
  /** This network's part of cnm's nftables table (isolation, ICC, masquerade); none if absent. */
  rules?(n: Bound<C>): NetworkRules | null;
  /** Things a user should know about this network (cnm-only; never in Docker's JSON). */
  notes?(n: Bound<C>): string[];
  /** A namespace the driver keeps for this network (overlay): spared by the start-up orphan sweep. */
  ownedNetns?(n: Bound<C>): string | undefined;
  /** An endpoint of this global network on another host appeared / left (from the cluster store). */
  peerUp?(n: Bound<C>, peer: ClusterEndpoint): Promise<void>;
  peerDown?(n: Bound<C>, peer: ClusterEndpoint): Promise<void>;
  /** The store's whole list of this network's remote endpoints, after a full read: anything else goes. */
  peersSynced?(n: Bound<C>, peers: ClusterEndpoint[]): Promise<void>;
}

/** Makes a driver instance for one core. */
export type DriverFactory = (deps: DriverDeps) => NetworkDriver<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The drivers one core implements. */
export interface DriverRegistry {
  /** Docker's answer for an unknown driver: `plugin "<name>" not found`, 404. */
  get(name: string): NetworkDriver;
  all(): NetworkDriver[];
  /** Names this cnmd implements (Docker's `Plugins.Network`). */
  names(): DriverName[];
}
