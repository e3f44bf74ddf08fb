// The cluster store against a real etcd 3.4: the compare-and-swap every cluster-wide allocation
// goes through, and two hosts (each a namespace with its own cnmd) on a veth underlay, registered
// in an etcd that runs in a third namespace on that underlay. A host killed with -9 shows as
// `lease expired` after the TTL; with etcd stopped the other host reports the degraded store and
// still serves its local networks; with etcd back it converges. Everything is removed in `finally`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from '../../helper/cluster/cluster.js';
import { ClusterStore } from '../../helper/cluster/store.js';
import { parseClusterStore } from '../../helper/cluster/options.js';
import type { ClusterView } from '../../model/cnm.js';
import type { DockerInfo } from '../../model/docker.js';
import { needsRoot } from '../root.js';
import { TestEtcd, etcdMissing } from './etcd.js';
import { CNMD, TestHost, mustSh, sh } from './host.js';
import { waitFor } from './wait.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const UNDERLAY = `t-ul-${process.pid}`;
const ETCD_IP = '10.231.0.1';
const TTL_S = 10;

test('cnmd refuses a bad advertise interface before it opens anything, naming the flag', () => {
  const dir = path.join(os.tmpdir(), `cnm-cluster-never-${process.pid}`);
  const r = sh(process.execPath, [
    CNMD,
    '--state-dir',
    dir,
    '--cluster-store',
    'etcd://127.0.0.1:9',
    '--cluster-advertise',
    'nosuch0:2376',
  ]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'cnmd: flag --cluster-advertise: no interface named "nosuch0" in cnmd\'s network namespace\n');
  assert.equal(fs.existsSync(dir), false, 'no state dir made');
});

test('createOnce: of two clients racing for the same keys, exactly one wins each', { skip: etcdMissing }, async () => {
  const etcd = await TestEtcd.create();
  const url = parseClusterStore(etcd.url);
  const [a, b] = [new ClusterStore(url), new ClusterStore(url)];
  try {
    for (let i = 0; i < 50; i++) {
      const key = `test/race/${i}`;
      const [ra, rb] = await Promise.all([a.createOnce(key, 'a'), b.createOnce(key, 'b')]);
      assert.equal(Number(ra.won) + Number(rb.won), 1, `key ${key}: exactly one winner`);
      const loser = ra.won ? rb : ra;
      assert.equal(loser.won ? '' : loser.current.value, ra.won ? 'a' : 'b', 'the loser is told the winner’s value');
      assert.equal((await a.list(key))[key], ra.won ? 'a' : 'b', 'what is stored is the winner’s value');
    }
    assert.equal(a.health().state, 'up');
  } finally {
    a.close();
    b.close();
    await etcd.destroy();
  }
});

test(
  'registration: a name held by a live host at another address is refused (degraded, saying why) until that host leaves',
  { skip: etcdMissing },
  async () => {
    const etcd = await TestEtcd.create();
    const url = parseClusterStore(etcd.url);
    const first = Cluster.start({ url, self: { name: 'same', address: '10.0.0.1', version: 't' } });
    let second: Cluster | undefined;
    try {
      const up = (c: Cluster, name: string) => async () => (await c.view()).hosts.find((h) => h.name === name)?.state;
      const other = Cluster.start({ url, self: { name: 'other', address: '10.0.0.9', version: 't' } });
      await waitFor('first registered', 10_000, async () => ((await up(other, 'same')()) === 'up' ? true : undefined));
      await other.close();
      second = Cluster.start({ url, self: { name: 'same', address: '10.0.0.2', version: 't' } });
      const health = await waitFor('second refused', 10_000, async () => {
        const h = second!.health();
        return h.state === 'degraded' ? h : undefined;
      });
      assert.match(
        health.lastError ?? '',
        /registration: cluster name same is held by a live host at 10\.0\.0\.1; give this one --cluster-name/,
      );
      await first.close();
      await waitFor('second takes the name once the first left', 15_000, async () => (second!.health().state === 'up' ? true : undefined));
      const reader = new ClusterStore(url);
      const record = JSON.parse((await reader.list('hosts/same'))['hosts/same']!);
      reader.close();
      assert.equal(record.address, '10.0.0.2');
    } finally {
      await first.close();
      await second?.close();
      await etcd.destroy();
    }
  },
);

