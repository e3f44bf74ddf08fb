// Network create / remove / prune: validate → IPAM → driver setup → firewall → one store commit,
// rolled back in reverse order when a step fails.
import type { IpamPool, Network } from '../../model/cnm.js';
import { isPredefinedNetwork, type IPAMPoolConfig, type NetworkCreateRequest, type NetworkCreateResponse } from '../../model/docker.js';
import { parseAddr } from '../../model/ip.js';
import { CnmError, TeardownErrors, conflict, forbidden, invalid, notFound, withContext } from '../errors.js';
import { driverInfo } from '../../model/drivers.js';
import type { NetworkDriver } from '../drivers/driver.js';
import { Txn } from '../store/txn.js';
import type { CoreContext, NetworkOf } from './context.js';
import { newId, nowRfc3339Nano } from './ids.js';
import { failpoint } from '../failpoints.js';

export const networkKey = (id: string) => `networks/${id}`;

export interface CreateExtras {
  id?: string;
  builtin?: Network['builtin'];
  /** The IPv4 pool made when the request names none (its subnet and whether inspect shows its gateway). */
  defaultPool?: { subnet?: string; showGateway?: boolean };
  /** A global network's VXLAN id, claimed before (helper/core/global.ts). */
  vxlanId?: number;
  /** The egress bridge of overlay sandboxes (helper/core/global.ts). */
  gwbridge?: boolean;
}

// Docker's messages (daemon/network.go, libnetwork controller.go and network.go, 20.10).
const NOT_SWARM_MANAGER =
  'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';

/**
 * The one place that decides whether a multi-host network can be made here: cnmd has no swarm,
 * so `--scope swarm` is refused as Docker refuses it without one; a multi-host driver (or
 * `--scope global`) needs the cluster store, as Docker's needs its kv store. cnm's one addition:
 * a multi-host driver asked for `Scope: "local"` on a cnmd without a cluster store makes a
 * single-host network (the stand-alone overlay; Docker refuses it without a swarm). With a
 * cluster store that request gets Docker's kv-store answer (libnetwork NewNetwork): a VNI chosen
 * on one host could later be claimed in etcd by another host's global network, and this host
 * could then not carry that one (the kernel allows one VXLAN device per VNI and port).
 */
export function checkMultiHost(clustered: boolean, req: NetworkCreateRequest, driver: string): void {
  if (req.Scope === 'swarm') throw forbidden('cannot create a swarm scoped network when swarm is not active');
  const multiHost = !!driverInfo(driver)?.multiHost;
  if (multiHost && req.Scope === 'local') {
    if (clustered) throw forbidden(`cannot downgrade network scope for ${driver} networks`, { network: req.Name });
    return;
  }
  if ((multiHost || req.Scope === 'global') && !clustered) throw new CnmError('internal', NOT_SWARM_MANAGER, { network: req.Name });
}

/** Docker's rules for `--config-only` and `--config-from` (libnetwork validateConfiguration). */
function checkConfigNetwork(req: NetworkCreateRequest): void {
  if (req.ConfigOnly && (req.Ingress || req.Internal || req.Attachable || req.Scope)) {
    throw forbidden(
      'configuration network can only contain network specific fields. Network operator fields like [ ingress | internal | attachable | scope ] are not supported.',
    );
  }
  if (!req.ConfigFrom?.Network) return;
  if (req.ConfigOnly) throw forbidden('a configuration network cannot depend on another configuration network');
  const ipam = req.IPAM;
  if (
    (ipam?.Driver && ipam.Driver !== 'default') ||
    req.EnableIPv6 ||
    Object.keys(req.Labels ?? {}).length > 0 ||
    Object.keys(ipam?.Options ?? {}).length > 0 ||
    (ipam?.Config ?? []).length > 0
  ) {
    throw forbidden('user specified configurations are not supported if the network depends on a configuration network');
  }
  if (Object.keys(req.Options ?? {}).length > 0) {
    throw forbidden('network driver options are not supported if the network depends on a configuration network');
  }
}

/** The request with a `--config-from` network's IPAM, options, labels and IPv6 setting applied. */
function withConfigFrom(ctx: CoreContext, req: NetworkCreateRequest): NetworkCreateRequest {
  const from = req.ConfigFrom?.Network;
  if (!from) return req;
  const src = [...ctx.state.networks.values()].find((n) => n.configOnly && n.name === from);
  if (!src) throw notFound(`configuration network "${from}" does not exist`, { network: from });
  return {
    ...req,
    EnableIPv6: src.enableIPv6,
    IPAM: { Driver: src.ipam.driver, Options: src.ipam.options, Config: src.ipam.unallocated ?? [] },
    Options: src.options,
    Labels: src.labels,
  };
}

