// The model-based explainer: from the facts alone (no kernel calls), the path a packet from
// sandbox A takes to B, and the chain of reasons that decide it, each naming its object. Pure and
// unit-tested; diagnoser.ts gathers the facts and checks the verdict with a real probe.
//
// The path follows what cnm builds: an address inside a subnet of one of A's networks is on-link
// through that network's interface; anything else leaves by A's default route (its first
// non-internal network with a gateway), crosses the host (cnm's forward chain) and goes where the
// host routes it. Per-driver steps on a shared network live in SAME_NETWORK (the overlay driver
// adds "peer missing on this host" there).
import { contains, overlaps, parseAddr, parseCidr } from '../../model/ip.js';
import type { PortSpec, ReasonCode, Verdict, WhyReason, WhyTarget } from '../../model/diagnose.js';
import { conflictText } from '../../model/diagnose.js';
import type { EndpointFacts, Facts, NetFacts, SandboxFacts } from './facts.js';
import { evaluate, type Packet } from './nft-rules.js';

export interface Explanation {
  to: WhyTarget;
  verdict: Verdict;
  reason: ReasonCode;
  chain: WhyReason[];
  nameVisible?: boolean;
}

/** What a driver-specific check on a shared network sees. */
export interface SameNetworkStep {
  from: SandboxFacts;
  to: SandboxFacts;
  network: NetFacts;
  facts: Facts;
}

/** A driver's own step for two sandboxes on one of its networks; undefined when it has nothing to add. */
export type SameNetworkCheck = (step: SameNetworkStep) => WhyReason | undefined;

const netObj = (n: NetFacts) => ({ kind: 'network' as const, name: n.name, id: n.id });
const sbObj = (s: SandboxFacts) => ({ kind: 'sandbox' as const, name: s.name, id: s.id });

/** Per-driver steps for two sandboxes on one network of that driver. */
export const SAME_NETWORK: Record<string, SameNetworkCheck> = {
  bridge: ({ from, to, network }) =>
    network.icc
      ? undefined
      : {
          code: 'icc-disabled',
          level: 'block',
          text: `network ${network.name} has enable_icc=false: sandboxes on it cannot talk to each other (${from.name} → ${to.name})`,
          object: netObj(network),
          fix: `recreate ${network.name} without -o com.docker.network.bridge.enable_icc=false, or connect both to another network`,
        },
};

const familyOf = (ip: string) => parseAddr(ip)?.family;
const inCidr = (cidr: string, ip: string) => {
  const c = parseCidr(cidr);
  const a = parseAddr(ip);
  return !!c && !!a && contains(c, a);
};
const addrOf = (ep: EndpointFacts, family: 4 | 6) => (family === 4 ? ep.ipv4 : ep.ipv6);

/** Gateways of a network: the IPAM's, plus the host's addresses on its bridge. */
function gateways(n: NetFacts, facts: Facts): string[] {
  const onBridge = n.bridge ? facts.host.addresses.filter((a) => a.ifname === n.bridge).map((a) => a.cidr.split('/')[0]!) : [];
  return [...new Set([...n.gateways, ...onBridge])];
}

/** The route A's kernel would pick for `ip`: on-link through an endpoint, or the default route. */
function routeOf(a: SandboxFacts, ip: string): { onLink?: EndpointFacts; via?: EndpointFacts } {
  const fam = familyOf(ip)!;
  const onLink = a.endpoints.find((e) => addrOf(e, fam) && e.network.subnets.some((s) => inCidr(s, ip)));
  if (onLink) return { onLink };
  // cnm gives the default route to the first network (connect order) that is not internal.
  const via = a.endpoints.find(
    (e) => !e.network.internal && addrOf(e, fam) && (e.network.driver === 'bridge' || e.network.gateways.length),
  );
  return { via };
}

/** Longest-prefix match in the host's main table. */
function hostRoute(facts: Facts, ip: string) {
  let best: { dst: string; gateway?: string; ifname?: string } | undefined;
  let bestLen = -1;
  for (const r of facts.host.routes) {
    const c = parseCidr(r.dst);
    const a = parseAddr(ip);
    if (!c || !a || !contains(c, a)) continue;
    if (c.prefix > bestLen) {
      best = r;
      bestLen = c.prefix;
    }
  }
  return best;
}

