// The names the embedded DNS serves, kept current by the core: one index per user-defined
// network (name → endpoints, address → endpoint), so that a query costs a few map lookups
// whatever the number of sandboxes, and a change is visible to the very next query.
// Answers are from the asking sandbox's point of view: only networks it is attached to.
import type { DnsRecord } from '../../model/cnm.js';
import { bits, parseAddr, formatAddr, type Family } from '../../model/ip.js';
import { invalid } from '../errors.js';

export interface EndpointRecord {
  endpointId: string;
  sandboxId: string;
  sandboxName: string;
  hostname: string;
  networkId: string;
  networkName: string;
  internal: boolean;
  /** false for the default bridge: Docker gives it no name resolution. */
  userDefined: boolean;
  aliases: string[];
  /** Docker's links on this endpoint: alias → container name, resolved from this sandbox only. */
  links?: Record<string, string>;
  /** Plain or CIDR form ('172.18.0.2/16'). */
  ipv4?: string;
  ipv6?: string;
}

/** One address of a name: its text and its wire bytes (4 or 16), so answers need no parsing. */
export interface AddressAnswer {
  address: string;
  bytes: Buffer;
}

export type Resolution =
  | { kind: 'found'; answers: AddressAnswer[] }
  /** The name exists (for this asker) but has no address of the asked family. */
  | { kind: 'nodata' }
  | { kind: 'nxdomain' };

export type QueryType = 'A' | 'AAAA';

interface Endpoint {
  rec: EndpointRecord;
  v4?: AddressAnswer;
  v6?: AddressAnswer;
  /** The lower-cased names this endpoint holds in its network's index. */
  keys: string[];
}

/** The endpoints holding one name on one network, and where the next answer starts. */
interface Holders {
  endpoints: Endpoint[];
  next: number;
}

interface NetworkIndex {
  name: string;
  internal: boolean;
  names: Map<string, Holders>;
  byAddress: Map<string, Endpoint>;
}

interface SandboxState {
  name: string;
  endpoints: Map<string, Endpoint>;
  upstreams: string[];
}

const NXDOMAIN: Resolution = { kind: 'nxdomain' };
const NODATA: Resolution = { kind: 'nodata' };

export class DnsRegistry {
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly sandboxes = new Map<string, SandboxState>();
  private readonly networks = new Map<string, NetworkIndex>();

  upsertEndpoint(rec: EndpointRecord): void {
    this.unindex(rec.endpointId);
    const ep: Endpoint = {
      rec: { ...rec, aliases: [...rec.aliases], links: lowerKeys(rec.links) },
      v4: rec.ipv4 ? answerFor(rec.ipv4, 4, rec) : undefined,
      v6: rec.ipv6 ? answerFor(rec.ipv6, 6, rec) : undefined,
      keys: [],
    };
    this.endpoints.set(rec.endpointId, ep);
    const sb = this.sandbox(rec.sandboxId);
    sb.name = rec.sandboxName;
    sb.endpoints.set(rec.endpointId, ep);
    if (rec.userDefined) this.index(ep);
  }

  removeEndpoint(endpointId: string): void {
    const ep = this.unindex(endpointId);
    if (!ep) return;
    this.endpoints.delete(endpointId);
    this.sandboxes.get(ep.rec.sandboxId)?.endpoints.delete(endpointId);
  }

  renameSandbox(sandboxId: string, newName: string): void {
    const sb = this.sandboxes.get(sandboxId);
    if (!sb) return;
    sb.name = newName;
    for (const ep of [...sb.endpoints.values()]) this.upsertEndpoint({ ...ep.rec, sandboxName: newName });
  }

  /** Where this sandbox's other queries go (the host's resolvers minus loopback, or --dns). */
  setUpstreams(sandboxId: string, servers: string[]): void {
    this.sandbox(sandboxId).upstreams = [...servers];
  }

  removeSandbox(sandboxId: string): void {
    const sb = this.sandboxes.get(sandboxId);
    if (!sb) return;
    for (const id of [...sb.endpoints.keys()]) this.removeEndpoint(id);
    this.sandboxes.delete(sandboxId);
  }

  /**
   * Forwarding for a sandbox: its upstreams, and whether it may forward at all. Like Docker,
   * a sandbox whose user-defined networks are all internal does not forward (SERVFAIL).
   */
  forwarding(sandboxId: string): { upstreams: readonly string[]; allowed: boolean } {
    const sb = this.sandboxes.get(sandboxId);
    if (!sb) return { upstreams: [], allowed: false };
    let allowed = false;
    for (const ep of sb.endpoints.values()) if (ep.rec.userDefined && !ep.rec.internal) allowed = true;
    return { upstreams: sb.upstreams, allowed };
  }

