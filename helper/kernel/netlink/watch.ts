// Notifications of the host's address and route changes, through the process's one notification
// socket (subscriber.ts) in the groups of links, IPv4/IPv6 addresses and routes. It only says
// "something changed"; the watcher re-reads what it needs (a dump is cheaper than tracking each
// message's meaning). A lost notification counts as a change.
import { rtNotifications, type Watch } from './subscriber.js';

export type AddressWatch = Watch;

/**
 * Calls `onChange` after each burst of address/route/link notifications in cnmd's namespace,
 * once per `settleMs` at most (a VPN coming up sends dozens at once).
 */
export function watchAddressesAndRoutes(onChange: () => void, settleMs = 10, subscriber = rtNotifications): AddressWatch {
  let timer: NodeJS.Timeout | undefined;
  const changed = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      onChange();
    }, settleMs);
  };
  const watch = subscriber.subscribe({
    groups: ['LINK', 'IPV4_IFADDR', 'IPV4_ROUTE', 'IPV6_IFADDR', 'IPV6_ROUTE'],
    onMessage: changed,
    onOverrun: changed,
  });
  return {
    close() {
      clearTimeout(timer);
      watch.close();
    },
  };
}