/** The host's route to `ip`; without one, the no-route block (worded by the caller) goes on the chain. */
function hostRouteStep(facts: Facts, chain: WhyReason[], ip: string, noRoute: string) {
  const r = hostRoute(facts, ip);
  if (!r) chain.push({ code: 'no-route', level: 'block', text: noRoute, object: { kind: 'host', name: 'main table' } });
  return r;
}

/** Resolves B: a sandbox (name, id or id prefix), an IP, or a hostname as A's DNS would see it. */
export function resolveTarget(facts: Facts, a: SandboxFacts, text: string): { to: WhyTarget; sandbox?: SandboxFacts } {
  const sb = findSandbox(facts, text);
  if (sb) return { to: { kind: 'sandbox', text, sandbox: sb.name, name: sb.name }, sandbox: sb };
  if (parseAddr(text)) {
    const owner = facts.sandboxes.find((s) => s.endpoints.some((e) => e.ipv4 === text || e.ipv6 === text));
    return { to: { kind: 'ip', text, address: text, sandbox: owner?.name }, sandbox: owner };
  }
  const rec = visibleRecords(facts, a, text)[0];
  const owner = rec ? facts.sandboxes.find((s) => s.name === rec.sandbox || s.id === rec.sandbox) : undefined;
  return { to: { kind: 'hostname', text, name: text, address: rec?.address, sandbox: owner?.name }, sandbox: owner };
}

export function findSandbox(facts: Facts, ref: string): SandboxFacts | undefined {
  return (
    facts.sandboxes.find((s) => s.id === ref) ??
    facts.sandboxes.find((s) => s.name === ref) ??
    (ref.length >= 1 && /^[0-9a-f]+$/.test(ref) ? only(facts.sandboxes.filter((s) => s.id.startsWith(ref))) : undefined)
  );
}

const only = <T>(xs: T[]) => (xs.length === 1 ? xs[0] : undefined);

/** DNS records with this name on the networks A is on (what 127.0.0.11 answers A). */
function visibleRecords(facts: Facts, a: SandboxFacts, name: string) {
  const nets = new Set(a.endpoints.filter((e) => !e.network.defaultBridge).map((e) => e.network.name));
  const lower = name.toLowerCase().replace(/\.$/, '');
  return facts.dns.filter((r) => nets.has(r.network) && r.name.toLowerCase() === lower && r.type === 'A');
}

/** Why B's name does or does not resolve from A. */
function nameStep(facts: Facts, a: SandboxFacts, name: string): WhyReason {
  const seen = visibleRecords(facts, a, name);
  if (seen.length) {
    return {
      code: 'ok',
      level: 'pass',
      text: `${name} resolves from ${a.name} through 127.0.0.11 on ${seen[0]!.network} (${seen.map((r) => r.address).join(', ')})`,
      object: { kind: 'network', name: seen[0]!.network },
    };
  }
  const onDefault = a.endpoints.find((e) => e.network.defaultBridge);
  if (onDefault && a.endpoints.every((e) => e.network.defaultBridge)) {
    return {
      code: 'name-not-visible',
      level: 'warn',
      text: `${a.name} is only on the default bridge (${onDefault.network.name}), which has no embedded DNS: ${name} does not resolve there`,
      object: netObj(onDefault.network),
      fix: `create a user-defined network and connect both sandboxes to it`,
    };
  }
  const elsewhere = facts.dns.filter((r) => r.name.toLowerCase() === name.toLowerCase());
  if (elsewhere.length) {
    const nets = [...new Set(elsewhere.map((r) => r.network))];
    return {
      code: 'name-not-visible',
      level: 'warn',
      text: `${name} is served only on ${nets.join(', ')}, and ${a.name} is not on ${nets.length > 1 ? 'any of them' : 'it'}: names resolve only within a network`,
      object: { kind: 'network', name: nets[0]! },
      fix: `cnm network connect ${nets[0]} ${a.name}`,
    };
  }
  return {
    code: 'name-not-visible',
    level: 'warn',
    text: `no sandbox or alias named ${name} on ${a.name}'s networks; 127.0.0.11 forwards it to the host's resolvers`,
    object: sbObj(a),
  };
}

