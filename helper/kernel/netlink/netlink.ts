// The one wrapper around the `netlink` package: links, addresses and routes over an rtnetlink
// socket bound to one network namespace. Nothing else in cnm imports `netlink`. Every kernel
// error comes back as a CnmError naming the call, the link and the namespace.
import fs from 'node:fs';
import {
  AttrStream,
  createRtNetlink,
  Flags,
  FlagsNew,
  ifla,
  MessageType,
  rt,
  type MessageInfo,
  type NetlinkMessage,
  type NetlinkSocket,
  type RtNetlinkSocket,
  type StreamData,
} from 'netlink';
import { formatCidr } from '../../../model/ip.js';
import type { CnmError, ErrorContext } from '../../errors.js';
import { inNetns } from '../netns/setns.js';
import { AF_INET, AF_INET6, addrOrThrow, afOf, cidrOrThrow, ipBytes, ipText, macBytes, macText } from './codec.js';
import { isGone, netlinkError } from './errors.js';

export interface LinkInfo {
  index: number;
  name: string;
  /** rtnetlink kind (bridge, veth, vxlan…); '' for links without one (lo, most physical NICs). */
  kind: string;
  alias: string;
  masterIndex?: number;
  mac: string;
  mtu: number;
  up: boolean;
}

export interface AddressInfo {
  ifname: string;
  cidr: string; // address/prefix, as configured (host bits set)
}

export interface RouteInfo {
  dst: string; // normalised CIDR; 0.0.0.0/0 or ::/0 for default routes
  gateway?: string;
  ifname?: string;
}

export interface VethSpec {
  hostName: string;
  peerName: string;
  /** netns file the peer is created in (IFLA_NET_NS_FD inside the peer's attributes). */
  peerNetnsPath: string;
  peerMac?: string;
  mtu?: number;
  /** ifindex of the bridge the host end joins. */
  master?: number;
  alias: string;
}

export interface VxlanSpec {
  name: string;
  vni: number;
  port?: number; // UDP destination port, default 4789
  local?: string;
  /** underlay link name the tunnel is bound to */
  dev?: string;
  learning?: boolean;
  /** Answer ARP/ND from the device's neighbour table (no broadcast over the underlay). */
  proxy?: boolean;
  mtu?: number;
  master?: number;
  /** Born inside this netns; its UDP socket stays in the namespace of the socket that made it. */
  netnsPath?: string;
  alias: string;
}

/** A static neighbour (`ip neigh replace IP lladdr MAC dev IFNAME nud permanent`). */
export interface NeighbourSpec {
  ifname: string;
  ip: string;
  mac: string;
}

/**
 * A bridge FDB entry for `mac` on port `ifname`: `self` on a VXLAN device with `dst` (the remote
 * VTEP), or `master` (static) in the bridge the port belongs to.
 */
export interface FdbSpec {
  ifname: string;
  mac: string;
  dst?: string;
  on: 'self' | 'master';
}

/** A neighbour or bridge FDB entry as the kernel lists it (`ip neigh` / `bridge fdb`). */
export interface NeighbourEntry {
  ifname: string;
  /** An IP neighbour's address; undefined for an FDB entry. */
  ip?: string;
  mac: string;
  /** An FDB entry's table: the device's own (`self`, with `dst` on VXLAN) or its bridge's (`master`). */
  on?: 'self' | 'master';
  dst?: string;
  /** permanent; static (noarp: a static FDB entry); learned (anything the kernel found itself). */
  state: 'permanent' | 'static' | 'learned';
}

export interface MacvlanSpec {
  name: string;
  parent: string;
  mode: 'bridge' | 'private' | 'vepa' | 'passthru';
  /** create the link directly inside this netns (with its final name and MAC) */
  netnsPath?: string;
  mac?: string;
  mtu?: number;
  alias: string;
}

const NEW = FlagsNew.CREATE | FlagsNew.EXCL;
const REPLACE = FlagsNew.CREATE | FlagsNew.REPLACE;
const AF_BRIDGE = 7;
const IFLA_PROTINFO = 12;
const IFLA_BRPORT_MODE = 4;
const NLA_F_NESTED = 0x8000;
const RTM_SETLINK = 19;
const TABLE_MAIN = 254;
const UP = { flags: { up: true as const }, change: { up: true as const } };

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};

