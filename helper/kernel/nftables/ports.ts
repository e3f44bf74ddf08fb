// Published ports as nftables text (pure, unit-tested), spliced into cnm's table by ruleset.ts.
// No userland proxy: DNAT in the kernel, so the server sees the client's own address
//  - from outside the host: prerouting DNAT, forwarded to the bridge (forward chain: ct status dnat);
//  - from the host itself: the output hook DNATs local traffic to a local address;
//  - from 127.0.0.1: route_localnet on the bridge (set by nft.ts) lets a loopback source leave by
//    it, but the sandbox cannot answer 127.0.0.1, so these are masqueraded (the only case, with
//    self-hairpin, where the server does not see the client's address);
//  - hairpin, a sandbox to a neighbour's published port: br_netfilter (turned on by nft.ts) runs
//    the same DNAT on the bridged frame and un-NATs the bridged reply, so the source is kept;
//  - self-hairpin, a sandbox to its own published port: source = destination, so the reply would
//    never leave the sandbox: masqueraded to the gateway (hairpin mode on its bridge port, set by
//    the bridge driver, sends the frame back out the port it came in on).
// IPv6 has no route_localnet: [::1] cannot reach a published port (Docker uses its proxy there).
import type { PortProto } from '../../../model/ports.js';
import { parseAddr } from '../../../model/ip.js';
import { invalid } from '../../errors.js';

export interface PortRule {
  sandboxId: string;
  proto: PortProto;
  /** The host address it is bound to; 0.0.0.0 / :: = every local address of that family. */
  hostIp: string;
  hostPort: number;
  /** The sandbox's address on the network it is published from (its family picks ip / ip6). */
  targetIp: string;
  targetPort: number;
  /** That network's bridge in cnmd's netns. */
  bridge: string;
}

const family = (ip: string): 4 | 6 => {
  const a = parseAddr(ip);
  if (!a) throw invalid(`invalid address for the firewall: ${JSON.stringify(ip)}`);
  return a.family;
};
const ipKw = (ip: string) => (family(ip) === 4 ? 'ip' : 'ip6');
const wildcard = (ip: string) => ip === '0.0.0.0' || ip === '::';
const port = (n: number) => {
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw invalid(`invalid port for the firewall: ${n}`);
  return n;
};
const comment = (p: PortRule) => `comment "cnm:${p.sandboxId.slice(0, 12)}"`;
const target = (p: PortRule) =>
  family(p.targetIp) === 4 ? `${p.targetIp}:${port(p.targetPort)}` : `[${p.targetIp}]:${port(p.targetPort)}`;

/** One DNAT rule per published port, in the `published` chain that prerouting and output jump to. */
function dnatRule(p: PortRule): string {
  const kw = ipKw(p.targetIp);
  if (ipKw(p.hostIp) !== kw) throw invalid(`host address ${p.hostIp} and sandbox address ${p.targetIp} differ in family`);
  const dst = wildcard(p.hostIp) ? `meta nfproto ${kw === 'ip' ? 'ipv4' : 'ipv6'}` : `${kw} daddr ${p.hostIp}`;
  return `${dst} ${p.proto} dport ${port(p.hostPort)} dnat ${kw} to ${target(p)} ${comment(p)}`;
}

/** The chains for published ports (none without ports, so the table stays as it was). */
export function portChains(ports: PortRule[]): string[] {
  if (!ports.length) return [];
  const sorted = [...ports].sort((a, b) => a.hostPort - b.hostPort || a.proto.localeCompare(b.proto) || a.hostIp.localeCompare(b.hostIp));
  const chain = (name: string, lines: string[]) => [`\tchain ${name} {`, ...lines.map((l) => `\t\t${l}`), '\t}'];
  return [
    ...chain('published', sorted.map(dnatRule)),
    ...chain('prerouting', ['type nat hook prerouting priority dstnat; policy accept;', 'fib daddr type local jump published']),
    // `dstnat` names a priority of the prerouting hook only; the output hook takes its number.
    ...chain('output', ['type nat hook output priority -100; policy accept;', 'fib daddr type local jump published']),
  ];
}

/** Postrouting rules (before the networks' masquerade): loopback clients and self-hairpin. */
export function portNatRules(ports: PortRule[]): string[] {
  if (!ports.length) return [];
  const targets = [...new Set(ports.map((p) => p.targetIp))].sort();
  return [
    'ct status dnat ip saddr 127.0.0.0/8 masquerade comment "cnm:published from localhost"',
    ...targets.map((t) => `ct status dnat ${ipKw(t)} saddr ${t} ${ipKw(t)} daddr ${t} masquerade comment "cnm:hairpin"`),
  ];
}

/** Bridges whose published IPv4 ports must be reachable from 127.0.0.1 (route_localnet). */
export const localnetBridges = (ports: PortRule[]): string[] =>
  [
    ...new Set(ports.filter((p) => family(p.targetIp) === 4 && (wildcard(p.hostIp) || p.hostIp.startsWith('127.'))).map((p) => p.bridge)),
  ].sort();
