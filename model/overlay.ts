// Allocation rules for global-scope (overlay) networks, pure so that the cluster store (CAS in
// etcd), a stand-alone cnmd and the tests share them: Docker's global pool 10.0.0.0/8 in /24s,
// VXLAN ids from 4096 up (libnetwork's first), or the ones `-o …vxlanid_list` names.
import type { DockerInfo } from './docker.js';
import { driverInfo } from './drivers.js';
import { formatCidr, overlaps, parseCidr, type Cidr } from './ip.js';

export const GLOBAL_POOL = '10.0.0.0/8';
export const GLOBAL_POOL_PREFIX = 24;
export const FIRST_VNI = 4096;
/** VXLAN ids are 24 bits. */
export const MAX_VNI = (1 << 24) - 1;
export const VXLANID_OPTION = 'com.docker.network.driver.overlay.vxlanid_list';
/** VXLAN's own header and the outer UDP/IP/Ethernet take 50 bytes of the underlay's MTU. */
export const VXLAN_OVERHEAD = 50;

/** The first /24 of 10.0.0.0/8 that overlaps none of `taken` (CIDRs); undefined when the pool is full. */
export function nextGlobalSubnet(taken: readonly string[]): string | undefined {
  const pool = parseCidr(GLOBAL_POOL)!;
  const used = taken.map((t) => parseCidr(t)).filter((c): c is Cidr => c !== undefined);
  const step = 1n << BigInt(32 - GLOBAL_POOL_PREFIX);
  const count = 1n << BigInt(GLOBAL_POOL_PREFIX - pool.prefix);
  for (let i = 0n; i < count; i++) {
    const base = pool.base + i * step;
    const c: Cidr = { family: 4, base, prefix: GLOBAL_POOL_PREFIX, addr: base };
    if (!used.some((u) => overlaps(u, c))) return formatCidr(c);
  }
  return undefined;
}

/** The lowest VXLAN id from 4096 not in `used`. */
export function nextVni(used: ReadonlySet<number>): number | undefined {
  for (let v = FIRST_VNI; v <= MAX_VNI; v++) if (!used.has(v)) return v;
  return undefined;
}

/**
 * `-o com.docker.network.driver.overlay.vxlanid_list=N[,M…]`: one id per subnet (cnm uses the
 * first); libnetwork's wording for bad values.
 */
export function parseVxlanIdList(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const ids = value.split(',').map((s) => s.trim());
  return ids.map((s) => {
    const n = Number(s);
    if (!/^\d+$/.test(s) || n < 1 || n > MAX_VNI) throw new Error(`invalid VXLAN id value "${s}" in ${VXLANID_OPTION}: use 1..${MAX_VNI}`);
    return n;
  });
}

/**
 * The `Scope` cnm's own clients (the CLI, the extension's wizard) send with a network create: the
 * user's when given; `local` for a multi-host driver when the daemon is a cnmd without a cluster
 * store (GET /info: `Cnm` without `cluster`), which makes a single-host overlay where Docker's
 * answer would be "not a swarm manager"; otherwise none (the daemon decides). `info` is asked
 * only for a multi-host driver without a given scope.
 */
export async function requestScope(driver: string, given: string, info: () => Promise<DockerInfo | undefined>): Promise<string> {
  if (given || !driverInfo(driver)?.multiHost) return given;
  const cnm = (await info())?.Cnm;
  return cnm && !cnm.cluster ? 'local' : given;
}
