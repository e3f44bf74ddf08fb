// The topology picture's geometry, read back from the SVG it produces: no wire touches a network
// bar it is not on, every wire ends on its own bar, "No endpoints" sits by its bar, macvlan parents show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SandboxView } from '../../model/cnm.js';
import type { NetworkResource } from '../../model/docker.js';
import { fakeCluster, fakeClusterEndpoint, fakeNetwork } from './fakeClient.js';
import { renderTopology, topologyOf } from './topology.js';

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}
interface Wire {
  network: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

const num = (s: string) => Number(s);
const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

function parseSvg(svg: string): { bars: Map<string, Rect[]>; wires: Wire[]; texts: Array<{ x: number; y: number; text: string }> } {
  const bars = new Map<string, Rect[]>();
  for (const g of svg.matchAll(/<g class="net[^"]*" data-network="([^"]*)">(.*?)<\/g>/g)) {
    const rects = [...g[2].matchAll(/<rect x="([\d.-]+)" y="([\d.-]+)" width="([\d.-]+)" height="([\d.-]+)"/g)].map((m) => ({
      x: num(m[1]),
      y: num(m[2]),
      w: num(m[3]),
      h: num(m[4]),
    }));
    bars.set(unescape(g[1]), rects);
  }
  const wires = [
    ...svg.matchAll(/<line class="wire" data-network="([^"]*)" x1="([\d.-]+)" y1="([\d.-]+)" x2="([\d.-]+)" y2="([\d.-]+)"\/>/g),
  ].map((m) => ({ network: unescape(m[1]), x1: num(m[2]), y1: num(m[3]), x2: num(m[4]), y2: num(m[5]) }));
  const texts = [...svg.matchAll(/<text[^>]* x="([\d.-]+)" y="([\d.-]+)"[^>]*>([^<]*)<\/text>/g)].map((m) => ({
    x: num(m[1]),
    y: num(m[2]),
    text: unescape(m[3]),
  }));
  return { bars, wires, texts };
}

/** A segment from (x1,y1) to (x2,y2) meets a rectangle (wires here are vertical, but check generally by sampling). */
function touches(w: Wire, r: Rect): boolean {
  const steps = 200;
  for (let i = 0; i <= steps; i++) {
    const x = w.x1 + ((w.x2 - w.x1) * i) / steps;
    const y = w.y1 + ((w.y2 - w.y1) * i) / steps;
    if (x >= r.x && x <= r.x + r.w && y >= r.y && y <= r.y + r.h) return true;
  }
  return false;
}

function assertUnambiguous(svg: string, expectedWires: number): void {
  const { bars, wires } = parseSvg(svg);
  assert.equal(wires.length, expectedWires);
  for (const w of wires) {
    assert.ok(bars.has(w.network), `wire to a drawn bar: ${w.network}`);
    for (const [name, rects] of bars) {
      if (name === w.network) {
        assert.ok(
          rects.some((r) => w.x2 >= r.x && w.x2 <= r.x + r.w && w.y2 >= r.y && w.y2 <= r.y + r.h),
          `wire at x=${w.x2} ends on its bar ${name}`,
        );
      } else {
        for (const r of rects)
          assert.ok(!touches(w, r), `wire to ${w.network} at x=${w.x1} crosses the bar of ${name} (${JSON.stringify(r)})`);
      }
    }
  }
  // labels are readable: no wire runs through a bar's label text
  const { texts } = parseSvg(svg);
  for (const t of texts.filter((t) => [...bars.keys()].some((n) => t.text.startsWith(n)))) {
    const end = t.x + t.text.length * 7;
    for (const w of wires) assert.ok(w.x1 > end || w.x1 < t.x, `wire at x=${w.x1} runs through label "${t.text}"`);
  }
}

let n = 0;
function sandbox(name: string, nets: NetworkResource[]): SandboxView {
  const id = `${name}${'0'.repeat(64 - name.length)}`;
  const sb: SandboxView = { id, name, hostname: name, labels: {}, netnsPath: '', created: '', dns: [], endpoints: [] };
  nets.forEach((net, i) => {
    const ip = `10.${n}.0.${++n}`;
    sb.endpoints.push({
      id: `e${n}`,
      networkId: net.Id,
      networkName: net.Name,
      sandboxId: id,
      ifname: `eth${i}`,
      mac: '',
      ipv4: `${ip}/24`,
      aliases: [],
      order: i,
    });
    net.Containers[id] = { Name: name, EndpointID: `e${n}`, MacAddress: '', IPv4Address: `${ip}/24`, IPv6Address: '' };
  });
  return sb;
}

test('a sandbox on two networks: the second wire does not cross the first bar', () => {
  const front = fakeNetwork('frontend', 'bridge', '172.22.0.0/16');
  const back = fakeNetwork('backend', 'bridge', '172.23.0.0/16');
  const sbs = [sandbox('c1', [front, back]), sandbox('c2', [front])];
  const svg = renderTopology(topologyOf(front, sbs, [front, back]));
  assertUnambiguous(svg, 3);
  // and the picture from the other side
  assertUnambiguous(renderTopology(topologyOf(back, sbs, [front, back])), 2);
});

test('sandboxes on three networks, in every combination: no wire crosses a foreign bar', () => {
  const a = fakeNetwork('a-net', 'bridge', '10.1.0.0/24');
  const b = fakeNetwork('b-net-with-a-longer-name', 'bridge', '10.2.0.0/24');
  const c = fakeNetwork('c', 'macvlan', '192.168.5.0/24', { Options: { parent: 'eth1' } });
  const sbs = [sandbox('s1', [a, b, c]), sandbox('s2', [a, c]), sandbox('s3', [c, a, b]), sandbox('s4', [a])];
  for (const focus of [a, b, c]) {
    const t = topologyOf(focus, sbs, [a, b, c]);
    const wires = t.sandboxes.reduce((k, s) => k + s.endpoints.length, 0);
    assertUnambiguous(renderTopology(t), wires);
  }
  assert.match(renderTopology(topologyOf(c, sbs, [a, b, c])), /c · 192\.168\.5\.0\/24 · parent eth1/);
});

test('"No endpoints" sits right under its network bar', () => {
  const lone = fakeNetwork('lone', 'bridge', '10.3.0.0/24');
  const svg = renderTopology(topologyOf(lone, [], [lone]));
  const { bars, texts } = parseSvg(svg);
  const [bar] = bars.get('lone')!;
  const note = texts.find((t) => /No endpoints/.test(t.text))!;
  assert.ok(note, 'the note is drawn');
  assert.ok(note.y > bar.y + bar.h && note.y - (bar.y + bar.h) <= 20, `note at y=${note.y}, bar bottom ${bar.y + bar.h}`);
  assert.ok(note.x >= bar.x && note.x <= bar.x + bar.w);
  const height = Number(/height="(\d+)"/.exec(svg)![1]);
  assert.ok(height <= note.y + 12, 'no empty sandbox area above or below');
});

interface Group extends Rect {
  host: string;
  expired: boolean;
}

function parseHosts(svg: string) {
  const groups: Group[] = [
    ...svg.matchAll(
      /<g class="host( expired)?" data-host="([^"]*)"><rect x="([\d.-]+)" y="([\d.-]+)" width="([\d.-]+)" height="([\d.-]+)"/g,
    ),
  ].map((m) => ({ host: m[2], expired: !!m[1], x: num(m[3]), y: num(m[4]), w: num(m[5]), h: num(m[6]) }));
  const vteps = new Map(
    [...svg.matchAll(/data-host="([^"]*)">(?:(?!<\/g>).)*<circle class="vtep" cx="([\d.-]+)" cy="([\d.-]+)"/g)].map((m) => [
      m[1],
      { x: num(m[2]), y: num(m[3]) },
    ]),
  );
  const links = [
    ...svg.matchAll(
      /<g class="vxlan( down)?" data-hosts="([^"]*)"><path d="M ([\d.-]+) ([\d.-]+) Q ([\d.-]+) ([\d.-]+) ([\d.-]+) ([\d.-]+)"\/>(?:<text[^>]*>([^<]*)<\/text>)?<\/g>/g,
    ),
  ].map((m) => ({
    hosts: m[2].split(' '),
    down: !!m[1],
    x1: num(m[3]),
    y1: num(m[4]),
    cy: num(m[6]),
    x2: num(m[7]),
    y2: num(m[8]),
    label: m[9] ?? '',
  }));
  const boxes = [
    ...svg.matchAll(
      /<g class="sandbox" data-sandbox="([^"]*)"(?: data-host="([^"]*)")?><rect x="([\d.-]+)" y="([\d.-]+)" width="([\d.-]+)" height="([\d.-]+)"/g,
    ),
  ].map((m) => ({ name: m[1], host: m[2], x: num(m[3]), y: num(m[4]), w: num(m[5]), h: num(m[6]) }));
  return { groups, vteps, links, boxes };
}

