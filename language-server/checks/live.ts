// Checks against the host as cnmd last reported it: subnets that collide with existing networks
// or routes, macvlan parents the host lacks, external networks that do not exist, drivers the
// connected cnmd does not implement. Without a
// connection (no snapshot) they find nothing.
import { DEFAULT_DRIVER, driverInfo } from '../../model/drivers.js';
import { overlaps, parseCidr, type Cidr } from '../../model/ip.js';
import { hostNameOf } from '../document/names.js';
import type { Check, Finding } from './check.js';
import { fileSubnets } from './subnets.js';

/** Host interfaces a macvlan parent may name: eth0, or eth0.10 (a VLAN Docker makes on eth0). */
const overlapsText = (c: Cidr, text: string | undefined): boolean => {
  const other = text ? parseCidr(text) : undefined;
  return other !== undefined && overlaps(c, other);
};

const parentExists = (parent: string, names: Set<string>) => names.has(parent) || names.has(parent.split('.')[0]);

export const liveCheck: Check = ({ doc, host }) => {
  if (!host) return [];
  const out: Finding[] = [];
  const hostNames = new Map(doc.table.networks.map((n) => [n, hostNameOf(doc, n)]));
  for (const { network, pool, cidr } of fileSubnets(doc.table.networks)) {
    const self = hostNames.get(network);
    const ownSubnets = host.networks.filter((n) => n.Name === self).flatMap((n) => n.IPAM.Config.map((c) => c.Subnet));
    const net = host.networks.find((n) => n.Name !== self && n.IPAM.Config.some((c) => overlapsText(cidr, c.Subnet)));
    // A network's own bridge route is no collision with itself.
    const route = host.host.routes.find((r) => !ownSubnets.includes(r.dst) && overlapsText(cidr, r.dst));
    const what = net
      ? `network "${net.Name}" on the host (${net.IPAM.Config.map((c) => c.Subnet).join(', ')})`
      : route
        ? `the host route ${route.dst}${route.ifname ? ` on ${route.ifname}` : ''}`
        : undefined;
    if (what)
      out.push({
        code: 'host-subnet-overlap',
        message: `Subnet ${pool.subnet!.value} overlaps ${what}.`,
        span: pool.subnet!.span,
        fix: { kind: 'free-subnet' },
      });
  }
  const ifnames = new Set(host.host.interfaces.map((i) => i.name));
  const existing = new Set(host.networks.map((n) => n.Name));
  for (const n of doc.table.networks) {
    const parent = n.options.find((o) => o.key.value === 'parent');
    if (n.driver?.value === 'macvlan' && parent?.value && !parentExists(String(parent.value.value), ifnames)) {
      out.push({ code: 'macvlan-parent-unknown', message: `The host has no interface "${parent.value.value}".`, span: parent.value.span });
    }
    const external = n.external?.value === true || n.external?.value === 'true';
    if (external && !existing.has(hostNames.get(n)!)) {
      out.push({
        code: 'external-network-missing',
        message: `External network "${hostNames.get(n)}" does not exist on the host.`,
        span: n.key,
      });
    }
    const driver = n.driver?.value ?? DEFAULT_DRIVER;
    // Drivers outside the vocabulary are the static check's (unknown-driver).
    if (!external && driverInfo(driver) && !host.daemon.drivers.includes(driver)) {
      const { name, url, drivers } = host.daemon;
      out.push({
        code: 'driver-not-on-host',
        message: `The cnmd on host "${name}" (${url}) has no ${driver} driver (it has: ${drivers.join(', ')}).`,
        span: n.driver?.span ?? n.key,
      });
    }
  }
  return out;
};