/** The first block decides; else the first warning; else ok. */
function conclude(chain: WhyReason[]): { verdict: Verdict; reason: ReasonCode } {
  const block = chain.find((r) => r.level === 'block');
  if (block) return { verdict: 'unreachable', reason: block.code };
  return { verdict: 'reachable', reason: chain.find((r) => r.level === 'warn')?.code ?? 'ok' };
}

/** Attaches the forward chain's verdict to the path: the rule behind a block, or a rule that drops. */
function firewallStep(facts: Facts, chain: WhyReason[], p: Packet, semantic?: WhyReason): void {
  if (!facts.firewall) {
    if (facts.firewallError)
      chain.push({
        code: 'firewall',
        level: 'warn',
        text: `cnm's firewall could not be read: ${facts.firewallError}`,
        object: { kind: 'rule', name: 'inet cnm' },
      });
    return;
  }
  const d = evaluate(facts.firewall, p);
  for (const r of d.skipped) {
    chain.push({
      code: 'firewall',
      level: 'warn',
      text: `a rule in cnm's table was not understood (at "${r.unknown}") and may change the verdict`,
      object: { kind: 'rule', name: r.text },
      rule: r.text,
    });
  }
  if (d.verdict === 'accept') {
    if (semantic) {
      chain.push({
        code: 'firewall',
        level: 'warn',
        text: `cnm's rule for this is missing from the kernel's table inet cnm: the kernel may let it through`,
        object: { kind: 'rule', name: 'inet cnm' },
        fix: 'restart cnmd to rewrite its firewall',
      });
    }
    return;
  }
  if (semantic && d.rule?.owner) {
    semantic.rule = d.rule.text;
    return;
  }
  chain.push({
    code: 'firewall',
    level: 'block',
    text: `a rule in cnm's nftables table (inet cnm, chain forward) ${d.verdict}s ${p.proto}${p.dport ? `/${p.dport}` : ''} from ${p.saddr} to ${p.daddr}`,
    object: { kind: 'rule', name: d.rule!.text },
    rule: d.rule!.text,
    fix: `nft delete rule inet cnm forward handle <n>  (nft -a list chain inet cnm forward shows it)`,
  });
}

/** Host routes/addresses overlapping the networks on the path: a warning (or the block, if the address falls in the overlap). */
function conflictSteps(facts: Facts, nets: NetFacts[], ip: string | undefined, chain: WhyReason[]): void {
  for (const c of facts.conflicts) {
    if (!nets.some((n) => n.id === c.networkId)) continue;
    const hit = ip !== undefined && inCidr(c.prefix, ip);
    chain.push({
      code: 'subnet-conflict',
      level: hit ? 'block' : 'warn',
      text: hit
        ? `${ip} is inside subnet ${c.subnet} of network ${c.network}, so it stays on ${c.network}; the host's ${c.kind} ${c.prefix}${c.ifname ? ` on ${c.ifname}` : ''} that also claims it is never used`
        : conflictText(c),
      object: { kind: c.kind, name: `${c.prefix}${c.ifname ? ` dev ${c.ifname}` : ''}` },
      fix: `move ${c.network} to a free subnet (or change the ${c.kind} on ${c.ifname ?? 'the host'})`,
    });
  }
}

function mtuStep(a: EndpointFacts, b: EndpointFacts | undefined, n: NetFacts, aName: string, bName?: string): WhyReason | undefined {
  const seen = [
    { who: `${aName} ${a.ifname}`, mtu: a.mtu },
    ...(b ? [{ who: `${bName} ${b.ifname}`, mtu: b.mtu }] : []),
    ...(n.bridge ? [{ who: `bridge ${n.bridge}`, mtu: n.mtu }] : []),
  ].filter((x): x is { who: string; mtu: number } => x.mtu !== undefined);
  if (new Set(seen.map((x) => x.mtu)).size <= 1) return undefined;
  return {
    code: 'mtu-mismatch',
    level: 'warn',
    text: `MTUs differ on ${n.name}: ${seen.map((x) => `${x.who} ${x.mtu}`).join(', ')}; packets larger than the smallest are dropped`,
    object: netObj(n),
    fix: `recreate ${n.name} with -o com.docker.network.driver.mtu=<one value>`,
  };
}

