// The macvlan driver through a real cnmd on the real kernel. The parent segment: a veth pair from
// the test host's namespace (the end there, `mvparent`, is the parent, with the host's own LAN
// address) into a "neighbour machine" namespace the test makes. Docker's JSON for the same
// `docker network create -d macvlan` is test/fixtures/docker/docker-network-inspect-macvlan.json.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { TestHost, execIn, mustSh, pingOk, sh } from './host.js';
import type { NetworkResource } from '../../model/docker.js';
import type { SandboxView } from '../../model/cnm.js';
import { isRoot, needsRoot } from '../root.js';

const FIXTURES = path.resolve(__dirname, '../fixtures/docker');
const NB = `t-mvnb-${process.pid}`;
const SUBNET = '10.230.0.0/24';
const HOST_ADDR = '10.230.0.250';
const NB_ADDR = '10.230.0.200';

let host: TestHost;
before(async () => {
  if (!isRoot) return;
  host = await TestHost.start('mv');
  mustSh('ip', ['netns', 'add', NB]);
  mustSh('ip', ['-n', host.ns, 'link', 'add', 'mvparent', 'type', 'veth', 'peer', 'name', 'nb0', 'netns', NB]);
  mustSh('ip', ['-n', host.ns, 'link', 'set', 'mvparent', 'up']);
  mustSh('ip', ['-n', host.ns, 'addr', 'add', `${HOST_ADDR}/24`, 'dev', 'mvparent']);
  mustSh('ip', ['-n', NB, 'link', 'set', 'lo', 'up']);
  mustSh('ip', ['-n', NB, 'link', 'set', 'nb0', 'up']);
  mustSh('ip', ['-n', NB, 'addr', 'add', `${NB_ADDR}/24`, 'dev', 'nb0']);
});
after(async () => {
  if (!isRoot) return;
  sh('ip', ['netns', 'delete', NB]);
  await host?.destroy();
});

const inspect = (name: string): NetworkResource => (JSON.parse(host.mustCnm('network', 'inspect', name)) as NetworkResource[])[0];
const sandbox = (name: string): SandboxView => JSON.parse(host.mustCnm('sandbox', 'inspect', name))[0];
const fromNeighbour = (ip: string) => sh('ip', ['netns', 'exec', NB, 'ping', '-c1', '-W1', ip]).code === 0;
const fromHost = (ip: string) => host.inHost('ping', '-c1', '-W1', ip).code === 0;
/** `cnm network create -d macvlan` on the parent segment, with `more` flags before the name. */
const macvlan = (name: string, subnet: string, ...more: string[]) => [
  'network',
  'create',
  '-d',
  'macvlan',
  '--subnet',
  subnet,
  '-o',
  'parent=mvparent',
  ...more,
  name,
];
const ipOf = (name: string) => sandbox(name).endpoints[0].ipv4!.split('/')[0];
const hostLinks = () => host.inHost('ip', '-o', 'link', 'show').stdout;
const fails = (args: string[], message: string | RegExp) => {
  const r = host.cnm(...args);
  assert.notEqual(r.code, 0, `cnm ${args.join(' ')} should fail`);
  assert.match(r.stderr, typeof message === 'string' ? new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : message);
};

/** Docker's JSON with the per-run values (ids, times) blanked and the containers in name order. */
function comparable(n: NetworkResource): string {
  const containers = Object.values(n.Containers)
    .map((c) => ({ ...c, EndpointID: '' }))
    .sort((a, b) => a.Name.localeCompare(b.Name));
  return JSON.stringify({ ...n, Id: '', Created: '', Containers: containers }, null, 4);
}

