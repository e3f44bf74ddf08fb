// The three views as plain data: what each row says, its icon, its context value (for menus'
// when-clauses) and its children. The vscode adapter only maps these to TreeItems.
import type { ClusterEndpoint, ClusterHost, ClusterView, SandboxView } from '../../model/cnm.js';
import type { IPAMPoolConfig, NetworkContainer, NetworkResource } from '../../model/docker.js';
import { driverInfo } from '../../model/drivers.js';
import { defaultGateway, formatAddr, parseCidr } from '../../model/ip.js';
import { JOIN_HINT, advertised, endpointHosts, networkHosts, spansHosts } from './cluster.js';
import { httpMappings, mappingText, sandboxMappings } from './ports.js';
import type { Snapshot } from './state.js';

export type Grouping = 'none' | 'driver' | 'scope';
export interface TreeSettings {
  grouping: Grouping;
  hideBuiltins: boolean;
}

export type Icon = { driver: string } | { codicon: string; color?: string };

export interface TreeNode {
  /** Stable across refreshes, so VS Code keeps expansion state. */
  id: string;
  label: string;
  description?: string;
  /** Markdown. */
  tooltip?: string;
  icon: Icon;
  /** Space-separated words; menus match them with regular expressions. */
  contextValue: string;
  expanded?: boolean;
  children: TreeNode[];
  command?: { id: string; args: unknown[] };
  /** What commands act on. */
  ref?:
    | { kind: 'network'; id: string; name: string }
    | {
        kind: 'endpoint';
        networkId: string;
        networkName: string;
        container: string;
        name: string;
        ipv4?: string;
        ipv6?: string;
        endpointId: string;
      }
    | { kind: 'sandbox'; id: string; name: string };
}

const BUILTINS: Record<string, string> = { bridge: 'bridge', host: 'host', none: 'null' };

export function isBuiltin(n: Pick<NetworkResource, 'Name' | 'Driver'>): boolean {
  return BUILTINS[n.Name] === n.Driver;
}

/** "172.18.0.2/16" → "172.18.0.2"; "" → undefined. */
export function bareAddress(cidr: string | undefined): string | undefined {
  return cidr ? cidr.split('/')[0] : undefined;
}

function subnets(n: NetworkResource): string[] {
  return (n.IPAM?.Config ?? []).map((c) => c.Subnet).filter((s): s is string => !!s);
}

function kv(obj: Record<string, string> | null | undefined): string {
  const entries = Object.entries(obj ?? {});
  return entries.length ? entries.map(([k, v]) => `\`${k}\`=\`${v}\``).join(', ') : '—';
}

/**
 * The gateway of each pool: Docker's Gateway field, or, where Docker's JSON leaves it out (a given
 * subnet without a gateway), the one cnmd's IPAM took by the shared rule, marked "(default)".
 */
export function poolGateway(c: IPAMPoolConfig): string | undefined {
  if (c.Gateway) return c.Gateway;
  const subnet = c.Subnet ? parseCidr(c.Subnet) : undefined;
  const range = c.IPRange ? parseCidr(c.IPRange) : undefined;
  const gw = subnet && defaultGateway(subnet, range);
  return gw ? `${formatAddr(gw.family, gw.value)} (default)` : undefined;
}

export function gatewaysInUse(n: Pick<NetworkResource, 'IPAM'>): string[] {
  return (n.IPAM?.Config ?? []).map(poolGateway).filter((g): g is string => !!g);
}

/** A macvlan network's host interface (its `parent` option). */
export function parentOf(n: Pick<NetworkResource, 'Driver' | 'Options'>): string | undefined {
  return n.Driver === 'macvlan' ? n.Options?.parent || undefined : undefined;
}

export function networkTooltip(n: NetworkResource, cluster?: ClusterView | null): string {
  const gw = gatewaysInUse(n);
  const parent = parentOf(n);
  const hosts = spansHosts(n, cluster) ? networkHosts(n, cluster).map((h) => h.name) : undefined;
  return [
    `**${n.Name}**${isBuiltin(n) ? ' (built-in)' : ''}`,
    '',
    // cnmd's subnet-conflict watch: each names the host route or address and its interface
    ...(n.Warnings ?? []).map((w) => `⚠ ${w}`),
    ...(n.Warnings?.length ? [''] : []),
    `- Driver: ${n.Driver}`,
    `- Scope: ${n.Scope}`,
    `- Subnet: ${subnets(n).join(', ') || '—'}`,
    `- Gateway: ${gw.join(', ') || '—'}`,
    ...(parent ? [`- Parent: ${parent}`] : []),
    `- Options: ${kv(n.Options)}`,
    `- Endpoints: ${Object.keys(n.Containers ?? {}).length}`,
    ...(hosts ? [`- Hosts: ${hosts.join(', ') || '—'}`] : []),
    `- ID: \`${n.Id.slice(0, 12)}\``,
  ].join('\n');
}