/** Explains A → B (a sandbox, an IP or a hostname), with an optional port. */
export function explain(facts: Facts, a: SandboxFacts, bText: string, port?: PortSpec): Explanation {
  const { to, sandbox: b } = resolveTarget(facts, a, bText);
  const chain: WhyReason[] = [];
  let nameVisible: boolean | undefined;
  const done = () => ({ to, ...conclude(chain), chain, nameVisible });

  if (b && b.id === a.id) {
    chain.push({ code: 'same-sandbox', level: 'pass', text: `${a.name} and ${bText} are the same sandbox: loopback`, object: sbObj(a) });
    return { to, verdict: 'reachable', reason: 'same-sandbox', chain };
  }
  if (to.name) {
    const step = nameStep(facts, a, to.name);
    nameVisible = step.level === 'pass';
    chain.push(step);
  }
  if (to.kind === 'hostname' && !to.address) {
    const known = (n: string) => n.toLowerCase() === bText.toLowerCase();
    if (!b && !facts.sandboxes.some((s) => known(s.name)) && !facts.dns.some((r) => known(r.name))) {
      chain.push({
        code: 'no-such-address',
        level: 'block',
        text: `${bText} is not a cnm sandbox; only a resolver outside cnm could answer for it`,
        object: { kind: 'host', name: bText },
      });
    } else {
      chain.find((r) => r.code === 'name-not-visible')!.level = 'block';
    }
    return done();
  }
  if (!a.endpoints.length && !a.hostNetns) {
    chain.push({
      code: 'no-network',
      level: 'block',
      text: `${a.name} is not connected to any network (only loopback)`,
      object: sbObj(a),
      fix: `cnm network connect <network> ${a.name}`,
    });
    return done();
  }

  // Which address of B: one on a network both are on, else B's first.
  const shared = b ? a.endpoints.filter((e) => b.endpoints.some((f) => f.network.id === e.network.id)) : [];
  if (b && !to.address) {
    const fam = 4;
    const onShared = shared.map((e) => b.endpoints.find((f) => f.network.id === e.network.id)!).find((f) => addrOf(f, fam));
    to.address = addrOf(onShared ?? b.endpoints.find((f) => f.ipv4) ?? b.endpoints[0]!, fam) ?? b.endpoints[0]?.ipv6;
  }
  const ip = to.address;
  if (!ip) {
    chain.push({
      code: 'no-network',
      level: 'block',
      text: `${b?.name ?? bText} has no address on any network`,
      object: b ? sbObj(b) : { kind: 'host', name: bText },
    });
    return done();
  }
  const proto = port?.proto ?? 'icmp';

  if (a.hostNetns) {
    hostToSandbox(facts, chain, a, b, ip);
  } else {
    const route = routeOf(a, ip);
    if (route.onLink) onLinkPath(facts, chain, a, b, ip, route.onLink, port, proto);
    else if (route.via) routedPath(facts, chain, a, b, ip, route.via, port, proto);
    else noWayOut(chain, a, ip);
  }
  if (port && b && conclude(chain).verdict === 'reachable') portStep(facts, chain, b, port);
  return done();
}

function noWayOut(chain: WhyReason[], a: SandboxFacts, ip: string): void {
  const internal = a.endpoints.find((e) => e.network.internal);
  if (internal) {
    chain.push({
      code: 'internal',
      level: 'block',
      text: `${a.name}'s only ${a.endpoints.length > 1 ? 'networks are' : 'network is'} --internal (${a.endpoints.map((e) => e.network.name).join(', ')}): there is no way out to ${ip}`,
      object: netObj(internal.network),
      fix: `connect ${a.name} to a network that is not internal`,
    });
  } else {
    chain.push({ code: 'no-route', level: 'block', text: `${a.name} has no route to ${ip} (no default route)`, object: sbObj(a) });
  }
}

