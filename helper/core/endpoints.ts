// Connect and disconnect: one endpoint of one sandbox on one network. This is the hot path
// (≈2 ms): one IPAM allocation in memory, then at once the driver's setup over netlink sockets
// that are already open, one durable store commit and the sandbox's files. The firewall is per
// network and is not touched.
import type { Endpoint, Network, Sandbox } from '../../model/cnm.js';
import type { EndpointSettings } from '../../model/docker.js';
import { parseAddr, macFromIPv4 } from '../../model/ip.js';
import { CnmError, TeardownErrors, conflict, forbidden, invalid, withContext } from '../errors.js';
import { isUserDefined, parseLink } from './names.js';
import { Txn } from '../store/txn.js';
import type { CoreContext } from './context.js';
import { newId } from './ids.js';
import { renderHosts } from '../sandbox/files.js';
import { log } from '../log.js';
import { failpoint } from '../failpoints.js';
import { linkHostLines } from '../ports/links.js';
import { followSandbox } from '../ports/follow.js';

export const endpointKey = (id: string) => `endpoints/${id}`;

export interface EndpointRequest {
  ipv4?: string;
  ipv6?: string;
  aliases?: string[];
  links?: string[];
  linkLocalIPs?: string[];
  mac?: string;
  driverOpts?: Record<string, string>;
}

export function endpointRequest(cfg: EndpointSettings | null | undefined): EndpointRequest {
  return {
    ipv4: cfg?.IPAMConfig?.IPv4Address || undefined,
    ipv6: cfg?.IPAMConfig?.IPv6Address || undefined,
    aliases: cfg?.Aliases ?? [],
    links: cfg?.Links ?? [],
    linkLocalIPs: (cfg?.IPAMConfig?.LinkLocalIPs ?? []).filter((ip) => ip !== ''),
    mac: cfg?.MacAddress || undefined,
    driverOpts: cfg?.DriverOpts ?? undefined,
  };
}

/** Docker gives link-local addresses the link-local prefix length: /16 (IPv4), /64 (IPv6). */
function linkLocalCidrs(ips: string[]): string[] {
  return ips.map((ip) => {
    const a = parseAddr(ip);
    if (!a) throw invalid(`Invalid link-local IP address: [${ips.join(' ')}]`);
    return `${ip}/${a.family === 4 ? 16 : 64}`;
  });
}

const notInSubnets = (ip: string) => `Invalid address ${ip}: It does not belong to any of this network's subnets`;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

// Docker's runconfig messages for what only user-defined networks allow (validateNetworkingConfig).
export const UNSUPPORTED_IP = 'user specified IP address is supported on user defined networks only';
export const UNSUPPORTED_ALIAS = 'network-scoped alias is supported only for containers in user defined networks';

/** Lowest ethN not used by the sandbox: eth0, eth1, … in connect order. */
function nextIfname(eps: Endpoint[]): string {
  const used = new Set(eps.map((e) => e.ifname));
  for (let i = 0; ; i++) if (!used.has(`eth${i}`)) return `eth${i}`;
}

/** The endpoint that should carry the sandbox's default route: the first with a gateway. */
export function gatewayEndpoint(ctx: CoreContext, eps: Endpoint[]): Endpoint | undefined {
  return eps.find((e) => {
    const n = ctx.state.networks.get(e.networkId);
    return n && !n.internal && ctx.of(n).driver.caps.gateway && n.ipam.pools.some((p) => p.gateway);
  });
}

// Docker's own checks (daemon updateNetworkSettings / DisconnectFromNetwork), its validation
// errors: 400.
export const HOST_CONFLICT = 'container cannot be disconnected from host network or connected to host network';
export const SHARED_CONFLICT =
  'container sharing network namespace with another container or host cannot be connected to any other network';
export const NONE_CONFLICT = 'container cannot be connected to multiple networks with one of the networks in private (none) mode';

function checkAttachable(ctx: CoreContext, net: Network, sb: Sandbox, eps: Endpoint[], req: EndpointRequest): void {
  if (!isUserDefined(net)) {
    if (req.ipv4 || req.ipv6) throw invalid(UNSUPPORTED_IP, { network: net.name, sandbox: sb.name });
    if (req.aliases?.length) throw invalid(UNSUPPORTED_ALIAS, { network: net.name, sandbox: sb.name });
  }
  if (net.configOnly) throw forbidden('cannot create endpoint on configuration-only network', { network: net.name, sandbox: sb.name });
  const caps = ctx.of(net).driver.caps;
  const onHost = ctx.onHostNetns(sb);
  if (caps.hostNetns && !onHost) throw invalid(HOST_CONFLICT, { network: net.name, sandbox: sb.name });
  if (eps.some((e) => e.networkId === net.id)) {
    throw forbidden(`endpoint with name ${sb.name} already exists in network ${net.name}`, { network: net.name, sandbox: sb.name });
  }
  if (onHost && !caps.hostNetns) throw invalid(SHARED_CONFLICT, { network: net.name, sandbox: sb.name });
  for (const e of eps) {
    const other = ctx.of(ctx.state.networks.get(e.networkId)!).driver.caps;
    if (other.hostNetns || caps.hostNetns) throw invalid(SHARED_CONFLICT, { network: net.name, sandbox: sb.name });
    if (other.exclusive || caps.exclusive) throw invalid(NONE_CONFLICT, { network: net.name, sandbox: sb.name });
  }
}

