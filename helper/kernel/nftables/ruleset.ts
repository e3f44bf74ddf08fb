// cnm's firewall as text, rendered from the networks alone (pure: no kernel, unit-tested).
// Everything lives in cnm's own table `inet cnm`. Rules are per network bridge, never per
// endpoint, so a connect never changes the firewall.
//
// ICC: traffic between two ports of one Linux bridge is switched, not routed, and reaches the
// inet forward hook only through br_netfilter (bridge-nf-call-iptables=1), which then shows it
// with iifname = oifname = the bridge. The bridge family's `meta ibrname` would avoid that, but
// it needs CONFIG_NFT_BRIDGE_META, which this kernel lacks (rule → EOPNOTSUPP), while
// br_netfilter is built in; nft.ts makes sure its sysctls are on when a network has ICC off.
import { parseCidr } from '../../../model/ip.js';
import { invalid } from '../../errors.js';
import { portChains, portNatRules, type PortRule } from './ports.js';

export interface NetworkRules {
  networkId: string;
  /** The network's bridge interface in cnmd's netns. */
  bridge: string;
  /** The network's subnets (IPv4 and IPv6 CIDRs). */
  subnets: string[];
  /** No traffic between the bridge and anything outside it. */
  internal: boolean;
  /** Inter-container communication on the bridge (com.docker.network.bridge.enable_icc). */
  icc: boolean;
  /** Masquerade the subnets leaving through any other interface (enable_ip_masquerade). */
  masquerade: boolean;
}

export const TABLE = 'cnm';

const IFNAME = /^[A-Za-z0-9_.:-]{1,15}$/;

function quoted(ifname: string): string {
  if (!IFNAME.test(ifname)) throw invalid(`invalid bridge interface name for the firewall: ${JSON.stringify(ifname)}`);
  return `"${ifname}"`;
}

const comment = (r: NetworkRules) => `comment "cnm:${r.networkId.slice(0, 12)}"`;

function forwardRules(rules: NetworkRules[]): string[] {
  const internal = rules.filter((r) => r.internal);
  const routed = rules.filter((r) => !r.internal);
  return [
    // Internal networks first: nothing in or out, not even replies (there can be no flows).
    ...internal.flatMap((r) => {
      const br = quoted(r.bridge);
      return [`iifname ${br} oifname != ${br} drop ${comment(r)}`, `oifname ${br} iifname != ${br} drop ${comment(r)}`];
    }),
    // ICC off: no container-to-container traffic on the bridge (the gateway is not forwarded).
    ...rules.filter((r) => !r.icc).map((r) => `iifname ${quoted(r.bridge)} oifname ${quoted(r.bridge)} drop ${comment(r)}`),
    'ct state established,related accept',
    ...routed.flatMap((r) => {
      const br = quoted(r.bridge);
      return [
        // Isolation: a cnm network never reaches another cnm network.
        `iifname ${br} oifname @bridges oifname != ${br} drop ${comment(r)}`,
        // From outside only published ports (DNAT) get in, as with Docker.
        `oifname ${br} ct status dnat accept ${comment(r)}`,
        `oifname ${br} iifname != ${br} drop ${comment(r)}`,
      ];
    }),
  ];
}

function natRules(rules: NetworkRules[]): string[] {
  return rules
    .filter((r) => r.masquerade && !r.internal)
    .flatMap((r) =>
      r.subnets.map((s) => {
        const c = parseCidr(s);
        if (!c) throw invalid(`invalid subnet for the firewall: ${s}`, { network: r.networkId });
        return `oifname != ${quoted(r.bridge)} ${c.family === 4 ? 'ip' : 'ip6'} saddr ${s} masquerade ${comment(r)}`;
      }),
    );
}

function chain(name: string, hook: string, rules: string[]): string[] {
  return [`\tchain ${name} {`, `\t\t${hook}`, ...rules.map((r) => `\t\t${r}`), '\t}'];
}

/** The full text of cnm's table for these networks and published ports (no flush/delete commands: see nft.ts). */
export function renderRuleset(rules: NetworkRules[], ports: PortRule[] = []): string {
  const sorted = [...rules].sort((a, b) => a.bridge.localeCompare(b.bridge));
  const bridges = sorted.map((r) => quoted(r.bridge));
  return (
    [
      `table inet ${TABLE} {`,
      '\tset bridges {',
      '\t\ttype ifname',
      ...(bridges.length ? [`\t\telements = { ${bridges.join(', ')} }`] : []),
      '\t}',
      ...chain('forward', 'type filter hook forward priority filter; policy accept;', forwardRules(sorted)),
      ...chain('postrouting', 'type nat hook postrouting priority srcnat; policy accept;', [...portNatRules(ports), ...natRules(sorted)]),
      ...portChains(ports),
      '}',
    ].join('\n') + '\n'
  );
}

/** true when bridged traffic must pass the inet hooks (br_netfilter): ICC off, or hairpin to published ports. */
export const needsBridgeNetfilter = (rules: NetworkRules[], ports: PortRule[] = []): boolean =>
  ports.length > 0 || rules.some((r) => !r.icc);
