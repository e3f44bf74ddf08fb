// Moving a network to another IPv4 subnet (a VPN took its range): plan → disconnect every
// endpoint → re-address the network (the driver's teardown + setup) → reconnect every endpoint
// with its id, interface name, aliases, links and a MAC the user set → firewall → one commit. Any
// failure before the commit puts the original subnet back and reconnects everything as it was.
import type { Endpoint, IpamPool, Network, Sandbox } from '../../model/cnm.js';
import { contains, macFromIPv4, parseAddr, parseCidr, within } from '../../model/ip.js';
import type { MoveEndpointPlan, MoveLoss, NetworkMovePlan, NetworkMoveRequest } from '../../model/move.js';
import { conflict, invalid, TeardownErrors, withContext } from '../errors.js';
import { failpoint } from '../failpoints.js';
import { log } from '../log.js';
import { followSandbox } from '../ports/follow.js';
import { Txn } from '../store/txn.js';
import type { CoreContext, NetworkOf } from './context.js';
import { endpointKey, gatewayEndpoint, refreshSandboxFiles, teardownEndpoint } from './endpoints.js';
import { networkKey } from './networks.js';

/** What the move changes, allocated in memory on `txn` (abort it to undo). */
interface Allocation {
  plan: NetworkMovePlan;
  next: Network;
  bound: NetworkOf;
  /** Each endpoint with its new address and MAC, by the old endpoint's id. */
  moved: Map<string, Endpoint>;
}

/** Why this network cannot move at all (a plain refusal, nothing allocated). */
function checkMovable(ctx: CoreContext, net: Network): IpamPool {
  const at = { network: net.name };
  if (net.configOnly) throw invalid(`network ${net.name} is a configuration-only network: it has no subnet in use to move`, at);
  const { caps } = ctx.of(net).driver;
  if (!caps.ipam) throw invalid(`network ${net.name} (driver ${net.driver}) has no subnet to move`, at);
  if (caps.scope !== 'local') {
    throw invalid(
      `moving ${net.driver} network ${net.name} is not supported: a multi-host network's subnet is shared by every host's endpoints, which would all have to move at once; create a new network on a free subnet instead`,
      at,
    );
  }
  const v4 = net.ipam.pools.filter((p) => !p.subnet.includes(':'));
  if (v4.length !== 1) throw invalid(`network ${net.name} has ${v4.length} IPv4 subnets; a move re-addresses exactly one`, at);
  for (const ep of ctx.state.endpointsOfNetwork(net.id)) {
    const why = ctx.lost.get(ep.sandboxId);
    const sb = ctx.state.sandboxes.get(ep.sandboxId)!;
    if (why) throw conflict(`cannot move network ${net.name}: sandbox ${sb.name}: ${why}`, { ...at, sandbox: sb.name });
  }
  return v4[0]!;
}

const inside = (subnet: string, addr: string | undefined): boolean => {
  const c = parseCidr(subnet);
  const a = addr ? parseAddr(addr.split('/')[0]) : undefined;
  return !!c && !!a && contains(c, a);
};