/**
 * Checks the request and allocates the endpoint: interface name, addresses (in memory, queued on
 * `txn`), MAC, host link name. No kernel work yet.
 */
function allocateEndpoint(ctx: CoreContext, txn: Txn, net: Network, sb: Sandbox, req: EndpointRequest): Endpoint {
  const eps = ctx.state.endpointsOfSandbox(sb.id);
  const b = ctx.of(net);
  checkAttachable(ctx, net, sb, eps, req);
  const links = req.links ?? [];
  links.forEach(parseLink);
  const userSubnets = net.builtin === undefined && net.ipam.pools.length > 0;
  if ((req.ipv4 || req.ipv6) && !userSubnets) {
    throw invalid('user specified IP address is supported only when connecting to networks with user configured subnets');
  }
  // Docker's texts, its stray parenthesis included (daemon buildCreateEndpointOptions).
  if (req.ipv4 && parseAddr(req.ipv4)?.family !== 4)
    throw new CnmError('internal', `Invalid IPv4 address: ${req.ipv4})`, { network: net.name });
  if (req.ipv6 && parseAddr(req.ipv6)?.family !== 6)
    throw new CnmError('internal', `Invalid IPv6 address: ${req.ipv6})`, { network: net.name });
  const ep: Endpoint = {
    id: newId(),
    networkId: net.id,
    sandboxId: sb.id,
    ifname: b.driver.caps.interfaces ? nextIfname(eps) : '',
    mac: '',
    aliases: req.aliases ?? [],
    order: eps.reduce((m, e) => Math.max(m, e.order + 1), 0),
  };
  if (links.length) ep.links = [...links];
  if (req.driverOpts && Object.keys(req.driverOpts).length) ep.driverOpts = { ...req.driverOpts };
  if (req.mac && !MAC.test(req.mac)) throw invalid(`invalid MAC address: ${req.mac}`, { network: net.name, sandbox: sb.name });
  if (req.linkLocalIPs?.length) ep.linkLocal = linkLocalCidrs(req.linkLocalIPs);
  const { ipam } = ctx.deps;
  for (const [family, preferred] of [
    [4, req.ipv4],
    [6, req.ipv6],
  ] as const) {
    if (family === 6 && !net.enableIPv6) continue;
    // A static address picks the pool that holds it; otherwise the network's first pool of that family.
    const pool = preferred ? ipam.findPool(net.id, preferred) : net.ipam.pools.find((p) => p.subnet.includes(':') === (family === 6));
    if (!pool) continue;
    const addr = ipam.requestAddress(txn, net.id, pool.subnet, preferred);
    if (family === 6) ep.ipv6 = addr;
    else ep.ipv4 = addr;
  }
  if (req.ipv4 && !ep.ipv4) throw invalid(notInSubnets(req.ipv4), { network: net.name });
  // Docker assigns no IPv6 address on a network without IPv6, asked for or not (the request is kept).
  if (req.ipv6 && !ep.ipv6 && net.enableIPv6) throw invalid(notInSubnets(req.ipv6), { network: net.name });
  if (req.ipv4 || req.ipv6) ep.requested = { ipv4: req.ipv4, ipv6: req.ipv6 };
  if (req.mac && ep.ifname) ep.mac = req.mac.toLowerCase();
  else if (ep.ipv4) ep.mac = macFromIPv4(parseAddr(ep.ipv4.split('/')[0])!.value);
  else if (ep.ifname) ep.mac = randomMac();
  b.driver.nameHostLink?.(b, ep, ctx.handle(sb));
  txn.put(endpointKey(ep.id), JSON.stringify(ep));
  return ep;
}

/** The kernel part: the driver plumbs the endpoint, and undoes its own partial work if it fails. */
async function setupEndpoint(ctx: CoreContext, net: Network, sb: Sandbox, ep: Endpoint): Promise<void> {
  const b = ctx.of(net);
  const defaultRoute = !gatewayEndpoint(ctx, ctx.state.endpointsOfSandbox(sb.id)) && !net.internal;
  try {
    await b.driver.setupEndpoint(b, ep, ctx.handle(sb), defaultRoute);
  } catch (err) {
    throw withContext(err, { network: net.name, sandbox: sb.name });
  }
}

