// The model-based explainer on hand-made facts: each reason, the object it names, and the fix.
// (The same reasons produced for real, with the kernel's probe, are in test/integration/diagnose.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DnsRecord } from '../../model/cnm.js';
import { explain, SAME_NETWORK } from './explain.js';
import type { EndpointFacts, Facts, NetFacts, SandboxFacts } from './facts.js';
import { parseTable } from './nft-rules.js';

const net = (name: string, n: number, more: Partial<NetFacts> = {}): NetFacts => ({
  id: String(n).repeat(64),
  name,
  driver: 'bridge',
  internal: false,
  icc: true,
  defaultBridge: false,
  bridge: `br-${name}`,
  subnets: [`10.0.${n}.0/24`],
  gateways: [`10.0.${n}.1`],
  mtu: 1500,
  ...more,
});
const NETS = {
  front: net('front', 1),
  back: net('back', 2),
  noicc: net('noicc', 3, { icc: false }),
  intnet: net('intnet', 4, { internal: true }),
  bridge: net('bridge', 5, { defaultBridge: true }),
  mv: net('mv', 6, { driver: 'macvlan', bridge: undefined, parent: 'eth1', gateways: ['10.0.6.254'] }),
};
let ids = 0;
const ep = (n: NetFacts, host: number, more: Partial<EndpointFacts> = {}): EndpointFacts => ({
  network: n,
  ifname: 'eth0',
  ipv4: n.subnets[0]!.replace(/0\/24$/, String(host)),
  order: 0,
  mtu: 1500,
  ...more,
});
const sb = (name: string, ...endpoints: EndpointFacts[]): SandboxFacts => ({
  id: `${String(++ids).padStart(2, '0')}${'a'.repeat(62)}`,
  name,
  aliases: [],
  hostNetns: false,
  netnsFile: `/run/netns/${name}`,
  endpoints,
});
const SB = [
  sb('a1', ep(NETS.front, 2)),
  sb('a2', ep(NETS.front, 3)),
  sb('b1', ep(NETS.back, 2)),
  sb('n1', ep(NETS.noicc, 2)),
  sb('n2', ep(NETS.noicc, 3)),
  sb('i1', ep(NETS.intnet, 2)),
  sb('d1', ep(NETS.bridge, 2)),
  sb('d2', ep(NETS.bridge, 3)),
  sb('m1', ep(NETS.mv, 10)),
  sb('t1', ep(NETS.front, 9, { mtu: 1400 })),
];
const dns = (name: string, network: string, address: string): DnsRecord => ({ name, network, address, type: 'A', sandbox: name });

function facts(more: Partial<Facts> = {}): Facts {
  return {
    networks: Object.values(NETS),
    sandboxes: SB,
    dns: [dns('a1', 'front', '10.0.1.2'), dns('a2', 'front', '10.0.1.3'), dns('b1', 'back', '10.0.2.2'), dns('t1', 'front', '10.0.1.9')],
    host: {
      routes: [
        { dst: '0.0.0.0/0', gateway: '192.168.1.1', ifname: 'eth0' },
        { dst: '192.168.1.0/24', ifname: 'eth0' },
      ],
      addresses: [
        { ifname: 'eth0', cidr: '192.168.1.10/24' },
        { ifname: 'eth1', cidr: '10.0.6.1/24' },
      ],
    },
    conflicts: [],
    bridgeNetfilter: true,
    ...more,
  };
}
const from = (name: string, f: Facts = facts()) => f.sandboxes.find((s) => s.name === name)!;
const why = (a: string, b: string, f: Facts = facts(), port?: Parameters<typeof explain>[3]) => explain(f, from(a, f), b, port);
const step = (r: ReturnType<typeof explain>, code: string) => r.chain.find((s) => s.code === code)!;

test('each reason, with the object that decides it', () => {
  const cases: Array<[string, string, string, string, string | undefined]> = [
    ['a1', 'a2', 'reachable', 'ok', undefined],
    ['a1', 'b1', 'unreachable', 'no-shared-network', 'back'],
    ['n1', 'n2', 'unreachable', 'icc-disabled', 'noicc'],
    ['i1', '192.168.1.77', 'unreachable', 'internal', 'intnet'],
    ['d1', 'd2', 'reachable', 'name-not-visible', 'bridge'],
    ['m1', '10.0.6.1', 'unreachable', 'macvlan-host', 'mv'],
    ['t1', 'a1', 'reachable', 'mtu-mismatch', 'front'],
    ['a1', '10.0.1.77', 'unreachable', 'no-such-address', 'front'],
    ['a1', '192.168.1.77', 'reachable', 'ok', undefined],
    ['a1', '172.16.0.1', 'reachable', 'ok', undefined],
    ['a1', 'nosuchhost', 'unreachable', 'no-such-address', 'nosuchhost'],
    ['a1', 'a1', 'reachable', 'same-sandbox', 'a1'],
  ];
  for (const [a, b, verdict, reason, object] of cases) {
    const r = why(a, b);
    assert.equal(r.verdict, verdict, `${a} → ${b}: ${JSON.stringify(r.chain)}`);
    assert.equal(r.reason, reason, `${a} → ${b}`);
    if (object) assert.equal(step(r, reason).object.name, object, `${a} → ${b}`);
  }
});

