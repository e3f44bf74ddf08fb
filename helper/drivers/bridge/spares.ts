// One parked veth per sandbox, so that a connect only reconfigures links and a disconnect parks
// its link instead of deleting it. Creating a veth is the slowest kernel step of a connect, and
// deleting one waits for an RCU grace period (~20 ms); renaming and re-addressing an existing
// pair takes a fraction of a millisecond. The spare's peer sits inside the sandbox's netns, down
// and without addresses. A parked endpoint's host end stays up on its bridge: changing a bridge
// port (enslave, release, up, down) costs the kernel time proportional to the bridge's port count
// (~1-2 ms each at 500 ports), so a reconnect to the same network touches only the peer (whose
// carrier enables the port: one such change per connect, as any bridge port needs). The host end
// is aliased `cnm:<sandbox id>` while parked, so a cnmd restart removes it as an orphan: spares
// are never persisted. One `Spares` per bridge driver instance.
import { randomBytes } from 'node:crypto';
import type { Endpoint } from '../../../model/cnm.js';
import { Netlink } from '../../kernel/netlink/netlink.js';
import { log } from '../../log.js';
import { setIPv6 } from '../../kernel/sysctl.js';
import type { SandboxHandle } from '../driver.js';
import { ownerAlias } from '../owner.js';
import { interfaceAddresses } from '../plumbing.js';
import { failpoint } from '../../failpoints.js';

export interface Spare {
  hostName: string;
  /** ifindex of the peer inside the sandbox (renaming goes by index). */
  peerIndex: number;
  /** The bridge the host end is still enslaved to (and up on), if any. */
  bridge?: number;
  mtu: number;
  /** Whether IPv6 is on for the peer (it was, or was not, used on an IPv6 network). */
  ipv6: boolean;
}

const DEFAULT_MTU = 1500;

export class Spares {
  private readonly spares = new Map<string, Spare>();

  constructor(private readonly host: Netlink) {}

  /** Takes the sandbox's spare, if it has one. */
  take(sandboxId: string): Spare | undefined {
    const s = this.spares.get(sandboxId);
    this.spares.delete(sandboxId);
    return s;
  }

  /** The sandbox is gone: its spare went with its namespace. */
  forget(sandboxId: string): void {
    this.spares.delete(sandboxId);
  }

  /** Makes a spare for a sandbox that has none, off the request path. */
  replenish(sb: SandboxHandle): void {
    const { host, spares } = this;
    const id = sb.sandbox.id;
    if (!sb.nl || spares.has(id)) return;
    const nl = sb.nl;
    const tag = randomBytes(5).toString('hex');
    const hostName = `vcnm${tag}`;
    const peerName = `spare${tag}`;
    host
      .createVethWithPeerInNetns({ hostName, peerName, peerNetnsPath: sb.sandbox.netnsPath, alias: ownerAlias(id) })
      .then(() => {
        failpoint('spare:made');
        setIPv6(hostName, false, host.netnsPath);
        return host.setDown(hostName);
      })
      .then(() => nl.getLink(peerName))
      .then((peer) => {
        if (peer && !spares.has(id)) spares.set(id, { hostName, peerIndex: peer.index, mtu: DEFAULT_MTU, ipv6: false });
        else host.deleteLink(hostName).catch(() => undefined);
      })
      .catch((err) => log('debug', 'no spare veth made', { sandbox: id, error: String(err) }));
  }

  /**
   * Puts a spare into service as `ep`: peer renamed to ep.ifname with ep.mac, host end enslaved and
   * aliased as the endpoint's. Both sockets work at once; each runs its requests in order.
   */
  async use(
    spare: Spare,
    ep: Endpoint,
    nl: Netlink,
    bridgeIndex: number,
    mtu: number | undefined,
    plumbPeer: (before: Promise<void>[], ipv6: boolean) => Promise<void>,
  ): Promise<void> {
    const { host } = this;
    const want = mtu ?? DEFAULT_MTU;
    const hostSide: Promise<void>[] = [];
    // Only what differs: every change to a bridge port costs in proportion to the bridge's ports.
    if (spare.mtu !== want) hostSide.push(host.setMtu(spare.hostName, want));
    if (spare.bridge !== bridgeIndex) hostSide.push(host.setMaster(spare.hostName, bridgeIndex), host.setUp(spare.hostName));
    hostSide.push(host.setAlias(spare.hostName, ownerAlias(ep.id)));
    await Promise.all([
      Netlink.inOrder(hostSide).then(() => failpoint('connect:spare')),
      // Rename and the rest go out back to back on the sandbox's socket.
      plumbPeer(
        [nl.reconfigure(spare.peerIndex, { name: ep.ifname, mac: ep.mac, mtu: spare.mtu !== want ? want : undefined })],
        spare.ipv6,
      ),
    ]);
  }

  /**
   * Parks an endpoint's veth as the sandbox's spare (addresses removed, peer down and renamed; the
   * host end stays on `bridge`). Returns false when the sandbox already has a spare: the caller deletes.
   */
  async park(ep: Endpoint, hostName: string, sb: SandboxHandle, bridge: number | undefined, mtu: number | undefined): Promise<boolean> {
    const { host, spares } = this;
    const id = sb.sandbox.id;
    if (!sb.nl || spares.has(id)) return false;
    const nl = sb.nl;
    const peer = await nl.getLink(ep.ifname);
    if (!peer) return false;
    await Promise.all([
      Netlink.inOrder([
        nl.setDown(ep.ifname),
        ...interfaceAddresses(ep).map((a) => nl.delAddress(ep.ifname, a)),
        nl.reconfigure(peer.index, { name: `spare${hostName.slice(4)}` }),
      ]),
      host.setAlias(hostName, ownerAlias(id)),
    ]);
    if (spares.has(id)) return false;
    spares.set(id, { hostName, peerIndex: peer.index, bridge, mtu: mtu ?? DEFAULT_MTU, ipv6: ep.ipv6 !== undefined });
    return true;
  }
}
