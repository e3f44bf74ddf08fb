// The address pools of each network: valid CIDRs, gateway / ip_range / aux addresses inside their
// subnet, and no two networks of the file with overlapping subnets.
import { contains, formatAddr, overlaps, parseAddr, parseCidr, within, type Cidr } from '../../model/ip.js';
import type { NetworkDef, PoolDef, Value } from '../document/table.js';
import type { Check, Finding } from './check.js';

/** Docker's default gateway: the subnet's first address. */
export const firstAddress = (c: Cidr): string => formatAddr(c.family, c.base + 1n);

function checkPool(pool: PoolDef, out: Finding[]): Cidr | undefined {
  const subnet = pool.subnet && parseCidr(pool.subnet.value);
  if (pool.subnet && !subnet)
    out.push({
      code: 'invalid-cidr',
      message: `"${pool.subnet.value}" is not a CIDR (like 172.28.0.0/16).`,
      span: pool.subnet.span,
      fix: { kind: 'free-subnet' },
    });
  const addr = (v: Value<string>, code: 'gateway-outside-subnet' | 'aux-address-outside-subnet', what: string) => {
    const a = parseAddr(v.value);
    if (!a) out.push({ code: 'invalid-address', message: `"${v.value}" is not an IP address.`, span: v.span });
    else if (subnet && !contains(subnet, a)) {
      const fix =
        code === 'gateway-outside-subnet'
          ? { kind: 'replace' as const, text: firstAddress(subnet), title: `Use the subnet's first address ${firstAddress(subnet)}` }
          : undefined;
      out.push({ code, message: `${what} ${v.value} is not in the subnet ${pool.subnet!.value}.`, span: v.span, fix });
    }
  };
  if (pool.gateway) addr(pool.gateway, 'gateway-outside-subnet', 'Gateway');
  for (const aux of pool.aux) addr(aux, 'aux-address-outside-subnet', 'Auxiliary address');
  if (pool.ipRange) {
    const range = parseCidr(pool.ipRange.value);
    if (!range) out.push({ code: 'invalid-cidr', message: `"${pool.ipRange.value}" is not a CIDR.`, span: pool.ipRange.span });
    else if (subnet && !within(subnet, range))
      out.push({
        code: 'ip-range-outside-subnet',
        message: `ip_range ${pool.ipRange.value} is not within the subnet ${pool.subnet!.value}.`,
        span: pool.ipRange.span,
      });
  }
  return subnet;
}

export interface ParsedPool {
  network: NetworkDef;
  pool: PoolDef;
  cidr: Cidr;
}

/** Every valid subnet of the file, with the network it belongs to. */
export function fileSubnets(networks: NetworkDef[]): ParsedPool[] {
  return networks.flatMap((network) =>
    network.pools.flatMap((pool) => {
      const cidr = pool.subnet && parseCidr(pool.subnet.value);
      return cidr ? [{ network, pool, cidr }] : [];
    }),
  );
}

export const subnetCheck: Check = ({ doc }) => {
  const out: Finding[] = [];
  for (const n of doc.table.networks) for (const p of n.pools) checkPool(p, out);
  const pools = fileSubnets(doc.table.networks);
  for (const [i, a] of pools.entries()) {
    const other = pools.slice(0, i).find((b) => b.network !== a.network && overlaps(a.cidr, b.cidr));
    if (other) {
      out.push({
        code: 'subnet-overlap',
        message: `Subnet ${a.pool.subnet!.value} overlaps ${other.pool.subnet!.value} of network "${other.network.name}".`,
        span: a.pool.subnet!.span,
        fix: { kind: 'free-subnet' },
      });
    }
  }
  return out;
};
