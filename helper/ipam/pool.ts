// One address pool (a network's subnet) in memory: which host ordinals are taken, which of those
// are reserved for the network itself (network/broadcast address, gateway, aux addresses), and
// where the serial allocation cursor stands. No store, no transactions: DefaultIpam does those.
import {
  contains,
  formatAddr,
  formatCidr,
  last,
  parseAddr,
  parseCidr,
  reservedOffsets,
  size,
  type Addr,
  type Cidr,
} from '../../model/ip.js';
import type { IpamPool } from '../../model/cnm.js';
import { ordinalSet, type OrdinalSet } from './ordinals.js';
import type { PoolRecord } from './records.js';

export class Pool {
  readonly subnet: string;
  /** Dynamic allocation bounds (the ip-range, or the whole subnet), as ordinals. */
  readonly lo: bigint;
  readonly hi: bigint;
  /** The ordinal the next dynamic request tries first. */
  next: bigint;
  gateway: bigint | undefined;
  readonly aux = new Map<string, bigint>();
  private readonly used: OrdinalSet;
  private readonly reserved = new Set<bigint>();

  constructor(
    readonly cidr: Cidr,
    readonly range: Cidr | undefined,
    readonly networkId: string,
    readonly name: string | undefined,
    readonly showGateway: boolean,
  ) {
    this.subnet = formatCidr(cidr);
    const count = size(cidr);
    this.used = ordinalSet(count);
    const top = count - 1n;
    for (const o of reservedOffsets(cidr)) this.reserve(o);
    this.lo = range ? range.base - cidr.base : 0n;
    const rangeTop = range ? last(range) - cidr.base : top;
    this.hi = rangeTop < top ? rangeTop : top;
    this.next = this.lo;
  }

  /** A pool as stored (see records.ts), or undefined if the record is unreadable. */
  static fromRecord(json: string): Pool | undefined {
    let rec: PoolRecord;
    try {
      rec = JSON.parse(json) as PoolRecord;
    } catch {
      return undefined;
    }
    const cidr = parseCidr(rec.subnet);
    if (!cidr || typeof rec.networkId !== 'string') return undefined;
    const range = rec.ipRange === undefined ? undefined : parseCidr(rec.ipRange);
    const pool = new Pool(cidr, range, rec.networkId, rec.name, rec.showGateway === true);
    const ordinal = (s: string) => {
      const a = parseAddr(s);
      return a && pool.ordinalOf(a);
    };
    const gw = rec.gateway === undefined ? undefined : ordinal(rec.gateway);
    if (gw !== undefined) {
      pool.reserve(gw);
      pool.gateway = gw;
    }
    for (const [k, v] of Object.entries(rec.auxAddresses ?? {})) {
      const o = ordinal(v);
      if (o === undefined) continue;
      pool.reserve(o);
      pool.aux.set(k, o);
    }
    return pool;
  }

  get family(): 4 | 6 {
    return this.cidr.family;
  }

  /** The ordinal of an address, or undefined when it lies outside the subnet. */
  ordinalOf(a: Addr): bigint | undefined {
    return contains(this.cidr, a) ? a.value - this.cidr.base : undefined;
  }

  address(o: bigint): string {
    return formatAddr(this.family, this.cidr.base + o);
  }

  isTaken(o: bigint): boolean {
    return this.used.has(o);
  }

  isReserved(o: bigint): boolean {
    return this.reserved.has(o);
  }

  take(o: bigint): void {
    this.used.add(o);
  }

  free(o: bigint): void {
    this.used.delete(o);
  }

  reserve(o: bigint): void {
    this.used.add(o);
    this.reserved.add(o);
  }

  unreserve(o: bigint): void {
    this.used.delete(o);
    this.reserved.delete(o);
  }

  /** The next free ordinal from the cursor (wrapping); the caller takes it and moves the cursor. */
  nextFree(): bigint | undefined {
    return this.used.nextFree(this.lo, this.hi, this.next);
  }

  /** Ordinals handed to endpoints (taken, not reserved). */
  *endpointOrdinals(): Iterable<bigint> {
    for (const o of this.used.values()) if (!this.reserved.has(o)) yield o;
  }

  record(): PoolRecord {
    const auxAddresses: Record<string, string> = {};
    for (const [k, o] of this.aux) auxAddresses[k] = this.address(o);
    return {
      networkId: this.networkId,
      ...(this.name !== undefined && { name: this.name }),
      subnet: this.subnet,
      ...(this.range && { ipRange: formatCidr(this.range) }),
      ...(this.gateway !== undefined && { gateway: this.address(this.gateway) }),
      auxAddresses,
      showGateway: this.showGateway,
    };
  }

  view(): IpamPool {
    const { subnet, ipRange, gateway, auxAddresses, showGateway } = this.record();
    return { subnet, ...(ipRange && { ipRange }), ...(gateway && { gateway }), auxAddresses, showGateway };
  }
}
