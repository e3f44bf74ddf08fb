// Subnets that overlap nothing: not the file's other networks, not the host's networks or routes.
// Candidates follow Docker's default address pools (172.17-31.0.0/16, then 192.168.0.0/20 blocks).
import { formatCidr, overlaps, parseCidr, type Cidr } from '../../model/ip.js';
import type { HostSnapshot } from '../checks/check.js';

function* candidates(): Generator<Cidr> {
  for (let b = 17; b <= 31; b++) yield parseCidr(`172.${b}.0.0/16`)!;
  for (let c = 0; c <= 240; c += 16) yield parseCidr(`192.168.${c}.0/20`)!;
  for (let b = 0; b <= 255; b++) yield parseCidr(`10.${b}.0.0/16`)!;
}

/** Every subnet in use on the host: network pools and route destinations. */
export function hostSubnets(host: HostSnapshot | undefined): string[] {
  if (!host) return [];
  return [...host.networks.flatMap((n) => n.IPAM.Config.map((c) => c.Subnet ?? '')), ...host.host.routes.map((r) => r.dst)];
}

export function freeSubnets(used: readonly string[], count: number): string[] {
  const taken = used.flatMap((u) => parseCidr(u) ?? []);
  const out: string[] = [];
  for (const c of candidates()) {
    if (out.length >= count) break;
    if (!taken.some((t) => overlaps(t, c))) out.push(formatCidr(c));
  }
  return out;
}
