// Start-up after a restart or a crash: rebuild memory from the store, re-adopt the kernel objects
// cnmd made (recreating what is missing), and remove what belongs to nothing any more. Kernel
// objects are recognised as ours by their alias `cnm:<id>` (links) or name prefix (netns, files).
import type { Endpoint, Network, Sandbox } from '../../model/cnm.js';
import { HANDOFF_LABEL } from '../../model/plugin.js';
import { TeardownErrors } from '../errors.js';
import { ownerOf } from '../drivers/owner.js';
import { createNetns, deleteNetns, listNetns } from '../kernel/netns/netns.js';
import { quietIPv6In } from '../kernel/sysctl.js';
import { log } from '../log.js';
import type { CoreContext } from './context.js';
import { gatewayEndpoint, nsName, refreshSandboxFiles } from './endpoints.js';
import { removeSandbox } from './sandboxes.js';
import fs from 'node:fs';

async function loadAll<T>(ctx: CoreContext, prefix: string): Promise<T[]> {
  return (await ctx.deps.store.list(prefix)).map((kv) => JSON.parse(kv.value) as T);
}

export async function restore(ctx: CoreContext): Promise<void> {
  const { state, deps } = ctx;
  await deps.ipam.load(deps.store);
  for (const n of await loadAll<Network>(ctx, 'networks/')) state.putNetwork(n);
  for (const s of await loadAll<Sandbox>(ctx, 'sandboxes/')) state.putSandbox(s);
  for (const e of await loadAll<Endpoint>(ctx, 'endpoints/')) {
    if (state.networks.has(e.networkId) && state.sandboxes.has(e.sandboxId)) state.putEndpoint(e);
  }
  const td = new TeardownErrors();
  for (const net of state.networks.values()) {
    await td.run({ network: net.name, call: 'setupNetwork (re-adopt)' }, async () => {
      const b = await ctx.validate(net, true);
      ctx.track(b);
      await b.driver.setupNetwork(b);
    });
  }
  await td.run({ call: 'firewall' }, () => ctx.applyFirewall());
  const present = new Set(await listNetns(deps.netnsPrefix));
  for (const sb of state.sandboxes.values()) {
    await td.run({ sandbox: sb.name, call: 're-adopt sandbox' }, () => readoptSandbox(ctx, sb, present.has(nsName(sb))));
  }
  await removeOrphans(ctx, td);
  for (const f of td.failed) log('warn', 're-adoption problem', { error: f.detail() });
}

async function readoptSandbox(ctx: CoreContext, sb: Sandbox, present: boolean): Promise<void> {
  // An adopted namespace cnm lost hold of (a reboot) cannot be made again: forget the sandbox.
  if (sb.adopted && !present) return removeSandbox(ctx, sb, true);
  if (!ctx.onHostNetns(sb) && !present) {
    // The namespace is gone (a reboot): make it again and re-plumb every endpoint with its old addresses.
    await createNetns(nsName(sb));
    quietIPv6In(sb.netnsPath);
  }
  const handle = ctx.handle(sb);
  const eps = ctx.state.endpointsOfSandbox(sb.id);
  const gw = gatewayEndpoint(ctx, eps);
  const links = handle.nl ? await handle.nl.listLinks() : [];
  // Links born inside the sandbox (macvlan) whose endpoint is not on record: a crash before commit.
  for (const l of links) {
    const owner = ownerOf(l.alias);
    if (owner && !ctx.state.endpoints.has(owner)) await handle.nl!.deleteLink(l.name);
  }
  const inside = new Set(links.filter((l) => !ownerOf(l.alias) || ctx.state.endpoints.has(ownerOf(l.alias)!)).map((l) => l.name));
  // A handed-off sandbox's interfaces live in another runtime's namespace (Docker's container): never re-made here.
  for (const ep of sb.labels[HANDOFF_LABEL] ? [] : eps) {
    if (!ep.ifname || inside.has(ep.ifname)) continue;
    const b = ctx.of(ctx.state.networks.get(ep.networkId)!);
    await b.driver.setupEndpoint(b, ep, handle, ep.id === gw?.id);
  }
  if (!ctx.onHostNetns(sb)) {
    await refreshSandboxFiles(ctx, sb);
    await ctx.deps.names.sandboxUp(sb);
  }
  for (const ep of eps) ctx.deps.names.endpointUp(sb, ctx.state.networks.get(ep.networkId)!, ep);
}

/** Links aliased `cnm:<id>`, namespaces and sandbox files with our prefix that nothing owns. */
async function removeOrphans(ctx: CoreContext, td: TeardownErrors): Promise<void> {
  const { state, deps } = ctx;
  for (const link of await deps.host.listLinks()) {
    const owner = ownerOf(link.alias);
    if (!owner || state.networks.has(owner) || state.endpoints.has(owner)) continue;
    log('info', 'removing orphan link', { link: link.name, owner });
    await td.run({ link: link.name, call: 'delete orphan link' }, () => deps.host.deleteLink(link.name));
  }
  const known = new Set([...state.sandboxes.values()].map(nsName));
  for (const name of await listNetns(deps.netnsPrefix)) {
    if (known.has(name)) continue;
    log('info', 'removing orphan netns', { netns: name });
    await td.run({ netns: name, call: 'delete orphan netns' }, () => deleteNetns(name));
  }
  for (const name of deps.files.list(deps.netnsPrefix)) {
    if (!known.has(name) && fs.existsSync(deps.files.dir(name))) deps.files.remove(name);
  }
}
