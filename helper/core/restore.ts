// Start-up after a restart or a crash: rebuild memory from the store, re-adopt the kernel objects
// cnmd made, and remove what belongs to nothing any more. Re-adoption checks each endpoint's whole
// kernel state (links, `cnm:` alias, up, bridge, MAC, addresses, default route) and re-makes what
// is not whole (heal/repair.ts): a kill can fall between any two steps of an operation. Kernel
// objects are recognised as ours by their alias `cnm:<id>` (links, set in the request that makes
// the link) or name prefix (netns, files); inside a sandbox's namespace every link is ours.
import type { Endpoint, Network, Sandbox } from '../../model/cnm.js';
import { TeardownErrors } from '../errors.js';
import { ownerOf } from '../drivers/owner.js';
import { createNetns, deleteNetns, listNetns } from '../kernel/netns/netns.js';
import { quietIPv6In } from '../kernel/sysctl.js';
import { log } from '../log.js';
import type { CoreContext } from './context.js';
import { nsName, refreshSandboxFiles } from './endpoints.js';
import { removeStrayLinks, repairEndpoints, type Repaired } from './heal/repair.js';
import fs from 'node:fs';
import { REMOVING, removeSandbox } from './sandboxes.js';
import { Txn } from '../store/txn.js';
import { hairpin } from '../ports/follow.js';

async function txnDelete(ctx: CoreContext, key: string): Promise<void> {
  const txn = new Txn();
  txn.delete(key);
  await txn.commit(ctx.deps.store);
}

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
    await td.run({ sandbox: sb.name, call: 're-adopt sandbox' }, async () => void (await readoptSandbox(ctx, sb, present.has(nsName(sb)))));
  }
  // Removals a crash cut short are finished: a sandbox removal happens whole or not at all.
  for (const kv of await deps.store.list(REMOVING)) {
    const sb = state.sandboxes.get(kv.value);
    await td.run({ sandbox: sb?.name ?? kv.value, call: 'finish removal' }, async () => {
      if (sb) await removeSandbox(ctx, sb, true);
      else await txnDelete(ctx, kv.key);
    });
  }
  await removeOrphans(ctx, td);
  for (const f of td.failed) log('warn', 're-adoption problem', { error: f.detail() });
}

/**
 * Makes a sandbox whole: its namespace (re-made if gone, e.g. after a reboot), no stray links in
 * it, every endpoint checked and re-made if needed, its files and DNS. Also the repair of a
 * sandbox whose namespace was deleted from outside (heal/).
 */
export async function readoptSandbox(ctx: CoreContext, sb: Sandbox, present: boolean): Promise<Repaired[]> {
  // An adopted namespace cnm lost hold of (a reboot) cannot be made again: forget the sandbox.
  if (sb.adopted && !present) {
    await removeSandbox(ctx, sb, true);
    return [];
  }
  if (!ctx.onHostNetns(sb) && !present) {
    await createNetns(nsName(sb));
    quietIPv6In(sb.netnsPath);
  }
  await removeStrayLinks(ctx, sb);
  const repaired = await repairEndpoints(ctx, sb);
  if (!ctx.onHostNetns(sb)) {
    await refreshSandboxFiles(ctx, sb);
    await ctx.deps.names.sandboxUp(sb);
  }
  for (const ep of ctx.state.endpointsOfSandbox(sb.id)) ctx.deps.names.endpointUp(sb, ctx.state.networks.get(ep.networkId)!, ep);
  await hairpin(ctx, sb);
  return repaired;
}

/**
 * Links aliased `cnm:<id>`, namespaces and sandbox files with our prefix that nothing owns. A link
 * a recorded endpoint names (a spare veth a crash left half taken) or a sandbox's spare is kept.
 */
async function removeOrphans(ctx: CoreContext, td: TeardownErrors): Promise<void> {
  const { state, deps } = ctx;
  const used = new Set([...state.endpoints.values()].map((e) => e.hostIfname));
  for (const link of await deps.host.listLinks()) {
    const owner = ownerOf(link.alias);
    if (!owner || used.has(link.name) || state.networks.has(owner) || state.endpoints.has(owner) || state.sandboxes.has(owner)) continue;
    log('info', 'removing orphan link', { link: link.name, owner });
    await td.run({ link: link.name, call: 'delete orphan link' }, () => deps.host.deleteLink(link.name));
  }
  const known = new Set([...state.sandboxes.values()].map(nsName));
  // Namespaces drivers keep per network (overlay) are theirs, not orphans.
  for (const net of state.networks.values()) {
    const b = ctx.tracked(net);
    const owned = b && b.driver.ownedNetns?.(b);
    if (owned) known.add(owned);
  }
  for (const name of await listNetns(deps.netnsPrefix)) {
    if (known.has(name)) continue;
    log('info', 'removing orphan netns', { netns: name });
    await td.run({ netns: name, call: 'delete orphan netns' }, () => deleteNetns(name));
  }
  for (const name of deps.files.list(deps.netnsPrefix)) {
    if (!known.has(name) && fs.existsSync(deps.files.dir(name))) deps.files.remove(name);
  }
}