function onLinkPath(
  facts: Facts,
  chain: WhyReason[],
  a: SandboxFacts,
  b: SandboxFacts | undefined,
  ip: string,
  ep: EndpointFacts,
  port: PortSpec | undefined,
  proto: Packet['proto'],
) {
  const n = ep.network;
  const bEp = b?.endpoints.find((e) => e.network.id === n.id && (e.ipv4 === ip || e.ipv6 === ip));
  conflictSteps(facts, [n], bEp ? undefined : ip, chain);
  if (bEp && b) {
    chain.push({
      code: 'ok',
      level: 'pass',
      text: `${a.name} (${ep.ifname}) and ${b.name} (${bEp.ifname}, ${ip}) are both on ${n.driver} network ${n.name}`,
      object: netObj(n),
    });
    const drv = SAME_NETWORK[n.driver]?.({ from: a, to: b, network: n, facts });
    if (drv) chain.push(drv);
    const mtu = mtuStep(ep, bEp, n, a.name, b.name);
    if (mtu) chain.push(mtu);
    // Bridged frames meet the inet forward hook only through br_netfilter.
    if (n.bridge && facts.bridgeNetfilter) firewallStep(facts, chain, packet(n.bridge, n.bridge, ep, ip, proto, port), drv);
    return;
  }
  if (gateways(n, facts).includes(ip)) {
    const where =
      n.driver === 'macvlan'
        ? `the gateway of ${n.name} (outside this host, through parent ${n.parent})`
        : `the host's address on ${n.bridge ?? n.name}`;
    chain.push({ code: 'ok', level: 'pass', text: `${ip} is ${where}; ${a.name} reaches it directly on ${n.name}`, object: netObj(n) });
    return;
  }
  if (n.driver === 'macvlan' && n.parent && facts.host.addresses.some((x) => x.ifname === n.parent && x.cidr.split('/')[0] === ip)) {
    macvlanHost(chain, a, n, ip);
    return;
  }
  if (chain.some((r) => r.code === 'subnet-conflict' && r.level === 'block')) return;
  chain.push({
    code: 'no-such-address',
    level: 'block',
    text: `${ip} is inside ${n.name}'s subnet (${n.subnets.join(', ')}), but no sandbox on ${n.name} has it${b ? ` (${b.name} is not on ${n.name})` : ''}`,
    object: netObj(n),
  });
}

function macvlanHost(chain: WhyReason[], a: SandboxFacts, n: NetFacts, ip: string) {
  chain.push({
    code: 'macvlan-host',
    level: 'block',
    text: `${a.name} is on macvlan network ${n.name} and ${ip} is the host's own address on its parent ${n.parent}: the kernel never hands frames between a parent and its macvlans`,
    object: netObj(n),
    fix: `create ${n.name} with -o cnm.macvlan.host_shim=true, or reach the host through another network`,
  });
}