/** Undoes a completed setupEndpoint (a later step failed). */
export function teardownEndpoint(ctx: CoreContext, net: Network, sb: Sandbox, ep: Endpoint): Promise<void> {
  // The sandbox's namespace was deleted from outside: only a host end can be left.
  if (ctx.lost.has(sb.id)) return ep.hostIfname ? ctx.deps.host.deleteLink(ep.hostIfname) : Promise.resolve();
  const b = ctx.of(net);
  return b.driver.teardownEndpoint(b, ep, ctx.handle(sb));
}

/**
 * Allocates and plumbs an endpoint, queuing its record on `txn` for the caller to commit. If a
 * later step fails, the caller tears it down (teardownEndpoint) and aborts `txn`.
 */
export async function plumbEndpoint(ctx: CoreContext, txn: Txn, net: Network, sb: Sandbox, req: EndpointRequest): Promise<Endpoint> {
  const ep = allocateEndpoint(ctx, txn, net, sb, req);
  await ctx.global.claimEndpoint(txn, net, sb, ep, !!(req.ipv4 || req.ipv6));
  try {
    await setupEndpoint(ctx, net, sb, ep);
  } catch (err) {
    await ctx.global.withdrawEndpoint(net, sb, ep).catch((e) => log('warn', 'cluster withdraw failed', { error: String(e) }));
    throw err;
  }
  txn.put(endpointKey(ep.id), JSON.stringify(ep)); // with whatever the driver filled in
  return ep;
}

