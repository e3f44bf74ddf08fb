// Checking a pool request's parts against its subnet and reserving the gateway and aux addresses,
// with Docker's errors (errors.ts). Used by DefaultIpam.requestPool.
import { defaultGateway, parseAddr, parseCidr, within, type Addr, type Cidr } from '../../model/ip.js';
import type { CnmError, ErrorContext } from '../errors.js';
import { ipamErrors as E, REASON } from './errors.js';
import type { Pool } from './pool.js';

export function throwErr(err: CnmError): never {
  throw err;
}

/** The ip-range: a CIDR inside the subnet. */
export function parseRange(ipRange: string, subnet: Cidr, ctx: ErrorContext): Cidr {
  const range = parseCidr(ipRange) ?? throwErr(E.invalidCidr(ipRange, ctx));
  if (!within(subnet, range)) throw E.noSubnetForRange(ipRange, ctx);
  return range;
}

/** An address as a client gives it: plain, or with a prefix length (172.18.0.5/16). */
export function parseHostAddr(s: string, ctx: ErrorContext): Addr {
  return parseAddr(s.split('/')[0]) ?? throwErr(E.notAnAddress(s, ctx));
}

/** Host addresses and routes to keep default pools away from; the default route (/0) does not count. */
export function parsePrefixes(prefixes: string[]): Cidr[] {
  const out: Cidr[] = [];
  for (const p of prefixes) {
    const c = p.includes('/') ? parseCidr(p) : parseCidr(`${p}/${p.includes(':') ? 128 : 32}`);
    if (c && c.prefix > 0) out.push(c);
  }
  return out;
}

/** The given gateway, or model/ip's defaultGateway (the rule the extension shows too), which moves the cursor. */
export function reserveGateway(pool: Pool, gateway: string | undefined, ctx: ErrorContext): void {
  let o: bigint;
  if (gateway === undefined) {
    const a = defaultGateway(pool.cidr, pool.range);
    o = (a && pool.ordinalOf(a)) ?? throwErr(E.gatewayFailed('', REASON.noAddresses, ctx));
    pool.next = o + 1n;
  } else {
    const a = parseAddr(gateway) ?? throwErr(E.invalidGateway(gateway, ctx));
    o = pool.ordinalOf(a) ?? throwErr(E.gatewayFailed(gateway, REASON.outOfRange, ctx));
    if (pool.isTaken(o)) throw E.gatewayFailed(gateway, REASON.inUse, ctx);
  }
  pool.reserve(o);
  pool.gateway = o;
}

/** Aux addresses must lie in the subnet (not necessarily the range) and be distinct from the rest. */
export function reserveAux(pool: Pool, aux: Record<string, string>, networkName: string, ctx: ErrorContext): void {
  for (const [k, v] of Object.entries(aux)) {
    const a = parseAddr(v) ?? throwErr(E.auxUnparsable(k, v, networkName, ctx));
    const o = pool.ordinalOf(a) ?? throwErr(E.auxOutsidePool(k, v, pool.subnet, ctx));
    if (pool.isTaken(o)) throw E.auxFailed(k, v, REASON.inUse, ctx);
    pool.reserve(o);
    pool.aux.set(k, o);
  }
}
