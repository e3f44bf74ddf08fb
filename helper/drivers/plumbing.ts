// Kernel steps every driver that gives a sandbox an interface shares: gateway arithmetic, the
// interface's addresses and default route (pipelined on the sandbox's socket), a macvlan born
// inside the sandbox. Drivers compose these; the kernel calls themselves live in helper/kernel.
import type { Endpoint, Network } from '../../model/cnm.js';
import { contains, normalizeAddr, parseAddr, parseCidr } from '../../model/ip.js';
import { CnmError } from '../errors.js';
import { Netlink, type MacvlanSpec } from '../kernel/netlink/netlink.js';
import { setIPv6 } from '../kernel/sysctl.js';
import type { KernelView, SandboxHandle } from './driver.js';
import { ownerAlias } from './owner.js';

export const isV6 = (cidr: string): boolean => cidr.includes(':');

/** Gateway CIDRs: each pool's gateway with its subnet's prefix length. */
export function gatewayCidrs(net: Network): string[] {
  return net.ipam.pools.flatMap((p) => {
    const subnet = parseCidr(p.subnet);
    return p.gateway && subnet ? [`${p.gateway}/${subnet.prefix}`] : [];
  });
}

/** The gateway of the pool whose subnet holds `cidr` (an endpoint address). */
export function gatewayFor(net: Network, cidr: string): string | undefined {
  const addr = parseAddr(cidr.split('/')[0]);
  return net.ipam.pools.find((p) => {
    const subnet = parseCidr(p.subnet);
    return addr && subnet && contains(subnet, addr);
  })?.gateway;
}

/** Adds an address; one that is already there (re-adoption) is not an error. */
export async function addAddressIfMissing(nl: Netlink, ifname: string, cidr: string): Promise<void> {
  try {
    await nl.addAddress(ifname, cidr, { nodad: isV6(cidr) });
  } catch (err) {
    if (!(err instanceof CnmError && err.kind === 'conflict')) throw err;
  }
}

/** Every address an endpoint puts on its interface: its IPs and its link-local ones. */
export function interfaceAddresses(ep: Endpoint): string[] {
  return [ep.ipv4, ep.ipv6, ...(ep.linkLocal ?? [])].filter((a): a is string => a !== undefined);
}

/**
 * Up, addresses, default routes of the endpoint's interface: sent back to back on the sandbox's
 * socket, after `before` (requests already sent there), which the kernel handles in order (the
 * route finds its gateway on the address added just before): one round trip. `ipv6` is the
 * interface's IPv6 state when known; switching it is a sysctl by name, so it waits for `before`
 * (a rename) to finish.
 */
export async function plumbInterface(
  net: Network,
  ep: Endpoint,
  sb: SandboxHandle,
  defaultRoute: boolean,
  before: Promise<void>[] = [],
  ipv6?: boolean,
): Promise<void> {
  const nl = sb.nl!;
  const addrs = [ep.ipv4, ep.ipv6].filter((a): a is string => a !== undefined);
  if (ipv6 !== (ep.ipv6 !== undefined)) {
    await Netlink.inOrder(before);
    before = [];
    setIPv6(ep.ifname, ep.ipv6 !== undefined, sb.sandbox.netnsPath);
  }
  const requests: Promise<void>[] = [...before, nl.setUp(ep.ifname)];
  for (const cidr of interfaceAddresses(ep)) requests.push(nl.addAddress(ep.ifname, cidr, { nodad: isV6(cidr) }));
  if (defaultRoute) {
    for (const cidr of addrs) {
      const gateway = gatewayFor(net, cidr);
      if (gateway) requests.push(nl.addRoute({ gateway, ifname: ep.ifname }));
    }
  }
  await Netlink.inOrder(requests);
}

const sameCidr = (a: string, b: string): boolean => {
  const [aa, ap] = a.split('/');
  const [ba, bp] = b.split('/');
  return ap === bp && normalizeAddr(aa) === normalizeAddr(ba);
};

/** How the endpoint's interface inside the sandbox differs from what plumbInterface makes. */
export function interfaceProblems(net: Network, ep: Endpoint, view: KernelView, defaultRoute: boolean): string[] {
  const link = view.links.find((l) => l.name === ep.ifname);
  if (!link) return [`${ep.ifname} is missing in the sandbox`];
  const problems: string[] = [];
  if (!link.up) problems.push(`${ep.ifname} is down`);
  if (ep.mac && link.mac.toLowerCase() !== ep.mac.toLowerCase()) problems.push(`${ep.ifname} has MAC ${link.mac}, not ${ep.mac}`);
  for (const cidr of interfaceAddresses(ep)) {
    if (!view.addrs.some((a) => a.ifname === ep.ifname && sameCidr(a.cidr, cidr))) problems.push(`${ep.ifname} lacks ${cidr}`);
  }
  for (const cidr of [ep.ipv4, ep.ipv6]) {
    if (!cidr) continue;
    const gateway = defaultRoute ? gatewayFor(net, cidr) : undefined;
    const dst = isV6(cidr) ? '::/0' : '0.0.0.0/0';
    if (
      gateway &&
      !view.routes.some((r) => r.dst === dst && r.ifname === ep.ifname && normalizeAddr(r.gateway ?? '') === normalizeAddr(gateway))
    ) {
      problems.push(`no default route via ${gateway} on ${ep.ifname}`);
    }
  }
  return problems;
}

/**
 * A macvlan on `parent` (in cnmd's namespace) born inside the sandbox as ep.ifname with ep.mac
 * (no move between namespaces: a move costs ~20 ms in the kernel), then aliased, addressed and up
 * through the sandbox's socket. On failure the half-made link is deleted.
 */
export async function macvlanIntoSandbox(
  host: Netlink,
  net: Network,
  ep: Endpoint,
  sb: SandboxHandle,
  link: Pick<MacvlanSpec, 'parent' | 'mode' | 'mtu'>,
  defaultRoute: boolean,
): Promise<void> {
  const nl = sb.nl!;
  await host.createMacvlan({ ...link, name: ep.ifname, netnsPath: sb.sandbox.netnsPath, mac: ep.mac, alias: ownerAlias(ep.id) });
  try {
    await plumbInterface(net, ep, sb, defaultRoute, [nl.setAlias(ep.ifname, ownerAlias(ep.id))]);
  } catch (err) {
    await nl.deleteLink(ep.ifname).catch(() => undefined);
    throw err;
  }
}
