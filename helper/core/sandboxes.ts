// Sandbox create / remove. A sandbox is a network namespace (loopback up) named
// `<netnsPrefix><first 12 of id>` under /run/netns, with its own hosts and resolv.conf, plus its
// endpoints; one on a network whose driver shares the host's netns (caps.hostNetns) gets no
// namespace of its own (netnsPath HOST_NETNS).
import { HOST_NETNS, type Endpoint, type Network, type Sandbox, type SandboxCreateRequest } from '../../model/cnm.js';
import { CnmError, TeardownErrors, conflict, invalid, withContext } from '../errors.js';
import { attachNetns, createNetns, deleteNetns } from '../kernel/netns/netns.js';
import { adoption } from './adopt.js';
import { quietIPv6In } from '../kernel/sysctl.js';
import { Txn } from '../store/txn.js';
import type { CoreContext } from './context.js';
import { endpointCommitted, nsName, plumbEndpoint, refreshSandboxFiles, teardownEndpoint, unplumbEndpoint } from './endpoints.js';
import { newId, nowRfc3339Nano } from './ids.js';
import { pidsInNetns } from '../sandbox/pids.js';
import { failpoint } from '../failpoints.js';
import { resolveLinks } from '../ports/links.js';
import { checkPortRequest, publishPorts } from '../ports/publish.js';
import { followSandbox, hairpin } from '../ports/follow.js';
import { sandboxPortRules } from '../ports/state.js';

export const sandboxKey = (id: string) => `sandboxes/${id}`;
/** A removal under way: recorded before the first step, so a crash's restart finishes it (restore.ts). */
export const REMOVING = 'removing/';
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Docker's container-name rules and messages. */
function checkName(ctx: CoreContext, name: unknown): asserts name is string {
  if (typeof name !== 'string' || !NAME_RE.test(name)) {
    const shown = typeof name === 'string' ? name : '';
    throw invalid(
      `Invalid container name (${shown}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`,
      {},
      { reason: 'invalid-sandbox-name', sandbox: shown },
    );
  }
  const holder = ctx.state.sandboxNames.get(name);
  if (holder) {
    throw conflict(
      `Conflict. The container name "/${name}" is already in use by container "${holder}". You have to remove (or rename) that container to be able to reuse that name.`,
      { sandbox: name },
      { reason: 'sandbox-name-in-use', sandbox: name, holder },
    );
  }
}

export async function createSandbox(ctx: CoreContext, req: SandboxCreateRequest): Promise<Sandbox> {
  checkName(ctx, req?.Name);
  const net: Network = ctx.state.network(req.Network || 'bridge');
  const id = newId();
  const adopt = await adoption(ctx, req);
  const onHost = ctx.of(net).driver.caps.hostNetns;
  if (adopt && onHost) throw invalid(`an adopted namespace cannot join ${net.name}: its driver shares cnmd's namespace`);
  const name = `${ctx.deps.netnsPrefix}${id.slice(0, 12)}`;
  const sb: Sandbox = {
    id,
    name: req.Name,
    hostname: req.Hostname || (onHost ? req.Name : id.slice(0, 12)),
    labels: { ...(req.Labels ?? {}) },
    netnsPath: onHost ? HOST_NETNS : `/run/netns/${name}`,
    created: nowRfc3339Nano(),
    dns: req.Dns ?? [],
    ...(adopt ? { adopted: adopt.adopted } : {}),
  };
  const exposed = checkPortRequest(req);
  if (exposed.length) sb.exposed = exposed;
  const links = resolveLinks(ctx, req.Links, net);
  if (links.length) sb.links = links;
  const txn = new Txn();
  let made = false;
  let firewalled = false;
  let dnsUp = false;
  let ep: Endpoint | undefined;
  try {
    if (!onHost) {
      await (adopt ? attachNetns(name, adopt.path) : createNetns(name));
      made = true;
      failpoint('sandbox-create:netns');
      if (!adopt) quietIPv6In(sb.netnsPath);
      await refreshSandboxFiles(ctx, sb, []);
      await ctx.deps.names.sandboxUp(sb);
      dnsUp = true;
      failpoint('sandbox-create:dns');
    }
    ep = await plumbEndpoint(ctx, txn, net, sb, {
      ipv4: req.IPv4Address,
      ipv6: req.IPv6Address,
      aliases: req.Aliases ?? [],
    });
    failpoint('sandbox-create:endpoint');
    await publishPorts(ctx, sb, req, ep);
    if (sb.ports?.length) {
      await hairpin(ctx, sb, [ep]);
      firewalled = true;
      await ctx.applyFirewall(undefined, undefined, sandboxPortRules(ctx, sb, [ep]));
    }
    await refreshSandboxFiles(ctx, sb, [ep]);
    txn.put(sandboxKey(id), JSON.stringify(sb));
    await txn.commit(ctx.deps.store);
    failpoint('sandbox-create:committed');
    ctx.state.putSandbox(sb);
    endpointCommitted(ctx, net, sb, ep);
  } catch (err) {
    txn.abort();
    const td = new TeardownErrors();
    // The table is re-rendered from what is on record, which does not hold this sandbox.
    if (firewalled) await td.run({ sandbox: sb.name, call: 'firewall' }, () => ctx.applyFirewall());
    const plumbed = ep;
    if (plumbed) {
      await td.run({ sandbox: sb.name, endpoint: plumbed.id, call: 'teardownEndpoint' }, () => teardownEndpoint(ctx, net, sb, plumbed));
      await td.run({ sandbox: sb.name, endpoint: plumbed.id, call: 'cluster withdraw' }, () =>
        ctx.global.withdrawEndpoint(net, sb, plumbed),
      );
    }
    if (dnsUp) await td.run({ sandbox: sb.name, call: 'dns detach' }, () => ctx.deps.names.sandboxDown(sb));
    ctx.closeHandle(id);
    for (const d of ctx.deps.drivers.all()) d.sandboxGone?.(id);
    if (made) {
      await td.run({ sandbox: sb.name, netns: name }, () => deleteNetns(name));
      ctx.deps.files.remove(name);
    }
    const e = withContext(err, { sandbox: sb.name });
    if (td.failed.length) e.message += ` (rollback also failed: ${td.failed.map((f) => f.detail()).join('; ')})`;
    throw e;
  }
  ctx.emit('connect', net, { container: sb.id });
  return sb;
}

