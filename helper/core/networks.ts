// Network create / remove / prune: validate → IPAM → driver setup → firewall → one store commit,
// rolled back in reverse order when a step fails.
import type { IpamPool, Network } from '../../model/cnm.js';
import type { NetworkCreateRequest, NetworkCreateResponse } from '../../model/docker.js';
import { parseAddr } from '../../model/ip.js';
import { CnmError, TeardownErrors, conflict, forbidden, invalid, withContext } from '../errors.js';
import type { NetworkDriver } from '../drivers/driver.js';
import { Txn } from '../store/txn.js';
import type { CoreContext, NetworkOf } from './context.js';
import { newId, nowRfc3339Nano } from './ids.js';

export const networkKey = (id: string) => `networks/${id}`;

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export interface CreateExtras {
  id?: string;
  builtin?: Network['builtin'];
  hideGateway?: boolean;
}

function checkRequest(ctx: CoreContext, req: NetworkCreateRequest): NetworkDriver {
  if (typeof req?.Name !== 'string' || req.Name === '') throw invalid('network name must not be empty');
  if (!NAME_RE.test(req.Name)) {
    throw invalid(`invalid network name "${req.Name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  if (ctx.state.networkNames.has(req.Name)) throw conflict(`network with name ${req.Name} already exists`, { network: req.Name });
  const driver = ctx.deps.drivers.get(req.Driver || 'bridge'); // Docker's "plugin not found" for others
  if (driver.caps.singleton && [...ctx.state.networks.values()].some((n) => n.driver === driver.name)) {
    throw forbidden(`only one instance of "${driver.name}" network is allowed`);
  }
  if (req.IPAM?.Driver && req.IPAM.Driver !== 'default') {
    throw new CnmError('not-found', `plugin "${req.IPAM.Driver}" not found`);
  }
  return driver;
}

export async function createNetwork(
  ctx: CoreContext,
  req: NetworkCreateRequest,
  extras: CreateExtras = {},
): Promise<NetworkCreateResponse> {
  const d = checkRequest(ctx, req);
  const id = extras.id ?? newId();
  const txn = new Txn();
  const pools: IpamPool[] = [];
  const net: Network = {
    id,
    name: req.Name,
    created: nowRfc3339Nano(),
    scope: d.caps.scope,
    driver: d.name,
    enableIPv6: !!req.EnableIPv6,
    internal: !!req.Internal,
    attachable: !!req.Attachable,
    ipam: { driver: 'default', options: extras.builtin ? null : { ...(req.IPAM?.Options ?? {}) }, pools },
    options: { ...(req.Options ?? {}) },
    labels: { ...(req.Labels ?? {}) },
    builtin: extras.builtin,
  };
  let bound: NetworkOf | undefined;
  let setUp = false;
  try {
    if (d.caps.ipam) {
      const configs = req.IPAM?.Config ?? [];
      for (const c of configs) {
        const v6 = parseAddr((c.Subnet ?? '').split('/')[0])?.family === 6;
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
        pools.unshift(await ctx.deps.ipam.requestPool(txn, id, { v6: false, hideGateway: extras.hideGateway, networkName: req.Name }));
      }
      if (net.enableIPv6 && !pools.some((p) => p.subnet.includes(':'))) {
        throw invalid('could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network');
      }
    }
    const b = (bound = await ctx.validate(net, false));
    for (const addr of d.reservedAddresses?.(b) ?? []) {
      const pool = ctx.deps.ipam.findPool(id, addr);
      if (pool) ctx.deps.ipam.requestAddress(txn, id, pool.subnet, addr);
    }
    await d.setupNetwork(b);
    setUp = true;
    await ctx.applyFirewall(undefined, b);
    txn.put(networkKey(id), JSON.stringify(net));
    await txn.commit(ctx.deps.store);
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
  return { Id: id, Warning: '' };
}

export async function removeNetwork(ctx: CoreContext, net: Network): Promise<void> {
  if (net.builtin) throw forbidden(`${net.name} is a pre-defined network and cannot be removed`, { network: net.name });
  if (ctx.state.endpointsOfNetwork(net.id).length > 0) {
    throw forbidden(`error while removing network: network ${net.name} id ${net.id} has active endpoints`, { network: net.name });
  }
  const td = new TeardownErrors();
  const b = ctx.of(net);
  await td.run({ network: net.name, call: 'teardownNetwork' }, () => b.driver.teardownNetwork(b));
  await td.run({ network: net.name, call: 'firewall' }, () => ctx.applyFirewall(net.id));
  const txn = new Txn();
  for (const p of net.ipam.pools) ctx.deps.ipam.releasePool(txn, net.id, p.subnet);
  txn.delete(networkKey(net.id));
  await txn.commit(ctx.deps.store);
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
      { builtin: 'bridge', hideGateway: true },
    );
  }
  if (!has('host')) await createNetwork(ctx, { Name: 'host', Driver: 'host' }, { builtin: 'host' });
  if (!has('none')) await createNetwork(ctx, { Name: 'none', Driver: 'null' }, { builtin: 'none' });
}
