// What the IPAM must not overlap on this host: addresses and routes of links that are not cnm's
// own (its own networks are known to the IPAM already), without the default route, which
// overlaps everything.
import type { Netlink } from '../kernel/netlink/netlink.js';
import { isOwnLink } from './ownership.js';

export async function hostPrefixes(host: Netlink): Promise<string[]> {
  const [links, addrs, routes] = await Promise.all([host.listLinks(), host.listAddresses(), host.listRoutes()]);
  const ours = new Set(links.filter(isOwnLink).map((l) => l.name));
  const out: string[] = [];
  for (const a of addrs) if (!ours.has(a.ifname) && !a.cidr.startsWith('127.') && a.cidr !== '::1/128') out.push(a.cidr);
  for (const r of routes) {
    if (r.ifname && ours.has(r.ifname)) continue;
    if (r.dst.endsWith('/0')) continue;
    out.push(r.dst);
  }
  return out;
}