function bytes(data: StreamData): Buffer {
  const s = new AttrStream();
  s.emit(data);
  return Buffer.concat(s.bufs);
}

function linkInfo(kind: string, data?: StreamData): Buffer {
  return bytes(ifla.formatInfo(data === undefined ? { kind } : { kind, data: bytes(data) }));
}

/** Open a netns file for IFLA_NET_NS_FD for the length of one request. */
async function withNetnsFd<T>(nsPath: string, fn: (fd: number) => Promise<T>): Promise<T> {
  let fd: number;
  try {
    fd = fs.openSync(nsPath, 'r');
  } catch (err) {
    throw netlinkError(`Request rejected: ENOENT`, { call: 'open netns', netns: nsPath });
  }
  try {
    return await fn(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The package gathers a dump's parts assuming nothing else arrives in between. With a request in
 * flight on the same socket during a dump (a spare veth made in the background while the links
 * are listed), its ACK lands between two parts and the dump fails ("Multipart message not
 * terminated properly"). Parts are gathered per sequence number instead.
 */
function gatherPartsBySeq(sock: NetlinkSocket): void {
  const parts = new Map<number, NetlinkMessage[]>();
  const s = sock as unknown as {
    emitMessage(m: NetlinkMessage | NetlinkMessage[], r: MessageInfo): void;
    handleMessages(m: NetlinkMessage[], r: MessageInfo): void;
  };
  s.handleMessages = (msgs, rinfo) => {
    for (const msg of msgs) {
      const pending = parts.get(msg.seq);
      if (msg.type === MessageType.DONE) {
        parts.delete(msg.seq);
        s.emitMessage([...(pending ?? []), msg], rinfo);
      } else if (msg.flags & Flags.MULTI) {
        if (pending) pending.push(msg);
        else parts.set(msg.seq, [msg]);
      } else {
        parts.delete(msg.seq); // an error ends a dump too
        s.emitMessage(msg, rinfo);
      }
    }
  };
}

const nlmsgAligned = (msg: Buffer): Buffer => (msg.length % 4 ? Buffer.concat([msg, Buffer.alloc(4 - (msg.length % 4))]) : msg);

export class Netlink {
  private constructor(
    private readonly sock: RtNetlinkSocket,
    /** The namespace the socket lives in, for error context. */
    readonly netns: string,
  ) {
    gatherPartsBySeq(sock.socket);
  }

  /** The kernel allows one dump in flight per socket (EBUSY otherwise): dumps queue here. */
  private dumps: Promise<unknown> = Promise.resolve();

  private dump<T>(call: string, fn: () => Promise<T>): Promise<T> {
    const next = this.dumps.then(() => this.call({ call }, fn));
    this.dumps = next.catch(() => undefined);
    return next;
  }

  /** A socket in the namespace the calling thread is in now. */
  static forCurrent(): Netlink {
    return new Netlink(createRtNetlink(), 'current');
  }

  /** A socket opened inside the netns at `nsPath`; it stays bound there until closed. */
  static inNetns(nsPath: string): Netlink {
    return new Netlink(
      inNetns(nsPath, () => createRtNetlink()),
      nsPath,
    );
  }

  close(): void {
    this.sock.socket.close();
  }

  /** The netns file this socket lives in, or undefined for the process's own namespace. */
  get netnsPath(): string | undefined {
    return this.netns === 'current' ? undefined : this.netns;
  }

  private async call<T>(ctx: ErrorContext & { call: string }, fn: () => Promise<T>, kind?: string): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw netlinkError(err, { ...ctx, netns: this.netns }, kind);
    }
  }

  private async indexOf(name: string, call: string): Promise<number> {
    const [msg] = await this.call({ call: `${call} (RTM_GETLINK)`, link: name }, () => this.sock.getLink({}, { ifname: name }));
    return msg.data.index!;
  }

  /**
   * RTM_NEWLINK ignores IFLA_IFALIAS, so the alias follows in an RTM_SETLINK addressed by name, in
   * the SAME datagram (`oneDatagram`): the kernel runs every message of one sendmsg inside that
   * system call, so no crash of cnmd can leave the link without its `cnm:` mark. Callers make
   * only names that are free (checked just before, or generated): on EEXIST the alias would land
   * on the link that was there.
   */
  private async newLink(name: string, kind: string, data: rt.Link, attrs: ifla.LinkAttrs, alias: string): Promise<void> {
    await Netlink.inOrder(
      this.oneDatagram(() => [
        this.call({ call: `RTM_NEWLINK ${kind}`, link: name }, () => this.sock.newLink(data, attrs, { flags: NEW }), kind),
        this.setAlias(name, alias),
      ]),
    );
  }

  /**
   * Runs `send`, whose requests each go out synchronously (the `netlink` package formats and
   * hands a request to its raw socket before the first await), and sends what they queued as
   * one datagram: one sendmsg, handled by the kernel in order and in full before it returns.
   */
  private oneDatagram(send: () => Promise<unknown>[]): Promise<unknown>[] {
    const raw = this.sock.socket.socket;
    const plain = raw.send;
    const queued: { msg: Uint8Array[]; done: Parameters<typeof plain>[2] }[] = [];
    raw.send = (msg, _opts, done) => void queued.push({ msg: Array.isArray(msg) ? msg : [msg], done });
    let requests: Promise<unknown>[];
    try {
      requests = send();
    } finally {
      raw.send = plain;
    }
    if (queued.length) {
      plain.call(
        raw,
        // Each message starts on a 4-byte boundary (NLMSG_ALIGN); the package does not pad the last attribute.
        Buffer.concat(queued.map((q) => nlmsgAligned(Buffer.concat(q.msg)))),
        {},
        (err) => queued.forEach((q) => q.done?.(err)),
      );
    }
    return requests;
  }

  /**
   * Waits for requests already sent on one socket (which the kernel runs in order) and throws the
   * first failure: later ones usually fail only because an earlier one did.
   */
  static async inOrder(requests: Promise<unknown>[]): Promise<void> {
    const results = await Promise.allSettled(requests);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async createBridge(name: string, opts: { mtu?: number; alias: string; up?: boolean }): Promise<number> {
    await this.newLink(
      name,
      'bridge',
      opts.up ? UP : {},
      {
        ifname: name,
        mtu: opts.mtu,
        linkinfo: linkInfo('bridge'),
      },
      opts.alias,
    );
    return this.indexOf(name, 'RTM_NEWLINK bridge');
  }

  /**
   * A veth pair whose peer is born inside the target netns with its final name, MAC and MTU, the
   * host end up and enslaved: one RTM_NEWLINK instead of create-then-move (3 ms vs 24 ms). The
   * peer stays down: the kernel cannot open it before its partner exists (ENOTCONN), so the caller
   * brings it up through the sandbox's socket.
   */
  async createVethWithPeerInNetns(spec: VethSpec): Promise<void> {
    return withNetnsFd(spec.peerNetnsPath, (fd) => {
      const peer = bytes((out) => {
        out.emit(rt.formatLink({}));
        out.emit(
          ifla.formatLinkAttrs({
            ifname: spec.peerName,
            address: spec.peerMac ? macBytes(spec.peerMac) : undefined,
            mtu: spec.mtu,
            netNsFd: fd,
          }),
        );
      });
      return this.newLink(
        spec.hostName,
        'veth',
        UP,
        {
          ifname: spec.hostName,
          mtu: spec.mtu,
          master: spec.master,
          linkinfo: linkInfo('veth', ifla.formatVethInfo({ peer })),
        },
        spec.alias,
      );
    });
  }

  /**
   * The ifindex when made in this socket's netns. With `netnsPath` the device is born there and
   * undefined is returned (alias, master and up then go through that netns's socket), while its
   * UDP socket stays here: the overlay's layout (underlay in cnmd's netns, device in the network's).
   */
  async createVxlan(spec: VxlanSpec): Promise<number | undefined> {
    const port = Buffer.alloc(2);
    port.writeUInt16BE(spec.port ?? 4789);
    const local = spec.local ? addrOrThrow(spec.local) : undefined;
    const vx: ifla.Vxlan = {
      id: spec.vni,
      port,
      learning: spec.learning ? 1 : 0,
      proxy: spec.proxy ? 1 : 0,
      link: spec.dev ? await this.indexOf(spec.dev, 'RTM_NEWLINK vxlan') : undefined,
      ...(local ? (local.family === 4 ? { local: local.bytes } : { local6: local.bytes }) : {}),
    };
    const attrs = (netNsFd?: number): ifla.LinkAttrs => ({
      ifname: spec.name,
      mtu: spec.mtu,
      master: spec.master,
      netNsFd,
      linkinfo: linkInfo('vxlan', ifla.formatVxlan(vx)),
    });
    if (spec.netnsPath) {
      await withNetnsFd(spec.netnsPath, (fd) =>
        this.call({ call: 'RTM_NEWLINK vxlan', link: spec.name }, () => this.sock.newLink({}, attrs(fd), { flags: NEW }), 'vxlan'),
      );
      return undefined;
    }
    await this.newLink(spec.name, 'vxlan', UP, attrs(), spec.alias);
    return this.indexOf(spec.name, 'RTM_NEWLINK vxlan');
  }

  /** Adds (or replaces) a permanent neighbour entry; `del` of one already gone is not an error. */
  async neighbour(op: 'add' | 'del', n: NeighbourSpec): Promise<void> {
    const call = op === 'add' ? 'RTM_NEWNEIGH' : 'RTM_DELNEIGH';
    const ip = addrOrThrow(n.ip);
    const data: rt.Neighbor = { family: afOf(ip.family), ifindex: await this.indexOf(n.ifname, call), state: { permanent: true } };
    const attrs: rt.NeighborAttrs = { dst: ip.bytes, lladdr: macBytes(n.mac) };
    await this.gentle(op, { call, link: n.ifname, address: n.ip }, () =>
      op === 'add' ? this.sock.newNeighbor(data, attrs, { flags: REPLACE }) : this.sock.delNeighbor(data, attrs),
    );
  }

  /** Adds (or replaces) a bridge FDB entry; `del` of one already gone is not an error. */
  async fdb(op: 'add' | 'del', f: FdbSpec): Promise<void> {
    const call = `${op === 'add' ? 'RTM_NEWNEIGH' : 'RTM_DELNEIGH'} fdb ${f.on}`;
    const data: rt.Neighbor = {
      family: AF_BRIDGE,
      ifindex: await this.indexOf(f.ifname, call),
      // `master` entries are static (noarp): a permanent one would mean "this bridge's own address".
      state: f.on === 'self' ? { permanent: true } : { noarp: true },
      flags: f.on === 'self' ? { self: true } : { master: true },
    };
    const attrs: rt.NeighborAttrs = { lladdr: macBytes(f.mac), dst: f.dst ? addrOrThrow(f.dst).bytes : undefined };
    await this.gentle(op, { call, link: f.ifname, address: f.mac }, () =>
      op === 'add' ? this.sock.newNeighbor(data, attrs, { flags: REPLACE }) : this.sock.delNeighbor(data, attrs),
    );
  }

  /** Runs a request; for a delete, an entry (or link) already gone is success. */
  private async gentle(op: 'add' | 'del', ctx: ErrorContext & { call: string }, fn: () => Promise<unknown>): Promise<void> {
    try {
      await this.call(ctx, fn);
    } catch (err) {
      if (op === 'add' || !isGone(err as CnmError)) throw err;
    }
  }

  /**
   * The ifindex when made in this socket's netns. With `netnsPath` the link is born there (final
   * name and MAC, no move) and undefined is returned: alias and up go through that netns's socket.
   */
  async createMacvlan(spec: MacvlanSpec): Promise<number | undefined> {
    const parent = await this.indexOf(spec.parent, 'RTM_NEWLINK macvlan');
    const attrs = (netNsFd?: number): ifla.LinkAttrs => ({
      ifname: spec.name,
      link: u32(parent),
      mtu: spec.mtu,
      address: spec.mac ? macBytes(spec.mac) : undefined,
      netNsFd,
      linkinfo: linkInfo('macvlan', ifla.formatMacvlan({ mode: ifla.formatMacvlanMode({ [spec.mode]: true }) })),
    });
    if (!spec.netnsPath) {
      await this.newLink(spec.name, 'macvlan', UP, attrs(), spec.alias);
      return this.indexOf(spec.name, 'RTM_NEWLINK macvlan');
    }
    // Born inside the target netns: alias and up there go through that netns's own socket.
    await withNetnsFd(spec.netnsPath, (fd) =>
      this.call({ call: 'RTM_NEWLINK macvlan', link: spec.name }, () => this.sock.newLink({}, attrs(fd), { flags: NEW }), 'macvlan'),
    );
    return undefined;
  }

  /** A dummy link (a stand-in interface with no peer). */
  async createDummy(name: string, opts: { alias: string }): Promise<void> {
    await this.newLink(name, 'dummy', {}, { ifname: name, linkinfo: linkInfo('dummy') }, opts.alias);
  }

  /** An 802.1q sub-interface `name` of `parent` with VLAN id `id`, up. Needs the kernel's 8021q. */
  async createVlan(spec: { name: string; parent: string; id: number; alias: string }): Promise<void> {
    const parent = await this.indexOf(spec.parent, 'RTM_NEWLINK vlan');
    await this.newLink(
      spec.name,
      'vlan',
      UP,
      {
        ifname: spec.name,
        link: u32(parent),
        linkinfo: linkInfo('vlan', ifla.formatVlan({ id: spec.id })),
      },
      spec.alias,
    );
  }

  /** A veth pair with both ends in this socket's netns, both up (a stand-in L2 segment). */
  async createVethPair(spec: { name: string; peerName: string; alias: string }): Promise<void> {
    const peer = bytes((out) => {
      out.emit(rt.formatLink({}));
      out.emit(ifla.formatLinkAttrs({ ifname: spec.peerName }));
    });
    await this.newLink(spec.name, 'veth', UP, { ifname: spec.name, linkinfo: linkInfo('veth', ifla.formatVethInfo({ peer })) }, spec.alias);
    await this.setUp(spec.peerName);
  }

  /** An ipvlan link on `parent` (mode l2, l3 or l3s). */
  async createIpvlan(spec: { name: string; parent: string; mode: 'l2' | 'l3' | 'l3s'; alias: string }): Promise<void> {
    const parent = await this.indexOf(spec.parent, 'RTM_NEWLINK ipvlan');
    const mode = { l2: ifla.IpvlanMode.L2, l3: ifla.IpvlanMode.L3, l3s: ifla.IpvlanMode.L3S }[spec.mode];
    await this.newLink(
      spec.name,
      'ipvlan',
      {},
      { ifname: spec.name, link: u32(parent), linkinfo: linkInfo('ipvlan', ifla.formatIpvlan({ mode })) },
      spec.alias,
    );
  }

  /** RTM_SETLINK addressed by IFLA_IFNAME (index 0): one round trip, no lookup. */
  private async setLink(name: string, call: string, data: rt.Link, attrs: ifla.LinkAttrs = {}): Promise<void> {
    await this.call({ call, link: name }, () => this.sock.setLink({ ...data, index: 0 }, { ...attrs, ifname: name }));
  }

  setUp(name: string): Promise<void> {
    return this.setLink(name, 'RTM_SETLINK up', UP);
  }

  setDown(name: string): Promise<void> {
    return this.setLink(name, 'RTM_SETLINK down', { flags: {}, change: { up: true } });
  }

  /**
   * RTM_SETLINK by ifindex, the only way to rename a link (IFLA_IFNAME then carries the new name);
   * the link must be down to be renamed.
   */
  async reconfigure(index: number, change: { name?: string; mac?: string; mtu?: number }): Promise<void> {
    await this.call({ call: 'RTM_SETLINK rename', link: change.name ?? `#${index}` }, () =>
      this.sock.setLink({ index }, { ifname: change.name, address: change.mac ? macBytes(change.mac) : undefined, mtu: change.mtu }),
    );
  }

  setMtu(name: string, mtu: number): Promise<void> {
    return this.setLink(name, 'RTM_SETLINK mtu', {}, { mtu });
  }

  /** Enslave `name` to the link with ifindex `master`; 0 releases it. */
  setMaster(name: string, master: number): Promise<void> {
    return this.setLink(name, 'RTM_SETLINK master', {}, { master });
  }

  /**
   * Hairpin mode of a bridge port: a frame may leave by the port it came in on (a sandbox reaching
   * its own published port). RTM_SETLINK in AF_BRIDGE with IFLA_PROTINFO nested: without the
   * nested flag the kernel would read the byte as an STP port state.
   */
  async setHairpin(name: string, on: boolean): Promise<void> {
    const call = 'RTM_SETLINK hairpin';
    const index = await this.indexOf(name, call);
    // Built by hand: the package's attribute encoder masks the type to 14 bits (no NLA_F_NESTED).
    const msg = Buffer.alloc(16 + 12);
    msg.writeUInt8(AF_BRIDGE, 0); // ifinfomsg: family, pad, type, index, flags, change
    msg.writeInt32LE(index, 4);
    msg.writeUInt16LE(12, 16); // IFLA_PROTINFO (nested) { IFLA_BRPORT_MODE: u8 }
    msg.writeUInt16LE(IFLA_PROTINFO | NLA_F_NESTED, 18);
    msg.writeUInt16LE(5, 20);
    msg.writeUInt16LE(IFLA_BRPORT_MODE, 22);
    msg.writeUInt8(on ? 1 : 0, 24);
    await this.call({ call, link: name }, () => this.sock.request(RTM_SETLINK, [msg]));
  }

  setAlias(name: string, alias: string): Promise<void> {
    return this.setLink(name, 'RTM_SETLINK alias', {}, { ifalias: alias });
  }

  private async address(op: 'new' | 'del', ifname: string, cidr: string, nodad: boolean): Promise<void> {
    const c = cidrOrThrow(cidr);
    const call = op === 'new' ? 'RTM_NEWADDR' : 'RTM_DELADDR';
    const index = await this.indexOf(ifname, call);
    const ip = ipBytes(c.family, c.addr);
    const data: rt.Address = { family: afOf(c.family), prefixlen: c.prefix, index, flags: nodad ? { nodad: true } : {} };
    // IPv4 wants IFA_LOCAL (the address) and IFA_ADDRESS; IPv6 only IFA_ADDRESS.
    const attrs: rt.AddressAttrs = c.family === 4 ? { local: ip, address: ip } : { address: ip };
    await this.call({ call, link: ifname, address: cidr }, () =>
      op === 'new' ? this.sock.newAddress(data, attrs, { flags: NEW }) : this.sock.delAddress(data, attrs),
    );
  }

  addAddress(ifname: string, cidr: string, opts: { nodad?: boolean } = {}): Promise<void> {
    return this.address('new', ifname, cidr, opts.nodad ?? false);
  }

  delAddress(ifname: string, cidr: string): Promise<void> {
    return this.address('del', ifname, cidr, false);
  }

  private async route(op: 'new' | 'del', r: { dst?: string; gateway?: string; ifname: string }): Promise<void> {
    const call = op === 'new' ? 'RTM_NEWROUTE' : 'RTM_DELROUTE';
    const dst = r.dst ? cidrOrThrow(r.dst) : undefined;
    const gw = r.gateway ? addrOrThrow(r.gateway) : undefined;
    const family = dst?.family ?? gw?.family ?? 4;
    const index = await this.indexOf(r.ifname, call);
    const data: rt.Route = {
      family: afOf(family),
      dstLen: dst?.prefix ?? 0,
      table: TABLE_MAIN,
      protocol: 'BOOT',
      scope: gw ? 'UNIVERSE' : 'LINK',
      type: 'UNICAST',
    };
    const attrs: rt.RouteAttrs = { oif: index, dst: dst && dst.prefix > 0 ? ipBytes(family, dst.base) : undefined, gateway: gw?.bytes };
    await this.call({ call, link: r.ifname, route: r.dst ?? 'default' }, () =>
      op === 'new' ? this.sock.newRoute(data, attrs, { flags: NEW }) : this.sock.delRoute(data, attrs),
    );
  }

  /** A route in the main table; no `dst` means the default route of the gateway's family. */
  addRoute(r: { dst?: string; gateway?: string; ifname: string }): Promise<void> {
    return this.route('new', r);
  }

  delRoute(r: { dst?: string; gateway?: string; ifname: string }): Promise<void> {
    return this.route('del', r);
  }

  /** Idempotent: a link that is already gone is not an error. */
  async deleteLink(name: string): Promise<void> {
    try {
      await this.call({ call: 'RTM_DELLINK', link: name }, () => this.sock.delLink({ index: 0 }, { ifname: name }));
    } catch (err) {
      if (!isGone(err as CnmError)) throw err;
    }
  }

  async getLink(name: string): Promise<LinkInfo | undefined> {
    try {
      const [msg] = await this.call({ call: 'RTM_GETLINK', link: name }, () => this.sock.getLink({}, { ifname: name }));
      return toLinkInfo(msg);
    } catch (err) {
      if (isGone(err as CnmError)) return undefined;
      throw err;
    }
  }

  /** The IP neighbours and FDB entries of one link (an AF_UNSPEC dump leaves the FDB out: two dumps). */
  async listNeighbours(ifname: string): Promise<NeighbourEntry[]> {
    const index = await this.indexOf(ifname, 'RTM_GETNEIGH dump');
    const [ip, fdb] = await Promise.all([
      this.dump('RTM_GETNEIGH dump', () => this.sock.getNeighbors({ family: 0 })),
      this.dump('RTM_GETNEIGH fdb dump', () => this.sock.getNeighbors({ family: AF_BRIDGE })),
    ]);
    return [...ip, ...fdb]
      .filter((m) => m.data.ifindex === index && m.attrs.lladdr)
      .map((m) => {
        const st = m.data.state ?? {};
        const fdb = m.data.family === AF_BRIDGE;
        return {
          ifname,
          ip: !fdb && m.attrs.dst ? ipText(m.attrs.dst) : undefined,
          mac: macText(m.attrs.lladdr),
          // The device's own entries carry NTF_SELF; a bridge's carry NDA_MASTER and no flag.
          on: fdb ? (m.data.flags?.self ? 'self' : 'master') : undefined,
          dst: fdb && m.attrs.dst ? ipText(m.attrs.dst) : undefined,
          state: st.permanent ? 'permanent' : st.noarp ? 'static' : 'learned',
        };
      });
  }

  async listLinks(): Promise<LinkInfo[]> {
    const msgs = await this.dump('RTM_GETLINK dump', () => this.sock.getLinks());
    return msgs.map(toLinkInfo);
  }

  async listAddresses(): Promise<AddressInfo[]> {
    const [links, addrs] = await Promise.all([this.listLinks(), this.dump('RTM_GETADDR dump', () => this.sock.getAddresses())]);
    const names = new Map(links.map((l) => [l.index, l.name]));
    return addrs
      .filter((a) => a.attrs.address && (a.data.family === AF_INET || a.data.family === AF_INET6))
      .map((a) => ({
        ifname: names.get(a.data.index!) ?? String(a.data.index),
        cidr: `${ipText(a.attrs.local ?? a.attrs.address!)}/${a.data.prefixlen}`,
      }));
  }

  /** Unicast routes of the main table, IPv4 and IPv6. */
  async listRoutes(): Promise<RouteInfo[]> {
    const [links, routes] = await Promise.all([this.listLinks(), this.dump('RTM_GETROUTE dump', () => this.sock.getRoutes())]);
    const names = new Map(links.map((l) => [l.index, l.name]));
    const out: RouteInfo[] = [];
    for (const r of routes) {
      const family = r.data.family === AF_INET ? 4 : r.data.family === AF_INET6 ? 6 : undefined;
      const table = r.attrs.table ?? r.data.table;
      if (!family || table !== TABLE_MAIN || r.data.type !== 'UNICAST') continue;
      const dst = r.attrs.dst ? cidrOrThrow(`${ipText(r.attrs.dst)}/${r.data.dstLen}`) : cidrOrThrow(family === 4 ? '0.0.0.0/0' : '::/0');
      out.push({
        dst: formatCidr(dst),
        gateway: r.attrs.gateway ? ipText(r.attrs.gateway) : undefined,
        ifname: r.attrs.oif !== undefined ? names.get(r.attrs.oif) : undefined,
      });
    }
    return out;
  }
}

export function toLinkInfo(msg: rt.LinkMessage): LinkInfo {
  const a = msg.attrs;
  return {
    index: msg.data.index!,
    name: a.ifname ?? '',
    kind: (a.linkinfo && ifla.parseInfo(a.linkinfo).kind) || '',
    alias: a.ifalias ?? '',
    masterIndex: a.master || undefined,
    mac: macText(a.address),
    mtu: a.mtu ?? 0,
    up: Boolean(msg.data.flags?.up),
  };
}