/** `host` is set on networks that span hosts: the host holding this endpoint. */
function endpointNode(n: NetworkResource, containerId: string, c: NetworkContainer, host?: string): TreeNode {
  const ipv4 = bareAddress(c.IPv4Address);
  const ipv6 = bareAddress(c.IPv6Address);
  return {
    id: `ep:${n.Id}:${containerId}`,
    label: c.Name || containerId.slice(0, 12),
    // the MAC stays in the tooltip: with it the row is cut off at the default sidebar width
    description: [c.IPv4Address, c.IPv6Address, host ? `@ ${host}` : ''].filter(Boolean).join('  '),
    tooltip: [
      `**${c.Name}** on ${n.Name}`,
      '',
      ...(host ? [`- Host: ${host}`] : []),
      `- IPv4: ${c.IPv4Address || '—'}`,
      `- IPv6: ${c.IPv6Address || '—'}`,
      `- MAC: ${c.MacAddress || '—'}`,
      `- Endpoint: \`${c.EndpointID.slice(0, 12)}\``,
    ].join('\n'),
    icon: { codicon: 'plug' },
    contextValue: ['endpoint', ipv4 || ipv6 ? 'hasIp' : ''].filter(Boolean).join(' '),
    children: [],
    ref: {
      kind: 'endpoint',
      networkId: n.Id,
      networkName: n.Name,
      container: containerId,
      name: c.Name,
      ipv4,
      ipv6,
      endpointId: c.EndpointID,
    },
  };
}

/** Drivers whose networks take no endpoints beyond their built-in sandboxes' own. */
const UNCONNECTABLE = new Set(['host', 'null']);

/**
 * A network row's context value, the words package.json's menus match: `builtin`/`user`,
 * `connectable`, `inUse`/`empty` (only an empty user network can be removed), `hasIp`, `movable`
 * (a local network with an IPv4 subnet: Move Network to a Free Subnet…).
 */
export function networkContext(n: NetworkResource): string {
  return [
    'network',
    isBuiltin(n) ? 'builtin' : 'user',
    UNCONNECTABLE.has(n.Driver) ? '' : 'connectable',
    Object.keys(n.Containers ?? {}).length ? 'inUse' : 'empty',
    subnets(n).length ? 'hasIp' : '',
    movable(n) ? 'movable' : '',
  ]
    .filter(Boolean)
    .join(' ');
}

function movable(n: NetworkResource): boolean {
  // A multi-host driver's subnet is every host's (an overlay, even a stand-alone one): cnmd refuses to move it.
  return (
    n.Scope === 'local' && !UNCONNECTABLE.has(n.Driver) && !driverInfo(n.Driver)?.multiHost && subnets(n).some((s) => !s.includes(':'))
  );
}

/** With a cluster, a global-scope network says which hosts it spans and each endpoint its host. */
export function networkNode(n: NetworkResource, cluster?: ClusterView | null): TreeNode {
  const builtin = isBuiltin(n);
  const hostOf = endpointHosts(n, cluster);
  const children = Object.entries(n.Containers ?? {})
    .map(([id, c]) => endpointNode(n, id, c, hostOf.get(id)))
    .sort((a, b) => a.label.localeCompare(b.label));
  const parent = parentOf(n);
  const hosts = spansHosts(n, cluster) ? networkHosts(n, cluster).map((h) => h.name) : undefined;
  return {
    id: `net:${n.Id}`,
    label: n.Name,
    description:
      [subnets(n).join(', '), parent ? `parent ${parent}` : '', hosts?.length ? `on ${compactList(hosts)}` : '', builtin ? 'built-in' : '']
        .filter(Boolean)
        .join(' · ') || n.Driver,
    tooltip: networkTooltip(n, cluster),
    icon: n.Warnings?.length ? { codicon: 'warning', color: 'list.warningForeground' } : { driver: n.Driver },
    contextValue: networkContext(n),
    children,
    command: { id: 'cnm.inspectNetwork', args: [] },
    ref: { kind: 'network', id: n.Id, name: n.Name },
  };
}

function group(nodes: TreeNode[], networks: NetworkResource[], key: (n: NetworkResource) => string): TreeNode[] {
  const groups = new Map<string, TreeNode[]>();
  networks.forEach((n, i) => {
    const k = key(n);
    groups.set(k, [...(groups.get(k) ?? []), nodes[i]]);
  });
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, children]) => ({
      id: `group:${k}`,
      label: k,
      description: String(children.length),
      icon: { codicon: 'folder' },
      contextValue: 'group',
      expanded: true,
      children,
    }));
}

