// Moving a network to a free subnet through a real cnmd on the real kernel: a route like a VPN's
// overlaps the network (warning), `cnm network move` re-addresses it and reconnects its sandboxes
// (they ping each other by name on the new subnet, the warning goes), and a failure forced
// mid-move (fail point in throw mode) leaves it on its subnet with every sandbox still reachable.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient } from '../../helper/api/client.js';
import { FAILPOINT_ENV } from '../../helper/failpoints.js';
import type { DockerEvent, NetworkResource } from '../../model/docker.js';
import { overlaps, parseCidr } from '../../model/ip.js';
import { TestHost, mustSh, vethPairs } from './host.js';
import { isRoot, needsRoot } from '../root.js';

const P = '10.77';
let host: TestHost;
let api: ApiClient;
const events: Array<DockerEvent & { at: number }> = [];
const abort = new AbortController();
let stream: Promise<void> | undefined;

before(async () => {
  if (!isRoot) return;
  host = await TestHost.start('move', {
    setup: (h) => {
      // A stand-in for a VPN's tun0, and a macvlan parent.
      vethPairs(h, [
        ['vpn0', 'vpn1'],
        ['mvp0', 'mvp1'],
      ]);
    },
  });
  // The second move's reconnect fails (an error, not a kill): the rollback must put everything back.
  await host.stopDaemon();
  await host.startDaemon({ [FAILPOINT_ENV]: 'network-move:reconnected@2=throw' });
  api = new ApiClient(host.hostUrl);
  host.mustCnm('network', 'create', 'mnet', '--subnet', `${P}.1.0/24`);
  host.mustCnm('sandbox', 'create', 's1', '--net', 'mnet');
  host.mustCnm('sandbox', 'create', 's2', '--net', 'mnet', '--alias', 'web');
});

after(async () => {
  if (!isRoot) return;
  abort.abort();
  await stream;
  await host?.destroy();
});