/** The new pool: a given subnet (keeping the gateway, range and aux addresses it can hold), or a free one. */
async function allocatePool(ctx: CoreContext, txn: Txn, net: Network, old: IpamPool, subnet: string | undefined, losses: MoveLoss[]) {
  const { ipam } = ctx.deps;
  const given = subnet === undefined ? undefined : parseCidr(subnet);
  const fits = (addr: string) => given !== undefined && inside(subnet!, addr);
  const aux = Object.fromEntries(Object.entries(old.auxAddresses).filter(([, a]) => fits(a)));
  for (const [name, a] of Object.entries(old.auxAddresses)) {
    if (!fits(a)) losses.push({ what: 'aux-address', value: `${name}=${a}`, text: `auxiliary address ${name}=${a}` });
  }
  const range = old.ipRange && given && within(given, parseCidr(old.ipRange)!) ? old.ipRange : undefined;
  if (old.ipRange && !range) losses.push({ what: 'ip-range', value: old.ipRange, text: `IP range ${old.ipRange}` });
  const req = {
    v6: false,
    networkName: net.name,
    hideGateway: !old.showGateway,
    ...(subnet === undefined
      ? {}
      : { subnet, ipRange: range, gateway: old.gateway && fits(old.gateway) ? old.gateway : undefined, auxAddresses: aux }),
  };
  if (subnet !== undefined) {
    // A given subnet may overlap the old one (a larger prefix around it): release first.
    ipam.releasePool(txn, net.id, old.subnet);
    return ipam.requestPool(txn, net.id, req);
  }
  // A free one: asked while the old pool is still held, so it can never be the old subnet again.
  const pool = await ipam.requestPool(txn, net.id, req);
  ipam.releasePool(txn, net.id, old.subnet);
  return pool;
}

/** Plans the move and allocates everything it needs on `txn`: the pool, reserved addresses, each endpoint's address. */
async function allocate(ctx: CoreContext, txn: Txn, net: Network, req: NetworkMoveRequest): Promise<Allocation> {
  const old = checkMovable(ctx, net);
  const losses: MoveLoss[] = [];
  const pool = await allocatePool(ctx, txn, net, old, req.Subnet, losses);
  if (pool.subnet === old.subnet) throw invalid(`network ${net.name} is already on subnet ${old.subnet}`, { network: net.name });
  const next: Network = { ...net, ipam: { ...net.ipam, pools: net.ipam.pools.map((p) => (p === old ? pool : p)) } };
  const bound = await ctx.validate(next, true);
  const { ipam } = ctx.deps;
  for (const addr of bound.driver.reservedAddresses?.(bound) ?? []) {
    if (inside(pool.subnet, addr)) ipam.requestAddress(txn, net.id, pool.subnet, addr);
  }
  const moved = new Map<string, Endpoint>();
  const endpoints: MoveEndpointPlan[] = [];
  const eps = ctx.state.endpointsOfNetwork(net.id).map((ep) => ({ ep, sb: ctx.state.sandboxes.get(ep.sandboxId)! }));
  eps.sort((a, b) => a.sb.name.localeCompare(b.sb.name));
  // Static addresses first, so a dynamic one cannot take an address a static one keeps.
  const keeps = (ep: Endpoint) => !!ep.requested?.ipv4 && inside(pool.subnet, ep.requested.ipv4);
  for (const { ep, sb } of [...eps.filter((e) => keeps(e.ep)), ...eps.filter((e) => !keeps(e.ep))]) {
    const requested = ep.requested?.ipv4;
    if (requested && !keeps(ep)) {
      losses.push({ what: 'static-address', value: requested, sandbox: sb.name, text: `static address ${requested} of ${sb.name}` });
    }
    const ipv4 = ep.ipv4 === undefined ? undefined : ipam.requestAddress(txn, net.id, pool.subnet, keeps(ep) ? requested : undefined);
    // A MAC cnmd derived from the old address follows the address; one the user set stays.
    const derived = ep.ipv4 !== undefined && ep.mac === macFromIPv4(parseAddr(ep.ipv4.split('/')[0])!.value);
    const mac = derived && ipv4 ? macFromIPv4(parseAddr(ipv4.split('/')[0])!.value) : ep.mac;
    const ipv6 = ep.requested?.ipv6;
    const requestedNext = keeps(ep) || ipv6 ? { ...(keeps(ep) ? { ipv4: requested } : {}), ...(ipv6 ? { ipv6 } : {}) } : undefined;
    const { requested: _, ...rest } = ep;
    moved.set(ep.id, { ...rest, ...(requestedNext ? { requested: requestedNext } : {}), ...(ipv4 ? { ipv4 } : {}), mac });
    endpoints.push({
      sandbox: sb.name,
      sandboxId: sb.id,
      endpointId: ep.id,
      ifname: ep.ifname,
      from: ep.ipv4,
      to: ipv4,
      macFrom: ep.mac,
      macTo: mac,
    });
  }
  endpoints.sort((a, b) => a.sandbox.localeCompare(b.sandbox));
  const overlaps = req.Subnet === undefined ? [] : await ipam.hostOverlaps(pool.subnet);
  const plan: NetworkMovePlan = {
    network: net.name,
    networkId: net.id,
    from: { subnet: old.subnet, ...(old.gateway ? { gateway: old.gateway } : {}) },
    to: { subnet: pool.subnet, ...(pool.gateway ? { gateway: pool.gateway } : {}) },
    endpoints,
    losses,
    overlaps,
    dryRun: !!req.DryRun,
    moved: false,
  };
  return { plan, next, bound, moved };
}

