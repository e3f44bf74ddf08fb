// cnm as a Docker plugin against the real Debian docker.io dockerd 20.10, started in the test host's
// namespace next to its cnmd (bench/peers/docker-up.sh): a network made with `-d <plugin>
// --ipam-driver <plugin>`, two busybox containers on it pinging each other by name, shown by
// `cnm network inspect` with their Docker names; container and network removal clean both sides;
// restarts of cnmd and of dockerd leave no stale endpoint.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { TestHost, sh } from './host.js';
import type { NetworkResource } from '../../model/docker.js';
import { isRoot, needsRoot } from '../root.js';
import { until } from './wait.js';

const PEERS = path.resolve(__dirname, '../../bench/peers');
const plugin = `cnmt${process.pid}`;
const pluginSocket = `/run/docker/plugins/${plugin}.sock`;
const image = `cnm-bbox-${process.pid}`;
const dockerLink = `/run/cnmt${process.pid}-docker.sock`;
let host: TestHost;
let missing = '';

const docker = (...args: string[]) => sh('docker', ['-H', `unix:///run/${host.ns}.sock`, ...args]);
const mustDocker = (...args: string[]) => {
  const r = docker(...args);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout.trim();
};

before(async () => {
  if (!isRoot) return;
  if (!fs.existsSync('/usr/sbin/dockerd')) {
    missing = 'dockerd is missing: apt-get install docker.io';
    return;
  }
  host = await TestHost.start('dplug', {
    daemonArgs: [`--docker-plugin=${pluginSocket}`, '--docker-host', dockerLink, '--log-level', 'info'],
  });
  const up = sh('bash', [path.join(PEERS, 'docker-up.sh'), host.ns, '--bridge', 'none', '--iptables=false']);
  if (up.code !== 0) throw new Error(`dockerd did not start: ${up.stderr}`);
  // cnmd asks dockerd for container names at a path fixed before the namespace's name was known.
  fs.symlinkSync(`/run/${host.ns}.sock`, dockerLink);
  const tar = '/var/tmp/cnm-bbox.tar';
  if (!fs.existsSync(tar)) sh('bash', [path.join(PEERS, 'mk-bbox-rootfs.sh'), tar]);
  mustDocker('import', tar, image);
});

after(async () => {
  if (!isRoot || !host) return;
  sh('bash', [path.join(PEERS, 'docker-down.sh'), host.ns, '--purge']);
  await host.destroy();
  fs.rmSync(pluginSocket, { force: true });
  fs.rmSync(dockerLink, { force: true });
});

const inspect = (name: string) => JSON.parse(host.mustCnm('network', 'inspect', name))[0] as NetworkResource;
const cnmNetworkOf = (dockerNet: string) => `docker-${mustDocker('network', 'inspect', '-f', '{{.Id}}', dockerNet).slice(0, 12)}`;

test('two busybox containers on a cnm plugin network ping each other by name; cnm shows them', needsRoot, async (t) => {
  if (missing) return t.skip(missing);
  mustDocker('network', 'create', '-d', plugin, '--ipam-driver', plugin, '--subnet', '10.198.7.0/24', 'pnet');
  const cnmNet = cnmNetworkOf('pnet');
  assert.equal(inspect(cnmNet).IPAM.Config?.[0]?.Subnet, '10.198.7.0/24');
  mustDocker('run', '-d', '--name', 'alpha', '--net', 'pnet', image, 'sleep', '300');
  mustDocker('run', '-d', '--name', 'beta', '--net', 'pnet', image, 'sleep', '300');
  const ping = docker('exec', 'alpha', 'ping', '-c', '2', '-W', '2', 'beta');
  assert.equal(ping.code, 0, `alpha pings beta by name: ${ping.stdout}${ping.stderr}`);
  const betaIp = mustDocker('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', 'beta');
  assert.match(betaIp, /^10\.198\.7\.\d+$/);
  // cnm shows both under their Docker names once dockerd lists them.
  await until('cnm to name the endpoints after the containers', () =>
    ['alpha', 'beta'].every((n) => Object.values(inspect(cnmNet).Containers ?? {}).some((c) => c.Name === n)),
  );
  const beta = Object.values(inspect(cnmNet).Containers ?? {}).find((c) => c.Name === 'beta')!;
  assert.equal(beta.IPv4Address.split('/')[0], betaIp, 'the address Docker gave is the one cnm holds');
  // cnm's DNS knows them too (for cnm's own sandboxes on the network).
  assert.match(host.mustCnm('dns', 'ls'), /\bbeta\b/);
  // The interface inside the container is the one cnm made: its MAC is cnm's record.
  const mac = docker('exec', 'beta', 'cat', '/sys/class/net/eth0/address').stdout.trim();
  assert.equal(mac, beta.MacAddress);
});

