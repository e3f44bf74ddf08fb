// Docker Engine API (v1.41) shapes for the network endpoints, exactly as dockerd 20.10 sends them
// (see test/fixtures/docker). cnmd serves these, the CLI prints them, the extension shows them.
import type { CnmInfo } from './cnm.js';
import type { PortMap } from './ports.js';

export interface IPAMPoolConfig {
  Subnet?: string;
  IPRange?: string;
  Gateway?: string;
  AuxiliaryAddresses?: Record<string, string>;
}

export interface IPAM {
  Driver: string;
  /** Docker sends null for the default bridge and {} for user networks; keep that distinction. */
  Options: Record<string, string> | null;
  Config: IPAMPoolConfig[];
}

export interface NetworkContainer {
  Name: string;
  EndpointID: string;
  MacAddress: string;
  IPv4Address: string;
  IPv6Address: string;
  /** cnm only: the ports published through this endpoint (absent when none). */
  Ports?: PortMap;
}

/** GET /networks/{id}: Docker's NetworkResource. Field order matters for byte-equal golden tests. */
export interface NetworkResource {
  Name: string;
  Id: string;
  Created: string;
  Scope: 'local' | 'global' | 'swarm';
  Driver: string;
  EnableIPv6: boolean;
  IPAM: IPAM;
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigFrom: { Network: string };
  ConfigOnly: boolean;
  Containers: Record<string, NetworkContainer>;
  Options: Record<string, string>;
  Labels: Record<string, string>;
  /** cnm only, and only while there is something to say (a host route overlapping the subnet). */
  Warnings?: string[];
}

/** POST /networks/create body. */
/** Docker's predefined network names (runconfig.IsPreDefinedNetwork): never created, never removed by a user. */
const PREDEFINED_NETWORKS: ReadonlySet<string> = new Set(['bridge', 'host', 'none', 'default']);
export const isPredefinedNetwork = (name: string) => PREDEFINED_NETWORKS.has(name);

export interface NetworkCreateRequest {
  Name: string;
  CheckDuplicate?: boolean;
  Driver?: string;
  Scope?: string;
  Internal?: boolean;
  Attachable?: boolean;
  Ingress?: boolean;
  EnableIPv6?: boolean;
  IPAM?: { Driver?: string; Options?: Record<string, string> | null; Config?: IPAMPoolConfig[] | null };
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
  ConfigOnly?: boolean;
  ConfigFrom?: { Network: string } | null;
}

export interface NetworkCreateResponse {
  Id: string;
  Warning: string;
}

export interface EndpointIPAMConfig {
  IPv4Address?: string;
  IPv6Address?: string;
  LinkLocalIPs?: string[];
}

export interface EndpointSettings {
  IPAMConfig?: EndpointIPAMConfig | null;
  Links?: string[] | null;
  Aliases?: string[] | null;
  NetworkID?: string;
  EndpointID?: string;
  Gateway?: string;
  IPAddress?: string;
  IPPrefixLen?: number;
  IPv6Gateway?: string;
  GlobalIPv6Address?: string;
  GlobalIPv6PrefixLen?: number;
  MacAddress?: string;
  DriverOpts?: Record<string, string> | null;
}

/** POST /networks/{id}/connect body. Container is a sandbox name or id (or id prefix). */
export interface NetworkConnectRequest {
  Container: string;
  EndpointConfig?: EndpointSettings | null;
}

export interface NetworkDisconnectRequest {
  Container: string;
  Force?: boolean;
}

export interface NetworkPruneResponse {
  NetworksDeleted: string[] | null;
}

/** GET /events message (Docker 20.10 shape). */
export interface DockerEvent {
  /** `cluster`: cnm's cluster-store health changed (Action `up` / `degraded`; helper/api/README.md). `cnm`: cnm's self-healing events (model/heal.ts). */
  Type: 'network' | 'container' | 'cluster' | 'cnm';
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local' | 'swarm';
  time: number;
  timeNano: number;
}

/** Docker's error body: {"message": "..."}; the HTTP status carries the kind. */
export interface DockerErrorBody {
  message: string;
}

export interface DockerSwarmInfo {
  NodeID: string;
  NodeAddr: string;
  LocalNodeState: 'inactive' | 'pending' | 'active' | 'error' | 'locked';
  ControlAvailable: boolean;
  Error: string;
  RemoteManagers: null;
}

/** GET /version (the fields the docker CLI and dockerode read). */
/** GET /info: the fields cnmd fills in (Docker's names), plus cnm's own `Cnm`. */
export interface DockerInfo {
  ID?: string;
  Name: string;
  ServerVersion: string;
  OperatingSystem: string;
  OSType: string;
  Architecture: string;
  KernelVersion: string;
  NCPU: number;
  MemTotal: number;
  /** Absent from cnmd (it runs no containers, stores no images): never a made-up zero. */
  Containers?: number;
  Images?: number;
  Driver?: string;
  Plugins: { Network: string[]; Volume: string[]; Log: string[] };
  /** cnmd is never in a swarm: `inactive`, as Docker reports a node outside one. */
  Swarm?: DockerSwarmInfo;
  Cnm?: CnmInfo;
}

export interface DockerVersion {
  Platform: { Name: string };
  Components: Array<{ Name: string; Version: string; Details: Record<string, string> }>;
  Version: string;
  ApiVersion: string;
  MinAPIVersion: string;
  GitCommit: string;
  GoVersion: string;
  Os: string;
  Arch: string;
  KernelVersion: string;
  BuildTime: string;
}