const isV6Config = (c: IPAMPoolConfig) => parseAddr((c.Subnet ?? '').split('/')[0])?.family === 6;

export function checkRequest(ctx: CoreContext, req: NetworkCreateRequest, extras: CreateExtras): NetworkDriver {
  if (typeof req?.Name !== 'string' || req.Name === '') throw invalid('network name must not be empty');
  // Any other name is fine, as in Docker: names never reach file paths, link names or nft rules (ids do).
  if (!extras.builtin && isPredefinedNetwork(req.Name)) {
    throw forbidden(`operation is not permitted on predefined ${req.Name} network `, { network: req.Name });
  }
  // Docker refuses a repeated name only when asked to (the CLI always asks; docker-py does not).
  if (req.CheckDuplicate && ctx.state.networkNames.has(req.Name)) {
    throw conflict(`network with name ${req.Name} already exists`, { network: req.Name });
  }
  checkConfigNetwork(req);
  // A config-only network is stored under the null driver, as Docker does: nothing is made for it.
  const driverName = req.ConfigOnly ? 'null' : req.Driver || 'bridge';
  if (!req.ConfigOnly) checkMultiHost(!!ctx.deps.cluster, req, driverName);
  const driver = ctx.deps.drivers.get(driverName); // Docker's "plugin not found" for others
  if (req.Ingress && !req.ConfigOnly && driver.caps.scope !== 'global') throw forbidden('Ingress network can only be global scope network');
  if (!req.ConfigOnly && driver.caps.singleton && [...ctx.state.networks.values()].some((n) => n.driver === driver.name && !n.configOnly)) {
    throw forbidden(`only one instance of "${driver.name}" network is allowed`);
  }
  if (req.IPAM?.Driver && req.IPAM.Driver !== 'default') {
    throw new CnmError('not-found', `plugin "${req.IPAM.Driver}" not found`);
  }
  return driver;
}

export async function createNetwork(
  ctx: CoreContext,
  given: NetworkCreateRequest,
  extras: CreateExtras = {},
): Promise<NetworkCreateResponse> {
  const d = checkRequest(ctx, given, extras);
  const req = withConfigFrom(ctx, given);
  const id = extras.id ?? newId();
  const txn = new Txn();
  const pools: IpamPool[] = [];
  const net: Network = {
    id,
    name: req.Name,
    created: nowRfc3339Nano(),
    // `--scope local` on a multi-host driver: the stand-alone overlay (checkMultiHost allowed it).
    scope: req.Scope === 'local' ? 'local' : d.caps.scope,
    driver: d.name,
    enableIPv6: !!req.EnableIPv6,
    internal: !!req.Internal,
    attachable: !!req.Attachable,
    // Docker keeps IPAM options as given: null when the request had none (docker-py), {} from the CLI.
    ipam: { driver: 'default', options: req.IPAM?.Options ? { ...req.IPAM.Options } : null, pools },
    options: { ...(req.Options ?? {}) },
    labels: { ...(req.Labels ?? {}) },
    builtin: extras.builtin,
    ...(extras.vxlanId === undefined ? {} : { vxlanId: extras.vxlanId }),
    ...(extras.gwbridge ? { gwbridge: true } : {}),
  };
  if (req.ConfigOnly) net.configOnly = true;
  // Kept as given, not allocated: a config-only network's pools, and IPv6 pools without IPv6.
  const unallocatedConfig = (c: IPAMPoolConfig) => !!req.ConfigOnly || (!net.enableIPv6 && isV6Config(c));
  const unallocated = (req.IPAM?.Config ?? []).filter(unallocatedConfig);
  if (unallocated.length) net.ipam.unallocated = unallocated.map((c) => ({ ...c }));
  if (given.ConfigFrom?.Network) net.configFrom = given.ConfigFrom.Network;
  let bound: NetworkOf | undefined;
  let setUp = false;
  try {
    if (d.caps.ipam) {
      const configs = (req.IPAM?.Config ?? []).filter((c) => !unallocatedConfig(c));
      for (const c of configs) {
        const v6 = isV6Config(c);
        pools.push(
          await ctx.deps.ipam.requestPool(txn, id, {
            subnet: c.Subnet || undefined,
            ipRange: c.IPRange || undefined,
            gateway: c.Gateway || undefined,
            auxAddresses: c.AuxiliaryAddresses ?? undefined,
            v6,
            networkName: req.Name,
          }),
        );
      }
      if (!pools.some((p) => !p.subnet.includes(':'))) {
        pools.unshift(await ctx.deps.ipam.requestPool(txn, id, { ...extras.defaultPool, v6: false, networkName: req.Name }));
      }
      if (net.enableIPv6 && !pools.some((p) => p.subnet.includes(':'))) {
        throw invalid('could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network');
      }
    }
    failpoint('network-create:pools');
    const b = (bound = await ctx.validate(net, false));
    for (const addr of d.reservedAddresses?.(b) ?? []) {
      const pool = ctx.deps.ipam.findPool(id, addr);
      if (pool) ctx.deps.ipam.requestAddress(txn, id, pool.subnet, addr);
    }
    await d.setupNetwork(b);
    setUp = true;
    failpoint('network-create:kernel');
    await ctx.applyFirewall(undefined, b);
    failpoint('network-create:firewall');
    txn.put(networkKey(id), JSON.stringify(net));
    await txn.commit(ctx.deps.store);
    failpoint('network-create:committed');
  } catch (err) {
    txn.abort();
    const td = new TeardownErrors();
    if (setUp && bound) {
      const b = bound;
      await td.run({ network: net.name, call: 'teardownNetwork' }, () => d.teardownNetwork(b));
      await td.run({ network: net.name, call: 'firewall' }, () => ctx.applyFirewall());
    }
    const e = withContext(err, { network: net.name });
    if (td.failed.length) e.message += ` (rollback also failed: ${td.failed.map((f) => f.detail()).join('; ')})`;
    throw e;
  }
  ctx.track(bound);
  ctx.state.putNetwork(net);
  ctx.emit('create', net);
  const twin = [...(ctx.state.networkNames.get(net.name) ?? [])].find((other) => other !== id);
  return { Id: id, Warning: twin ? `Network with name ${net.name} (id : ${twin}) already exists` : '' };
}

