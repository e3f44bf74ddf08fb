// The IPAM half of the Docker plugin (`--ipam-driver cnm`). Docker asks for a pool, the gateway and
// each endpoint's address before it tells the network driver; cnm's own network (made at
// CreateNetwork with that pool and gateway) then holds the same addresses in cnm's IPAM. A pool id
// is "cnm/<subnet>", so the pool is known again after a cnmd restart without a record of its own;
// addresses in use are those of the cnm network plus those handed out and not yet used or released.
import type { RequestAddressRequest, RequestPoolRequest } from '../../model/plugin.js';
import { contains, formatAddr, formatCidr, last, overlaps, parseAddr, parseCidr, type Cidr } from '../../model/ip.js';
import { CnmError, invalid } from '../errors.js';

export const ADDRESS_SPACE = 'cnm';
const POOL_PREFIX = 'cnm/';
const GATEWAY_REQUEST = 'com.docker.network.gateway';
/** Addresses another host took first before a request gives up. */
const MAX_RESERVE_TRIES = 64;

export interface IpamView {
  /** Subnets in use on this host (cnm's own networks and the host's routes): a new pool avoids them. */
  usedSubnets(): Promise<string[]>;
  /** Subnets of the networks this plugin made: Docker asks for them again after its restart. */
  pluginSubnets(): string[];
  /** Addresses held in the cnm network on `subnet` (its gateway and endpoints, on every host for an overlay). */
  heldAddresses(subnet: string): string[];
  /** The gateway of the cnm global network on exactly `subnet`: an overlay another host made, which this host's Docker joins. */
  globalGateway(subnet: string): string | undefined;
  /** Holds `ip` of the global network on `subnet` for this host cluster-wide; the holding host if another has it. No-op for other pools. */
  reserve(subnet: string, ip: string): Promise<string | undefined>;
  /** Frees such a hold (no endpoint took the address). */
  release(subnet: string, ip: string): Promise<void>;
}

export class PluginIpam {
  /** Per pool: addresses handed to Docker (gateway included). */
  private readonly handed = new Map<string, Set<string>>();

  constructor(private readonly view: IpamView) {}

  capabilities() {
    return { RequiresMACAddress: false, RequiresRequestReplay: false };
  }

  defaultAddressSpaces() {
    return { LocalDefaultAddressSpace: ADDRESS_SPACE, GlobalDefaultAddressSpace: ADDRESS_SPACE };
  }

  async requestPool(req: RequestPoolRequest): Promise<{ PoolID: string; Pool: string; Data: Record<string, string> }> {
    if (req.V6) throw invalid('the cnm IPAM plugin serves IPv4 pools only (IPv6 on plugin networks is not supported yet)');
    if (req.SubPool) throw invalid('the cnm IPAM plugin does not support --ip-range');
    const used = (await this.view.usedSubnets()).map((s) => parseCidr(s)).filter((c): c is Cidr => !!c);
    let pool: Cidr | undefined;
    if (req.Pool) {
      pool = parseCidr(req.Pool);
      if (!pool || pool.family !== 4) throw invalid(`invalid pool ${req.Pool}: an IPv4 CIDR is needed`);
      const join = this.view.globalGateway(formatCidr(pool)) !== undefined;
      const clash = join ? undefined : (used.find((u) => overlaps(u, pool!)) ?? this.otherPlugin(pool));
      if (clash) throw new CnmError('conflict', `Pool overlaps with other one on this address space (${formatCidr(clash)})`);
    } else {
      pool = freeSubnet([...used, ...this.view.pluginSubnets().map((s) => parseCidr(s)!), ...[...this.handed.keys()].map(poolOf)]);
      if (!pool)
        throw new CnmError(
          'conflict',
          'could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network',
        );
    }
    const subnet = formatCidr(pool);
    const id = POOL_PREFIX + subnet;
    const again = this.view.pluginSubnets().includes(subnet) || this.view.globalGateway(subnet) !== undefined;
    if (!again && this.handed.has(id)) throw new CnmError('conflict', `Pool overlaps with other one on this address space (${subnet})`);
    if (!again) this.handed.set(id, new Set());
    return { PoolID: id, Pool: subnet, Data: {} };
  }

