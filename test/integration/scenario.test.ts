// Issue 2's scenario as a user types it, against a real cnmd in a throwaway host namespace:
// real links, real nftables, real pings.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { TestHost, execIn, pingOk } from './host.js';
import type { SandboxView } from '../../model/cnm.js';
import type { NetworkResource } from '../../model/docker.js';
import { isRoot, needsRoot } from '../root.js';

let host: TestHost;
before(async () => {
  if (!isRoot) return;
  host = await TestHost.start('scen');
});
after(async () => {
  if (!isRoot) return;
  await host?.destroy();
});

const sandbox = (name: string): SandboxView => JSON.parse(host.mustCnm('sandbox', 'inspect', name))[0];
const ipOn = (name: string, net: string) =>
  sandbox(name)
    .endpoints.find((e) => e.networkName === net)
    ?.ipv4?.split('/')[0];

test('default networks exist from the first start', needsRoot, () => {
  const ls = host.mustCnm('network', 'ls');
  const rows = ls
    .split('\n')
    .slice(1)
    .map((l) => l.split(/\s+/));
  assert.deepEqual(rows.map((r) => [r[1], r[2], r[3]]).sort(), [
    ['bridge', 'bridge', 'local'],
    ['host', 'host', 'local'],
    ['none', 'null', 'local'],
  ]);
  const bridge: NetworkResource = JSON.parse(host.mustCnm('network', 'inspect', 'bridge'))[0];
  assert.equal(bridge.Options['com.docker.network.bridge.name'], 'cnm0');
  assert.equal(bridge.IPAM.Config[0].Subnet, '172.17.0.0/16');
  assert.equal(host.inHost('ip', 'link', 'show', 'cnm0').code, 0, 'bridge cnm0 exists in the host namespace');
  for (const n of ['bridge', 'host', 'none']) {
    const r = host.cnm('network', 'rm', n);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`${n} is a pre-defined network and cannot be removed`));
  }
});

test('the scenario: create, connect, isolate, disconnect, inspect, refuse rm', needsRoot, () => {
  host.mustCnm('network', 'create', '--driver=bridge', 'frontend');
  host.mustCnm('network', 'create', 'backend', '--subnet', '10.20.0.0/24', '--gateway', '10.20.0.1');
  host.mustCnm('sandbox', 'create', 'ins01', '--net', 'frontend');
  host.mustCnm('sandbox', 'create', 'ins02', '--net', 'frontend');
  host.mustCnm('network', 'connect', 'backend', 'ins02');
  host.mustCnm('sandbox', 'create', 'ins03', '--net', 'backend', '--ip', '10.20.0.50');

  const links = execIn(host, 'ins02', 'ip', '-o', 'link').stdout;
  assert.match(links, /eth0@/);
  assert.match(links, /eth1@/);
  assert.equal(ipOn('ins03', 'backend'), '10.20.0.50');
  const ins02front = ipOn('ins02', 'frontend')!;
  const ins02back = ipOn('ins02', 'backend')!;
  assert.ok(ins02front && ins02back, 'ins02 has two addresses');

  assert.ok(pingOk(host, 'ins01', ins02front), 'ins01 reaches ins02 on frontend');
  assert.ok(!pingOk(host, 'ins01', '10.20.0.50'), 'ins01 cannot reach ins03: networks are isolated');
  assert.ok(pingOk(host, 'ins02', '10.20.0.50'), 'ins02 reaches ins03 on backend');

  host.mustCnm('network', 'disconnect', 'backend', 'ins02');
  assert.doesNotMatch(execIn(host, 'ins02', 'ip', '-o', 'link').stdout, /eth1@/);
  assert.ok(!pingOk(host, 'ins02', '10.20.0.50'), 'after disconnect ins02 no longer reaches ins03');

  const front: NetworkResource = JSON.parse(host.mustCnm('network', 'inspect', 'frontend'))[0];
  assert.match(front.Id, /^[0-9a-f]{64}$/);
  const names = Object.values(front.Containers)
    .map((c) => c.Name)
    .sort();
  assert.deepEqual(names, ['ins01', 'ins02']);
  for (const c of Object.values(front.Containers)) {
    assert.match(c.MacAddress, /^02:42:/);
    assert.match(c.EndpointID, /^[0-9a-f]{64}$/);
  }
  const rm = host.cnm('network', 'rm', 'frontend');
  assert.equal(rm.code, 1);
  assert.match(
    rm.stderr,
    /Error response from daemon: error while removing network: network frontend id [0-9a-f]{64} has active endpoints/,
  );
});

