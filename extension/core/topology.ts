// The CNM diagram for one network, as SVG: sandboxes are boxes in a row, each endpoint a circle on
// its sandbox's lower edge, wired to a network bar below; the inspected network is highlighted and
// the other networks its sandboxes join are drawn too. Colours come from CSS classes so the
// webview's theme variables apply.
import type { SandboxView } from '../../model/cnm.js';
import type { NetworkResource } from '../../model/docker.js';

export interface TopoEndpoint {
  networkId: string;
  label: string;
}
export interface TopoSandbox {
  name: string;
  endpoints: TopoEndpoint[];
}
export interface TopoNetwork {
  id: string;
  name: string;
  subnet: string;
  focus: boolean;
}
export interface Topology {
  networks: TopoNetwork[];
  sandboxes: TopoSandbox[];
}

function subnetOf(n: NetworkResource | undefined): string {
  return (n?.IPAM?.Config ?? []).map((c) => c.Subnet).filter(Boolean).join(', ');
}

/** With cnm's sandbox list the picture shows every network a member joins; a plain Docker engine only gives this one. */
export function topologyOf(network: NetworkResource, sandboxes: SandboxView[] | undefined, all: NetworkResource[]): Topology {
  const byId = new Map(all.map((n) => [n.Id, n]));
  const members = Object.entries(network.Containers ?? {});
  const memberSandboxes: TopoSandbox[] = members.map(([id, c]) => {
    const sb = sandboxes?.find((s) => s.id === id);
    if (!sb) return { name: c.Name, endpoints: [{ networkId: network.Id, label: (c.IPv4Address || c.IPv6Address || '').split('/')[0] }] };
    return { name: sb.name, endpoints: sb.endpoints.slice().sort((a, b) => a.order - b.order).map((e) => ({ networkId: e.networkId, label: `${e.ifname} ${(e.ipv4 ?? e.ipv6 ?? '').split('/')[0]}`.trim() })) };
  });
  memberSandboxes.sort((a, b) => a.name.localeCompare(b.name));
  const netIds = [network.Id, ...new Set(memberSandboxes.flatMap((s) => s.endpoints.map((e) => e.networkId)).filter((id) => id !== network.Id))];
  return {
    networks: netIds.map((id) => ({ id, name: byId.get(id)?.Name ?? id.slice(0, 12), subnet: subnetOf(byId.get(id)), focus: id === network.Id })),
    sandboxes: memberSandboxes,
  };
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const EP_GAP = 90;
const BOX_PAD = 20;
const BOX_H = 60;
const BAR_H = 26;
const BAR_GAP = 44;
const TOP = 10;

export function renderTopology(t: Topology): string {
  const widths = t.sandboxes.map((s) => Math.max(130, s.endpoints.length * EP_GAP + BOX_PAD));
  const width = Math.max(360, widths.reduce((a, w) => a + w + 24, 24));
  const barTop = TOP + BOX_H + 50;
  const height = barTop + t.networks.length * BAR_GAP + 10;
  const barY = new Map(t.networks.map((n, i) => [n.id, barTop + i * BAR_GAP]));
  const parts: string[] = [];
  t.networks.forEach((n) => {
    const y = barY.get(n.id)!;
    parts.push(
      `<g class="net${n.focus ? ' focus' : ''}" data-network="${escapeXml(n.name)}"><rect x="10" y="${y}" width="${width - 20}" height="${BAR_H}" rx="13"/>` +
        `<text x="24" y="${y + 17}">${escapeXml(n.name)}${n.subnet ? ' · ' + escapeXml(n.subnet) : ''}</text></g>`,
    );
  });
  let x = 24;
  t.sandboxes.forEach((s, i) => {
    const w = widths[i];
    const eps = s.endpoints.map((e, j) => {
      const cx = x + BOX_PAD / 2 + EP_GAP / 2 + j * EP_GAP;
      const cy = TOP + BOX_H;
      const y = barY.get(e.networkId);
      const wire = y === undefined ? '' : `<line class="wire" x1="${cx}" y1="${cy + 8}" x2="${cx}" y2="${y}"/>`;
      return `<g class="ep" data-endpoint="${escapeXml(s.name)}:${escapeXml(e.label)}">${wire}<circle cx="${cx}" cy="${cy}" r="8"/><text class="small" x="${cx}" y="${cy - 14}" text-anchor="middle">${escapeXml(e.label)}</text></g>`;
    });
    parts.push(
      `<g class="sandbox" data-sandbox="${escapeXml(s.name)}"><rect x="${x}" y="${TOP}" width="${w}" height="${BOX_H}" rx="6"/>` +
        `<text x="${x + 8}" y="${TOP + 18}">${escapeXml(s.name)}</text>${eps.join('')}</g>`,
    );
    x += w + 24;
  });
  const empty = t.sandboxes.length ? '' : `<text class="small" x="24" y="${TOP + 30}">No endpoints on this network</text>`;
  return `<svg id="topology" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Topology">${parts.join('')}${empty}</svg>`;
}
