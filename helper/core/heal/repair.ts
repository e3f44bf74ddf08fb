// Checks a sandbox's endpoints against the kernel and re-makes the ones that are not whole. Used
// at start-up (re-adoption after a crash: a kill can fall between any two kernel steps) and by
// self-healing at run time (a bridge or a veth deleted from outside). Re-making is the one repair:
// both ends deleted, then the driver's setupEndpoint with the endpoint's recorded name, MAC and
// addresses, so whatever state a crash or an operator left, the result is the same.
import type { Endpoint, Sandbox } from '../../../model/cnm.js';
import { HANDOFF_LABEL } from '../../../model/plugin.js';
import { ownerOf } from '../../drivers/owner.js';
import type { KernelView } from '../../drivers/driver.js';
import { log } from '../../log.js';
import type { CoreContext } from '../context.js';
import { gatewayEndpoint } from '../endpoints.js';

export interface Repaired {
  endpoint: Endpoint;
  problems: string[];
}

/** Reads what the kernel has for one sandbox (nothing inside for a sandbox on the host's netns). */
async function viewOf(ctx: CoreContext, sb: Sandbox): Promise<KernelView> {
  const nl = ctx.handle(sb).nl;
  const [hostLinks, links, addrs, routes] = await Promise.all([
    ctx.deps.host.listLinks(),
    nl?.listLinks() ?? [],
    nl?.listAddresses() ?? [],
    nl?.listRoutes() ?? [],
  ]);
  return { hostLinks, links, addrs, routes };
}

/**
 * Inside a sandbox's namespace every link but loopback is cnm's: a link no endpoint on record
 * names is left from a crash (a veth or macvlan made before its commit, a spare) and is deleted;
 * deleting a veth's peer deletes its host end too. An adopted namespace (a container's) has links
 * of its own: there only links aliased `cnm:` are cnm's.
 */
export async function removeStrayLinks(ctx: CoreContext, sb: Sandbox): Promise<void> {
  const nl = ctx.handle(sb).nl;
  if (!nl) return;
  const wanted = new Set(ctx.state.endpointsOfSandbox(sb.id).map((e) => e.ifname));
  for (const l of await nl.listLinks()) {
    if (l.name === 'lo' || wanted.has(l.name) || (sb.adopted && !ownerOf(l.alias))) continue;
    log('info', 'removing stray link in sandbox', { sandbox: sb.id, link: l.name, alias: l.alias });
    await nl.deleteLink(l.name);
  }
}

/** Checks the sandbox's endpoints (those `only` accepts) and re-makes each that is not whole. */
export async function repairEndpoints(ctx: CoreContext, sb: Sandbox, only: (ep: Endpoint) => boolean = () => true): Promise<Repaired[]> {
  // A handed-off sandbox's interfaces live in another runtime's namespace (Docker's container): never re-made here.
  if (sb.labels[HANDOFF_LABEL]) return [];
  const all = ctx.state.endpointsOfSandbox(sb.id);
  const eps = all.filter((e) => e.ifname && only(e));
  if (!eps.length) return [];
  const handle = ctx.handle(sb);
  const view = await viewOf(ctx, sb);
  const gw = gatewayEndpoint(ctx, all);
  const repaired: Repaired[] = [];
  for (const ep of eps) {
    const b = ctx.of(ctx.state.networks.get(ep.networkId)!);
    const route = ep.id === gw?.id;
    const problems =
      b.driver.checkEndpoint?.(b, ep, view, route) ??
      (view.links.some((l) => l.name === ep.ifname) ? [] : [`${ep.ifname} is missing in the sandbox`]);
    if (!problems.length) continue;
    log('info', 're-making endpoint', { endpoint: ep.id, sandbox: sb.id, problems });
    await handle.nl?.deleteLink(ep.ifname);
    if (ep.hostIfname) await ctx.deps.host.deleteLink(ep.hostIfname);
    await b.driver.setupEndpoint(b, ep, handle, route);
    repaired.push({ endpoint: ep, problems });
  }
  return repaired;
}
