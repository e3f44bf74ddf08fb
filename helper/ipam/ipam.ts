// Docker's default IPAM driver: pools (a subnet per network and family, from the request or from
// Docker's default pools), and addresses in them, handed out serially. State lives in memory; each
// change is made there at once, with an undo registered on the caller's Txn and the store ops
// queued on it, so the caller's one commit makes it durable (or its abort takes it back).
import type { IpamPool } from '../../model/cnm.js';
import { formatCidr, overlaps, parseAddr, parseCidr, type Cidr } from '../../model/ip.js';
import type { ErrorContext } from '../errors.js';
import { log } from '../log.js';
import type { Store } from '../store/store.js';
import type { Txn } from '../store/txn.js';
import { DEFAULT_POOLS } from './defaults.js';
import { ipamErrors as E } from './errors.js';
import { Pool } from './pool.js';
import { ADDRS, CURSORS, POOLS, addrKey, cursorKey, parseAddrKey, poolKey } from './records.js';
import { parseHostAddr, parsePrefixes, parseRange, reserveAux, reserveGateway, throwErr } from './request.js';

export interface PoolRequest {
  subnet?: string;
  ipRange?: string;
  gateway?: string;
  auxAddresses?: Record<string, string>;
  /** The family of a default pool; a given subnet decides its own family. */
  v6: boolean;
  /**
   * Whether inspect prints the Gateway, when Docker's rule (given, or chosen by the IPAM) is not
   * the answer: never for the predefined bridge; always for a global network's claimed subnet.
   */
  showGateway?: boolean;
  /** The network's name, for Docker's "no available addresses … NAME (ID)" message. */
  networkName?: string;
}

export class DefaultIpam {
  /** Every pool, by normalised subnet (subnets never overlap, so this is unique). */
  private readonly pools = new Map<string, Pool>();
  /** Where the next default-pool search starts: after the last default pool handed out, like libnetwork. */
  private defaultCursor = 0;

  constructor(private readonly hostPrefixes: () => Promise<string[]>) {}

  /** Replaces the in-memory state with what the store holds. */
  async load(store: Store): Promise<void> {
    this.pools.clear();
    this.defaultCursor = 0;
    for (const { key, value } of await store.list(POOLS)) {
      const pool = Pool.fromRecord(value);
      if (pool) this.pools.set(pool.subnet, pool);
      else log('warn', 'ipam: ignoring an unreadable pool record', { key });
    }
    for (const { key } of await store.list(ADDRS)) {
      const k = parseAddrKey(key);
      const pool = k && this.pools.get(k.subnet);
      const a = k && parseAddr(k.address);
      const o = pool && a && pool.ordinalOf(a);
      if (pool && o !== undefined) pool.take(o);
      else log('warn', 'ipam: ignoring an address record without its pool', { key });
    }
    for (const { key, value } of await store.list(CURSORS)) {
      const pool = this.pools.get(key.slice(CURSORS.length));
      if (pool) pool.next = BigInt(JSON.parse(value) as string);
    }
  }

  async requestPool(txn: Txn, networkId: string, req: PoolRequest): Promise<IpamPool> {
    const ctx: ErrorContext = { network: networkId };
    const aux = req.auxAddresses ?? {};
    if (req.subnet === undefined && (req.ipRange !== undefined || req.gateway !== undefined || Object.keys(aux).length > 0)) {
      throw E.needsSubnet(ctx);
    }
    // Ask the host first: from here on everything is synchronous, so no other request can take the same pool.
    const host = req.subnet === undefined ? parsePrefixes(await this.hostPrefixes()) : [];

    let cidr: Cidr;
    let defaultIndex: number | undefined;
    if (req.subnet !== undefined) {
      cidr = parseCidr(req.subnet) ?? throwErr(E.invalidSubnet(req.subnet, ctx));
      const other = this.overlappingPool(cidr);
      if (other) throw E.poolOverlap(req.subnet, other.subnet, other.name ?? other.networkId, { ...ctx, subnet: req.subnet });
    } else {
      defaultIndex = this.pickDefault(req.v6, host, ctx);
      cidr = parseCidr(DEFAULT_POOLS[defaultIndex])!;
    }
    const range = req.ipRange === undefined ? undefined : parseRange(req.ipRange, cidr, ctx);
    const showGateway = req.showGateway ?? (req.gateway !== undefined || req.subnet === undefined);
    const pool = new Pool(cidr, range, networkId, req.networkName, showGateway);
    ctx.subnet = pool.subnet;
    reserveGateway(pool, req.gateway, ctx);
    reserveAux(pool, aux, req.networkName ?? networkId, ctx);

    const prevDefault = this.defaultCursor;
    if (defaultIndex !== undefined) this.defaultCursor = (defaultIndex + 1) % DEFAULT_POOLS.length;
    this.pools.set(pool.subnet, pool);
    txn.onAbort(() => {
      this.pools.delete(pool.subnet);
      this.defaultCursor = prevDefault;
    });
    txn.put(poolKey(pool.subnet), JSON.stringify(pool.record()));
    txn.put(cursorKey(pool.subnet), JSON.stringify(pool.next.toString()));
    return pool.view();
  }

