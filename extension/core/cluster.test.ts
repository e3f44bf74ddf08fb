// The cluster in the extension, against the fake daemon over a real socket (dockerode): the Hosts
// view (standalone, a cluster's hosts with their endpoints, live from events and the poll), overlay
// networks saying which hosts they span, and the status bar's degraded-store warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ClusterView } from '../../model/cnm.js';
import type { NetworkResource } from '../../model/docker.js';
import { dockerJson } from '../../test/fixtures/index.js';
import { clusterStatus } from './cluster.js';
import { renderInspectHtml } from './inspectHtml.js';
import { DockerodeClient } from './dockerClient.js';
import { FakeClient, fakeCluster, fakeClusterEndpoint, fakeNetwork } from './fakeClient.js';
import { serveFake } from './fakeDaemon.js';
import { DaemonState, type Snapshot, type StateOptions } from './state.js';
import { hostsTree, networksTree, type TreeNode } from './tree.js';

/** Docker 20.10's kv-store overlay as host A saw it: ka local, kb on host B (`ep-<endpoint id>`). */
const [kvov] = dockerJson<NetworkResource[]>('docker-network-inspect-overlay-kvstore-A.json');
const [KA, KB] = Object.keys(kvov.Containers);

function threeHosts(): ClusterView {
  return fakeCluster([
    {
      name: 'hosta',
      address: '10.231.0.2',
      port: 2376,
      state: 'this host',
      endpoints: [fakeClusterEndpoint(kvov, KA, 'hosta', '10.231.0.2')],
    },
    { name: 'hostb', address: '10.231.0.3', state: 'up', endpoints: [fakeClusterEndpoint(kvov, KB, 'hostb', '10.231.0.3')] },
    { name: 'hostc', address: '10.231.0.4', state: 'lease expired', endpoints: [] },
  ]);
}