test('no shared network: both sides named, the fix, the name not visible either', () => {
  const r = why('a1', 'b1');
  assert.equal(
    step(r, 'no-shared-network').text,
    'a1 is on front, b1 on back: no network in common, and cnm networks are isolated from each other',
  );
  assert.equal(step(r, 'no-shared-network').fix, 'cnm network connect back a1');
  assert.equal(r.nameVisible, false);
  assert.match(step(r, 'name-not-visible').text, /b1 is served only on back, and a1 is not on it/);
});

test('a host route overlapping front: a warning between sandboxes, the block for an address in the overlap', () => {
  const conflict = {
    network: 'front',
    networkId: NETS.front.id,
    subnet: '10.0.1.0/24',
    kind: 'route' as const,
    prefix: '10.0.1.128/25',
    ifname: 'tun0',
    since: '',
  };
  const f = facts({ conflicts: [conflict] });
  assert.equal(step(why('a1', 'a2', f), 'subnet-conflict').level, 'warn');
  const r = why('a1', '10.0.1.200', f);
  assert.equal(r.reason, 'subnet-conflict');
  assert.equal(step(r, 'subnet-conflict').object.name, '10.0.1.128/25 dev tun0');
});

test('firewall: a hand-added rule in cnm table blocks, quoted; cnm own rule is attached to the reason it implements', () => {
  const table = parseTable(`table inet cnm {
	chain forward {
		type filter hook forward priority filter; policy accept;
		iifname "br-noicc" oifname "br-noicc" drop comment "cnm:333333333333"
		ip daddr 10.0.1.3 tcp dport 80 drop
	}
}`);
  const f = facts({ firewall: table, listening: new Set([80]) });
  const r = why('a1', 'a2', f, { port: 80, proto: 'tcp' });
  assert.equal(r.reason, 'firewall');
  assert.equal(step(r, 'firewall').rule, 'ip daddr 10.0.1.3 tcp dport 80 drop');
  assert.equal(why('a1', 'a2', f).verdict, 'reachable');
  assert.equal(step(why('n1', 'n2', f), 'icc-disabled').rule, 'iifname "br-noicc" oifname "br-noicc" drop comment "cnm:333333333333"');
  // Bridged frames meet the forward hook only with br_netfilter on.
  assert.equal(why('a1', 'a2', { ...f, bridgeNetfilter: false }, { port: 80, proto: 'tcp' }).verdict, 'reachable');
});

test('--port: nothing listening in B is the reason', () => {
  const r = why('a1', 'a2', facts({ listening: new Set([22]) }), { port: 80, proto: 'tcp' });
  assert.equal(r.reason, 'port-closed');
  assert.equal(step(r, 'port-closed').text, 'nothing in a2 listens on 80/tcp');
});

test('a hostname resolves through the DNS records of A networks only', () => {
  const r = why('a1', 'a2.');
  assert.equal(r.to.kind, 'hostname');
  assert.equal(r.to.address, '10.0.1.3');
  assert.equal(r.verdict, 'reachable');
  const hidden = why('a1', 'b1x', facts({ dns: [...facts().dns, dns('b1x', 'back', '10.0.2.2')] }));
  assert.equal(hidden.verdict, 'unreachable');
  assert.equal(hidden.reason, 'name-not-visible');
});

test('the per-driver extension point: a driver adds its own step on a shared network', () => {
  const ov = net('ov', 7, { driver: 'overlay', bridge: undefined });
  const f = facts({ networks: [...Object.values(NETS), ov], sandboxes: [...SB, sb('o1', ep(ov, 2)), sb('o2', ep(ov, 3))] });
  SAME_NETWORK.overlay = ({ to, network }) => ({
    code: 'overlay-peer-missing',
    level: 'block',
    text: `no peer entry for ${to.name}`,
    object: { kind: 'network', name: network.name },
  });
  try {
    assert.equal(why('o1', 'o2', f).reason, 'overlay-peer-missing');
  } finally {
    delete SAME_NETWORK.overlay;
  }
});