const inside = (a: Rect, b: Rect) => a.x >= b.x && a.y >= b.y && a.x + a.w <= b.x + b.w && a.y + a.h <= b.y + b.h;

/** An overlay network across three hosts: a1, a2 here (a1 also on a local bridge), b1 on hostb, c1 on hostc. */
function overlayAcrossHosts(cState: 'up' | 'lease expired' = 'up') {
  const ov = fakeNetwork('multi', 'overlay', '10.0.9.0/24', {
    Scope: 'global',
    Options: { 'com.docker.network.driver.overlay.vxlanid_list': '4097' },
  });
  const br = fakeNetwork('local-br', 'bridge', '172.25.0.0/16');
  const sbs = [sandbox('a2', [ov]), sandbox('a1', [ov, br])];
  // a remote endpoint: in the network's JSON as cnmd mirrors it, and in the cluster store under its host
  const remote = (name: string, ip: string, host: string, vtep: string) => {
    const id = `${name}${'e'.repeat(64 - name.length)}`;
    ov.Containers[id] = { Name: name, EndpointID: `ep${id}`, MacAddress: '02:42:0a:00:09:07', IPv4Address: `${ip}/24`, IPv6Address: '' };
    return fakeClusterEndpoint(ov, id, host, vtep);
  };
  const here = Object.keys(ov.Containers).map((key) => fakeClusterEndpoint(ov, key, 'hosta', '10.231.0.2'));
  const cluster = fakeCluster([
    { name: 'hosta', address: '10.231.0.2', state: 'this host', endpoints: here },
    { name: 'hostb', address: '10.231.0.3', state: 'up', endpoints: [remote('b1', '10.0.9.7', 'hostb', '10.231.0.3')] },
    { name: 'hostc', address: '10.231.0.4', port: 2376, state: cState, endpoints: [remote('c1', '10.0.9.9', 'hostc', '10.231.0.4')] },
  ]);
  return { ov, br, sbs, cluster };
}

