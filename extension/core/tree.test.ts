import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkResource } from '../../model/docker.js';
import { hostsTree, networksTree, sandboxesTree } from './tree.js';
import type { Snapshot } from './state.js';
import { dockerJson } from '../../test/fixtures/index.js';

const load = (f: string): NetworkResource[] => dockerJson(f);
const nets = [
  ...load('docker-network-inspect-frontend-with-2-containers.json'),
  ...load('docker-network-inspect-host-none.json'),
  ...load('docker-network-inspect-bridge-default.json'),
  ...load('docker-network-inspect-overlay-attachable-managerA.json'),
];
const snap: Snapshot = { networks: nets, sandboxes: undefined, reachability: { state: 'connected', version: '20.10' } };

test('networks view from real Docker JSON: built-ins first and marked, endpoints as children', () => {
  const [root] = networksTree(snap, '/var/run/docker.sock', { grouping: 'none', hideBuiltins: false });
  assert.equal(root.description, `${nets.length} networks`);
  const labels = root.children.map((c) => c.label);
  assert.deepEqual(labels.slice(0, 3).sort(), ['bridge', 'host', 'none']);
  const front = root.children.find((c) => c.label === 'frontend')!;
  assert.equal(front.description, '172.22.0.0/16');
  assert.equal(front.contextValue, 'network user connectable inUse hasIp movable');
  assert.match(front.tooltip!, /Driver: bridge[\s\S]*Gateway: 172.22.0.1[\s\S]*Endpoints: 2/);
  assert.deepEqual(
    front.children.map((c) => [c.label, c.description]),
    [
      ['c1', '172.22.0.2/16'],
      ['c2', '172.22.0.3/16'],
    ],
  );
  assert.match(front.children[0].tooltip!, /MAC: 02:42:ac:16:00:02/);
  assert.deepEqual(front.icon, { driver: 'bridge' });
});

test('grouping by driver/scope and hiding built-ins', () => {
  const byDriver = networksTree(snap, 'x', { grouping: 'driver', hideBuiltins: true })[0].children;
  assert.deepEqual(
    byDriver.map((g) => g.label),
    ['bridge', 'overlay'],
  );
  const byScope = networksTree(snap, 'x', { grouping: 'scope', hideBuiltins: false })[0].children;
  assert.deepEqual(
    byScope.map((g) => g.label),
    ['local', 'swarm'],
  );
});

test('unreachable daemon shows the reason; docker engine has no sandboxes nor cluster', () => {
  const down: Snapshot = { ...snap, reachability: { state: 'unreachable', error: new Error('cnmd is not running') } };
  const [root] = networksTree(down, 'x', { grouping: 'none', hideBuiltins: false });
  assert.equal(root.children[0].label, 'cnmd is not running');
  assert.match(sandboxesTree(snap)[0].label, /Docker engine/);
  assert.match(hostsTree({ ...snap, cluster: null })[0].label, /no cluster \(a Docker engine\)/);
});

test('rows fit the sidebar: a sandbox on several networks shows its first address and a count; the tooltip has all', () => {
  const ep = (networkName: string, ifname: string, ipv4: string, order: number) => ({
    id: ifname,
    networkId: networkName,
    networkName,
    sandboxId: 's',
    ifname,
    mac: '02:42:0a:00:00:02',
    ipv4,
    aliases: [],
    order,
  });
  const sb = {
    id: 's'.repeat(64),
    name: 'web',
    hostname: 'web',
    labels: {},
    netnsPath: '/run/netns/x',
    created: '',
    dns: [],
    endpoints: [ep('front', 'eth0', '10.1.0.2/24', 0), ep('back', 'eth1', '10.2.0.2/24', 1), ep('db', 'eth2', '10.3.0.2/24', 2)],
  };
  const [row] = sandboxesTree({ ...snap, sandboxes: [sb] });
  assert.equal(row.description, '10.1.0.2 +2');
  assert.match(row.tooltip!, /- front: eth0 10\.1\.0\.2\/24\n- back: eth1 10\.2\.0\.2\/24\n- db: eth2 10\.3\.0\.2\/24/);
  assert.deepEqual(
    row.children.map((c) => c.description),
    ['eth0  10.1.0.2', 'eth1  10.2.0.2', 'eth2  10.3.0.2'],
  );
  assert.equal(row.contextValue, 'sandbox hasIp');
  const [conn] = networksTree(snap, 'local cnmd', { grouping: 'none', hideBuiltins: false }, 'unix:///run/cnmd/cnmd.sock');
  assert.equal(conn.label, 'local cnmd');
  assert.match(conn.tooltip!, /\*\*unix:\/\/\/run\/cnmd\/cnmd\.sock\*\*/);
});
