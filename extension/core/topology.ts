// The CNM diagram for one network, as SVG: sandboxes are boxes in a row, each endpoint a circle on
// its sandbox's lower edge, wired to a network bar below; the inspected network is highlighted and
// the other networks its sandboxes join are drawn too. A global-scope (overlay) network in a
// cluster groups its sandboxes by host, with the VXLAN links between the hosts drawn above them.
// Colours come from CSS classes so the webview's theme variables apply.
import type { ClusterHostState, ClusterView, SandboxView } from '../../model/cnm.js';
import type { NetworkResource } from '../../model/docker.js';
import { advertised, endpointHosts, networkHosts } from './cluster.js';
import { parentOf } from './tree.js';

export interface TopoEndpoint {
  networkId: string;
  label: string;
}
export interface TopoSandbox {
  name: string;
  endpoints: TopoEndpoint[];
  /** The host holding it, on a network that spans hosts. */
  host?: string;
}
export interface TopoHost {
  name: string;
  /** Advertise address (the VTEP other hosts send VXLAN to). */
  address: string;
  state: ClusterHostState;
}
export interface TopoNetwork {
  id: string;
  name: string;
  subnet: string;
  focus: boolean;
  /** A macvlan network's host interface. */
  parent?: string;
}
export interface Topology {
  networks: TopoNetwork[];
  /** Sorted by host (in `hosts` order), then name. */
  sandboxes: TopoSandbox[];
  /** Set for a network that spans hosts: the hosts with endpoints on it, linked pairwise by VXLAN. */
  hosts?: TopoHost[];
  /** The VXLAN id, when the network's options name it. */
  vni?: string;
}

const VNI_OPTION = 'com.docker.network.driver.overlay.vxlanid_list';

function subnetOf(n: NetworkResource | undefined): string {
  return (n?.IPAM?.Config ?? [])
    .map((c) => c.Subnet)
    .filter(Boolean)
    .join(', ');
}

