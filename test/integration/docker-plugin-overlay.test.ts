// The cnm plugin's overlay across two plain Docker engines: two host namespaces on an underlay with
// a real etcd 3.4 (OverlayCluster), each running its own cnmd (--cluster-store, --docker-plugin)
// and its own Debian docker.io dockerd 20.10. Each engine creates `multi` with
// `-o cnm.driver=overlay`; both stand for one cnm global network. The second host's Docker network
// with another subnet is refused at its first container, naming the --subnet to give. Busybox
// containers on the two hosts ping each other across the VXLAN; both show by their Docker names in
// `cnm network inspect` on both hosts, and cnm's DNS resolves the remote one; egress is dockerd's
// docker_gwbridge. `docker network rm` on the first host keeps the network for the second (it has
// a container); after a cnmd restart on the last host, its rm there still removes it everywhere,
// leaving no endpoint, link or namespace. Plugin
// names differ per host only because both engines share this machine's /run/docker/plugins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkResource } from '../../model/docker.js';
import { needsRoot } from '../root.js';
import { BBOX_IMAGE as image, type DockerEngine, dockerdMissing, withEngineCluster } from './docker-engine.js';
import { etcdMissing } from './etcd.js';
import { TestHost, execIn, sh } from './host.js';
import { until } from './wait.js';

const createOverlay = (e: DockerEngine, ...extra: string[]) =>
  e.must('network', 'create', '-d', e.plugin, '--ipam-driver', e.plugin, '-o', 'cnm.driver=overlay', ...extra, 'multi');
const inspect = (h: TestHost) => JSON.parse(h.mustCnm('network', 'inspect', 'multi'))[0] as NetworkResource;
const names = (h: TestHost) => Object.values(inspect(h).Containers ?? {}).map((c) => c.Name);
const ipOf = (e: DockerEngine, c: string) => e.must('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', c);

test(
  'one cnm overlay for two Docker engines: joined by name, pinging across hosts, rm on the last host cleans everything',
  { skip: needsRoot.skip || etcdMissing || dockerdMissing, timeout: 420_000 },
  async () => {
    await withEngineCluster(['pa', 'pb'], { underlay: `t-poul-${process.pid}`, net: '10.236.0' }, async (engines) => {
      const [ea, eb] = engines as [DockerEngine, DockerEngine];

      // A creates it: one cnm global network named after the Docker network, seen on both hosts.
      createOverlay(ea);
      await until('multi in cnm on A', () => ea.host.cnm('network', 'inspect', 'multi').code === 0, 20_000);
      await until('multi in cnm on B', () => eb.host.cnm('network', 'inspect', 'multi').code === 0, 20_000);
      const net = inspect(ea.host);
      assert.equal(net.Scope, 'global');
      assert.equal(net.Driver, 'overlay');
      const subnet = net.IPAM.Config[0]!.Subnet!;
      assert.equal(inspect(eb.host).Id, net.Id, 'the same network on both hosts');

      // B with another subnet: refused at its first container, naming the subnet to give.
      createOverlay(eb, '--subnet', '10.77.0.0/24');
      const bad = eb.docker('run', '-d', '--name', 'nope', '--net', 'multi', image, 'sleep', '300');
      assert.notEqual(bad.code, 0);
      assert.match(
        bad.stderr,
        new RegExp(`exists in the cluster with subnet ${subnet.replace(/\./g, '\\.')}.*--subnet ${subnet.replace(/\./g, '\\.')}`),
      );
      eb.docker('rm', '-f', 'nope');
      eb.must('network', 'rm', 'multi');
      assert.equal(inspect(eb.host).Id, net.Id, "B's refused network did not touch the cluster's");
      createOverlay(eb, '--subnet', subnet);

      // One container per host: distinct addresses from the one cluster-wide IPAM, ping both ways.
      ea.must('run', '-d', '--name', 'alpha', '--net', 'multi', image, 'sleep', '600');
      eb.must('run', '-d', '--name', 'beta', '--net', 'multi', image, 'sleep', '600');
      const [ipA, ipB] = [ipOf(ea, 'alpha'), ipOf(eb, 'beta')];
      assert.notEqual(ipA, ipB);
      for (const ip of [ipA, ipB]) assert.ok(ip.startsWith(subnet.split('.').slice(0, 3).join('.')), `${ip} in ${subnet}`);
      const ab = ea.docker('exec', 'alpha', 'ping', '-c', '2', '-W', '2', ipB);
      assert.equal(ab.code, 0, `alpha (A) pings beta (B) across the overlay: ${ab.stdout}${ab.stderr}`);
      assert.equal(eb.docker('exec', 'beta', 'ping', '-c', '1', '-W', '2', ipA).code, 0, 'beta pings alpha');
      assert.match(ea.docker('exec', 'alpha', 'cat', '/sys/class/net/eth0/mtu').stdout, /^1450/, 'MTU = underlay − 50');
      // Egress as with Docker's own overlay: dockerd's docker_gwbridge carries the default route; cnm made no cnm_gwbridge.
      assert.match(ea.docker('exec', 'alpha', 'ip', 'route').stdout, /default via \S+ dev eth1/);
      assert.doesNotMatch(ea.host.inHost('ip', '-o', 'link').stdout, /cnm_gwbridge/);
      // Both, by their Docker names, in `cnm network inspect` on both hosts.
      for (const h of [ea.host, eb.host])
        await until(`alpha and beta named on ${h.ns}`, () => ['alpha', 'beta'].every((n) => names(h).includes(n)), 30_000);
      // cnm's DNS knows the container on the other host: a cnm sandbox on A pings beta by name.
      ea.host.mustCnm('sandbox', 'create', '--net', 'multi', 'probe');
      const byName = execIn(ea.host, 'probe', 'ping', '-c1', '-W2', 'beta');
      assert.equal(byName.code, 0, `probe (A) pings beta (B) by name through cnm's DNS: ${byName.stdout}${byName.stderr}`);
      ea.host.mustCnm('sandbox', 'rm', 'probe');

      // rm on A while B has a container: A's use goes, the network stays for B.
      ea.must('rm', '-f', 'alpha');
      ea.must('network', 'rm', 'multi');
      assert.ok(names(eb.host).includes('beta'), 'beta still on multi');
      assert.equal(eb.docker('exec', 'beta', 'ping', '-c', '1', '-W', '1', ipA).code !== 0, true, 'alpha is gone');
      // cnmd restarted on B: its binding of B's Docker network (kept in memory) comes back from
      // dockerd's list, so the last host's rm still removes it everywhere.
      await eb.host.stopDaemon();
      await eb.host.startDaemon();
      assert.ok(names(eb.host).includes('beta'), 'beta re-adopted after the restart');
      eb.must('rm', '-f', 'beta');
      eb.must('network', 'rm', 'multi');
      for (const h of [ea.host, eb.host]) {
        await until(`multi gone on ${h.ns}`, () => h.cnm('network', 'inspect', 'multi').code !== 0, 20_000);
        assert.equal(h.mustCnm('sandbox', 'ls', '-q'), '', 'no endpoint sandbox left');
        const left = sh('ip', ['netns', 'list'])
          .stdout.split('\n')
          .filter((l) => l.startsWith(h.netnsPrefix));
        assert.deepEqual(left, [], 'no sandbox or overlay namespace left');
        assert.doesNotMatch(h.inHost('ip', '-o', 'link').stdout, /cnmd[0-9a-f]{10}|veth|vxlan/, 'no interface left in the host namespace');
      }
    });
  },
);
