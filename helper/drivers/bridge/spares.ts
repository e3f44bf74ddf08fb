// One parked veth per sandbox, so that a connect only reconfigures links and a disconnect parks
// its link instead of deleting it. Creating a veth is the slowest kernel step of a connect, and
// deleting one waits for an RCU grace period (~20 ms); renaming, re-addressing and re-enslaving
// an existing pair takes a fraction of a millisecond. The spare's peer already sits inside the
// sandbox's netns, down and without addresses; its host end is down, on no bridge, aliased
// `cnm:<sandbox id>` (so a cnmd restart removes it as an orphan: spares are never persisted).
import { randomBytes } from 'node:crypto';
import type { Endpoint } from '../../../model/cnm.js';
import { Netlink } from '../../kernel/netlink/netlink.js';
import { log } from '../../log.js';
import type { SandboxHandle } from '../driver.js';

export interface Spare {
  hostName: string;
  /** ifindex of the peer inside the sandbox (renaming goes by index). */
  peerIndex: number;
}

const spares = new Map<string, Spare>();
const DEFAULT_MTU = 1500;

export const spareAlias = (sandboxId: string) => `cnm:${sandboxId}`;

/** Takes the sandbox's spare, if it has one. */
export function takeSpare(sandboxId: string): Spare | undefined {
  const s = spares.get(sandboxId);
  spares.delete(sandboxId);
  return s;
}

/** The sandbox is gone: its spare went with its namespace. */
export function forgetSpare(sandboxId: string): void {
  spares.delete(sandboxId);
}

/** Makes a spare for a sandbox that has none, off the request path. */
export function replenish(host: Netlink, sb: SandboxHandle): void {
  const id = sb.sandbox.id;
  if (!sb.nl || spares.has(id)) return;
  const nl = sb.nl;
  const tag = randomBytes(5).toString('hex');
  const hostName = `vcnm${tag}`;
  const peerName = `spare${tag}`;
  host
    .createVethWithPeerInNetns({ hostName, peerName, peerNetnsPath: sb.sandbox.netnsPath, alias: spareAlias(id) })
    .then(() => host.setDown(hostName))
    .then(() => nl.getLink(peerName))
    .then((peer) => {
      if (peer && !spares.has(id)) spares.set(id, { hostName, peerIndex: peer.index });
      else host.deleteLink(hostName).catch(() => undefined);
    })
    .catch((err) => log('debug', 'no spare veth made', { sandbox: id, error: String(err) }));
}

/**
 * Puts a spare into service as `ep`: peer renamed to ep.ifname with ep.mac, host end enslaved and
 * aliased as the endpoint's. Both sockets work at once; each runs its requests in order.
 */
export async function useSpare(
  spare: Spare,
  ep: Endpoint,
  host: Netlink,
  nl: Netlink,
  bridgeIndex: number,
  mtu: number | undefined,
  alias: string,
  plumbPeer: () => Promise<void>,
): Promise<void> {
  await Promise.all([
    Netlink.inOrder([
      host.setMaster(spare.hostName, bridgeIndex),
      host.setMtu(spare.hostName, mtu ?? DEFAULT_MTU),
      host.setAlias(spare.hostName, alias),
      host.setUp(spare.hostName),
    ]),
    nl.reconfigure(spare.peerIndex, { name: ep.ifname, mac: ep.mac, mtu: mtu ?? DEFAULT_MTU }).then(plumbPeer),
  ]);
}

/**
 * Parks an endpoint's veth as the sandbox's spare (addresses removed, peer down and renamed, host
 * end off the bridge). Returns false when the sandbox already has a spare: the caller deletes.
 */
export async function park(ep: Endpoint, hostName: string, host: Netlink, sb: SandboxHandle): Promise<boolean> {
  const id = sb.sandbox.id;
  if (!sb.nl || spares.has(id)) return false;
  const nl = sb.nl;
  const peer = await nl.getLink(ep.ifname);
  if (!peer) return false;
  const addrs = [ep.ipv4, ep.ipv6].filter((a): a is string => a !== undefined);
  await Promise.all([
    Netlink.inOrder([
      nl.setDown(ep.ifname),
      ...addrs.map((a) => nl.delAddress(ep.ifname, a)),
      nl.reconfigure(peer.index, { name: `spare${hostName.slice(4)}` }),
    ]),
    Netlink.inOrder([host.setDown(hostName), host.setMaster(hostName, 0), host.setAlias(hostName, spareAlias(id))]),
  ]);
  if (spares.has(id)) return false;
  spares.set(id, { hostName, peerIndex: peer.index });
  return true;
}