/** With cnm's sandbox list the picture shows every network a member joins; a plain Docker engine only gives this one. */
export function topologyOf(
  network: NetworkResource,
  sandboxes: SandboxView[] | undefined,
  all: NetworkResource[],
  cluster?: ClusterView | null,
): Topology {
  const byId = new Map(all.map((n) => [n.Id, n]));
  const members = Object.entries(network.Containers ?? {});
  const hostOf = endpointHosts(network, cluster);
  const memberSandboxes: TopoSandbox[] = members.map(([id, c]) => {
    const sb = sandboxes?.find((s) => s.id === id);
    const host = hostOf.has(id) ? { host: hostOf.get(id) } : {};
    if (!sb)
      return { name: c.Name, endpoints: [{ networkId: network.Id, label: (c.IPv4Address || c.IPv6Address || '').split('/')[0] }], ...host };
    return {
      name: sb.name,
      endpoints: sb.endpoints
        .slice()
        .sort((a, b) => a.order - b.order)
        .map((e) => ({ networkId: e.networkId, label: `${e.ifname} ${(e.ipv4 ?? e.ipv6 ?? '').split('/')[0]}`.trim() })),
      ...host,
    };
  });
  const hosts = hostOf.size
    ? networkHosts(network, cluster).map((h) => ({ name: h.name, address: advertised(h), state: h.state }))
    : undefined;
  const rank = (s: TopoSandbox) => {
    const i = hosts?.findIndex((h) => h.name === s.host) ?? -1;
    return i < 0 ? Infinity : i;
  };
  memberSandboxes.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
  const vni = network.Options?.[VNI_OPTION];
  const netIds = [
    network.Id,
    ...new Set(memberSandboxes.flatMap((s) => s.endpoints.map((e) => e.networkId)).filter((id) => id !== network.Id)),
  ];
  return {
    networks: netIds.map((id) => {
      const n = byId.get(id) ?? (id === network.Id ? network : undefined);
      const parent = n && parentOf(n);
      return { id, name: n?.Name ?? id.slice(0, 12), subnet: subnetOf(n), focus: id === network.Id, ...(parent ? { parent } : {}) };
    }),
    sandboxes: memberSandboxes,
    ...(hosts ? { hosts } : {}),
    ...(vni ? { vni } : {}),
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
/** Half the width of the gap a bar leaves where a wire to a lower bar passes it. */
const HOP = 7;
/** Rough width of a character of the 12px label font, to keep wires clear of the bar labels. */
const CHAR_W = 7;
/** Host groups: padding around their sandboxes, the room for their label, the gap between two. */
const GROUP_PAD = 12;
const GROUP_HEAD = 22;
const GROUP_GAP = 36;
/** Height of the VXLAN arc between neighbouring hosts, and how much higher each further pair goes. */
const ARC_H = 22;
const ARC_STEP = 14;

function hostLabel(h: TopoHost): string {
  return `${h.name} · ${h.address}${h.state === 'lease expired' ? ' · lease expired' : ''}`;
}

function barLabel(n: TopoNetwork): string {
  return [n.name, n.subnet, n.parent ? `parent ${n.parent}` : ''].filter(Boolean).join(' · ');
}

/** [from, to] pieces of [lo, hi] with a gap of ±HOP around each x in `holes`. */
function segments(lo: number, hi: number, holes: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let from = lo;
  for (const x of [...holes].sort((a, b) => a - b)) {
    if (x - HOP > from) out.push([from, x - HOP]);
    from = Math.max(from, x + HOP);
  }
  if (hi > from) out.push([from, hi]);
  return out;
}

/**
 * Sandboxes in a row on top, network bars stacked below (the inspected one first, so it is the
 * nearest). A wire drops straight from its endpoint to its bar and ends in a dot. Within a sandbox
 * endpoints go left to right in bar order and each bar ends after its last wire, so most wires pass
 * no bar at all; where one still passes a bar it does not join, that bar has a gap: no wire ever
 * touches a network it is not on. Bar labels sit left of every wire.
 */
export function renderTopology(t: Topology): string {
  const labelW = Math.max(0, ...t.networks.map((n) => barLabel(n).length * CHAR_W)) + 40;
  const widths = t.sandboxes.map((s) => Math.max(130, s.endpoints.length * EP_GAP + BOX_PAD));
  const x0 = Math.max(24, labelW);
  const hosts = t.sandboxes.length ? (t.hosts ?? []) : [];
  // room above the sandboxes for the host groups' labels and the VXLAN arcs between them
  const arcTop = TOP + (hosts.length > 1 ? 14 : 0);
  const groupTop = arcTop + (hosts.length > 1 ? ARC_H + ARC_STEP * (hosts.length - 2) : 0);
  const sbTop = hosts.length ? groupTop + GROUP_HEAD : TOP;
  const barTop = t.sandboxes.length ? sbTop + BOX_H + 50 + (hosts.length ? GROUP_PAD : 0) : TOP;
  const level = new Map(t.networks.map((n, i) => [n.id, i]));
  const barY = (i: number) => barTop + i * BAR_GAP;
  const height = t.sandboxes.length ? barY(t.networks.length) : barTop + BAR_H + 20;

  // endpoint positions first: the bars need to know where foreign wires pass
  const wires: Array<{ x: number; to: number }> = [];
  const groups: Array<{ h: TopoHost; x: number; w: number }> = [];
  let x = x0;
  let open: { h: TopoHost; x: number } | undefined;
  const close = () => {
    if (!open) return;
    const w = Math.max(x - 24 + GROUP_PAD - open.x, hostLabel(open.h).length * CHAR_W + 2 * GROUP_PAD);
    groups.push({ ...open, w });
    x = open.x + w + GROUP_GAP;
    open = undefined;
  };
  const boxes = t.sandboxes.map((s, i) => {
    const h = hosts.find((g) => g.name === s.host);
    if (open && open.h !== h) close();
    if (h && !open) {
      open = { h, x };
      x += GROUP_PAD;
    }
    const bx = x;
    const byBar = s.endpoints.slice().sort((a, b) => (level.get(a.networkId) ?? Infinity) - (level.get(b.networkId) ?? Infinity));
    const eps = byBar.map((e, j) => {
      const cx = bx + BOX_PAD / 2 + EP_GAP / 2 + j * EP_GAP;
      const to = level.get(e.networkId);
      if (to !== undefined) wires.push({ x: cx, to });
      return { e, cx, to };
    });
    x += widths[i] + 24;
    return { s, bx, w: widths[i], eps };
  });
  close();
  const width = Math.max(360, x, labelW + 140);

  const parts: string[] = [];
  t.networks.forEach((n, i) => {
    const y = barY(i);
    const own = wires.filter((w) => w.to === i).map((w) => w.x);
    const end = Math.max(labelW + 20, ...own.map((x) => x + 24));
    const holes = wires.filter((w) => w.to > i && w.x < end).map((w) => w.x);
    const rects = segments(10, end, holes).map(
      ([a, b]) => `<rect x="${a}" y="${y}" width="${b - a}" height="${BAR_H}" rx="${Math.min(13, (b - a) / 2)}"/>`,
    );
    parts.push(
      `<g class="net${n.focus ? ' focus' : ''}" data-network="${escapeXml(n.name)}">${rects.join('')}<text x="24" y="${y + 17}">${escapeXml(barLabel(n))}</text></g>`,
    );
  });
  // hosts: a frame around their sandboxes, a VTEP on its top edge, one VXLAN arc per pair of hosts
  const vtep = (g: (typeof groups)[number]) => g.x + g.w / 2;
  groups.forEach((g, i) => {
    parts.push(
      `<g class="host${g.h.state === 'lease expired' ? ' expired' : ''}" data-host="${escapeXml(g.h.name)}">` +
        `<rect x="${g.x}" y="${groupTop}" width="${g.w}" height="${sbTop + BOX_H + GROUP_PAD - groupTop}" rx="8"/>` +
        `<text class="small" x="${g.x + GROUP_PAD}" y="${groupTop + 15}">${escapeXml(hostLabel(g.h))}</text>` +
        (groups.length > 1 ? `<circle class="vtep" cx="${vtep(g)}" cy="${groupTop}" r="4"/>` : '') +
        '</g>',
    );
    for (const [j, o] of groups.entries()) {
      if (j <= i) continue;
      const peak = groupTop - ARC_H - ARC_STEP * (j - i - 1);
      const [x1, x2] = [vtep(g), vtep(o)];
      const down = [g, o].some((e) => e.h.state === 'lease expired') ? ' down' : '';
      // one segment, one label: on the outermost arc, the only one no other arc passes over
      const label =
        i === 0 && j === groups.length - 1
          ? `<text class="small" x="${(x1 + x2) / 2}" y="${peak - 4}" text-anchor="middle">VXLAN${t.vni ? ` ${escapeXml(t.vni)}` : ''}</text>`
          : '';
      // a quadratic curve peaks halfway to its control point: the control point sits twice as high
      parts.push(
        `<g class="vxlan${down}" data-hosts="${escapeXml(g.h.name)} ${escapeXml(o.h.name)}">` +
          `<path d="M ${x1} ${groupTop} Q ${(x1 + x2) / 2} ${2 * peak - groupTop} ${x2} ${groupTop}"/>${label}</g>`,
      );
    }
  });
  const cy = sbTop + BOX_H;
  for (const { s, bx, w, eps } of boxes) {
    const drawn = eps.map(({ e, cx, to }) => {
      const wire =
        to === undefined
          ? ''
          : `<line class="wire" data-network="${escapeXml(t.networks[to].name)}" x1="${cx}" y1="${cy + 8}" x2="${cx}" y2="${barY(to)}"/><circle class="junction" cx="${cx}" cy="${barY(to)}" r="3"/>`;
      return `<g class="ep" data-endpoint="${escapeXml(s.name)}:${escapeXml(e.label)}">${wire}<circle cx="${cx}" cy="${cy}" r="8"/><text class="small" x="${cx}" y="${cy - 14}" text-anchor="middle">${escapeXml(e.label)}</text></g>`;
    });
    parts.push(
      `<g class="sandbox" data-sandbox="${escapeXml(s.name)}"${s.host ? ` data-host="${escapeXml(s.host)}"` : ''}><rect x="${bx}" y="${sbTop}" width="${w}" height="${BOX_H}" rx="6"/>` +
        `<text x="${bx + 8}" y="${sbTop + 18}">${escapeXml(s.name)}</text>${drawn.join('')}</g>`,
    );
  }
  // right under its bar, so it reads as the network's state
  const empty = t.sandboxes.length
    ? ''
    : `<text class="small empty" x="24" y="${barY(0) + BAR_H + 14}">No endpoints on this network</text>`;
  return `<svg id="topology" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Topology">${parts.join('')}${empty}</svg>`;
}