test(
  'two hosts in a cluster: node ls, kill -9 → lease expired, etcd down → degraded but local networks work, etcd back → converged',
  { skip: needsRoot.skip || etcdMissing },
  async () => {
    const hosts: TestHost[] = [];
    let etcd: TestEtcd | undefined;
    const problems: string[] = [];
    try {
      mustSh('ip', ['netns', 'add', UNDERLAY]);
      mustSh('ip', ['-n', UNDERLAY, 'link', 'set', 'lo', 'up']);
      mustSh('ip', ['-n', UNDERLAY, 'link', 'add', 'br0', 'type', 'bridge']);
      mustSh('ip', ['-n', UNDERLAY, 'addr', 'add', `${ETCD_IP}/24`, 'dev', 'br0']);
      mustSh('ip', ['-n', UNDERLAY, 'link', 'set', 'br0', 'up']);
      etcd = await TestEtcd.create({ netns: UNDERLAY, ip: ETCD_IP });
      // Each host: a veth from the underlay bridge into its namespace, `ul0` there with .2 / .3.
      const underlay = (port: string, addr: string) => (h: TestHost) => {
        mustSh('ip', ['-n', UNDERLAY, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'ul0', 'netns', h.ns]);
        mustSh('ip', ['-n', UNDERLAY, 'link', 'set', port, 'master', 'br0', 'up']);
        mustSh('ip', ['-n', h.ns, 'addr', 'add', `${addr}/24`, 'dev', 'ul0']);
        mustSh('ip', ['-n', h.ns, 'link', 'set', 'ul0', 'up']);
      };
      const store = ['--cluster-store', etcd.url];
      // A advertises an interface (resolved to its address), B an IP.
      const a = await TestHost.start('cla', {
        setup: underlay('pa', '10.231.0.2'),
        daemonArgs: [...store, '--cluster-advertise', 'ul0:2376', '--cluster-name', 'hosta'],
      });
      hosts.push(a);
      const b = await TestHost.start('clb', {
        setup: underlay('pb', '10.231.0.3'),
        daemonArgs: [...store, '--cluster-advertise', '10.231.0.3', '--cluster-name', 'hostb'],
      });
      hosts.push(b);

      const nodes = (h: TestHost) =>
        h
          .mustCnm('node', 'ls', '--format', '{{json .}}')
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, string>);
      const stateOf = (h: TestHost, name: string) => nodes(h).find((n) => n.Name === name)?.State;
      const cluster = (h: TestHost) => JSON.parse(h.mustCnm('info', '--format', '{{json .}}')) as DockerInfo;

      // Both registered: A lists itself first, then B up, with addresses and versions.
      await waitFor('B up on A', 10_000, () => (stateOf(a, 'hostb') === 'up' ? true : undefined));
      const table = a.mustCnm('node', 'ls');
      assert.match(table, /^NAME\s+ADDRESS\s+STATE\s+ENDPOINTS\s+VERSION\n/);
      assert.match(table, /\nhosta\s+10\.231\.0\.2:2376\s+this host\s+0\s+0\.1\.0\n/);
      assert.match(table, /\nhostb\s+10\.231\.0\.3\s+up\s+0\s+0\.1\.0\n?$/);
      await waitFor('A up on B', 10_000, () => (stateOf(b, 'hosta') === 'up' ? true : undefined));
      const view = JSON.parse(a.inHost('curl', '-fsS', '--unix-socket', a.socket, 'http://cnmd/cnm/cluster').stdout) as ClusterView;
      assert.equal(view.configured, true);
      assert.equal(view.health?.state, 'up');
      assert.equal(view.health?.store, etcd.url);

      // kill -9 B: its lease is not revoked; A shows it expired once the TTL ran out, not before.
      await b.stopDaemon('SIGKILL');
      const killed = Date.now();
      assert.equal(stateOf(a, 'hostb'), 'up', 'B still up right after the kill (its lease is alive)');
      await waitFor('B lease expired on A', (TTL_S + 5) * 1000, () => (stateOf(a, 'hostb') === 'lease expired' ? true : undefined));
      const gone = Date.now() - killed;
      assert.ok(gone >= (TTL_S - 4) * 1000, `B expired after ${gone} ms, the TTL is ${TTL_S} s`);

      // etcd stopped: A reports the degraded store (node ls on stderr, /cnm/cluster, info) and
      // keeps serving local networks and sandboxes.
      await etcd.stop();
      const r = a.cnm('node', 'ls');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /cluster store etcd:\/\/10\.231\.0\.1:2379 degraded since .*: /);
      assert.match(r.stdout, /hostb\s+10\.231\.0\.3\s+lease expired/, 'hosts as last read');
      const info = cluster(a).Cnm?.cluster;
      assert.equal(info?.state, 'degraded');
      assert.ok(info?.lastError, 'the last error is reported');
      assert.match(a.mustCnm('info'), /Cluster Store: etcd:\/\/10\.231\.0\.1:2379\n {2}State: degraded/);
      a.mustCnm('network', 'create', '--subnet', '10.232.0.0/24', 'local1');
      a.mustCnm('sandbox', 'create', '--net', 'local1', 'sb1');
      a.mustCnm('sandbox', 'create', '--net', 'local1', 'sb2');
      const ip2 = JSON.parse(a.mustCnm('sandbox', 'inspect', 'sb2'))[0].endpoints[0].ipv4.split('/')[0];
      assert.equal(a.cnm('exec', 'sb1', '--', 'ping', '-c1', '-W1', ip2).code, 0, 'local traffic flows with etcd down');

      // etcd back (same data): A's store health returns to up, and B, restarted, sees A up.
      await etcd.start();
      await waitFor('store up on A', 20_000, () => (cluster(a).Cnm?.cluster?.state === 'up' ? true : undefined));
      await b.startDaemon();
      await waitFor('A up on B after the outage', 20_000, () => (stateOf(b, 'hosta') === 'up' ? true : undefined));
      await waitFor('B up again on A', 20_000, () => (stateOf(a, 'hostb') === 'up' ? true : undefined));

      // A clean stop revokes the lease: B sees A leave at once, not after the TTL.
      const stopped = Date.now();
      await a.stopDaemon('SIGTERM');
      await waitFor('A lease expired on B', 5000, () => (stateOf(b, 'hosta') === 'lease expired' ? true : undefined));
      assert.ok(Date.now() - stopped < TTL_S * 1000, 'revoked, not expired');
    } finally {
      for (const h of hosts) await h.destroy().catch((err) => problems.push(String(err)));
      await etcd?.destroy().catch((err) => problems.push(String(err)));
      const r = sh('ip', ['netns', 'delete', UNDERLAY]);
      if (r.code !== 0 && !/No such file/.test(r.stderr)) problems.push(`netns ${UNDERLAY}: ${r.stderr}`);
    }
    assert.deepEqual(problems, [], 'clean-up');
  },
);