function randomMac(): string {
  const b = [0x02, ...Array.from({ length: 5 }, () => Math.floor(Math.random() * 256))];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** After a commit: memory and DNS follow the store. */
export function endpointCommitted(ctx: CoreContext, net: Network, sb: Sandbox, ep: Endpoint): void {
  ctx.state.putEndpoint(ep);
  ctx.deps.names.endpointUp(sb, net, ep);
}

/** /etc/hosts and resolv.conf for the sandbox with these endpoints (default: its current ones). */
export async function refreshSandboxFiles(ctx: CoreContext, sb: Sandbox, eps = ctx.state.endpointsOfSandbox(sb.id)): Promise<void> {
  if (ctx.onHostNetns(sb)) return;
  const names = sb.hostname === sb.name ? [sb.name] : [sb.hostname, sb.name];
  const addrs = eps.flatMap((e) => [e.ipv4, e.ipv6].filter((a): a is string => !!a));
  const nets = eps.map((e) => ctx.state.networks.get(e.networkId)!).filter(Boolean);
  await ctx.deps.files.write(nsName(sb), renderHosts(names, addrs, linkHostLines(ctx, sb)), ctx.deps.names.resolvConf(sb, nets));
}

export function nsName(sb: Sandbox): string {
  return sb.netnsPath.slice(sb.netnsPath.lastIndexOf('/') + 1);
}

/**
 * Connect, with the three independent parts of the hot path running at once: the kernel work, the
 * durable commit of the endpoint's record, and the sandbox's files. A crash in between is safe:
 * at start-up an endpoint on record is re-plumbed, and a link nothing records is removed.
 */
export async function connect(ctx: CoreContext, net: Network, sb: Sandbox, req: EndpointRequest): Promise<void> {
  const lost = ctx.lost.get(sb.id);
  if (lost) throw conflict(`cannot connect ${sb.name}: ${lost}`, { network: net.name, sandbox: sb.name });
  const txn = new Txn();
  let ep: Endpoint;
  try {
    ep = allocateEndpoint(ctx, txn, net, sb, req);
    // Global networks: address and name taken cluster-wide (and published) before the kernel work.
    await ctx.global.claimEndpoint(txn, net, sb, ep, !!(req.ipv4 || req.ipv6));
  } catch (err) {
    txn.abort();
    throw err;
  }
  const before = ctx.state.endpointsOfSandbox(sb.id);
  failpoint('connect:allocated');
  const [setup, commit, files] = await Promise.allSettled([
    setupEndpoint(ctx, net, sb, ep).then(() => failpoint('connect:plumbed')),
    txn.commit(ctx.deps.store).then(() => failpoint('connect:committed')),
    refreshSandboxFiles(ctx, sb, [...before, ep]).then(() => failpoint('connect:files')),
  ]);
  if (setup.status === 'rejected' || commit.status === 'rejected' || files.status === 'rejected') {
    const td = new TeardownErrors();
    if (setup.status === 'fulfilled') {
      await td.run({ endpoint: ep.id, call: 'teardownEndpoint' }, () => teardownEndpoint(ctx, net, sb, ep));
    }
    if (commit.status === 'fulfilled') await td.run({ endpoint: ep.id, call: 'store rollback' }, () => forgetEndpoint(ctx, net, ep));
    await td.run({ sandbox: sb.name, call: 'write sandbox files' }, () => refreshSandboxFiles(ctx, sb, before));
    await td.run({ endpoint: ep.id, call: 'cluster withdraw' }, () => ctx.global.withdrawEndpoint(net, sb, ep));
    for (const f of td.failed) log('warn', 'rollback failed', { error: f.detail() });
    throw [setup, commit, files].find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason;
  }
  endpointCommitted(ctx, net, sb, ep);
  await followSandbox(ctx, sb);
  ctx.emit('connect', net, { container: sb.id });
}

/** Deletes an endpoint's record and releases its addresses, in one commit. */
async function forgetEndpoint(ctx: CoreContext, net: Network, ep: Endpoint): Promise<void> {
  const txn = new Txn();
  for (const addr of [ep.ipv4, ep.ipv6]) {
    if (!addr) continue;
    const pool = ctx.deps.ipam.findPool(net.id, addr);
    if (pool) ctx.deps.ipam.releaseAddress(txn, net.id, pool.subnet, addr);
  }
  txn.delete(endpointKey(ep.id));
  await txn.commit(ctx.deps.store);
}

/** Removes one endpoint: kernel first (keeps going), then store; the address is released. */
export async function unplumbEndpoint(ctx: CoreContext, net: Network, sb: Sandbox, ep: Endpoint, td: TeardownErrors): Promise<void> {
  await td.run({ endpoint: ep.id, network: net.name, sandbox: sb.name }, () => teardownEndpoint(ctx, net, sb, ep));
  failpoint('disconnect:kernel');
  await forgetEndpoint(ctx, net, ep);
  failpoint('disconnect:committed');
  ctx.state.deleteEndpoint(ep.id);
  ctx.deps.names.endpointDown(ep);
  await td.run({ endpoint: ep.id, network: net.name, call: 'cluster withdraw' }, () => ctx.global.withdrawEndpoint(net, sb, ep));
}

export async function disconnect(ctx: CoreContext, net: Network, sb: Sandbox, force: boolean): Promise<void> {
  const ep = ctx.state.endpointOf(net.id, sb.id);
  if (!ep) {
    // Forced or not, as Docker: disconnecting what is not connected is an error.
    throw forbidden(
      `container ${sb.id} is not connected to network ${net.name}`,
      { network: net.name, sandbox: sb.name },
      { reason: 'sandbox-not-connected', sandbox: sb.name, network: net.name },
    );
  }
  if (ctx.of(net).driver.caps.hostNetns && ctx.onHostNetns(sb) && !force) {
    throw invalid(HOST_CONFLICT, { network: net.name, sandbox: sb.name });
  }
  ctx.global.ensureAvailable(net, `disconnect ${sb.name} from network ${net.name}`);
  const hadGateway = gatewayEndpoint(ctx, ctx.state.endpointsOfSandbox(sb.id))?.id === ep.id;
  const td = new TeardownErrors();
  await unplumbEndpoint(ctx, net, sb, ep, td);
  if (hadGateway) await moveDefaultRoute(ctx, sb, td);
  await td.run({ sandbox: sb.name, call: 'write sandbox files' }, () => refreshSandboxFiles(ctx, sb));
  await td.run({ sandbox: sb.name, call: 'ports and links' }, () => followSandbox(ctx, sb));
  ctx.emit('disconnect', net, { container: sb.id });
  td.throwIfAny(`disconnect of ${sb.name} from ${net.name} left kernel state behind`, { network: net.name, sandbox: sb.name });
}

/** Docker moves the default gateway to another network when the one holding it goes away. */
async function moveDefaultRoute(ctx: CoreContext, sb: Sandbox, td: TeardownErrors): Promise<void> {
  const next = gatewayEndpoint(ctx, ctx.state.endpointsOfSandbox(sb.id));
  const nl = ctx.handle(sb).nl;
  if (!next || !nl) return;
  const net = ctx.state.networks.get(next.networkId)!;
  for (const pool of net.ipam.pools) {
    if (!pool.gateway) continue;
    const v6 = pool.gateway.includes(':');
    if ((v6 && !next.ipv6) || (!v6 && !next.ipv4)) continue;
    await td.run({ sandbox: sb.name, link: next.ifname, call: 'RTM_NEWROUTE default' }, () =>
      nl.addRoute({ gateway: pool.gateway, ifname: next.ifname }),
    );
  }
}