export function messageNode(id: string, label: string, tooltip?: string, command?: TreeNode['command']): TreeNode {
  return { id: `msg:${id}`, label, tooltip, icon: { codicon: 'info' }, contextValue: 'message', children: [], command };
}

/** Networks view: connection → [group →] networks → endpoints. */
/** connectionLabel is short (it must fit the sidebar); connectionUrl goes in the row's tooltip. */
export function networksTree(s: Snapshot, connectionLabel: string, settings: TreeSettings, connectionUrl = connectionLabel): TreeNode[] {
  const r = s.reachability;
  const shown = s.networks
    .filter((n) => !(settings.hideBuiltins && isBuiltin(n)))
    .sort((a, b) => Number(isBuiltin(b)) - Number(isBuiltin(a)) || a.Name.localeCompare(b.Name));
  const nodes = shown.map((n) => networkNode(n, s.cluster));
  let children: TreeNode[];
  if (r.state === 'unreachable')
    children = [messageNode('unreachable', r.error.message, undefined, { id: 'cnm.showConnectionHelp', args: [] })];
  else if (r.state === 'connecting') children = [messageNode('connecting', 'Connecting…')];
  else if (settings.grouping === 'driver') children = group(nodes, shown, (n) => n.Driver);
  else if (settings.grouping === 'scope') children = group(nodes, shown, (n) => n.Scope);
  else children = nodes;
  return [
    {
      id: 'connection',
      label: connectionLabel,
      description: r.state === 'connected' ? `${s.networks.length} networks` : r.state,
      tooltip: [
        `**${connectionUrl}**`,
        '',
        r.state === 'connected'
          ? `Connected (daemon ${r.version}), ${s.networks.length} networks`
          : r.state === 'unreachable'
            ? `Unreachable: ${r.error.message}`
            : 'Connecting',
      ].join('\n'),
      icon: { codicon: r.state === 'connected' ? 'vm-active' : 'vm-outline' },
      contextValue: `connection ${r.state}`,
      expanded: true,
      children,
    },
  ];
}

/** "a", or "a +2": a row's description must fit the default sidebar width (the rest is in the tooltip and the children). */
function compactList(items: string[]): string {
  return items.length > 1 ? `${items[0]} +${items.length - 1}` : items.join('');
}

function sandboxNode(sb: SandboxView): TreeNode {
  const children: TreeNode[] = sb.endpoints
    .slice()
    .sort((a, b) => a.order - b.order)
    .map((e) => ({
      id: `sbep:${sb.id}:${e.id}`,
      label: e.networkName,
      description: [e.ifname, bareAddress(e.ipv4), bareAddress(e.ipv6)].filter(Boolean).join('  '),
      tooltip: [
        `**${e.ifname}** of ${sb.name} on ${e.networkName}`,
        '',
        `- IPv4: ${e.ipv4 ?? '—'}`,
        `- IPv6: ${e.ipv6 ?? '—'}`,
        `- MAC: ${e.mac}`,
      ].join('\n'),
      icon: { codicon: 'plug' },
      contextValue: ['endpoint', e.ipv4 || e.ipv6 ? 'hasIp' : ''].filter(Boolean).join(' '),
      children: [],
      ref: {
        kind: 'endpoint',
        networkId: e.networkId,
        networkName: e.networkName,
        container: sb.id,
        name: sb.name,
        ipv4: bareAddress(e.ipv4),
        ipv6: bareAddress(e.ipv6),
        endpointId: e.id,
      },
    }));
  return {
    id: `sb:${sb.id}`,
    label: sb.name,
    description: compactList(sb.endpoints.map((e) => bareAddress(e.ipv4) ?? bareAddress(e.ipv6) ?? '').filter(Boolean)) || 'no networks',
    // the description holds only what fits; every address is in the tooltip
    tooltip: [
      `**${sb.name}**`,
      '',
      `- Hostname: ${sb.hostname}`,
      ...sb.endpoints.map((e) => `- ${e.networkName}: ${[e.ifname, e.ipv4, e.ipv6].filter(Boolean).join(' ')}`),
      ...sandboxMappings(sb).map((m) => `- Port ${mappingText(m)}`),
      `- Namespace: \`${sb.netnsPath}\``,
      `- ID: \`${sb.id.slice(0, 12)}\``,
    ].join('\n'),
    icon: { codicon: 'package' },
    contextValue: ['sandbox', sb.endpoints.some((e) => e.ipv4 || e.ipv6) ? 'hasIp' : '', httpMappings(sb).length ? 'httpPort' : '']
      .filter(Boolean)
      .join(' '),
    expanded: true,
    children,
    ref: { kind: 'sandbox', id: sb.id, name: sb.name },
  };
}

export function sandboxesTree(s: Snapshot): TreeNode[] {
  if (s.reachability.state !== 'connected') return [];
  if (!s.sandboxes)
    return [messageNode('nosandboxes', 'This daemon has no sandboxes (a Docker engine): containers appear under their networks.')];
  return s.sandboxes
    .slice()
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(sandboxNode);
}

