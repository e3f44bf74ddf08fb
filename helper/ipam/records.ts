// How IPAM state sits in the store, under `ipam/`:
//   ipam/pools/<subnet>            → PoolRecord (JSON)
//   ipam/addrs/<subnet>/<address>  → the owning network id (JSON string), one key per endpoint address
//   ipam/cursor/<subnet>           → the next ordinal a dynamic request tries (JSON string of a bigint)
// One key per address keeps a connect's write small (one put) and a restart exact.

export interface PoolRecord {
  networkId: string;
  /** The network's name, for Docker's "no available addresses" message. */
  name?: string;
  subnet: string;
  ipRange?: string;
  gateway?: string;
  auxAddresses: Record<string, string>;
  showGateway: boolean;
}

export const POOLS = 'ipam/pools/';
export const ADDRS = 'ipam/addrs/';
export const CURSORS = 'ipam/cursor/';

export const poolKey = (subnet: string) => POOLS + subnet;
export const addrKey = (subnet: string, address: string) => `${ADDRS}${subnet}/${address}`;
export const cursorKey = (subnet: string) => CURSORS + subnet;

/** `ipam/addrs/172.18.0.0/16/172.18.0.2` → subnet and address (the subnet itself contains a slash). */
export function parseAddrKey(key: string): { subnet: string; address: string } | undefined {
  const rest = key.slice(ADDRS.length);
  const cut = rest.lastIndexOf('/');
  return cut > 0 ? { subnet: rest.slice(0, cut), address: rest.slice(cut + 1) } : undefined;
}
