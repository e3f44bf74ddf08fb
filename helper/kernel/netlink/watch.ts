// Notifications of the host's address and route changes: an rtnetlink socket that joined the
// multicast groups of links, IPv4/IPv6 addresses and routes. It only says "something changed";
// the watcher re-reads what it needs (a dump is cheaper than tracking each message's meaning).
import { createRtNetlink, type RtNetlinkSocket } from 'netlink';
import { log } from '../../log.js';

const GROUPS = ['LINK', 'IPV4_IFADDR', 'IPV4_ROUTE', 'IPV6_IFADDR', 'IPV6_ROUTE'] as const;

export interface AddressWatch {
  close(): void;
}

/**
 * Calls `onChange` after each burst of address/route/link notifications in the namespace the
 * thread is in now, once per `settleMs` at most (a VPN coming up sends dozens at once).
 */
export function watchAddressesAndRoutes(onChange: () => void, settleMs = 10): AddressWatch {
  const sock: RtNetlinkSocket = createRtNetlink();
  for (const g of GROUPS) sock.addMembership(g);
  let timer: NodeJS.Timeout | undefined;
  sock.on('message', (msgs) => {
    if (!msgs.some((m) => m.kind === 'address' || m.kind === 'route' || m.kind === 'link')) return;
    timer ??= setTimeout(() => {
      timer = undefined;
      onChange();
    }, settleMs);
  });
  sock.on('invalid', (err) => log('debug', 'netlink notification not understood', { error: String(err) }));
  return {
    close() {
      clearTimeout(timer);
      sock.socket.close();
    },
  };
}
