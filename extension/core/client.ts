// What the extension needs from a daemon: Docker's network endpoints plus cnm's /cnm/ paths.
// Everything above this interface (state, tree, commands) is tested against a fake of it.
import type { ClusterView, EngineContainer, HostInfo, SandboxCreateRequest, SandboxView, DnsRecord } from '../../model/cnm.js';
import type { PublishedPort } from '../../model/ports.js';
import type { ReachabilityMatrix, WhyReport } from '../../model/diagnose.js';
import type { NetworkMovePlan, NetworkMoveRequest } from '../../model/move.js';
import type {
  DockerEvent,
  DockerInfo,
  NetworkConnectRequest,
  NetworkCreateRequest,
  NetworkCreateResponse,
  NetworkDisconnectRequest,
  NetworkPruneResponse,
  NetworkResource,
} from '../../model/docker.js';
import type { ExecHandle, ExecOptions, ExecSinks } from '../../transport/exec.js';

export interface EventSubscription {
  close(): void;
}

export interface EventHandlers {
  onEvent(e: DockerEvent): void;
  /** The stream ended or failed; the caller decides whether and when to resubscribe. */
  onEnd(err?: Error): void;
}

export interface CnmClient {
  ping(): Promise<void>;
  version(): Promise<{ Version: string; ApiVersion: string; Platform?: { Name: string }; [k: string]: unknown }>;
  /** GET /info (drivers in Plugins.Network, cnm's capabilities in Cnm); undefined where the daemon has none. */
  info(): Promise<DockerInfo | undefined>;
  listNetworks(): Promise<NetworkResource[]>;
  inspectNetwork(id: string): Promise<NetworkResource>;
  createNetwork(req: NetworkCreateRequest): Promise<NetworkCreateResponse>;
  removeNetwork(id: string): Promise<void>;
  connect(network: string, req: NetworkConnectRequest): Promise<void>;
  disconnect(network: string, req: NetworkDisconnectRequest): Promise<void>;
  pruneNetworks(): Promise<NetworkPruneResponse>;
  events(h: EventHandlers): Promise<EventSubscription>;
  /** cnm's own paths; undefined from a daemon without them (a plain Docker engine). */
  listSandboxes(): Promise<SandboxView[] | undefined>;
  /** cnmd answers with the new SandboxView. */
  createSandbox(req: SandboxCreateRequest): Promise<{ id: string }>;
  removeSandbox(id: string, force: boolean): Promise<void>;
  hostInfo(): Promise<HostInfo | undefined>;
  /** Running containers of the engines cnmd reaches; undefined from a daemon without the path. */
  listContainers(): Promise<EngineContainer[] | undefined>;
  /** Runs a command in a sandbox through cnmd's exec API (a TTY stream for terminals). */
  exec(sandbox: string, opts: ExecOptions, sinks: ExecSinks): Promise<ExecHandle>;
  dns(network?: string): Promise<DnsRecord[] | undefined>;
  /** GET /cnm/cluster: the cluster's hosts and the store's health; undefined from a daemon without it. */
  cluster(): Promise<ClusterView | undefined>;
  /** GET /cnm/ports: every published port and where it is reachable. */
  publishedPorts(): Promise<PublishedPort[] | undefined>;
  /** GET /cnm/why: why `from` can or cannot reach `to` (checked by a probe); undefined without the path. */
  why(from: string, to: string, port?: string): Promise<WhyReport | undefined>;
  /** GET /cnm/why/matrix for these networks (none: the whole host); undefined without the path. */
  matrix(networks: string[]): Promise<ReachabilityMatrix | undefined>;
  /** POST /cnm/networks/{id}/move: the plan (DryRun) or the move made; undefined without the path. */
  moveNetwork(network: string, req: NetworkMoveRequest): Promise<NetworkMovePlan | undefined>;
  dispose(): void;
}

/** An API error with Docker's HTTP status kept, so callers can tell 404 from 409. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