  /** A plugin network's or a pending pool's subnet that overlaps `pool` without being it. */
  private otherPlugin(pool: Cidr): Cidr | undefined {
    const mine = [...this.view.pluginSubnets(), ...[...this.handed.keys()].map((k) => k.slice(POOL_PREFIX.length))];
    return mine.map((s) => parseCidr(s)!).find((c) => overlaps(c, pool) && formatCidr(c) !== formatCidr(pool));
  }

  releasePool(id: string): void {
    this.handed.delete(id);
  }

  async requestAddress(req: RequestAddressRequest): Promise<{ Address: string; Data: Record<string, string> }> {
    const pool = poolOf(req.PoolID);
    const subnet = formatCidr(pool);
    const handed = this.handedIn(req.PoolID);
    const inUse = new Set([...handed, ...this.view.heldAddresses(subnet).map((a) => a.split('/')[0]!)]);
    const gateway = req.Options?.RequestAddressType === GATEWAY_REQUEST;
    if (req.Address) {
      const a = parseAddr(req.Address);
      if (!a || !contains(pool, a)) throw invalid(`address ${req.Address} is not in pool ${subnet}`);
      const ip = formatAddr(4, a.value);
      // The gateway is asked for again when Docker re-creates a network it knows (after a restart).
      if (inUse.has(ip) && !gateway) throw new CnmError('conflict', `Address already in use: ${ip}`);
      return this.hand(pool, ip, !gateway);
    }
    if (gateway && this.view.globalGateway(subnet)) return this.hand(pool, this.view.globalGateway(subnet)!, false); // joining an overlay
    for (let tries = 0; tries < MAX_RESERVE_TRIES; tries++) {
      // Again each try: a concurrent request on this host may have taken one meanwhile.
      const free = firstFree(pool, new Set([...inUse, ...handed]));
      if (free === undefined) break;
      const ip = formatAddr(4, free);
      try {
        return await this.hand(pool, ip, true);
      } catch (err) {
        if (!(err instanceof CnmError && err.kind === 'conflict')) throw err;
        inUse.add(ip); // another host holds it: the next one
      }
    }
    throw new CnmError('conflict', `no available IPv4 addresses on this network's address pools: ${subnet}`);
  }

  /**
   * Hands `ip` out; on a cnm global network's pool (`reserve`) it is first held for this host in
   * the cluster store, so no other host hands it out too. Marked handed before that round trip, so
   * a concurrent request on this host skips it.
   */
  private async hand(pool: Cidr, ip: string, reserve: boolean): Promise<{ Address: string; Data: Record<string, string> }> {
    const handed = this.handedIn(POOL_PREFIX + formatCidr(pool));
    handed.add(ip);
    let holder: string | undefined;
    try {
      holder = reserve ? await this.view.reserve(formatCidr(pool), ip) : undefined;
    } catch (err) {
      handed.delete(ip);
      throw err;
    }
    if (holder) {
      handed.delete(ip);
      throw new CnmError('conflict', `Address already in use: ${ip} (held on host ${holder})`);
    }
    return { Address: `${ip}/${pool.prefix}`, Data: {} };
  }

  async releaseAddress(req: { PoolID: string; Address: string }): Promise<void> {
    const ip = req.Address.split('/')[0]!;
    this.handed.get(req.PoolID)?.delete(ip);
    await this.view.release(formatCidr(poolOf(req.PoolID)), ip);
  }

  private handedIn(id: string): Set<string> {
    let set = this.handed.get(id);
    if (!set) this.handed.set(id, (set = new Set()));
    return set;
  }
}

function poolOf(id: string): Cidr {
  const pool = id.startsWith(POOL_PREFIX) ? parseCidr(id.slice(POOL_PREFIX.length)) : undefined;
  if (!pool) throw new CnmError('not-found', `unknown pool ${id}: not one of the cnm IPAM plugin's`);
  return pool;
}

/** Lowest host address of the pool not in use (network and broadcast addresses excluded). */
function firstFree(pool: Cidr, inUse: Set<string>): bigint | undefined {
  for (let v = pool.base + 1n; v < last(pool); v++) if (!inUse.has(formatAddr(4, v))) return v;
  return undefined;
}

/** The first 10.199.N.0/24 that overlaps nothing in use (cnm's own defaults come from 172.x). */
function freeSubnet(used: Cidr[]): Cidr | undefined {
  for (let n = 0; n < 256; n++) {
    const c = parseCidr(`10.199.${n}.0/24`)!;
    if (!used.some((u) => overlaps(u, c))) return c;
  }
  return undefined;
}
