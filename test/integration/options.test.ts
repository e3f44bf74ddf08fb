// Network options on the real kernel, and the JSON compared with what Docker 20.10 printed for
// the same `docker network create` (test/fixtures/docker/docker-network-inspect-custom-options.json).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestHost, execIn } from './host.js';
import { dockerJson } from '../fixtures/index.js';
import type { NetworkResource } from '../../model/docker.js';
import type { SandboxView } from '../../model/cnm.js';
import { isRoot, needsRoot } from '../root.js';

let host: TestHost;
before(async () => {
  if (!isRoot) return;
  host = await TestHost.start('opts');
});
after(async () => {
  if (!isRoot) return;
  await host?.destroy();
});

test('bridge name, MTU, ip-range, internal, labels: same JSON as Docker, real links', needsRoot, () => {
  const [docker] = dockerJson<NetworkResource[]>('docker-network-inspect-custom-options.json');
  host.mustCnm(
    'network',
    'create',
    '--subnet',
    '10.77.0.0/24',
    '--ip-range',
    '10.77.0.128/25',
    '--gateway',
    '10.77.0.1',
    '-o',
    'com.docker.network.bridge.name=br-custom',
    '-o',
    'com.docker.network.driver.mtu=1400',
    '--internal',
    '--label',
    'owner=steering',
    'custom',
  );
  const [ours] = JSON.parse(host.mustCnm('network', 'inspect', 'custom')) as NetworkResource[];
  const strip = (n: NetworkResource) => ({ ...n, Id: '', Created: '' });
  assert.equal(JSON.stringify(strip(ours), null, 4), JSON.stringify(strip(docker), null, 4));

  const link = host.inHost('ip', '-d', 'link', 'show', 'br-custom').stdout;
  assert.match(link, /mtu 1400/);
  assert.match(link, new RegExp(`alias cnm:${ours.Id}`));
  host.mustCnm('sandbox', 'create', 'c1', '--net', 'custom');
  const sb: SandboxView = JSON.parse(host.mustCnm('sandbox', 'inspect', 'c1'))[0];
  const ip = sb.endpoints[0].ipv4!;
  const last = Number(ip.split('/')[0].split('.')[3]);
  assert.ok(ip.startsWith('10.77.0.') && last >= 128, `address from the ip-range: ${ip}`);
  assert.match(execIn(host, 'c1', 'ip', 'link', 'show', 'eth0').stdout, /mtu 1400/);
  assert.match(execIn(host, 'c1', 'ip', 'link', 'show', 'eth0').stdout, new RegExp(sb.endpoints[0].mac));
});

test('aux addresses are never handed out; static --ip6; a pool that overlaps a host route is skipped', needsRoot, () => {
  host.mustCnm('network', 'create', '--subnet', '10.78.0.0/29', '--aux-address', 'router=10.78.0.2', 'aux');
  host.mustCnm('sandbox', 'create', 'a1', '--net', 'aux');
  const sb: SandboxView = JSON.parse(host.mustCnm('sandbox', 'inspect', 'a1'))[0];
  assert.equal(sb.endpoints[0].ipv4, '10.78.0.3/29');
  // A route on the host to 172.18.0.0/16: the next default pool must skip it.
  host.inHost('ip', 'link', 'add', 'hostroute0', 'type', 'bridge');
  host.inHost('ip', 'link', 'set', 'hostroute0', 'up');
  host.inHost('ip', 'addr', 'add', '172.18.5.1/16', 'dev', 'hostroute0');
  host.mustCnm('network', 'create', 'auto1');
  const [auto1] = JSON.parse(host.mustCnm('network', 'inspect', 'auto1')) as NetworkResource[];
  assert.notEqual(auto1.IPAM.Config[0].Subnet, '172.18.0.0/16');
  assert.match(auto1.IPAM.Config[0].Subnet!, /^172\.(19|2\d|3[01])\.0\.0\/16$/);
  host.mustCnm('network', 'create', '--ipv6', '--subnet', 'fd00:1::/64', 'v6');
  host.mustCnm('network', 'connect', '--ip6', 'fd00:1::99', 'v6', 'a1');
  assert.match(execIn(host, 'a1', 'ip', '-6', 'addr', 'show', 'eth1').stdout, /fd00:1::99\/64/);
});

test('connects reuse the parked veth: right name, MAC, MTU and addresses each time', needsRoot, async () => {
  host.mustCnm('network', 'create', '--subnet', '10.81.0.0/24', '-o', 'com.docker.network.driver.mtu=1400', 'm1');
  host.mustCnm('network', 'create', '--subnet', '10.82.0.0/24', 'm2');
  host.mustCnm('sandbox', 'create', 'r1');
  await new Promise((r) => setTimeout(r, 300)); // the spare is made off the request path
  const eth1 = () => execIn(host, 'r1', 'ip', '-o', 'addr', 'show', 'dev', 'eth1').stdout;
  const check = (net: string, mtu: number) => {
    const ep = (JSON.parse(host.mustCnm('sandbox', 'inspect', 'r1'))[0] as SandboxView).endpoints.find((e) => e.networkName === net)!;
    assert.equal(ep.ifname, 'eth1');
    const link = execIn(host, 'r1', 'ip', 'link', 'show', 'eth1').stdout;
    assert.match(link, new RegExp(`mtu ${mtu}\\b`));
    assert.match(link, new RegExp(ep.mac));
    assert.match(eth1(), new RegExp(`inet ${ep.ipv4!.replace('.', '\\.')}`));
    assert.equal(
      execIn(host, 'r1', 'ping', '-c1', '-W1', `${ep.ipv4!.split('.').slice(0, 3).join('.')}.1`).code,
      0,
      `gateway of ${net} reachable`,
    );
  };
  for (let round = 0; round < 2; round++) {
    host.mustCnm('network', 'connect', 'm1', 'r1');
    check('m1', 1400);
    host.mustCnm('network', 'disconnect', 'm1', 'r1');
    assert.notEqual(execIn(host, 'r1', 'ip', 'link', 'show', 'eth1').code, 0, 'eth1 gone after disconnect');
    host.mustCnm('network', 'connect', 'm2', 'r1');
    check('m2', 1500);
    assert.doesNotMatch(eth1(), /10\.81\./, 'no address of m1 left');
    host.mustCnm('network', 'disconnect', 'm2', 'r1');
  }
  // The same network again: the parked host end is still on its bridge.
  host.mustCnm('network', 'connect', 'm2', 'r1');
  check('m2', 1500);
  host.mustCnm('network', 'disconnect', 'm2', 'r1');
  host.mustCnm('network', 'connect', 'm2', 'r1');
  check('m2', 1500);
  host.mustCnm('network', 'disconnect', 'm2', 'r1');
  const spares = host
    .inHost('ip', '-o', 'link')
    .stdout.split('\n')
    .filter((l) => /vcnm/.test(l) && /alias cnm:/.test(l));
  assert.ok(spares.length >= 1, 'host ends are aliased as cnm objects');
  host.mustCnm('sandbox', 'rm', 'r1');
});
