// Overlay networks across three hosts (each a namespace with its own cnmd) on an underlay bridge
// in a fourth namespace where a real etcd 3.4 runs: create on A → identical on B and C; one
// sandbox per host, pinging each other by name through 127.0.0.11; MTU 1450 on a 1500 underlay
// with a 1400-byte DF ping; disconnect and rm propagate (rm refused while endpoints exist, naming
// them); concurrent connects on two hosts never share an address; kill -9 of a host → its
// endpoints vanish elsewhere within the lease TTL; etcd stopped → pings keep working and
// cluster-wide changes are refused; etcd back → changes propagate again; egress through
// cnm_gwbridge; `-o encrypted` refused. Without a cluster store: overlay-local.test.ts.
// Everything is removed in `finally`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterView } from '../../model/cnm.js';
import type { NetworkResource } from '../../model/docker.js';
import { needsRoot } from '../root.js';
import { etcdMissing } from './etcd.js';
import { CNM, TestHost, execIn } from './host.js';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { OverlayCluster } from './overlay-cluster.js';
import { waitFor } from './wait.js';
import { dockerJson } from '../fixtures/index.js';

const TTL_S = 10;
const run = promisify(execFile);

const inspect = (h: TestHost, net: string) => JSON.parse(h.mustCnm('network', 'inspect', net))[0] as NetworkResource;
const ipOf = (h: TestHost, sb: string) => (JSON.parse(h.mustCnm('sandbox', 'inspect', sb))[0].endpoints[0].ipv4 as string).split('/')[0];
const ping = (h: TestHost, sb: string, target: string, ...extra: string[]) => execIn(h, sb, 'ping', '-c1', '-W1', ...extra, target);
const dig = (h: TestHost, sb: string, ...q: string[]) =>
  execIn(h, sb, 'dig', '+short', '+time=1', '+tries=1', '@127.0.0.11', ...q).stdout.trim();

