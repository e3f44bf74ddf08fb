// Create Network's live validation and the request it builds. Each validator returns a message
// (shown under the quick pick's input, before submit) or undefined when the value is fine.
import type { HostInfo } from '../../model/cnm.js';
import type { DockerInfo, NetworkCreateRequest, NetworkResource } from '../../model/docker.js';
import { DRIVER_INFO, driverInfo } from '../../model/drivers.js';
import { contains, formatCidr, last, overlaps, parseAddr, parseCidr, within, type Cidr } from '../../model/ip.js';
import { LIMITS, subnetProblem } from '../../model/requests.js';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function validateName(name: string, networks: NetworkResource[]): string | undefined {
  if (!name) return 'A network needs a name';
  if (name.length > LIMITS.name) return `At most ${LIMITS.name} characters`;
  if (!NAME_RE.test(name)) return 'Use letters, digits, and . _ - (not first)';
  if (networks.some((n) => n.Name === name)) return `A network named "${name}" already exists`;
  return undefined;
}

/** Routes that say nothing about a subnet being taken: the default route and host routes. */
function routeCidr(dst: string): Cidr | undefined {
  if (dst === 'default') return undefined;
  const c = parseCidr(dst.includes('/') ? dst : `${dst}/${dst.includes(':') ? 128 : 32}`);
  return c && c.prefix > 0 ? c : undefined;
}

export function validateSubnet(text: string, networks: NetworkResource[], host: HostInfo | undefined): string | undefined {
  if (!text) return undefined; // empty: IPAM picks a free pool
  const c = parseCidr(text);
  if (!c) return `"${text}" is not a CIDR (e.g. 172.30.0.0/24)`;
  const noRoom = subnetProblem(text); // the daemon's own rule (model/requests.ts)
  if (noRoom) return noRoom;
  if (c.addr !== c.base) return `Host bits set: did you mean ${formatCidr(c)}?`;
  for (const n of networks) {
    for (const pool of n.IPAM?.Config ?? []) {
      const other = pool.Subnet ? parseCidr(pool.Subnet) : undefined;
      if (other && overlaps(c, other)) return `Overlaps network "${n.Name}" (${pool.Subnet})`;
    }
  }
  for (const r of host?.routes ?? []) {
    const other = routeCidr(r.dst);
    if (other && overlaps(c, other)) return `Overlaps a host route: ${r.dst}${r.ifname ? ' dev ' + r.ifname : ''}`;
  }
  return undefined;
}

export function validateGateway(text: string, subnet: string): string | undefined {
  if (!text) return undefined;
  const a = parseAddr(text);
  if (!a) return `"${text}" is not an IP address`;
  const c = parseCidr(subnet);
  if (!c) return 'A gateway needs a subnet';
  if (!contains(c, a)) return `${text} is outside ${subnet}`;
  if (c.family === 4 && c.prefix < 31 && (a.value === c.base || a.value === last(c))) return `${text} is the network or broadcast address`;
  return undefined;
}

export function validateIpRange(text: string, subnet: string): string | undefined {
  if (!text) return undefined;
  const r = parseCidr(text);
  if (!r) return `"${text}" is not a CIDR`;
  const c = parseCidr(subnet);
  if (!c) return 'An IP range needs a subnet';
  if (!within(c, r)) return `${text} is not inside ${subnet}`;
  return undefined;
}

/** "a=b, c=d" → {a: 'b', c: 'd'}, or an error message. */
export function parseDriverOptions(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) return `"${part}" is not key=value`;
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

export interface CreateAnswers {
  name: string;
  driver: string;
  subnet: string;
  gateway: string;
  ipRange: string;
  internal: boolean;
  ipv6: boolean;
  ipv6Subnet: string;
  options: Record<string, string>;
  /** `local` for a stand-alone overlay on a cnmd without a cluster store (model/overlay.ts requestScope). */
  scope?: string;
}

export function buildCreateRequest(a: CreateAnswers): NetworkCreateRequest {
  const config = [
    ...(a.subnet ? [{ Subnet: a.subnet, ...(a.gateway ? { Gateway: a.gateway } : {}), ...(a.ipRange ? { IPRange: a.ipRange } : {}) }] : []),
    ...(a.ipv6 && a.ipv6Subnet ? [{ Subnet: a.ipv6Subnet }] : []),
  ];
  return {
    Name: a.name,
    CheckDuplicate: true,
    Driver: a.driver,
    ...(a.scope ? { Scope: a.scope } : {}),
    Internal: a.internal,
    EnableIPv6: a.ipv6,
    IPAM: { Driver: 'default', Config: config },
    Options: a.options,
  };
}

export interface DriverChoice {
  name: string;
  description?: string;
}

/**
 * The drivers the wizard offers: what the daemon reports in GET /info → Plugins.Network (less the
 * built-ins' host and null); without that, cnm's whole vocabulary, and fromDaemon false so the
 * wizard says the daemon may lack some.
 */
export function creatableDrivers(info: DockerInfo | undefined): { drivers: DriverChoice[]; fromDaemon: boolean } {
  const reported = info?.Plugins?.Network;
  const fromDaemon = Array.isArray(reported) && reported.length > 0;
  const names = fromDaemon ? reported : Object.keys(DRIVER_INFO);
  return {
    fromDaemon,
    drivers: names.filter((d) => !driverInfo(d) || driverInfo(d)!.ipam).map((d) => ({ name: d, description: driverInfo(d)?.description })),
  };
}