test(
  'docker network create -d macvlan: the same JSON as Docker, sandboxes reach each other and the neighbour, DNS works',
  needsRoot,
  () => {
    host.mustCnm(...macvlan('mv', SUBNET, '--gateway', '10.230.0.1'));
    host.mustCnm('sandbox', 'create', 'm1', '--net', 'mv');
    host.mustCnm('sandbox', 'create', 'm2', '--net', 'mv', '--ip', '10.230.0.50');
    const [docker] = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'docker-network-inspect-macvlan.json'), 'utf8')) as NetworkResource[];
    assert.equal(comparable(inspect('mv')), comparable(docker));

    const m1 = sandbox('m1');
    assert.equal(m1.endpoints[0].hostIfname, undefined, 'no host-side link');
    const eth0 = execIn(host, 'm1', 'ip', '-d', 'link', 'show', 'eth0').stdout;
    assert.match(eth0, /macvlan mode bridge/);
    assert.match(eth0, /02:42:0a:e6:00:02/);
    assert.match(execIn(host, 'm1', 'ip', 'route').stdout, /default via 10\.230\.0\.1 dev eth0/);
    assert.ok(pingOk(host, 'm1', '10.230.0.50'), 'sandbox to sandbox (bridge mode)');
    assert.ok(pingOk(host, 'm1', NB_ADDR), 'sandbox to the neighbour machine');
    assert.ok(fromNeighbour('10.230.0.2'), 'neighbour machine to sandbox');
    // No bridge, no NAT: nothing cnm made on the host side, no firewall rules for it.
    assert.doesNotMatch(hostLinks(), /br-|vcnm/);
    const digOut = execIn(host, 'm1', 'dig', '+short', '+tries=1', '+time=3', 'm2').stdout.trim();
    assert.equal(digOut, '10.230.0.50', 'embedded DNS on a macvlan network');
  },
);

