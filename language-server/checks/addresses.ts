// Static addresses of services / sandboxes: valid, inside one of the network's subnets, not the
// gateway, and not given twice on the same network.
import { contains, formatAddr, parseAddr, parseCidr, type Cidr } from '../../model/ip.js';
import type { NetworkDef, Value } from '../document/table.js';
import type { Check, Finding } from './check.js';
import { firstAddress } from './subnets.js';

export const addressCheck: Check = ({ doc }) => {
  const out: Finding[] = [];
  // Each network's pools parsed once, however many services use it.
  const parsed = new Map<NetworkDef, Array<{ c: Cidr; gateway?: string }>>();
  const poolsOf = (net: NetworkDef) => {
    let pools = parsed.get(net);
    if (!pools) {
      pools = net.pools.flatMap((p) => {
        const c = p.subnet && parseCidr(p.subnet.value);
        return c ? [{ c, gateway: p.gateway?.value }] : [];
      });
      parsed.set(net, pools);
    }
    return pools;
  };
  const seen = new Map<string, string>();
  for (const s of doc.table.services) {
    for (const att of s.attachments) {
      const net = doc.table.byName.get(att.network);
      for (const v of [att.ipv4, att.ipv6].filter((x): x is Value<string> => x !== undefined)) {
        const a = parseAddr(v.value);
        if (!a) {
          out.push({ code: 'invalid-address', message: `"${v.value}" is not an IP address.`, span: v.span });
          continue;
        }
        if (!net || net.external) continue;
        const pools = poolsOf(net).filter((p) => p.c.family === a.family);
        const home = pools.find((p) => contains(p.c, a));
        if (!home) {
          const why =
            pools.length === 0
              ? `network "${net.name}" has no configured ${a.family === 4 ? 'IPv4' : 'IPv6'} subnet (static addresses need one)`
              : `not in the subnets of network "${net.name}"`;
          out.push({ code: 'address-outside-subnet', message: `${v.value}: ${why}.`, span: v.span });
          continue;
        }
        const gateway = home.gateway ?? firstAddress(home.c);
        if (parseAddr(gateway)?.value === a.value) {
          out.push({ code: 'address-is-gateway', message: `${v.value} is the gateway of network "${net.name}".`, span: v.span });
        }
        const key = `${net.name}|${formatAddr(a.family, a.value)}`;
        const first = seen.get(key);
        if (first) {
          out.push({
            code: 'duplicate-address',
            message: `${v.value} is already given to "${first}" on network "${net.name}".`,
            span: v.span,
            fix: { kind: 'delete-line', title: `Remove the duplicate address ${v.value}` },
          });
        } else seen.set(key, s.name);
      }
    }
  }
  return out;
};
