// The three views as plain data: what each row says, its icon, its context value (for menus'
// when-clauses) and its children. The vscode adapter only maps these to TreeItems.
import type { SandboxView } from '../../model/cnm.js';
import type { NetworkContainer, NetworkResource } from '../../model/docker.js';
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
    | { kind: 'endpoint'; networkId: string; networkName: string; container: string; name: string; ipv4?: string; ipv6?: string; endpointId: string }
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

export function networkTooltip(n: NetworkResource): string {
  const gw = (n.IPAM?.Config ?? []).map((c) => c.Gateway).filter(Boolean);
  return [
    `**${n.Name}**${isBuiltin(n) ? ' (built-in)' : ''}`,
    '',
    `- Driver: ${n.Driver}`,
    `- Scope: ${n.Scope}`,
    `- Subnet: ${subnets(n).join(', ') || '—'}`,
    `- Gateway: ${gw.join(', ') || '—'}`,
    `- Options: ${kv(n.Options)}`,
    `- Endpoints: ${Object.keys(n.Containers ?? {}).length}`,
    `- ID: \`${n.Id.slice(0, 12)}\``,
  ].join('\n');
}

function endpointNode(n: NetworkResource, containerId: string, c: NetworkContainer): TreeNode {
  const ipv4 = bareAddress(c.IPv4Address);
  const ipv6 = bareAddress(c.IPv6Address);
  return {
    id: `ep:${n.Id}:${containerId}`,
    label: c.Name || containerId.slice(0, 12),
    description: [c.IPv4Address, c.IPv6Address, c.MacAddress].filter(Boolean).join('  '),
    tooltip: [`**${c.Name}** on ${n.Name}`, '', `- IPv4: ${c.IPv4Address || '—'}`, `- IPv6: ${c.IPv6Address || '—'}`, `- MAC: ${c.MacAddress || '—'}`, `- Endpoint: \`${c.EndpointID.slice(0, 12)}\``].join('\n'),
    icon: { codicon: 'plug' },
    contextValue: ['endpoint', ipv4 || ipv6 ? 'hasIp' : ''].filter(Boolean).join(' '),
    children: [],
    ref: { kind: 'endpoint', networkId: n.Id, networkName: n.Name, container: containerId, name: c.Name, ipv4, ipv6, endpointId: c.EndpointID },
  };
}

export function networkNode(n: NetworkResource): TreeNode {
  const builtin = isBuiltin(n);
  const children = Object.entries(n.Containers ?? {})
    .map(([id, c]) => endpointNode(n, id, c))
    .sort((a, b) => a.label.localeCompare(b.label));
  return {
    id: `net:${n.Id}`,
    label: n.Name,
    description: [subnets(n).join(', '), builtin ? 'built-in' : ''].filter(Boolean).join(' · ') || n.Driver,
    tooltip: networkTooltip(n),
    icon: { driver: n.Driver },
    contextValue: ['network', builtin ? 'builtin' : 'removable', children.length ? 'inUse' : ''].filter(Boolean).join(' '),
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
export function networksTree(s: Snapshot, connectionLabel: string, settings: TreeSettings): TreeNode[] {
  const r = s.reachability;
  const shown = s.networks
    .filter((n) => !(settings.hideBuiltins && isBuiltin(n)))
    .sort((a, b) => Number(isBuiltin(b)) - Number(isBuiltin(a)) || a.Name.localeCompare(b.Name));
  const nodes = shown.map(networkNode);
  let children: TreeNode[];
  if (r.state === 'unreachable') children = [messageNode('unreachable', r.error.message, undefined, { id: 'cnm.showConnectionHelp', args: [] })];
  else if (r.state === 'connecting') children = [messageNode('connecting', 'Connecting…')];
  else if (settings.grouping === 'driver') children = group(nodes, shown, (n) => n.Driver);
  else if (settings.grouping === 'scope') children = group(nodes, shown, (n) => n.Scope);
  else children = nodes;
  return [
    {
      id: 'connection',
      label: connectionLabel,
      description: r.state === 'connected' ? `${s.networks.length} networks` : r.state,
      tooltip: r.state === 'connected' ? `Connected (daemon ${r.version})` : r.state === 'unreachable' ? `Unreachable: ${r.error.message}` : 'Connecting',
      icon: { codicon: r.state === 'connected' ? 'vm-active' : 'vm-outline' },
      contextValue: `connection ${r.state}`,
      expanded: true,
      children,
    },
  ];
}

function sandboxNode(sb: SandboxView): TreeNode {
  const children: TreeNode[] = sb.endpoints
    .slice()
    .sort((a, b) => a.order - b.order)
    .map((e) => ({
      id: `sbep:${sb.id}:${e.id}`,
      label: e.networkName,
      description: [e.ifname, e.ipv4, e.ipv6].filter(Boolean).join('  '),
      tooltip: [`**${e.ifname}** of ${sb.name} on ${e.networkName}`, '', `- IPv4: ${e.ipv4 ?? '—'}`, `- IPv6: ${e.ipv6 ?? '—'}`, `- MAC: ${e.mac}`].join('\n'),
      icon: { codicon: 'plug' },
      contextValue: ['endpoint', e.ipv4 || e.ipv6 ? 'hasIp' : ''].filter(Boolean).join(' '),
      children: [],
      ref: { kind: 'endpoint', networkId: e.networkId, networkName: e.networkName, container: sb.id, name: sb.name, ipv4: bareAddress(e.ipv4), ipv6: bareAddress(e.ipv6), endpointId: e.id },
    }));
  return {
    id: `sb:${sb.id}`,
    label: sb.name,
    description: sb.endpoints.map((e) => bareAddress(e.ipv4) ?? bareAddress(e.ipv6)).filter(Boolean).join(', ') || 'no networks',
    tooltip: [`**${sb.name}**`, '', `- Hostname: ${sb.hostname}`, `- Namespace: \`${sb.netnsPath}\``, `- ID: \`${sb.id.slice(0, 12)}\``].join('\n'),
    icon: { codicon: 'package' },
    contextValue: 'sandbox',
    expanded: true,
    children,
    ref: { kind: 'sandbox', id: sb.id, name: sb.name },
  };
}

export function sandboxesTree(s: Snapshot): TreeNode[] {
  if (s.reachability.state !== 'connected') return [];
  if (!s.sandboxes) return [messageNode('nosandboxes', 'This daemon has no sandboxes (a Docker engine): containers appear under their networks.')];
  return s.sandboxes
    .slice()
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(sandboxNode);
}

/** Hosts view: only an overlay cluster has members; until cnmd reports them there is one row. */
export function hostsTree(s: Snapshot): TreeNode[] {
  const global = s.networks.filter((n) => n.Scope !== 'local');
  return [messageNode('hosts', global.length ? `${global.length} cluster-scoped networks; membership not reported by this daemon` : 'No overlay cluster: this daemon is standalone')];
}

/** Every endpoint in the snapshot, for pickers (Ping…, Disconnect). */
export function allEndpoints(s: Snapshot): Array<NonNullable<Extract<TreeNode['ref'], { kind: 'endpoint' }>>> {
  return s.networks.flatMap((n) =>
    networkNode(n).children.map((c) => c.ref).filter((r): r is Extract<TreeNode['ref'], { kind: 'endpoint' }> => r?.kind === 'endpoint'),
  );
}