function routedPath(
  facts: Facts,
  chain: WhyReason[],
  a: SandboxFacts,
  b: SandboxFacts | undefined,
  ip: string,
  via: EndpointFacts,
  port: PortSpec | undefined,
  proto: Packet['proto'],
) {
  const g = via.network;
  if (g.driver === 'macvlan') {
    if (g.parent && facts.host.addresses.some((x) => x.ifname === g.parent && x.cidr.split('/')[0] === ip))
      return macvlanHost(chain, a, g, ip);
    if (b) {
      chain.push({
        code: 'macvlan-host',
        level: 'block',
        text: `${a.name} leaves through macvlan network ${g.name}, whose frames never reach this host (macvlan host rule), and ${b.name} is only behind this host`,
        object: netObj(g),
        fix: `cnm network connect ${b.endpoints[0]?.network.name ?? '<network>'} ${a.name}`,
      });
      return;
    }
    chain.push({
      code: 'ok',
      level: 'warn',
      text: `${a.name} leaves through macvlan network ${g.name} to its gateway (outside this host): cnm cannot see further`,
      object: netObj(g),
    });
    return;
  }
  const theirs = b?.endpoints.find((e) => e.ipv4 === ip || e.ipv6 === ip);
  conflictSteps(facts, theirs ? [g, theirs.network] : [g], undefined, chain);
  if (b && theirs) {
    const m = theirs.network;
    const mine = a.endpoints.map((e) => e.network.name).join(', ');
    const block: WhyReason = {
      code: 'no-shared-network',
      level: 'block',
      text: `${a.name} is on ${mine}, ${b.name} on ${b.endpoints.map((e) => e.network.name).join(', ')}: no network in common, and cnm networks are isolated from each other`,
      object: netObj(m),
      fix: `cnm network connect ${m.name} ${a.name}`,
    };
    if (m.driver === 'macvlan') {
      chain.push(block, {
        code: 'macvlan-host',
        level: 'block',
        text: `${b.name} is on macvlan network ${m.name}: the host cannot reach macvlan endpoints on its parent ${m.parent}`,
        object: netObj(m),
      });
      return;
    }
    chain.push(block);
    if (g.bridge && m.bridge) firewallStep(facts, chain, packet(g.bridge, m.bridge, via, ip, proto, port), block);
    return;
  }
  // The host itself: packets to its addresses go to its input, which cnm does not filter.
  const own = facts.host.addresses.find((x) => x.cidr.split('/')[0] === ip);
  if (own) {
    chain.push({
      code: 'ok',
      level: 'pass',
      text: `${ip} is the host's address on ${own.ifname}; ${a.name} reaches the host through ${g.name}'s gateway`,
      object: { kind: 'interface', name: own.ifname },
    });
    return;
  }
  const cnmNet = facts.networks.find((n) => n.subnets.some((s) => inCidr(s, ip)));
  if (cnmNet) {
    chain.push({
      code: 'no-such-address',
      level: 'block',
      text: `${ip} is in ${cnmNet.name}'s subnet, but no sandbox there has it`,
      object: netObj(cnmNet),
    });
    return;
  }
  const r = hostRouteStep(facts, chain, ip, `${a.name} leaves through ${g.name}, but the host has no route to ${ip}`);
  if (!r) return;
  chain.push({
    code: 'ok',
    level: 'pass',
    text: `${a.name} leaves through ${g.name} (${via.ifname}) to the host, which routes ${ip} via ${r.dst}${r.gateway ? ` gateway ${r.gateway}` : ''}${r.ifname ? ` dev ${r.ifname}` : ''}`,
    object: { kind: 'route', name: `${r.dst}${r.ifname ? ` dev ${r.ifname}` : ''}` },
  });
  if (g.bridge && r.ifname) firewallStep(facts, chain, packet(g.bridge, r.ifname, via, ip, proto, port));
}

/** A sandbox on the host network: its packets leave from the host itself (no forward chain). */
function hostToSandbox(facts: Facts, chain: WhyReason[], a: SandboxFacts, b: SandboxFacts | undefined, ip: string) {
  const n = b?.endpoints.find((e) => e.ipv4 === ip || e.ipv6 === ip)?.network;
  if (n?.driver === 'macvlan') {
    chain.push({
      code: 'macvlan-host',
      level: 'block',
      text: `${a.name} shares the host's network, and ${b!.name} is on macvlan network ${n.name}: the host cannot reach macvlans on its parent ${n.parent}`,
      object: netObj(n),
      fix: `create ${n.name} with -o cnm.macvlan.host_shim=true`,
    });
    return;
  }
  const r = hostRouteStep(facts, chain, ip, `the host (where ${a.name} lives) has no route to ${ip}`);
  if (!r) return;
  chain.push({
    code: 'ok',
    level: 'pass',
    text: `${a.name} shares the host's network, which routes ${ip} via ${r.ifname ?? r.dst}`,
    object: { kind: 'route', name: `${r.dst}${r.ifname ? ` dev ${r.ifname}` : ''}` },
  });
}

function portStep(facts: Facts, chain: WhyReason[], b: SandboxFacts, port: PortSpec) {
  if (!facts.listening || facts.listening.has(port.port)) return;
  chain.push({
    code: 'port-closed',
    level: 'block',
    text: `nothing in ${b.name} listens on ${port.port}/${port.proto}`,
    object: sbObj(b),
    fix: `start the service in ${b.name} on port ${port.port}`,
  });
}

function packet(iif: string, oif: string, from: EndpointFacts, daddr: string, proto: Packet['proto'], port?: PortSpec): Packet {
  const fam = familyOf(daddr) ?? 4;
  return { iif, oif, saddr: addrOf(from, fam) ?? '', daddr, proto, dport: port?.port };
}

/** Whether a subnet of `n` overlaps this prefix (same family). */
export function overlapsNetwork(n: NetFacts, prefix: string): boolean {
  const p = parseCidr(prefix);
  return (
    !!p &&
    n.subnets.some((s) => {
      const c = parseCidr(s);
      return !!c && overlaps(c, p);
    })
  );
}