/** A plain refusal when the move would drop what the user set, or land on a host route, without Force. */
function checkLosses(plan: NetworkMovePlan): void {
  const lost = [...plan.losses.map((l) => l.text), ...plan.overlaps.map((o) => `the new subnet overlaps host ${o}`)];
  if (lost.length === 0) return;
  throw invalid(
    `moving network ${plan.network} to ${plan.to.subnet} would drop what was set on it: ${lost.join('; ')}; pass Force (cnm network move --force) to move anyway`,
    { network: plan.network },
  );
}

/** One sandbox's endpoint on the network, with whether it carries the sandbox's default route. */
interface Attached {
  sb: Sandbox;
  ep: Endpoint;
  defaultRoute: boolean;
}

/** Plumbs `ep` with `b` (naming its host link first, as a connect does). */
async function plumb(ctx: CoreContext, b: NetworkOf, a: Attached, ep: Endpoint): Promise<void> {
  const h = ctx.handle(a.sb);
  b.driver.nameHostLink?.(b, ep, h);
  try {
    await b.driver.setupEndpoint(b, ep, h, a.defaultRoute);
  } catch (err) {
    throw withContext(err, { network: b.net.name, sandbox: a.sb.name });
  }
}

export async function moveNetwork(ctx: CoreContext, net: Network, req: NetworkMoveRequest): Promise<NetworkMovePlan> {
  const started = performance.now();
  const txn = new Txn();
  let alloc: Allocation;
  try {
    alloc = await allocate(ctx, txn, net, req);
    if (!req.DryRun && !req.Force) checkLosses(alloc.plan);
  } catch (err) {
    txn.abort();
    throw withContext(err, { network: net.name });
  }
  if (req.DryRun) {
    txn.abort();
    return alloc.plan;
  }
  const { plan, next, bound, moved } = alloc;
  const oldBound = ctx.of(net);
  const attached: Attached[] = ctx.state.endpointsOfNetwork(net.id).map((ep) => ({
    ep,
    sb: ctx.state.sandboxes.get(ep.sandboxId)!,
    defaultRoute: gatewayEndpoint(ctx, ctx.state.endpointsOfSandbox(ep.sandboxId))?.id === ep.id && !net.internal,
  }));
  const down: Attached[] = [];
  const up: Array<{ a: Attached; ep: Endpoint }> = [];
  let readdressed: 'no' | 'torn' | 'set' = 'no';
  try {
    // One endpoint at a time, as connect and disconnect do (driver work is not made for running in parallel).
    for (const a of attached) {
      await teardownEndpoint(ctx, net, a.sb, a.ep);
      down.push(a);
    }
    failpoint('network-move:disconnected');
    await oldBound.driver.teardownNetwork(oldBound);
    readdressed = 'torn';
    await bound.driver.setupNetwork(bound);
    readdressed = 'set';
    failpoint('network-move:readdressed');
    for (const a of attached) {
      const ep = moved.get(a.ep.id)!;
      await plumb(ctx, bound, a, ep);
      up.push({ a, ep });
    }
    failpoint('network-move:reconnected');
    await ctx.applyFirewall(undefined, bound);
    failpoint('network-move:firewall');
    txn.put(networkKey(net.id), JSON.stringify(next));
    for (const { ep } of up) txn.put(endpointKey(ep.id), JSON.stringify(ep));
    await txn.commit(ctx.deps.store);
    failpoint('network-move:committed');
  } catch (err) {
    txn.abort();
    const td = await rollback(ctx, { oldBound, bound, down, up, readdressed });
    const e = withContext(err, { network: net.name });
    e.message = `moving network ${net.name} to ${plan.to.subnet} failed, so it stays on ${plan.from.subnet} with every endpoint reconnected: ${e.message}`;
    if (td.failed.length) e.message += ` (rollback also failed: ${td.failed.map((f) => f.detail()).join('; ')})`;
    throw e;
  }
  Object.assign(net, next);
  ctx.track({ ...bound, net });
  const td = new TeardownErrors();
  for (const { a, ep } of up) {
    ctx.deps.names.endpointDown(a.ep);
    ctx.state.putEndpoint(ep);
    ctx.deps.names.endpointUp(a.sb, net, ep);
  }
  const sandboxes = [...new Set(attached.map((a) => a.sb))];
  await Promise.all(sandboxes.map((sb) => td.run({ sandbox: sb.name, call: 'write sandbox files' }, () => refreshSandboxFiles(ctx, sb))));
  // One at a time: a sandbox with published ports re-renders the whole firewall.
  for (const sb of sandboxes) await td.run({ sandbox: sb.name, call: 'ports and links' }, () => followSandbox(ctx, sb));
  ctx.emit('move', net, { subnet: plan.to.subnet, previous: plan.from.subnet });
  for (const f of td.failed) log('warn', 'network moved, but a sandbox file or port rule was not updated', { error: f.detail() });
  return { ...plan, moved: true, ms: Math.round((performance.now() - started) * 10) / 10 };
}

