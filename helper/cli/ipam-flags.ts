// --subnet/--ip-range/--gateway/--aux-address → IPAM pool configs, paired the way the docker CLI
// pairs them: each range, gateway and aux address goes to the subnet that contains it.
import type { IPAMPoolConfig } from '../../model/docker.js';
import { contains, parseAddr, parseCidr, type Cidr } from '../../model/ip.js';
import { FlagError } from './flags.js';

function subnetOf(text: string): Cidr {
  const c = parseCidr(text);
  if (!c) throw new FlagError(`invalid subnet ${text}: invalid CIDR address: ${text}`);
  return c;
}

/** Does `subnet` contain `data` (an address, or a CIDR's address)? */
function inSubnet(subnet: Cidr, data: string): boolean {
  const addr = parseAddr(data.split('/')[0]!);
  if (!addr) throw new FlagError(`invalid address ${data}`);
  return contains(subnet, addr);
}

export function consolidateIpam(subnets: string[], ranges: string[], gateways: string[], aux: Record<string, string>): IPAMPoolConfig[] {
  if (subnets.length < ranges.length || subnets.length < gateways.length) {
    throw new FlagError('every ip-range or gateway must have a corresponding subnet');
  }
  const pools = subnets.map((s) => ({ cidr: subnetOf(s), config: { Subnet: s } as IPAMPoolConfig }));
  pools.forEach((p, i) => {
    for (const q of pools.slice(0, i)) {
      if (inSubnet(p.cidr, q.config.Subnet!) || inSubnet(q.cidr, p.config.Subnet!)) {
        throw new FlagError('multiple overlapping subnet configuration is not supported');
      }
    }
  });
  const assign = (value: string, what: string, put: (c: IPAMPoolConfig) => void) => {
    const matching = pools.filter((p) => inSubnet(p.cidr, value));
    if (!matching.length) throw new FlagError(`no matching subnet for ${what} ${value}`);
    for (const p of matching) put(p.config);
  };
  for (const r of ranges) {
    assign(r, 'range', (c) => {
      if (c.IPRange) throw new FlagError(`cannot configure multiple ranges (${r}, ${c.IPRange}) on the same subnet (${c.Subnet})`);
      c.IPRange = r;
    });
  }
  for (const g of gateways) {
    assign(g, 'gateway', (c) => {
      if (c.Gateway) throw new FlagError(`cannot configure multiple gateways (${g}, ${c.Gateway}) for the same subnet (${c.Subnet})`);
      c.Gateway = g;
    });
  }
  for (const [name, addr] of Object.entries(aux)) {
    assign(addr, 'aux-address', (c) => {
      c.AuxiliaryAddresses = { ...c.AuxiliaryAddresses, [name]: addr };
    });
  }
  return pools.map((p) => p.config);
}