export async function removeSandbox(ctx: CoreContext, sb: Sandbox, force: boolean): Promise<void> {
  // An adopted namespace's processes are someone else's: never refused for them, never killed.
  const pids = ctx.onHostNetns(sb) || sb.adopted ? [] : pidsInNetns(sb.netnsPath);
  if (pids.length > 0 && !force) {
    throw new CnmError(
      'conflict',
      `You cannot remove a running sandbox ${sb.id}. Processes are running in it (pid ${pids.join(', ')}): stop them or use force`,
      { sandbox: sb.name },
    );
  }
  const intent = new Txn();
  intent.put(`${REMOVING}${sb.id}`, sb.id);
  await intent.commit(ctx.deps.store);
  const td = new TeardownErrors();
  for (const pid of pids) await td.run({ sandbox: sb.name, call: `kill ${pid}` }, () => process.kill(pid, 'SIGKILL'));
  const eps = ctx.state.endpointsOfSandbox(sb.id);
  for (const ep of eps.reverse()) {
    const net = ctx.state.networks.get(ep.networkId)!;
    await td.run({ sandbox: sb.name, endpoint: ep.id }, () => unplumbEndpoint(ctx, net, sb, ep, td));
    ctx.emit('disconnect', net, { container: sb.id });
  }
  failpoint('sandbox-rm:endpoints');
  await td.run({ sandbox: sb.name, call: 'dns detach' }, () => ctx.deps.names.sandboxDown(sb));
  ctx.closeHandle(sb.id);
  for (const d of ctx.deps.drivers.all()) d.sandboxGone?.(sb.id);
  if (!ctx.onHostNetns(sb)) {
    await td.run({ sandbox: sb.name, netns: sb.netnsPath }, () => deleteNetns(nsName(sb)));
    ctx.deps.files.remove(nsName(sb));
  }
  failpoint('sandbox-rm:netns');
  const txn = new Txn();
  txn.delete(sandboxKey(sb.id));
  txn.delete(`${REMOVING}${sb.id}`);
  await txn.commit(ctx.deps.store);
  failpoint('sandbox-rm:committed');
  ctx.state.deleteSandbox(sb.id);
  ctx.lost.delete(sb.id);
  await td.run({ sandbox: sb.name, call: 'ports and links' }, () => followSandbox(ctx, sb, true));
  td.throwIfAny(`sandbox ${sb.name} removed, but kernel state was left behind`, { sandbox: sb.name });
}

export async function renameSandbox(ctx: CoreContext, sb: Sandbox, newName: string): Promise<void> {
  if (newName === sb.name) return;
  checkName(ctx, newName);
  const renamed: Sandbox = { ...sb, name: newName, hostname: sb.hostname === sb.name ? newName : sb.hostname };
  await ctx.global.rename(sb, renamed);
  const txn = new Txn();
  txn.put(sandboxKey(sb.id), JSON.stringify(renamed));
  await txn.commit(ctx.deps.store);
  ctx.state.putSandbox(renamed);
  ctx.deps.names.sandboxRenamed(renamed);
  await refreshSandboxFiles(ctx, renamed);
}
