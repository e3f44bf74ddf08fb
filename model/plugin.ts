// libnetwork's remote driver and IPAM plugin protocol (Docker 20.10): POST bodies and answers on
// the plugin socket. Errors are {"Err": "..."}; an empty object is success.

export const PLUGIN_CONTENT_TYPE = 'application/vnd.docker.plugins.v1.2+json';

/** The label cnm puts on a sandbox that stands for a Docker endpoint (its value: the endpoint id). */
export const DOCKER_ENDPOINT_LABEL = 'cnm.docker.endpoint';
/** Sandboxes whose interfaces are handed to another runtime (Docker moves them): never re-plumbed. */
export const HANDOFF_LABEL = 'cnm.handoff';

export interface IPAMData {
  AddressSpace: string;
  Pool: string;
  Gateway?: string;
  AuxAddresses?: Record<string, string>;
}

export interface CreateNetworkRequest {
  NetworkID: string;
  Options?: { 'com.docker.network.generic'?: Record<string, string>; 'com.docker.network.enable_ipv6'?: boolean; [k: string]: unknown };
  IPv4Data?: IPAMData[];
  IPv6Data?: IPAMData[];
}

export interface EndpointInterface {
  Address?: string;
  AddressIPv6?: string;
  MacAddress?: string;
}

export interface CreateEndpointRequest {
  NetworkID: string;
  EndpointID: string;
  Interface?: EndpointInterface;
  Options?: Record<string, unknown>;
}

export interface JoinRequest {
  NetworkID: string;
  EndpointID: string;
  SandboxKey: string;
  Options?: Record<string, unknown>;
}

export interface JoinResponse {
  InterfaceName: { SrcName: string; DstPrefix: string };
  Gateway?: string;
  GatewayIPv6?: string;
  StaticRoutes?: unknown[];
  DisableGatewayService?: boolean;
}

export interface RequestPoolRequest {
  AddressSpace: string;
  Pool?: string;
  SubPool?: string;
  Options?: Record<string, string>;
  V6?: boolean;
}

export interface RequestAddressRequest {
  PoolID: string;
  Address?: string;
  Options?: Record<string, string>;
}