/** A config-only network that networks made with `--config-from` still use. */
export function configInUse(ctx: CoreContext, net: Network): boolean {
  return !!net.configOnly && [...ctx.state.networks.values()].some((n) => n.configFrom === net.name);
}

export async function removeNetwork(ctx: CoreContext, net: Network): Promise<void> {
  if (net.builtin) throw forbidden(`${net.name} is a pre-defined network and cannot be removed`, { network: net.name });
  if (configInUse(ctx, net)) {
    throw forbidden(`error while removing network: configuration network "${net.name}" is in use`, { network: net.name });
  }
  if (ctx.state.endpointsOfNetwork(net.id).length > 0) {
    throw forbidden(`error while removing network: network ${net.name} id ${net.id} has active endpoints`, { network: net.name });
  }
  const td = new TeardownErrors();
  const b = ctx.of(net);
  await td.run({ network: net.name, call: 'teardownNetwork' }, () => b.driver.teardownNetwork(b));
  failpoint('network-rm:kernel');
  await td.run({ network: net.name, call: 'firewall' }, () => ctx.applyFirewall(net.id));
  failpoint('network-rm:firewall');
  const txn = new Txn();
  for (const p of net.ipam.pools) ctx.deps.ipam.releasePool(txn, net.id, p.subnet);
  txn.delete(networkKey(net.id));
  await txn.commit(ctx.deps.store);
  failpoint('network-rm:committed');
  ctx.untrack(net.id);
  ctx.state.deleteNetwork(net.id);
  ctx.emit('destroy', net);
  td.throwIfAny(`network ${net.name} removed, but kernel state was left behind`, { network: net.name });
}

/** The networks a fresh cnmd starts with, as Docker's daemon makes them. */
export async function ensureDefaultNetworks(ctx: CoreContext): Promise<void> {
  const has = (b: Network['builtin']) => [...ctx.state.networks.values()].some((n) => n.builtin === b);
  if (!has('bridge')) {
    await createNetwork(
      ctx,
      {
        Name: 'bridge',
        Driver: 'bridge',
        Options: {
          'com.docker.network.bridge.default_bridge': 'true',
          'com.docker.network.bridge.enable_icc': 'true',
          'com.docker.network.bridge.enable_ip_masquerade': 'true',
          'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
          'com.docker.network.bridge.name': 'cnm0',
          'com.docker.network.driver.mtu': '1500',
        },
      },
      { builtin: 'bridge', defaultPool: { showGateway: false } },
    );
  }
  if (!has('host')) await createNetwork(ctx, { Name: 'host', Driver: 'host' }, { builtin: 'host' });
  if (!has('none')) await createNetwork(ctx, { Name: 'none', Driver: 'null' }, { builtin: 'none' });
}