  /**
   * A/AAAA for `qname` as `sandboxId` sees it. Like libnetwork: the whole name on each of the
   * asker's networks first, then NAME.NETWORK for every split of the name at a dot. The first
   * network with an address wins; several holders of a name come back rotated on each call.
   */
  resolve(sandboxId: string, qname: string, type: QueryType): Resolution {
    const sb = this.sandboxes.get(sandboxId);
    if (!sb || sb.endpoints.size === 0) return NXDOMAIN;
    const lower = qname.toLowerCase();
    const name = lower.endsWith('.') ? lower.slice(0, -1) : lower;
    const family: Family = type === 'A' ? 4 : 6;
    let exists = false;
    for (const ep of sb.endpoints.values()) {
      const net = this.networks.get(ep.rec.networkId);
      // A link alias of the asking endpoint stands for the linked container's name (libnetwork).
      const holders = net?.names.get(ep.rec.links?.[name] ?? name);
      if (!holders) continue;
      const found = pick(holders, family);
      if (found) return found;
      exists = true;
    }
    for (let dot = name.indexOf('.'); dot > 0; dot = name.indexOf('.', dot + 1)) {
      const suffix = name.slice(dot + 1);
      for (const ep of sb.endpoints.values()) {
        const net = this.networks.get(ep.rec.networkId);
        if (!net || net.name !== suffix) continue;
        const holders = net.names.get(name.slice(0, dot));
        if (!holders) continue;
        const found = pick(holders, family);
        if (found) return found;
        exists = true;
      }
    }
    return exists ? NODATA : NXDOMAIN;
  }

  /** PTR: `NAME.NETWORK` of the sandbox holding `address` on one of the asker's networks. */
  reverse(sandboxId: string, address: string): string | undefined {
    const sb = this.sandboxes.get(sandboxId);
    const parsed = parseAddr(address);
    if (!sb || !parsed) return undefined;
    const key = formatAddr(parsed.family, parsed.value);
    for (const ep of sb.endpoints.values()) {
      const net = this.networks.get(ep.rec.networkId);
      const owner = net?.byAddress.get(key);
      if (net && owner) return `${owner.rec.sandboxName}.${net.name}`;
    }
    return undefined;
  }

  /** Every record served, optionally on one network (name or id), for `cnm dns ls`. */
  records(network?: string): DnsRecord[] {
    const out: DnsRecord[] = [];
    for (const [id, net] of this.networks) {
      if (network !== undefined && network !== id && network !== net.name) continue;
      for (const [name, holders] of net.names) {
        for (const ep of holders.endpoints) {
          const base = { network: net.name, name, sandbox: ep.rec.sandboxName };
          if (ep.v4) out.push({ ...base, type: 'A', address: ep.v4.address });
          if (ep.v6) out.push({ ...base, type: 'AAAA', address: ep.v6.address });
        }
      }
    }
    return out.sort((a, b) => a.network.localeCompare(b.network) || a.name.localeCompare(b.name) || a.address.localeCompare(b.address));
  }

  private sandbox(id: string): SandboxState {
    let sb = this.sandboxes.get(id);
    if (!sb) {
      sb = { name: '', endpoints: new Map(), upstreams: [] };
      this.sandboxes.set(id, sb);
    }
    return sb;
  }

  private index(ep: Endpoint): void {
    const { rec } = ep;
    let net = this.networks.get(rec.networkId);
    if (!net) {
      net = { name: rec.networkName, internal: rec.internal, names: new Map(), byAddress: new Map() };
      this.networks.set(rec.networkId, net);
    }
    net.name = rec.networkName;
    net.internal = rec.internal;
    ep.keys = [...new Set([rec.sandboxName, rec.hostname, ...rec.aliases].filter(Boolean).map((n) => n.toLowerCase()))];
    for (const key of ep.keys) {
      let holders = net.names.get(key);
      if (!holders) net.names.set(key, (holders = { endpoints: [], next: 0 }));
      holders.endpoints.push(ep);
    }
    for (const a of [ep.v4, ep.v6]) if (a) net.byAddress.set(a.address, ep);
  }

  /** Takes an endpoint's names and addresses out of its network's index; returns it. */
  private unindex(endpointId: string): Endpoint | undefined {
    const ep = this.endpoints.get(endpointId);
    if (!ep) return undefined;
    const net = this.networks.get(ep.rec.networkId);
    if (!net) return ep;
    for (const key of ep.keys) {
      const holders = net.names.get(key);
      if (!holders) continue;
      holders.endpoints = holders.endpoints.filter((e) => e !== ep);
      if (holders.endpoints.length === 0) net.names.delete(key);
    }
    for (const a of [ep.v4, ep.v6]) if (a && net.byAddress.get(a.address) === ep) net.byAddress.delete(a.address);
    ep.keys = [];
    if (net.names.size === 0 && net.byAddress.size === 0) this.networks.delete(ep.rec.networkId);
    return ep;
  }
}

function lowerKeys(links: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!links) return undefined;
  return Object.fromEntries(Object.entries(links).map(([alias, name]) => [alias.toLowerCase(), name.toLowerCase()]));
}

/** The holders' addresses of one family, starting one further on each call (round robin). */
function pick(holders: Holders, family: Family): Resolution | undefined {
  const all = holders.endpoints;
  const start = holders.next++ % all.length;
  const answers: AddressAnswer[] = [];
  for (let i = 0; i < all.length; i++) {
    const a = family === 4 ? all[(start + i) % all.length].v4 : all[(start + i) % all.length].v6;
    if (a) answers.push(a);
  }
  if (holders.next >= all.length) holders.next = 0;
  return answers.length ? { kind: 'found', answers } : undefined;
}

function answerFor(text: string, family: Family, rec: EndpointRecord): AddressAnswer {
  const parsed = parseAddr(text.split('/')[0]);
  if (!parsed || parsed.family !== family) {
    throw invalid(`invalid IPv${family} address ${text} for DNS`, {
      endpoint: rec.endpointId,
      sandbox: rec.sandboxName,
      network: rec.networkName,
    });
  }
  const size = bits(family) / 8;
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = Number((parsed.value >> BigInt((size - 1 - i) * 8)) & 0xffn);
  return { address: formatAddr(family, parsed.value), bytes };
}