async function waitFor(cond: () => Promise<boolean> | boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const inspect = (name: string) => JSON.parse(host.mustCnm('network', 'inspect', name))[0] as NetworkResource & { Warnings?: string[] };
const subnetOf = (name: string) => inspect(name).IPAM.Config![0]!.Subnet!;
const endpoints = (name: string) =>
  Object.values(inspect(name).Containers)
    .map((c) => `${c.Name} ${c.EndpointID} ${c.IPv4Address}`)
    .sort();

/** Both sandboxes reach each other by name (and s1 reaches s2's alias) through the embedded DNS. */
function pingByName(): void {
  for (const [from, to] of [
    ['s1', 's2'],
    ['s2', 's1'],
    ['s1', 'web'],
  ]) {
    const r = host.cnm('exec', from!, '--', 'ping', '-c1', '-W2', to!);
    assert.equal(r.code, 0, `${from} pings ${to}: ${r.stdout}${r.stderr}`);
  }
}

test('a route overlapping the network: warning; the move takes a free subnet, reconnects, and the warning goes', needsRoot, async () => {
  stream = (async () => {
    for await (const ev of api.events({ signal: abort.signal })) events.push({ ...ev, at: Date.now() });
  })().catch(() => undefined);
  await new Promise((r) => setTimeout(r, 200));
  pingByName();
  mustSh('ip', ['-n', host.ns, 'route', 'add', `${P}.1.128/25`, 'dev', 'vpn0']);
  await waitFor(() => !!inspect('mnet').Warnings?.length, 'the conflict warning');
  const before = endpoints('mnet');

  const dry = host.mustCnm('network', 'move', 'mnet', '--dry-run');
  assert.match(dry, new RegExp(`^would move: mnet: ${P}\\.1\\.0/24 \\(gateway ${P}\\.1\\.1\\) → \\S+`));
  assert.match(dry, /s1 \(eth0\): 10\.77\.1\.\d+\/24 → \d+\.\d+\.\d+\.\d+\/\d+/);
  assert.match(dry, /s2 \(eth0\)/);
  assert.deepEqual(endpoints('mnet'), before, 'a dry run changes nothing');

  const t0 = Date.now();
  const out = host.mustCnm('network', 'move', 'mnet');
  assert.match(out, /^moved in [\d.]+ ms: mnet: 10\.77\.1\.0\/24/);
  const subnet = subnetOf('mnet');
  assert.notEqual(subnet, `${P}.1.0/24`);
  assert.ok(!overlaps(parseCidr(subnet)!, parseCidr(`${P}.1.128/25`)!), `${subnet} is clear of the route`);
  // Same endpoints (ids) with addresses in the new subnet.
  const after = endpoints('mnet');
  assert.deepEqual(
    after.map((l) => l.split(' ').slice(0, 2).join(' ')),
    before.map((l) => l.split(' ').slice(0, 2).join(' ')),
  );
  for (const l of after) assert.ok(overlaps(parseCidr(l.split(' ')[2]!)!, parseCidr(subnet)!), l);
  await waitFor(() => inspect('mnet').Warnings === undefined, 'the warning to clear', 2000);
  await waitFor(() => events.some((e) => e.Action === 'subnet-conflict-cleared' && e.at >= t0), 'the cleared event', 2000);
  const move = events.find((e) => e.Action === 'move' && e.at >= t0);
  assert.deepEqual([move?.Actor.Attributes.previous, move?.Actor.Attributes.subnet], [`${P}.1.0/24`, subnet]);
  pingByName();
  // The bridge carries only the new gateway address.
  const br = mustSh('ip', ['-n', host.ns, '-4', '-o', 'addr', 'show', 'dev', `br-${inspect('mnet').Id.slice(0, 12)}`]);
  assert.doesNotMatch(br, /10\.77\.1\./);
});

test('a failure mid-move rolls back: the old subnet, the same addresses, sandboxes still ping by name', needsRoot, async () => {
  const subnet = subnetOf('mnet');
  const before = endpoints('mnet');
  const r = host.cnm('network', 'move', 'mnet', '--subnet', `${P}.9.0/24`);
  assert.notEqual(r.code, 0);
  assert.match(
    r.stderr,
    new RegExp(
      `failed, so it stays on ${subnet.replace(/\./g, '\\.')} with every endpoint reconnected: .*fail point network-move:reconnected`,
    ),
  );
  assert.equal(subnetOf('mnet'), subnet);
  assert.deepEqual(endpoints('mnet'), before);
  pingByName();
  // Nothing of the attempt is held: the subnet it tried can be had.
  host.mustCnm('network', 'create', 'probe', '--subnet', `${P}.9.0/24`);
  host.mustCnm('network', 'rm', 'probe');
});

test('bad input names the flag; a network without a subnet is refused plainly', needsRoot, async () => {
  const bad = host.cnm('network', 'move', 'mnet', '--subnet', 'nonsense');
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /invalid argument for "--subnet" flag: nonsense is not a subnet in CIDR notation/);
  const v6 = host.cnm('network', 'move', 'mnet', '--subnet', 'fd00::/64');
  assert.match(v6.stderr, /"--subnet" flag: fd00::\/64 is not an IPv4 subnet/);
  const hostNet = host.cnm('network', 'move', 'host');
  assert.match(hostNet.stderr, /network host \(driver host\) has no subnet to move/);
});

test('macvlan: the move re-addresses the sandbox on the parent', needsRoot, async () => {
  host.mustCnm('network', 'create', '-d', 'macvlan', '-o', 'parent=mvp0', '--subnet', `${P}.6.0/24`, 'mvnet');
  host.mustCnm('sandbox', 'create', 'm1', '--net', 'mvnet');
  host.mustCnm('network', 'move', 'mvnet', '--subnet', `${P}.7.0/24`);
  const view = JSON.parse(host.mustCnm('sandbox', 'inspect', 'm1'))[0] as { endpoints: Array<{ ipv4: string }> };
  assert.match(view.endpoints[0]!.ipv4, /^10\.77\.7\.\d+\/24$/);
  assert.match(host.mustCnm('exec', 'm1', '--', 'ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0'), /10\.77\.7\.\d+\/24/);
  host.mustCnm('sandbox', 'rm', '-f', 'm1');
  host.mustCnm('network', 'rm', 'mvnet');
});

test('bench: moving a network with N sandboxes', needsRoot, async () => {
  for (const n of [2, 10]) {
    const net = `bench${n}`;
    host.mustCnm('network', 'create', net, '--subnet', `${P}.${20 + n}.0/24`);
    for (let i = 0; i < n; i++) await api.createSandbox({ Name: `${net}-${i}`, Network: net });
    const plan = await api.moveNetwork(net, { Subnet: `${P}.${40 + n}.0/24` });
    assert.equal(plan.endpoints.length, n);
    console.log(`# move of a network with ${n} sandboxes: ${plan.ms} ms`);
    for (let i = 0; i < n; i++) await api.removeSandbox(`${net}-${i}`, true);
    await api.removeNetwork(net);
  }
});