/** Back to the original subnet: new endpoints and network undone, the old ones made again (keeps going). */
async function rollback(
  ctx: CoreContext,
  s: {
    oldBound: NetworkOf;
    bound: NetworkOf;
    down: Attached[];
    up: Array<{ a: Attached; ep: Endpoint }>;
    readdressed: 'no' | 'torn' | 'set';
  },
): Promise<TeardownErrors> {
  const td = new TeardownErrors();
  const { oldBound, bound } = s;
  const name = oldBound.net.name;
  for (const { a, ep } of [...s.up].reverse()) {
    await td.run({ network: name, sandbox: a.sb.name, call: 'teardownEndpoint (new subnet)' }, () =>
      bound.driver.teardownEndpoint(bound, ep, ctx.handle(a.sb)),
    );
  }
  if (s.readdressed === 'set')
    await td.run({ network: name, call: 'teardownNetwork (new subnet)' }, () => bound.driver.teardownNetwork(bound));
  if (s.readdressed !== 'no')
    await td.run({ network: name, call: 'setupNetwork (old subnet)' }, () => oldBound.driver.setupNetwork(oldBound));
  const txn = new Txn();
  for (const a of s.down) {
    const ep = { ...a.ep };
    await td.run({ network: name, sandbox: a.sb.name, call: 'setupEndpoint (old subnet)' }, async () => {
      await plumb(ctx, oldBound, a, ep);
      // The driver may have reused a spare link under another name: the record follows it.
      if (ep.hostIfname !== a.ep.hostIfname) {
        txn.put(endpointKey(ep.id), JSON.stringify(ep));
        ctx.state.putEndpoint(ep);
      }
    });
  }
  await td.run({ network: name, call: 'store (host link names)' }, () => txn.commit(ctx.deps.store));
  await td.run({ network: name, call: 'firewall' }, () => ctx.applyFirewall());
  for (const f of td.failed) log('warn', 'move rollback step failed', { error: f.detail() });
  return td;
}