test('ICC off blocks traffic inside one network; internal networks have no way out', needsRoot, () => {
  host.mustCnm('network', 'create', 'noicc', '-o', 'com.docker.network.bridge.enable_icc=false');
  host.mustCnm('sandbox', 'create', 'icc1', '--net', 'noicc');
  host.mustCnm('sandbox', 'create', 'icc2', '--net', 'noicc');
  assert.ok(!pingOk(host, 'icc1', ipOn('icc2', 'noicc')!), 'ICC off: no traffic between endpoints');
  const gw = (JSON.parse(host.mustCnm('network', 'inspect', 'noicc'))[0] as NetworkResource).IPAM.Config[0].Gateway!;
  assert.ok(pingOk(host, 'icc1', gw), 'the gateway is still reachable');

  host.mustCnm('network', 'create', '--internal', 'priv');
  host.mustCnm('sandbox', 'create', 'in1', '--net', 'priv');
  host.mustCnm('sandbox', 'create', 'in2', '--net', 'priv');
  assert.ok(pingOk(host, 'in1', ipOn('in2', 'priv')!), 'endpoints of an internal network reach each other');
  const routes = execIn(host, 'in1', 'ip', 'route').stdout;
  assert.doesNotMatch(routes, /default/, 'no default route on an internal network');
  // The frontend gateway is an address outside the internal network: unreachable.
  const frontGw = (JSON.parse(host.mustCnm('network', 'inspect', 'frontend'))[0] as NetworkResource).IPAM.Config[0].Gateway!;
  assert.ok(!pingOk(host, 'in1', frontGw), 'internal network has no egress');
});

test('bad input gets Docker errors and leaves nothing half-made', needsRoot, () => {
  const linksBefore = host.inHost('ip', '-o', 'link').stdout.split('\n').length;
  const cases: Array<[string[], RegExp]> = [
    [['network', 'create', 'bad1', '--subnet', '10.300.0.0/24'], /invalid/i],
    [['network', 'create', 'bad2', '--subnet', '10.30.0.0/24', '--gateway', '10.31.0.1'], /gateway|subnet/i],
    [['network', 'create', 'bad3', '--subnet', '10.20.0.0/16'], /overlaps/],
    [['network', 'create', 'backend'], /network with name backend already exists/],
    [['network', 'create', '-d', 'nosuchdriver', 'bad4'], /not found/],
    [['network', 'connect', 'nosuchnet', 'ins01'], /network nosuchnet not found/],
    [['network', 'connect', 'backend', 'nosuchbox'], /No such sandbox: nosuchbox/],
    [['sandbox', 'create', 'ins04', '--net', 'backend', '--ip', '10.20.0.50'], /in use/i],
    [['sandbox', 'create', 'ins01'], /already in use/],
  ];
  for (const [args, re] of cases) {
    const r = host.cnm(...args);
    assert.equal(r.code, 1, `cnm ${args.join(' ')} should fail`);
    assert.match(r.stderr, re, `cnm ${args.join(' ')}: ${r.stderr}`);
  }
  assert.equal(host.inHost('ip', '-o', 'link').stdout.split('\n').length, linksBefore, 'no links left by failed requests');
  const names = host.mustCnm('network', 'ls', '--format', '{{.Name}}').split('\n');
  assert.ok(!names.some((n) => n.startsWith('bad')), 'no network records left');
  assert.ok(!host.mustCnm('sandbox', 'ls').includes('ins04'), 'no sandbox record left');
});

test('restart: kill -9, start again, same addresses, no orphans, addresses not handed out twice', needsRoot, async () => {
  const before = ipOn('ins01', 'frontend');
  // A half-made endpoint as a crash would leave it: a link aliased as cnm's that nothing owns.
  host.inHost('ip', 'link', 'add', 'vcnmorphan1', 'type', 'veth', 'peer', 'name', 'vcnmorphan2');
  host.inHost('ip', 'link', 'set', 'vcnmorphan1', 'alias', `cnm:${'f'.repeat(64)}`);
  await host.stopDaemon('SIGKILL');
  await host.startDaemon();
  assert.equal(ipOn('ins01', 'frontend'), before);
  assert.ok(pingOk(host, 'ins01', ipOn('ins02', 'frontend')!), 'dataplane still works after restart');
  assert.notEqual(host.inHost('ip', 'link', 'show', 'vcnmorphan1').code, 0, 'orphan link removed');
  host.mustCnm('sandbox', 'create', 'ins05', '--net', 'frontend');
  const taken = ['ins01', 'ins02', 'ins05'].map((n) => ipOn(n, 'frontend'));
  assert.equal(new Set(taken).size, 3, `distinct addresses after restart: ${taken.join(', ')}`);
});

test('sandbox rm removes its namespace and files', needsRoot, () => {
  const sb = sandbox('ins05');
  host.mustCnm('sandbox', 'rm', '-f', 'ins05');
  assert.ok(!host.mustCnm('sandbox', 'ls').includes('ins05'));
  assert.notEqual(execIn(host, 'ins05', 'true').code, 0);
  const ns = sb.netnsPath.split('/').pop()!;
  assert.ok(!fs.existsSync(`/run/netns/${ns}`), 'netns file gone');
  assert.ok(!fs.existsSync(`/etc/netns/${ns}`), 'sandbox files gone');
});