/** `network`: the endpoint's network name (the record has only its id). */
function hostEndpointNode(h: ClusterHost, e: ClusterEndpoint, network: string): TreeNode {
  return {
    id: `hostep:${h.name}:${e.endpointId}`,
    label: e.name,
    description: [network, e.ipv4].filter(Boolean).join(' · '),
    tooltip: [
      `**${e.name}** on ${network}, host ${h.name}`,
      '',
      `- IPv4: ${e.ipv4 ?? '—'}`,
      `- IPv6: ${e.ipv6 ?? '—'}`,
      `- MAC: ${e.mac}`,
      `- Endpoint: \`${e.endpointId.slice(0, 12)}\``,
    ].join('\n'),
    icon: { codicon: 'plug' },
    // another host's endpoint: this daemon cannot disconnect or ping it, so no endpoint menus
    contextValue: 'hostEndpoint',
    children: [],
  };
}

const HOST_ICON: Record<ClusterHost['state'], Icon> = {
  'this host': { codicon: 'vm-active', color: 'charts.blue' },
  up: { codicon: 'vm-active' },
  'lease expired': { codicon: 'vm-outline', color: 'disabledForeground' },
};

function hostNode(h: ClusterHost, networkName: (id: string) => string): TreeNode {
  const eps = (h.endpoints ?? [])
    .map((e) => ({ e, net: networkName(e.networkId) }))
    .sort((a, b) => a.net.localeCompare(b.net) || a.e.name.localeCompare(b.e.name))
    .map(({ e, net }) => hostEndpointNode(h, e, net));
  return {
    id: `host:${h.name}`,
    label: h.name,
    description: [h.state, advertised(h), h.version].join(' · '),
    tooltip: [
      `**${h.name}**`,
      '',
      `- State: ${h.state}`,
      `- Advertise address: ${advertised(h)}`,
      `- cnmd: ${h.version}`,
      `- Endpoints: ${h.endpoints ? h.endpoints.length : 'not reported by this cnmd'}`,
    ].join('\n'),
    icon: HOST_ICON[h.state],
    contextValue: `host ${h.state === 'this host' ? 'self' : h.state === 'up' ? 'up' : 'expired'}`,
    expanded: eps.length > 0,
    children: eps,
  };
}

/** Hosts view: the cluster store's row, then every host that joined (this one first) with its endpoints. */
export function hostsTree(s: Snapshot): TreeNode[] {
  const c = s.cluster;
  if (s.reachability.state !== 'connected') return [];
  if (c === undefined) return [messageNode('hosts-reading', 'Reading the cluster…')];
  if (c === null) return [messageNode('hosts-none', 'This daemon reports no cluster (a Docker engine).')];
  if (!c.configured)
    return [
      messageNode(
        'hosts-standalone',
        'Standalone: this cnmd is not in a cluster',
        `Hosts that share a cluster store (etcd) see each other here, and overlay networks span them. Start cnmd with\n\n\`${JOIN_HINT}\`\n\non each host (see the README's "Cluster store" section).`,
      ),
      messageNode('hosts-join', `To join one: ${JOIN_HINT}`),
    ];
  const h = c.health;
  const store: TreeNode[] = h
    ? [
        {
          id: 'store',
          label: h.store,
          description: h.state === 'up' ? 'cluster store up' : `cluster store degraded since ${h.since}`,
          tooltip: [
            `**Cluster store** ${h.store}`,
            '',
            `- State: ${h.state} since ${h.since}`,
            ...(h.lastError ? [`- Last error: ${h.lastError}`] : []),
            ...(h.state === 'degraded' ? ['', 'Hosts as last read; local networks keep working.'] : []),
          ].join('\n'),
          icon: h.state === 'up' ? { codicon: 'database' } : { codicon: 'warning', color: 'list.warningForeground' },
          contextValue: `store ${h.state}`,
          children: [],
        },
      ]
    : [];
  const names = new Map(s.networks.map((n) => [n.Id, n.Name]));
  return [...store, ...c.hosts.map((host) => hostNode(host, (id) => names.get(id) ?? id.slice(0, 12)))];
}

/** Every endpoint in the snapshot (or of one network), for pickers (Ping…, Disconnect). */
export function allEndpoints(s: Snapshot, networkId?: string): Array<NonNullable<Extract<TreeNode['ref'], { kind: 'endpoint' }>>> {
  return s.networks
    .filter((n) => !networkId || n.Id === networkId)
    .flatMap((n) =>
      networkNode(n)
        .children.map((c) => c.ref)
        .filter((r): r is Extract<TreeNode['ref'], { kind: 'endpoint' }> => r?.kind === 'endpoint'),
    );
}
