// The cluster store's key layout: everything under one versioned prefix, so a later incompatible
// layout can live beside this one (README.md lists each key with its owner and lifetime).
export const PREFIX = '/cnm/v1/';

/** Leased by the host itself: present while its cnmd is alive (lease TTL, keepalive). */
export const HOSTS = 'hosts/';
/** Written by the host when it joins, no lease: remembers hosts whose lease has expired. */
export const MEMBERS = 'members/';

export const hostKey = (name: string) => `${HOSTS}${name}`;
export const memberKey = (name: string) => `${MEMBERS}${name}`;

/** Host names are path segments: no slash, nothing that could be mistaken for another key. */
export function checkHostName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(name))
    throw new Error(`invalid cluster host name "${name}": use letters, digits, '.', '_' or '-' (at most 63), e.g. --cluster-name host1`);
  return name;
}

// Global-scope (overlay) networks: see README.md for each key's owner and lifetime.
export const NETWORKS = 'networks/';
export const NAMES = 'names/';
export const VNIS = 'vnis/';
export const SUBNETS = 'subnets/';
/** `ips/<network id>/<address>` → endpoint id, under the holder's lease. */
export const IPS = 'ips/';
/** `epnames/<network id>/<sandbox name>` → endpoint id, under the holder's lease. */
export const EPNAMES = 'epnames/';
/** `endpoints/<network id>/<endpoint id>` → ClusterEndpoint, under the holder's lease. */
export const ENDPOINTS = 'endpoints/';

export const networkKey = (id: string) => `${NETWORKS}${id}`;
export const nameKey = (name: string) => `${NAMES}${name}`;
export const vniKey = (vni: number) => `${VNIS}${vni}`;
export const subnetKey = (cidr: string) => `${SUBNETS}${cidr}`;
export const ipKey = (networkId: string, cidr: string) => `${IPS}${networkId}/${cidr.split('/')[0]}`;
export const epNameKey = (networkId: string, name: string) => `${EPNAMES}${networkId}/${name}`;
export const endpointKey = (networkId: string, endpointId: string) => `${ENDPOINTS}${networkId}/${endpointId}`;
