// The topology picture's geometry, read back from the SVG it produces: no wire touches a network
// bar it is not on, every wire ends on its own bar, "No endpoints" sits by its bar, macvlan parents show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SandboxView } from '../../model/cnm.js';
import type { NetworkResource } from '../../model/docker.js';
import { fakeNetwork } from './fakeClient.js';
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