  releasePool(txn: Txn, networkId: string, subnet: string): void {
    const pool = this.ownPool(networkId, subnet);
    this.pools.delete(pool.subnet);
    txn.onAbort(() => this.pools.set(pool.subnet, pool));
    txn.delete(poolKey(pool.subnet));
    txn.delete(cursorKey(pool.subnet));
    for (const o of pool.endpointOrdinals()) txn.delete(addrKey(pool.subnet, pool.address(o)));
  }

  requestAddress(txn: Txn, networkId: string, subnet: string, preferred?: string): string {
    const pool = this.ownPool(networkId, subnet);
    const ctx: ErrorContext = { network: networkId, subnet: pool.subnet };
    let o: bigint;
    if (preferred !== undefined) {
      o = pool.ordinalOf(parseHostAddr(preferred, ctx)) ?? throwErr(E.addressNotInSubnet(preferred, ctx));
      if (pool.isTaken(o)) throw E.addressInUse({ ...ctx, address: preferred });
      pool.take(o);
      txn.onAbort(() => pool.free(o));
    } else {
      o = pool.nextFree() ?? throwErr(E.noAddress(pool.family, pool.name ?? networkId, networkId, ctx));
      const prevNext = pool.next;
      pool.take(o);
      pool.next = o + 1n;
      txn.onAbort(() => {
        pool.free(o);
        pool.next = prevNext;
      });
      txn.put(cursorKey(pool.subnet), JSON.stringify(pool.next.toString()));
    }
    const address = pool.address(o);
    txn.put(addrKey(pool.subnet, address), JSON.stringify(networkId));
    return `${address}/${pool.cidr.prefix}`;
  }

  /** Frees an endpoint's address. The gateway and aux addresses stay until releasePool; a free address is a no-op. */
  releaseAddress(txn: Txn, networkId: string, subnet: string, address: string): void {
    const pool = this.ownPool(networkId, subnet);
    const ctx: ErrorContext = { network: networkId, subnet: pool.subnet };
    const o = pool.ordinalOf(parseHostAddr(address, ctx)) ?? throwErr(E.addressNotInSubnet(address, ctx));
    if (pool.isReserved(o) || !pool.isTaken(o)) return;
    pool.free(o);
    txn.onAbort(() => pool.take(o));
    txn.delete(addrKey(pool.subnet, pool.address(o)));
  }

  /** The addresses a pool handed out (not its gateway or aux addresses). */
  endpointAddresses(networkId: string, subnet: string): string[] {
    const pool = this.ownPool(networkId, subnet);
    return [...pool.endpointOrdinals()].map((o) => pool.address(o));
  }

  /** The network's pool that contains `address` (for a static address: which subnet to ask). */
  findPool(networkId: string, address: string): IpamPool | undefined {
    const a = parseAddr(address.split('/')[0]);
    if (!a) return undefined;
    for (const pool of this.pools.values()) {
      if (pool.networkId === networkId && pool.ordinalOf(a) !== undefined) return pool.view();
    }
    return undefined;
  }

  /** The host's routes and addresses (not cnm's own) that overlap `subnet`. */
  async hostOverlaps(subnet: string): Promise<string[]> {
    const c = parseCidr(subnet);
    return c
      ? (await this.hostPrefixes()).filter((p) => {
          const h = parseCidr(p);
          return !!h && overlaps(h, c);
        })
      : [];
  }

  /** Every pool of a network, as requested. */
  networkPools(networkId: string): IpamPool[] {
    return [...this.pools.values()].filter((p) => p.networkId === networkId).map((p) => p.view());
  }

  private ownPool(networkId: string, subnet: string): Pool {
    // Callers normally pass the subnet as returned by requestPool: try that before parsing.
    const c = this.pools.has(subnet) ? undefined : parseCidr(subnet);
    const pool = this.pools.get(c ? formatCidr(c) : subnet);
    if (!pool || pool.networkId !== networkId) throw E.unknownPool(subnet, { network: networkId });
    return pool;
  }

  private overlappingPool(c: Cidr): Pool | undefined {
    for (const p of this.pools.values()) if (overlaps(p.cidr, c)) return p;
    return undefined;
  }

  /** The index of the first default pool, from the cursor round, that overlaps neither a pool nor the host. */
  private pickDefault(v6: boolean, host: Cidr[], ctx: ErrorContext): number {
    if (v6) throw E.noDefaultPool(6, ctx);
    for (let i = 0; i < DEFAULT_POOLS.length; i++) {
      const idx = (this.defaultCursor + i) % DEFAULT_POOLS.length;
      const c = parseCidr(DEFAULT_POOLS[idx])!;
      if (!this.overlappingPool(c) && !host.some((h) => overlaps(h, c))) return idx;
    }
    throw E.noDefaultPool(4, ctx);
  }
}