test(
  'overlay across three hosts with etcd: identical network, ping by name, MTU, rm/disconnect, races, kill -9, etcd outage',
  { skip: needsRoot.skip || etcdMissing, timeout: 240_000 },
  async () => {
    const cluster = await OverlayCluster.start(['a', 'b', 'c'], { underlay: `t-ovul-${process.pid}`, net: '10.233.0' });
    const etcd = cluster.etcd!;
    try {
      const [a, b, c] = cluster.hosts as [TestHost, TestHost, TestHost];
      const others = [b, c];

      // Created on A, identical on B and C (Docker's kv-store shape: Scope global, Options {}).
      a.mustCnm('network', 'create', '-d', 'overlay', 'multi');
      const onA = inspect(a, 'multi');
      assert.equal(onA.Scope, 'global');
      assert.equal(onA.IPAM.Config[0]?.Subnet, '10.0.0.0/24');
      for (const h of others) {
        const seen = await waitFor(`multi on ${h.ns}`, 10_000, () =>
          h.cnm('network', 'inspect', 'multi').code === 0 ? inspect(h, 'multi') : undefined,
        );
        assert.deepEqual(seen, onA, 'identical on every host');
      }
      // -o encrypted: refused, naming what the kernel lacks.
      const enc = a.cnm('network', 'create', '-d', 'overlay', '-o', 'encrypted', 'enc');
      assert.notEqual(enc.code, 0);
      assert.match(enc.stderr, /-o encrypted is not supported: this kernel lacks (IPsec ESP|WireGuard)/);
      // Name uniqueness across the cluster.
      const dup = b.cnm('network', 'create', '-d', 'overlay', 'multi');
      assert.notEqual(dup.code, 0);
      assert.match(dup.stderr, /network with name multi already exists/);
      // A stand-alone overlay is only for a cnmd without a cluster store: Docker's kv-store refusal here.
      const solo = a.cnm('network', 'create', '-d', 'overlay', '--scope', 'local', 'solo');
      assert.notEqual(solo.code, 0);
      assert.match(solo.stderr, /cannot downgrade network scope for overlay networks/);

      // demo1..3, one per host, ping each other by name; MTU 1450 everywhere, 1400 bytes with DF pass.
      const trio: Array<[TestHost, string]> = [
        [a, 'demo1'],
        [b, 'demo2'],
        [c, 'demo3'],
      ];
      for (const [h, name] of trio) h.mustCnm('sandbox', 'create', '--net', 'multi', name);
      for (const [h, name] of trio) {
        for (const [, other] of trio) {
          if (other === name) continue;
          await waitFor(`${name} → ${other}`, 10_000, () => (ping(h, name, other).code === 0 ? true : undefined));
        }
      }
      const mtu = execIn(a, 'demo1', 'cat', '/sys/class/net/eth0/mtu').stdout.trim();
      assert.equal(mtu, '1450', 'underlay 1500 − 50 inside the sandbox');
      assert.equal(ping(a, 'demo1', 'demo2', '-M', 'do', '-s', '1372').code, 0, '1400-byte IP packet with DF passes');
      assert.notEqual(ping(a, 'demo1', 'demo2', '-M', 'do', '-s', '1450').code, 0, 'above the MTU with DF does not');
      // br_netfilter, when loaded, is off in the overlay's namespace only (no rules there: pure cost).
      if (existsSync('/proc/sys/net/bridge')) {
        const sbNs = (JSON.parse(a.mustCnm('sandbox', 'inspect', 'demo1'))[0].netnsPath as string).split('/').pop()!;
        const ovNs = `${sbNs.slice(0, sbNs.lastIndexOf('-') + 1)}ov-${inspect(a, 'multi').Id.slice(0, 12)}`;
        const nf = async (ns: string) =>
          (await run('ip', ['netns', 'exec', ns, 'sysctl', '-n', 'net.bridge.bridge-nf-call-iptables'])).stdout.trim();
        assert.equal(await nf(ovNs), '0', 'bridge netfilter off in the overlay namespace');
        assert.equal(await nf(a.ns), '1', "the host's setting untouched");
      }
      // Egress: demo1 also on cnm_gwbridge (masqueraded, no traffic between sandboxes), which carries
      // its default route; names resolve to overlay addresses only; an --internal overlay gets none.
      assert.match(dig(a, 'demo1', 'demo2'), /^10\.0\.0\.\d+$/);
      const gw = inspect(a, 'cnm_gwbridge');
      assert.deepEqual(
        Object.values(gw.Containers).map((x) => x.Name),
        ['demo1'],
      );
      assert.equal(gw.Options['com.docker.network.bridge.enable_icc'], 'false');
      assert.match(
        execIn(a, 'demo1', 'ip', 'route').stdout,
        new RegExp(`^default via ${gw.IPAM.Config[0]!.Gateway!.replace(/\./g, '\\.')} dev eth1`, 'm'),
      );
      assert.match(a.inHost('nft', 'list', 'table', 'inet', 'cnm').stdout, /cnm_gwbridge/);
      a.mustCnm('network', 'create', '-d', 'overlay', '--internal', 'inner');
      a.mustCnm('sandbox', 'create', '--net', 'inner', 's3');
      assert.deepEqual(
        (JSON.parse(a.mustCnm('sandbox', 'inspect', 's3'))[0].endpoints as Array<{ networkName: string }>).map((e) => e.networkName),
        ['inner'],
        'an internal overlay gets no egress',
      );
      a.mustCnm('sandbox', 'rm', 's3');
      a.mustCnm('network', 'rm', 'inner');
      // PTR of a remote sandbox.
      assert.equal(dig(a, 'demo1', '-x', ipOf(b, 'demo2')), 'demo2.multi.');
      // Inspect on A lists B's and C's endpoints as ep-<id>; GET /cnm/cluster lists them per host.
      await waitFor('remote endpoints in inspect', 5000, () =>
        Object.keys(inspect(a, 'multi').Containers).length === 3 ? true : undefined,
      );
      // Docker's kv-store shape, field for field: the local sandbox by its id, remote ones as ep-<endpoint id>.
      const [docker] = dockerJson<NetworkResource[]>('docker-network-inspect-overlay-kvstore-A.json');
      const mine = inspect(a, 'multi');
      assert.deepEqual(Object.keys(mine), Object.keys(docker));
      // Docker's fixture network was made with --subnet (no Gateway shown); an IPAM-chosen subnet, as
      // here, also shows its Gateway (libnetwork's buildIpamResources).
      assert.deepEqual(Object.keys(mine.IPAM.Config[0]!), [...Object.keys(docker.IPAM.Config[0]!), 'Gateway']);
      const shape = (r: NetworkResource) =>
        Object.entries(r.Containers).map(
          ([k, v]) =>
            `${k.startsWith('ep-') ? `ep-${v.EndpointID === k.slice(3)}` : `id-${/^[0-9a-f]{64}$/.test(k)}`} ${Object.keys(v).join()}`,
        );
      assert.deepEqual(new Set(shape(mine)), new Set(shape(docker)));
      const view = JSON.parse(a.inHost('curl', '-fsS', '--unix-socket', a.socket, 'http://cnmd/cnm/cluster').stdout) as ClusterView;
      assert.deepEqual(
        view.hosts.map((h) => [h.name, h.endpoints?.map((e) => e.name)]),
        [
          ['hosta', ['demo1']],
          ['hostb', ['demo2']],
          ['hostc', ['demo3']],
        ],
      );

      // rm refused while endpoints exist on any host, naming them.
      const rm = b.cnm('network', 'rm', 'multi');
      assert.notEqual(rm.code, 0);
      assert.match(rm.stderr, /has active endpoints/);

      // Concurrent connects on two hosts: no duplicate addresses.
      const RACERS = [0, 1, 2];
      for (const i of RACERS) {
        b.mustCnm('sandbox', 'create', `rb${i}`);
        c.mustCnm('sandbox', 'create', `rc${i}`);
      }
      // Real concurrency: the CLI processes run at once (execFile, not the synchronous helpers).
      const cnmAsync = (h: TestHost, ...args: string[]) => run(process.execPath, [CNM, '-H', h.hostUrl, ...args]);
      const racers = RACERS.flatMap((i) => [
        cnmAsync(b, 'network', 'connect', 'multi', `rb${i}`),
        cnmAsync(c, 'network', 'connect', 'multi', `rc${i}`),
      ]);
      await Promise.all(racers);
      await waitFor('all endpoints seen on A', 5000, () =>
        Object.keys(inspect(a, 'multi').Containers).length === 3 + 2 * RACERS.length ? true : undefined,
      );
      const ips = Object.values(inspect(a, 'multi').Containers).map((x) => x.IPv4Address);
      assert.equal(new Set(ips).size, ips.length, `unique addresses: ${ips.join(' ')}`);

      // Disconnect propagates: demo3's name stops resolving on A, its neighbour entry goes.
      const ip3 = ipOf(c, 'demo3');
      c.mustCnm('network', 'disconnect', 'multi', 'demo3');
      await waitFor('demo3 gone from A', 5000, () => (dig(a, 'demo1', 'demo3') === '' ? true : undefined));
      c.mustCnm('network', 'connect', 'multi', 'demo3');
      await waitFor('demo3 back on A', 5000, () => (ping(a, 'demo1', 'demo3').code === 0 ? true : undefined));
      assert.notEqual(ip3, '');

      // etcd stopped 10 s: pings keep working; cluster-wide changes are refused with a clear error.
      await etcd.stop();
      const outage = Date.now();
      await waitFor('degraded on A', 15_000, () =>
        JSON.parse(a.mustCnm('info', '--format', '{{json .}}')).Cnm?.cluster?.state === 'degraded' ? true : undefined,
      );
      assert.equal(ping(a, 'demo1', 'demo2').code, 0, 'traffic flows while etcd is down');
      const refused = a.cnm('network', 'create', '-d', 'overlay', 'later');
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /cluster store etcd:\/\/10\.233\.0\.1:2379 is unavailable/);
      a.mustCnm('network', 'create', '--subnet', '10.234.0.0/24', 'local1'); // local networks keep working
      await new Promise((r) => setTimeout(r, Math.max(0, 10_000 - (Date.now() - outage))));
      assert.equal(ping(a, 'demo1', 'demo3').code, 0, 'still flowing after 10 s');
      await etcd.start();
      // Each host's client reconnects on its own backoff: wait until every one is back.
      for (const [name, h] of [
        ['A', a],
        ['B', b],
        ['C', c],
      ] as const) {
        await waitFor(`up on ${name}`, 20_000, () =>
          JSON.parse(h.mustCnm('info', '--format', '{{json .}}')).Cnm?.cluster?.state === 'up' ? true : undefined,
        );
      }
      await waitFor('create after the outage', 20_000, () =>
        a.cnm('network', 'create', '-d', 'overlay', 'later').code === 0 ? true : undefined,
      );
      await waitFor('later on C', 10_000, () => (c.cnm('network', 'inspect', 'later').code === 0 ? true : undefined));
      c.mustCnm('sandbox', 'create', '--net', 'later', 'late3');
      a.mustCnm('sandbox', 'create', '--net', 'later', 'late1');
      await waitFor('late1 → late3', 10_000, () => (ping(a, 'late1', 'late3').code === 0 ? true : undefined));

      // kill -9 C: its endpoints vanish from A (DNS, inspect) when its lease expires.
      await c.stopDaemon('SIGKILL');
      const killed = Date.now();
      await waitFor('demo3 gone from A after the TTL', (TTL_S + 8) * 1000, () => (dig(a, 'demo1', 'demo3') === '' ? true : undefined));
      const gone = Date.now() - killed;
      assert.ok(gone >= (TTL_S - 4) * 1000, `gone after ${gone} ms with a ${TTL_S} s TTL`);
      assert.equal(
        Object.values(inspect(a, 'multi').Containers).some((x) => x.Name === 'demo3'),
        false,
        'not in inspect',
      );
      // C restarts: re-adopts its endpoints and re-registers them.
      await c.startDaemon();
      await waitFor('demo3 back after restart', 20_000, () => (ping(a, 'demo1', 'demo3').code === 0 ? true : undefined));

      // rm propagates once every endpoint left.
      for (const h of [b, c]) for (const i of RACERS) h.mustCnm('sandbox', 'rm', `r${h === b ? 'b' : 'c'}${i}`);
      for (const [h, name] of trio) h.mustCnm('sandbox', 'rm', name);
      await waitFor('no endpoints seen by A', 5000, () => (Object.keys(inspect(a, 'multi').Containers).length === 0 ? true : undefined));
      a.mustCnm('network', 'rm', 'multi');
      for (const h of others)
        await waitFor(`multi gone on ${h.ns}`, 5000, () => (h.cnm('network', 'inspect', 'multi').code !== 0 ? true : undefined));
    } finally {
      await cluster.destroy();
    }
  },
);
