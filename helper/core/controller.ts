// The contract between the API layer (helper/api), the CLI (through the API) and the core.
// The core implements it; the API layer only parses HTTP, calls these, and writes Docker's JSON.
import type { EventEmitter } from 'node:events';
import type {
  DockerEvent,
  NetworkConnectRequest,
  NetworkCreateRequest,
  NetworkCreateResponse,
  NetworkDisconnectRequest,
  NetworkResource,
} from '../../model/docker.js';
import type { ClusterHealth, ClusterView, DnsRecord, HostInfo, SandboxCreateRequest, SandboxView } from '../../model/cnm.js';
import type { NetworkMovePlan, NetworkMoveRequest } from '../../model/move.js';
import type { PublishedPort } from '../../model/ports.js';

export interface Controller {
  /** Every network, in Docker's shape (Containers filled in). Filtering is the API layer's job. */
  listNetworks(): NetworkResource[];
  /** By full id, exact name, or unique id prefix (Docker's lookup order). 404 CnmError otherwise. */
  inspectNetwork(idOrName: string): NetworkResource;
  createNetwork(req: NetworkCreateRequest): Promise<NetworkCreateResponse>;
  removeNetwork(idOrName: string): Promise<void>;
  connect(idOrName: string, req: NetworkConnectRequest): Promise<void>;
  disconnect(idOrName: string, req: NetworkDisconnectRequest): Promise<void>;
  /**
   * Re-addresses a network on another IPv4 subnet (a free one when none is given), reconnecting
   * its endpoints; with DryRun only the plan. Any failure leaves it on its old subnet, reconnected.
   */
  moveNetwork(idOrName: string, req: NetworkMoveRequest): Promise<NetworkMovePlan>;
  /** Removes every unused user network whose resource passes `keep` (the API layer's filters). */
  prune(keep: (n: NetworkResource) => boolean): Promise<string[]>;

  createSandbox(req: SandboxCreateRequest): Promise<SandboxView>;
  listSandboxes(): SandboxView[];
  inspectSandbox(idOrName: string): SandboxView;
  removeSandbox(idOrName: string, force: boolean): Promise<void>;
  /**
   * Checks a sandbox against the kernel and re-makes what is missing: its namespace (deleted from
   * outside), its endpoints' links, addresses and routes. Returns the sandbox, without warnings.
   */
  repairSandbox(idOrName: string): Promise<SandboxView>;
  /** Docker's rename: the new name resolves (and the old one stops) on the next DNS query. */
  renameSandbox(idOrName: string, newName: string): Promise<void>;

  /** What a user should know about a network (e.g. macvlan: the host cannot reach it); cnm-only. */
  networkNotes(idOrName: string): string[];

  /** The host's interfaces (with addresses) and routes, for overlap checks and macvlan parents. */
  hostInfo(): Promise<HostInfo>;

  /** Names of the network drivers this cnmd implements (GET /info: Plugins.Network, Cnm.drivers). */
  driverNames(): string[];

  /** Every published port with the host addresses it is reachable on (`cnm port ls`). */
  publishedPorts(): Promise<PublishedPort[]>;

  /** The names the embedded DNS serves, optionally for one network. */
  dnsRecords(network?: string): DnsRecord[];

  /** The cluster this cnmd belongs to: its hosts and the store's health (`configured: false` without one). */
  cluster(): Promise<ClusterView>;
  /** The cluster store's health without a round trip to it; undefined without a cluster store. */
  clusterHealth(): ClusterHealth | undefined;

  /**
   * Holds an address of a global network for this host in the cluster store before any endpoint
   * has it (the Docker plugin's IPAM hands it out first); its endpoint's claim takes it over, and
   * it goes with this host's lease. Undefined once held (or not a global network), else the host
   * holding it. `releaseAddress` frees a hold no endpoint took.
   */
  reserveAddress(idOrName: string, ip: string): Promise<string | undefined>;
  releaseAddress(idOrName: string, ip: string): Promise<void>;

  /** Emits 'event' with a DockerEvent after each change has been made. */
  readonly events: EventEmitter<{ event: [DockerEvent] }>;
}

/** The seam to the cluster store (helper/cluster implements it; cnmd passes it in CoreDeps). */
export interface ClusterMembership {
  view(): Promise<ClusterView>;
  health(): ClusterHealth;
}

/** Filters Docker accepts on GET /networks and POST /networks/prune. */
export type NetworkFilters = Record<string, string[]>;
