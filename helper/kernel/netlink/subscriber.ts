// One rtnetlink notification socket for the whole process, fanned out to its listeners: links for
// self-healing (monitor.ts), links, addresses and routes for the subnet-conflict watch (watch.ts).
// Each listener names the multicast groups it wants; the socket is in the union of them and hands
// each message only to the listeners whose groups it belongs to. It is apart from the request
// sockets (notifications would interleave with replies), opened at the first subscription in the
// namespace the thread is in then (cnmd's own), and closed when the last listener leaves.
// A lost notification (receive buffer overrun, ENOBUFS) reaches every listener as `onOverrun`.
import { createRtNetlink, type NetlinkMessage } from 'netlink';
import { log } from '../../log.js';

/** rtnetlink message types. */
export const RTM = { newLink: 16, delLink: 17, newAddr: 20, delAddr: 21, newRoute: 24, delRoute: 25 } as const;
const AF = { unspec: 0, inet: 2, inet6: 10 } as const;

/**
 * Multicast groups (RTNLGRP_*) and the messages that belong to each: the message type and the
 * address family (the first byte of ifinfomsg, ifaddrmsg and rtmsg alike).
 */
const GROUPS = {
  LINK: { id: 1, types: [RTM.newLink, RTM.delLink], family: undefined },
  IPV4_IFADDR: { id: 5, types: [RTM.newAddr, RTM.delAddr], family: AF.inet },
  IPV4_ROUTE: { id: 7, types: [RTM.newRoute, RTM.delRoute], family: AF.inet },
  IPV6_IFADDR: { id: 9, types: [RTM.newAddr, RTM.delAddr], family: AF.inet6 },
  IPV6_ROUTE: { id: 11, types: [RTM.newRoute, RTM.delRoute], family: AF.inet6 },
} as const;
export type Group = keyof typeof GROUPS;

function inGroup(group: Group, m: NetlinkMessage): boolean {
  const g = GROUPS[group];
  return (g.types as readonly number[]).includes(m.type) && (g.family === undefined || m.data[0] === g.family);
}

export interface Listener {
  groups: readonly Group[];
  onMessage(m: NetlinkMessage): void;
  onOverrun(): void;
}

/** A notification subscription (rtnetlink here, nftables in ../nftables/monitor.ts). */
export interface Watch {
  close(): void;
}

/** What the subscriber needs of a netlink socket (a fake in the unit tests). */
export interface NotificationSocket {
  on(event: 'message', fn: (msgs: NetlinkMessage[] | NetlinkMessage) => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  addMembership(group: number): void;
  dropMembership(group: number): void;
  close(): void;
}

export class NotificationSubscriber {
  private sock?: NotificationSocket;
  private readonly listeners = new Set<{ l: Listener }>();
  /** How many listeners want each group: the socket leaves a group nobody wants. */
  private readonly members = new Map<Group, number>();

  constructor(private readonly open: () => NotificationSocket) {}

  subscribe(l: Listener): Watch {
    const sock = (this.sock ??= this.attach(this.open()));
    const entry = { l };
    for (const g of new Set(l.groups)) {
      const n = this.members.get(g) ?? 0;
      if (n === 0) sock.addMembership(GROUPS[g].id);
      this.members.set(g, n + 1);
    }
    this.listeners.add(entry);
    return { close: () => this.unsubscribe(entry) };
  }

  private unsubscribe(entry: { l: Listener }): void {
    if (!this.listeners.delete(entry) || !this.sock) return;
    if (this.listeners.size === 0) {
      this.sock.close();
      this.sock = undefined;
      this.members.clear();
      return;
    }
    for (const g of new Set(entry.l.groups)) {
      const n = this.members.get(g)! - 1;
      if (n === 0) this.sock.dropMembership(GROUPS[g].id);
      if (n === 0) this.members.delete(g);
      else this.members.set(g, n);
    }
  }

  private attach(sock: NotificationSocket): NotificationSocket {
    sock.on('message', (msgs) => {
      for (const m of Array.isArray(msgs) ? msgs : [msgs]) {
        for (const { l } of [...this.listeners]) {
          if (l.groups.some((g) => inGroup(g, m))) this.deliver(() => l.onMessage(m));
        }
      }
    });
    sock.on('error', (err) => {
      log('warn', 'netlink notifications lost', { error: String(err) });
      for (const { l } of [...this.listeners]) this.deliver(() => l.onOverrun());
    });
    return sock;
  }

  /** One listener's failure must not keep the message from the others. */
  private deliver(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      log('warn', 'netlink notification listener failed', { error: String(err) });
    }
  }
}

export function openRtNotifications(): NotificationSocket {
  const nl = createRtNetlink().socket;
  nl.setRecvBufferSize(4 << 20);
  return nl;
}

/** cnmd's one rtnetlink notification socket. */
export const rtNotifications = new NotificationSubscriber(openRtNotifications);
