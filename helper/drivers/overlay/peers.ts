// Remote endpoints on one overlay network's vxlan0: programming one, and reconciling the device's
// whole table with the cluster store's list (after a restart re-adopted the namespace, entries of
// endpoints removed while cnmd was down are still there; nothing else would ever remove them).
import type { ClusterEndpoint } from '../../../model/cnm.js';
import { Netlink, type NeighbourEntry } from '../../kernel/netlink/netlink.js';

export const VXLAN = 'vxlan0';

/** What the peer table needs of a netlink socket (a fake in the unit tests). */
export type PeerTable = Pick<Netlink, 'neighbour' | 'fdb' | 'listNeighbours'>;

/**
 * One remote endpoint on vxlan0: ARP answered locally (neighbour, vxlan0 proxies), frames for its
 * MAC sent to its VTEP (FDB `self` with dst) and switched straight to vxlan0 by br0 (FDB `master`).
 * The requests go back to back on one socket (each after its RTM_GETLINK of vxlan0): two round
 * trips, however many entries.
 */
export async function programPeer(nl: PeerTable, peer: ClusterEndpoint, op: 'add' | 'del'): Promise<void> {
  const reqs: Promise<void>[] = [];
  for (const cidr of [peer.ipv4, peer.ipv6])
    if (cidr) reqs.push(nl.neighbour(op, { ifname: VXLAN, ip: cidr.split('/')[0]!, mac: peer.mac }));
  reqs.push(nl.fdb(op, { ifname: VXLAN, mac: peer.mac, dst: peer.vtep, on: 'self' }));
  reqs.push(nl.fdb(op, { ifname: VXLAN, mac: peer.mac, on: 'master' }));
  await Netlink.inOrder(reqs);
}

/**
 * The entries on vxlan0 that only cnm makes (permanent neighbours, permanent `self` FDB entries,
 * static `master` ones) and that no current peer accounts for. Learned entries and the bridge's own
 * permanent `master` entry (vxlan0's MAC) are the kernel's and stay.
 */
export function staleEntries(entries: NeighbourEntry[], peers: ClusterEndpoint[]): NeighbourEntry[] {
  const neighbours = new Set(peers.flatMap((p) => [p.ipv4, p.ipv6].flatMap((c) => (c ? [`${c.split('/')[0]} ${p.mac}`] : []))));
  const tunnels = new Set(peers.map((p) => `${p.mac} ${p.vtep}`));
  const macs = new Set(peers.map((p) => p.mac));
  return entries.filter((e) => {
    if (e.ip !== undefined) return e.state === 'permanent' && !neighbours.has(`${e.ip} ${e.mac}`);
    if (e.on === 'self') return e.state === 'permanent' && !tunnels.has(`${e.mac} ${e.dst}`);
    return e.state === 'static' && !macs.has(e.mac);
  });
}

/** vxlan0's table made exactly `peers`: stale entries removed, every peer (re)programmed. Returns how many went. */
export async function reconcilePeers(nl: PeerTable, peers: ClusterEndpoint[]): Promise<number> {
  const stale = staleEntries(await nl.listNeighbours(VXLAN), peers);
  await Netlink.inOrder(
    stale.map((e) =>
      e.ip !== undefined
        ? nl.neighbour('del', { ifname: VXLAN, ip: e.ip, mac: e.mac })
        : nl.fdb('del', { ifname: VXLAN, mac: e.mac, dst: e.dst, on: e.on! }),
    ),
  );
  await Netlink.inOrder(peers.map((p) => programPeer(nl, p, 'add')));
  return stale.length;
}