test('removing a container, then the network, cleans up both sides', needsRoot, async (t) => {
  if (missing) return t.skip(missing);
  const cnmNet = cnmNetworkOf('pnet');
  mustDocker('rm', '-f', 'beta');
  await until('beta to leave cnm', () => !Object.values(inspect(cnmNet).Containers ?? {}).some((c) => c.Name === 'beta'));
  mustDocker('rm', '-f', 'alpha');
  mustDocker('network', 'rm', 'pnet');
  assert.notEqual(host.cnm('network', 'inspect', cnmNet).code, 0, 'the cnm network is gone');
  assert.equal(host.mustCnm('sandbox', 'ls', '-q'), '', 'no endpoint sandbox left');
  const links = host.inHost('ip', '-o', 'link').stdout;
  assert.doesNotMatch(links, /cnmd[0-9a-f]{10}|veth/, 'no interface left in the host namespace');
});

test('a cnmd restart and a dockerd restart leave no stale endpoint', needsRoot, async (t) => {
  if (missing) return t.skip(missing);
  mustDocker('network', 'create', '-d', plugin, '--ipam-driver', plugin, 'rnet');
  const cnmNet = cnmNetworkOf('rnet');
  mustDocker('run', '-d', '--name', 'gamma', '--net', 'rnet', image, 'sleep', '300');
  mustDocker('run', '-d', '--name', 'delta', '--net', 'rnet', image, 'sleep', '300');
  // cnmd restart: the containers keep their interfaces, cnm keeps them on record, nothing re-made.
  await host.stopDaemon();
  await host.startDaemon();
  assert.equal(Object.keys(inspect(cnmNet).Containers ?? {}).length, 2);
  assert.equal(docker('exec', 'gamma', 'ping', '-c', '1', '-W', '2', 'delta').code, 0, 'still connected after the cnmd restart');
  // dockerd killed and started again (no live-restore): it stops the old containers and forgets
  // their endpoints, cnm's side goes too (Docker's DeleteEndpoint, or cnm's sweep of dead links).
  const pidFile = `/run/${host.ns}.pid`;
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  process.kill(pid, 'SIGKILL');
  await until('dockerd to die', () => !fs.existsSync(`/proc/${pid}`));
  fs.rmSync(pidFile); // what a crashed dockerd leaves behind, refused by the next one
  const up = sh('bash', [path.join(PEERS, 'docker-up.sh'), host.ns, '--bridge', 'none', '--iptables=false']);
  assert.equal(up.code, 0, up.stderr);
  await until('the old endpoints to leave cnm', () => Object.keys(inspect(cnmNet).Containers ?? {}).length === 0, 60_000);
  mustDocker('start', 'gamma');
  assert.equal(Object.keys(inspect(cnmNet).Containers ?? {}).length, 1, 'a restarted container is one endpoint again');
  mustDocker('rm', '-f', 'gamma', 'delta');
  mustDocker('network', 'rm', 'rnet');
  assert.notEqual(host.cnm('network', 'inspect', cnmNet).code, 0);
});