test('an overlay network in a cluster: hosts are groups around their sandboxes, one VXLAN link per pair of hosts', () => {
  const { ov, br, sbs, cluster } = overlayAcrossHosts();
  const t = topologyOf(ov, sbs, [ov, br], cluster);
  assert.deepEqual(
    t.sandboxes.map((s) => [s.host, s.name]),
    [
      ['hosta', 'a1'],
      ['hosta', 'a2'],
      ['hostb', 'b1'],
      ['hostc', 'c1'],
    ],
  );
  const svg = renderTopology(t);
  assertUnambiguous(svg, 5);
  const { groups, vteps, links, boxes } = parseHosts(svg);
  assert.deepEqual(
    groups.map((g) => g.host),
    ['hosta', 'hostb', 'hostc'],
  );
  for (const b of boxes) {
    const g = groups.find((x) => x.host === b.host)!;
    assert.ok(g && inside(b, g), `sandbox ${b.name} inside its host ${b.host}`);
    for (const o of groups.filter((x) => x !== g)) assert.ok(b.x + b.w < o.x || b.x > o.x + o.w, `${b.name} outside ${o.host}`);
  }
  groups.slice(1).forEach((g, i) => assert.ok(g.x > groups[i].x + groups[i].w, `${g.host} right of ${groups[i].host}`));
  assert.match(svg, /hostc · 10\.231\.0\.4:2376</, 'a host is labelled with its advertise address');

  assert.deepEqual(links.map((l) => l.hosts.join('-')).sort(), ['hosta-hostb', 'hosta-hostc', 'hostb-hostc']);
  for (const l of links) {
    const [from, to] = l.hosts.map((h) => vteps.get(h)!);
    assert.deepEqual([l.x1, l.y1, l.x2, l.y2], [from.x, from.y, to.x, to.y], `link ${l.hosts} runs VTEP to VTEP`);
    assert.equal(l.label, l.hosts.join('-') === 'hosta-hostc' ? 'VXLAN 4097' : '', 'one label, on the outermost link');
    assert.ok(l.cy < l.y1, 'the link arcs above the hosts');
  }
  const arc = (k: string) => links.find((l) => l.hosts.join('-') === k)!.cy;
  assert.ok(arc('hosta-hostc') < arc('hosta-hostb'), 'the link over a middle host arcs higher than its neighbours');
  assert.ok(
    groups.every((g) => links.every((l) => l.y1 <= g.y)),
    'links start on the groups’ top edge',
  );
});

test('a host whose lease expired is drawn dashed, and so are its links', () => {
  const { ov, br, sbs, cluster } = overlayAcrossHosts('lease expired');
  const { groups, links } = parseHosts(renderTopology(topologyOf(ov, sbs, [ov, br], cluster)));
  assert.deepEqual(
    groups.map((g) => [g.host, g.expired]),
    [
      ['hosta', false],
      ['hostb', false],
      ['hostc', true],
    ],
  );
  assert.deepEqual(
    links
      .filter((l) => l.down)
      .map((l) => l.hosts.join('-'))
      .sort(),
    ['hosta-hostc', 'hostb-hostc'],
  );
});

test('overlay on one host: one group, no links; local networks and a standalone daemon: unchanged', () => {
  const { ov, br, sbs, cluster } = overlayAcrossHosts();
  const onlyHere = structuredClone(ov);
  for (const [k, c] of Object.entries(onlyHere.Containers)) if (!['a1', 'a2'].includes(c.Name)) delete onlyHere.Containers[k];
  const one = parseHosts(renderTopology(topologyOf(onlyHere, sbs, [onlyHere, br], cluster)));
  assert.deepEqual(
    one.groups.map((g) => g.host),
    ['hosta'],
  );
  assert.deepEqual(one.links, []);
  assert.equal(renderTopology(topologyOf(br, sbs, [ov, br], cluster)), renderTopology(topologyOf(br, sbs, [ov, br])));
  assert.deepEqual(topologyOf(ov, sbs, [ov, br], { configured: false, hosts: [] }), topologyOf(ov, sbs, [ov, br]));
  assert.deepEqual(parseHosts(renderTopology(topologyOf(ov, sbs, [ov, br]))).groups, []);
});