/** A DaemonState on the fake daemon behind a real unix socket, read through dockerode. */
async function overSocket(fake: FakeClient, opts: StateOptions, fn: (state: DaemonState) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnm-cluster-'));
  const server = await serveFake(fake, path.join(dir, 'd.sock'));
  const state = new DaemonState(new DockerodeClient(path.join(dir, 'd.sock')), opts);
  try {
    await state.start();
    await fn(state);
  } finally {
    state.dispose();
    server.closeAllConnections();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function until(state: DaemonState, pred: (s: Snapshot) => boolean, ms = 2000): Promise<Snapshot> {
  const end = Date.now() + ms;
  while (!pred(state.current)) {
    if (Date.now() > end) throw new Error(`timed out; cluster: ${JSON.stringify(state.current.cluster)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return state.current;
}

const row = (rows: TreeNode[], label: string) => rows.find((r) => r.label === label)!;

test('Hosts view: a standalone cnmd says so and how to join; a cluster shows up live on an event', async () => {
  const fake = new FakeClient();
  fake.networks.push(structuredClone(kvov));
  // a poll far beyond the test: what changes here comes from the event
  await overSocket(fake, { clusterPollMs: 60_000 }, async (state) => {
    const s = await until(state, (x) => x.cluster !== undefined);
    const [standalone, join] = hostsTree(s);
    assert.equal(standalone.label, 'Standalone: this cnmd is not in a cluster');
    assert.match(standalone.tooltip!, /`cnmd --cluster-store etcd:\/\/HOST:2379 --cluster-advertise IP\|IFACE\[:PORT\]`/);
    assert.equal(join.label, 'To join one: cnmd --cluster-store etcd://HOST:2379 --cluster-advertise IP|IFACE[:PORT]');

    // cnmd joined to a cluster is a restart; here the cluster event stands for any event that comes
    fake.clusterView = threeHosts();
    const t0 = performance.now();
    fake.emitClusterHealth();
    const rows = hostsTree(await until(state, (x) => !!x.cluster?.configured));
    assert.ok(performance.now() - t0 < 1000, 'on the event, not the poll');
    assert.deepEqual(
      rows.map((r) => [r.label, r.description, r.contextValue]),
      [
        ['etcd://10.231.0.1:2379', 'cluster store up', 'store up'],
        ['hosta', 'this host · 10.231.0.2:2376 · 0.1.0', 'host self'],
        ['hostb', 'up · 10.231.0.3 · 0.1.0', 'host up'],
        ['hostc', 'lease expired · 10.231.0.4 · 0.1.0', 'host expired'],
      ],
    );
    assert.deepEqual(
      row(rows, 'hosta').children.map((c) => [c.label, c.description, c.contextValue]),
      [['ka', 'kvov · 10.203.0.2/24', 'hostEndpoint']],
    );
    assert.equal(row(rows, 'hosta').expanded, true);
    assert.deepEqual(row(rows, 'hostc').icon, { codicon: 'vm-outline', color: 'disabledForeground' });
    assert.match(row(rows, 'hostc').tooltip!, /State: lease expired[\s\S]*Endpoints: 0/);
  });
});

test('Hosts view: a change with no event of its own (a remote lease running out) arrives with the poll', async () => {
  const fake = new FakeClient();
  fake.clusterView = threeHosts();
  await overSocket(fake, { clusterPollMs: 50 }, async (state) => {
    await until(state, (x) => !!x.cluster?.configured);
    fake.clusterView!.hosts[1].state = 'lease expired';
    fake.clusterView!.hosts[1].endpoints = [];
    const rows = hostsTree(await until(state, (x) => x.cluster?.hosts[1].state === 'lease expired'));
    assert.equal(row(rows, 'hostb').description, 'lease expired · 10.231.0.3 · 0.1.0');
    assert.deepEqual(row(rows, 'hostb').children, []);
  });
});

test('Hosts view: a daemon without /cnm/cluster (a Docker engine) says so; a disconnected one shows nothing', async () => {
  const fake = new FakeClient();
  fake.clusterView = undefined;
  await overSocket(fake, {}, async (state) => {
    const s = await until(state, (x) => x.cluster !== undefined);
    assert.equal(s.cluster, null);
    assert.deepEqual(
      hostsTree(s).map((r) => r.label),
      ['This daemon reports no cluster (a Docker engine).'],
    );
    assert.deepEqual(hostsTree({ ...s, reachability: { state: 'unreachable', error: new Error('x') } }), []);
  });
});

test('Networks view: an overlay network says which hosts it spans, each endpoint its host; local networks unchanged', () => {
  const local = fakeNetwork('web', 'bridge', '172.20.0.0/16');
  local.Containers['a'.repeat(64)] = { Name: 'w1', EndpointID: 'e1', MacAddress: '', IPv4Address: '172.20.0.2/16', IPv6Address: '' };
  const base: Snapshot = { networks: [kvov, local], sandboxes: [], reachability: { state: 'connected', version: '0.1.0' } };
  const tree = (cluster: Snapshot['cluster']) => networksTree({ ...base, cluster }, 'x', { grouping: 'none', hideBuiltins: false })[0];

  const net = row(tree(threeHosts()).children, 'kvov');
  assert.equal(net.description, '10.203.0.0/24 · on hosta +1');
  assert.match(net.tooltip!, /- Hosts: hosta, hostb\n/);
  assert.deepEqual(
    net.children.map((c) => [c.label, c.description]),
    [
      ['ka', '10.203.0.2/24  @ hosta'],
      ['kb', '10.203.0.3/24  @ hostb'],
    ],
  );
  assert.match(net.children[1].tooltip!, /- Host: hostb\n/);

  // an endpoint the cluster does not list (yet) is shown without a host, and spans nothing
  const partial = threeHosts();
  partial.hosts[1].endpoints = [];
  const net2 = row(tree(partial).children, 'kvov');
  assert.equal(net2.description, '10.203.0.0/24 · on hosta');
  assert.deepEqual(
    net2.children.map((c) => c.description),
    ['10.203.0.2/24  @ hosta', '10.203.0.3/24'],
  );

  // standalone, or a local network in a cluster: as before
  for (const c of [undefined, null, { configured: false, hosts: [] }] satisfies Array<Snapshot['cluster']>)
    assert.equal(row(tree(c).children, 'kvov').description, '10.203.0.0/24');
  assert.deepEqual(row(tree(threeHosts()).children, 'web'), row(tree(undefined).children, 'web'));
});

test('status: a degraded store gives a warning naming the store and its error, cleared when it is healthy again', async () => {
  const fake = new FakeClient();
  assert.equal(clusterStatus({ configured: false, hosts: [] }), undefined, 'standalone: no item');
  assert.equal(clusterStatus(null), undefined);
  fake.clusterView = threeHosts();
  await overSocket(fake, { clusterPollMs: 60_000 }, async (state) => {
    await until(state, (x) => !!x.cluster?.configured);
    assert.equal(clusterStatus(state.current.cluster), undefined, 'up: no item');

    const error = '14 UNAVAILABLE: No connection established';
    fake.clusterView!.health = { store: 'etcd://10.231.0.1:2379', state: 'degraded', since: '2026-12-01T12:05:00.000Z', lastError: error };
    fake.emitClusterHealth();
    const s = await until(state, (x) => x.cluster?.health?.state === 'degraded');
    const item = clusterStatus(s.cluster)!;
    assert.equal(item.text, '$(warning) cluster store degraded');
    assert.equal(
      item.tooltip,
      'Container Networks: the cluster store etcd://10.231.0.1:2379 is degraded since 2026-12-01T12:05:00.000Z\n' +
        `Last error: ${error}\n` +
        'Local networks keep working; cluster-wide changes are refused until it answers again.',
    );
    const [store] = hostsTree(s);
    assert.equal(store.contextValue, 'store degraded');
    assert.match(store.tooltip!, /Last error: 14 UNAVAILABLE/);

    fake.clusterView!.health = { ...fake.clusterView!.health, state: 'up', since: '2026-12-01T12:06:00.000Z' };
    fake.emitClusterHealth();
    assert.equal(clusterStatus((await until(state, (x) => x.cluster?.health?.state === 'up')).cluster), undefined);
  });
});

test('inspect page: an overlay network in a cluster is drawn with its hosts; the page carries their styles', () => {
  const page = renderInspectHtml({ network: kvov, all: [kvov], sandboxes: [], cluster: threeHosts(), cspSource: 'x', nonce: 'n' });
  assert.match(page, /<g class="host" data-host="hosta">[\s\S]*<g class="host" data-host="hostb">/);
  assert.match(page, /<g class="vxlan" data-hosts="hosta hostb">/);
  assert.match(page, /#topology \.host rect\{[^}]+\}/);
  assert.doesNotMatch(renderInspectHtml({ network: kvov, all: [kvov], sandboxes: [], cspSource: 'x', nonce: 'n' }), /data-host=/);
});
