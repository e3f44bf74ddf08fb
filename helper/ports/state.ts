// Published ports seen from the core's state: which endpoint a sandbox's ports are forwarded to,
// the firewall's port rules (rendered with the networks' rules in one place: CoreContext.applyFirewall,
// so every re-apply includes them), and the `cnm port ls` view.
import type { Endpoint, Network, Sandbox } from '../../model/cnm.js';
import { hostPortText, type PublishedPort } from '../../model/ports.js';
import type { CoreContext } from '../core/context.js';
import { gatewayEndpoint } from '../core/endpoints.js';
import { OPT } from '../drivers/bridge/options.js';
import type { PortRule } from '../kernel/nftables/ports.js';

export interface Publisher {
  ep: Endpoint;
  net: Network;
  bridge: string;
  /** host_binding_ipv4 of the network (Docker's default host address for its ports). */
  defaultHostIp: string;
}

/** The endpoint a sandbox's ports go to: its gateway endpoint, on a non-internal network with a bridge. */
export function publisher(ctx: CoreContext, sb: Sandbox, eps = ctx.state.endpointsOfSandbox(sb.id)): Publisher | undefined {
  const ep = gatewayEndpoint(ctx, eps);
  const net = ep && ctx.state.networks.get(ep.networkId);
  if (!ep || !net || net.internal) return undefined;
  const b = ctx.of(net);
  const bridge = b.driver.rules?.(b)?.bridge;
  if (!bridge) return undefined;
  return { ep, net, bridge, defaultHostIp: net.options[OPT.hostBinding] || '0.0.0.0' };
}

const addr = (cidr: string | undefined) => cidr?.split('/')[0] ?? '';

/** A sandbox's published ports as DNAT rules (`eps`: its endpoints, given while not yet on record). */
export function sandboxPortRules(ctx: CoreContext, sb: Sandbox, eps?: Endpoint[]): PortRule[] {
  const pub = sb.ports?.length ? publisher(ctx, sb, eps) : undefined;
  if (!pub) return [];
  // A port whose family the sandbox has no address of (yet) gets no rule.
  return sb.ports!.flatMap((m) => {
    const targetIp = addr(m.hostIp.includes(':') ? pub.ep.ipv6 : pub.ep.ipv4);
    if (!targetIp) return [];
    return [
      {
        sandboxId: sb.id,
        proto: m.proto,
        hostIp: m.hostIp,
        hostPort: m.hostPort,
        targetIp,
        targetPort: m.containerPort,
        bridge: pub.bridge,
      },
    ];
  });
}

/** Every published port on record, as DNAT rules. */
export const portRules = (ctx: CoreContext): PortRule[] => [...ctx.state.sandboxes.values()].flatMap((sb) => sandboxPortRules(ctx, sb));

/** `cnm port ls`: each published port and the host addresses that reach it (`hostAddrs`: the host's, without prefix). */
export function publishedPorts(ctx: CoreContext, hostAddrs: string[]): PublishedPort[] {
  const out: PublishedPort[] = [];
  for (const sb of ctx.state.sandboxes.values()) {
    const pub = publisher(ctx, sb);
    for (const m of sb.ports ?? []) {
      const v6 = m.hostIp.includes(':');
      const containerIp = pub ? addr(v6 ? pub.ep.ipv6 : pub.ep.ipv4) : '';
      const wild = m.hostIp === '0.0.0.0' || m.hostIp === '::';
      // IPv6 has no route_localnet: ::1 never reaches a DNAT to a sandbox (see kernel/nftables/ports.ts).
      const ips = wild ? hostAddrs.filter((a) => a.includes(':') === v6 && a !== '::1' && !a.startsWith('fe80:')) : [m.hostIp];
      out.push({
        ...m,
        sandbox: sb.name,
        sandboxId: sb.id,
        network: pub?.net.name ?? '',
        containerIp,
        reachableAt: containerIp ? ips.map((ip) => hostPortText(ip, m.hostPort)) : [],
      });
    }
  }
  return out.sort((a, b) => a.hostPort - b.hostPort || a.proto.localeCompare(b.proto) || a.hostIp.localeCompare(b.hostIp));
}