test('the host cannot reach its macvlan sandboxes through the parent: inspect says so; the shim fixes it', needsRoot, () => {
  assert.equal(fromHost('10.230.0.2'), false, 'without a shim the kernel keeps host and macvlan children apart');
  const plain = host.cnm('network', 'inspect', 'mv');
  assert.match(plain.stderr, /note \(mv\): the host cannot reach this network's sandboxes through mvparent.*cnm\.macvlan\.host_shim=true/);
  assert.doesNotMatch(plain.stdout, /host_shim|cannot reach/, "Docker's JSON carries no cnm hints");
  host.mustCnm('sandbox', 'rm', 'm1', 'm2');
  host.mustCnm('network', 'rm', 'mv');

  host.mustCnm(...macvlan('mvs', SUBNET, '--gateway', '10.230.0.1', '-o', 'cnm.macvlan.host_shim=true'));
  host.mustCnm('sandbox', 'create', 's1', '--net', 'mvs');
  const id = inspect('mvs').Id;
  const shim = `cnmsh${id.slice(0, 10)}`;
  assert.match(host.inHost('ip', '-d', 'link', 'show', shim).stdout, /macvlan mode bridge/);
  assert.match(host.inHost('ip', 'addr', 'show', shim).stdout, /10\.230\.0\.254\/32/);
  assert.ok(fromHost(ipOf('s1')), 'host reaches the sandbox through the shim');
  assert.ok(fromHost(NB_ADDR), 'and still the neighbour');
  assert.equal(host.cnm('network', 'inspect', 'mvs').stderr, '', 'no note once the shim is there');
  // The shim's address is never handed to an endpoint.
  host.mustCnm('sandbox', 'create', 's2', '--net', 'mvs', '--ip', '10.230.0.253');
  assert.match(host.cnm('sandbox', 'create', 's3', '--net', 'mvs', '--ip', '10.230.0.254').stderr, /Address already in use|already/i);
  host.mustCnm('sandbox', 'rm', 's1', 's2');
  host.mustCnm('network', 'rm', 'mvs');
  assert.doesNotMatch(hostLinks(), new RegExp(shim), 'the shim goes with the network');
  assert.doesNotMatch(host.inHost('ip', 'route').stdout, /10\.230\.0\.0\/25|10\.230\.0\.128\/25/);
});

test('modes: bridge, vepa, private, passthru on the real kernel', needsRoot, () => {
  const run = (mode: string, check: (a: string, b: string) => void, second = true) => {
    host.mustCnm(...macvlan(`mv-${mode}`, SUBNET, '-o', `macvlan_mode=${mode}`));
    host.mustCnm('sandbox', 'create', `${mode}1`, '--net', `mv-${mode}`);
    if (second) host.mustCnm('sandbox', 'create', `${mode}2`, '--net', `mv-${mode}`);
    try {
      assert.match(execIn(host, `${mode}1`, 'ip', '-d', 'link', 'show', 'eth0').stdout, new RegExp(`macvlan mode ${mode}`));
      check(`${mode}1`, `${mode}2`);
    } finally {
      host.mustCnm('sandbox', 'rm', `${mode}1`, ...(second ? [`${mode}2`] : []));
      host.mustCnm('network', 'rm', `mv-${mode}`);
    }
  };
  run('bridge', (a, b) => {
    assert.ok(pingOk(host, a, ipOf(b)));
    assert.ok(pingOk(host, a, NB_ADDR));
  });
  // vepa sends sandbox-to-sandbox traffic to the external switch, which must hairpin it; the
  // neighbour's plain veth end does not, so only the neighbour is reachable.
  run('vepa', (a, b) => {
    assert.equal(pingOk(host, a, ipOf(b)), false);
    assert.ok(pingOk(host, a, NB_ADDR));
  });
  run('private', (a, b) => {
    assert.equal(pingOk(host, a, ipOf(b)), false, 'private blocks sandbox to sandbox');
    assert.ok(pingOk(host, a, NB_ADDR));
  });
  // passthru: one endpoint owns the parent; a second is refused with a clear error.
  run(
    'passthru',
    (a) => {
      assert.ok(pingOk(host, a, NB_ADDR));
      fails(['sandbox', 'create', 'passthru2', '--net', 'mv-passthru'], /passthru mode allows one endpoint on parent mvparent/);
      assert.equal(host.cnm('sandbox', 'inspect', 'passthru2').code, 1, 'nothing half-made');
    },
    false,
  );
});

test("parent errors are Docker's, and leave nothing behind", needsRoot, () => {
  const before = hostLinks();
  const badParents: Array<[string[], string]> = [
    [['-o', 'parent=nosuch'], 'invalid subinterface vlan name nosuch, example formatting is eth0.10'],
    [['-o', 'parent=nosuch.10'], '-o parent interface was not found on the host: nosuch'],
    [['-o', 'parent=mvparent.5000'], 'vlan id must be between 1-4094, received: 5000'],
    [['-o', 'parent=lo'], 'loopback interface is not a valid macvlan parent link'],
    [
      ['-o', 'parent=mvparent', '-o', 'macvlan_mode=foo'],
      "requested macvlan mode 'foo' is not valid, 'bridge' mode is the macvlan driver default",
    ],
  ];
  badParents.forEach(([opts, message], i) =>
    fails(['network', 'create', '-d', 'macvlan', '--subnet', '10.240.0.0/24', ...opts, `bad${i + 1}`], message),
  );
  host.mustCnm(...macvlan('first', '10.241.0.0/24'));
  const first = inspect('first').Id;
  // Same parent: libnetwork allows one macvlan network per parent.
  fails(macvlan('second', '10.242.0.0/24'), `network dm-${first.slice(0, 12)} is already using parent interface mvparent`);
  // Same parent and an overlapping subnet: the IPAM answers first, as in Docker (cnm's CLI names the network).
  fails(
    macvlan('third', '10.241.0.128/25'),
    /Pool (10\.241\.0\.128\/25 )?overlaps with (other one|network "first" \(10\.241\.0\.0\/24\)) on this address space/,
  );
  host.mustCnm('network', 'rm', 'first');
  assert.equal(host.cnm('network', 'inspect', 'bad1').code, 1);
  assert.equal(hostLinks().replace(/\d+: /g, ''), before.replace(/\d+: /g, ''));
});

test('parent eth1.10: cnmd makes the 802.1q sub-interface and removes it with the network', needsRoot, (t) => {
  const r = host.cnm('network', 'create', '-d', 'macvlan', '--subnet', '10.243.0.0/24', '-o', 'parent=mvparent.10', 'vlan10');
  if (r.code !== 0) {
    assert.match(r.stderr, /kernel lacks 802\.1q VLAN support \(module 8021q\): cannot create mvparent\.10/);
    assert.doesNotMatch(hostLinks(), /mvparent\.10/, 'nothing half-made');
    return t.skip('kernel lacks 802.1q VLAN support (module 8021q)');
  }
  assert.match(host.inHost('ip', '-d', 'link', 'show', 'mvparent.10').stdout, /vlan protocol 802\.1Q id 10/);
  host.mustCnm('network', 'rm', 'vlan10');
  assert.doesNotMatch(hostLinks(), /mvparent\.10/);
});

test('no parent, or --internal: sandboxes reach only each other (a stand-in segment; no dummy links here)', needsRoot, () => {
  for (const args of [[], ['--internal', '-o', 'parent=mvparent']]) {
    host.mustCnm('network', 'create', '-d', 'macvlan', '--subnet', '10.244.0.0/24', '--gateway', '10.244.0.1', ...args, 'iso');
    const id = inspect('iso').Id;
    assert.match(hostLinks(), new RegExp(`dm-${id.slice(0, 12)}`));
    host.mustCnm('sandbox', 'create', 'i1', '--net', 'iso');
    host.mustCnm('sandbox', 'create', 'i2', '--net', 'iso');
    assert.ok(pingOk(host, 'i1', sandbox('i2').endpoints[0].ipv4!));
    assert.equal(pingOk(host, 'i1', NB_ADDR), false, 'no way out');
    assert.doesNotMatch(execIn(host, 'i1', 'ip', 'route').stdout, /default/, 'no default route on an isolated network');
    assert.match(host.cnm('network', 'inspect', 'iso').stderr, /sandboxes reach only each other/);
    host.mustCnm('sandbox', 'rm', 'i1', 'i2');
    host.mustCnm('network', 'rm', 'iso');
    assert.doesNotMatch(hostLinks(), new RegExp(`dm-${id.slice(0, 12)}`), 'the stand-in goes with the network');
  }
});

test('restart re-adopts macvlan endpoints; a sandbox on macvlan and bridge at once', needsRoot, async () => {
  host.mustCnm(...macvlan('mvr', SUBNET));
  host.mustCnm('network', 'create', '--subnet', '10.245.0.0/24', 'br1');
  host.mustCnm('sandbox', 'create', 'r1', '--net', 'mvr');
  host.mustCnm('network', 'connect', 'br1', 'r1');
  const before = sandbox('r1');
  await host.stopDaemon('SIGKILL');
  // The macvlan vanishes while cnmd is down: the start-up makes it again from the record.
  sh('ip', ['netns', 'exec', path.basename(before.netnsPath), 'ip', 'link', 'del', 'eth0']);
  await host.startDaemon();
  assert.deepEqual(
    sandbox('r1').endpoints.map((e) => e.ipv4),
    before.endpoints.map((e) => e.ipv4),
  );
  assert.match(execIn(host, 'r1', 'ip', '-d', 'link', 'show', 'eth0').stdout, /macvlan/);
  assert.ok(pingOk(host, 'r1', NB_ADDR));
  host.mustCnm('network', 'disconnect', 'mvr', 'r1');
  assert.equal(execIn(host, 'r1', 'ip', 'link', 'show', 'eth0').code, 1, 'the macvlan is gone with its endpoint');
  host.mustCnm('sandbox', 'rm', 'r1');
  host.mustCnm('network', 'rm', 'mvr', 'br1');
});
